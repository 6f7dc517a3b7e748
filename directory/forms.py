"""Forms of the directory: the public search and request forms, the partner's listing, the routing rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from deals.models import RoutingRule
from enablement.models import Certification
from partners.models import PartnerType, Region, Specialisation, Tier, Vertical
from prm.forms import BootstrapFormMixin

LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("fr", _("French")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
    ("nl", _("Dutch")),
    ("ja", _("Japanese")),
]
ANY = [("", _("Any"))]


class SearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Name"))
    country = forms.ChoiceField(required=False, label=_("Country"))
    region = forms.ChoiceField(required=False, choices=ANY + list(Region.choices), label=_("Region"))
    partner_type = forms.ChoiceField(required=False, choices=ANY + list(PartnerType.choices), label=_("Type"))
    tier = forms.ModelChoiceField(required=False, queryset=Tier.objects.none(), label=_("Tier"), empty_label=_("Any"))
    specialisation = forms.ChoiceField(
        required=False, choices=ANY + list(Specialisation.choices), label=_("Specialisation")
    )
    industry = forms.ChoiceField(required=False, choices=ANY + list(Vertical.choices), label=_("Industry"))
    certification = forms.ModelChoiceField(
        required=False, queryset=Certification.objects.none(), label=_("Certification held"), empty_label=_("Any")
    )
    language = forms.ChoiceField(required=False, choices=ANY + LANGUAGES, label=_("Language"))
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = ANY + list(countries)
        self.fields["tier"].queryset = Tier.objects.filter(directory_listing=True).order_by("rank")
        self.fields["certification"].queryset = Certification.objects.filter(active=True).order_by("name")


class RequestForm(BootstrapFormMixin, forms.Form):
    """The "Contact a partner" and "Find me a partner" forms: `website_url` is a honeypot people never see or fill."""

    name = forms.CharField(max_length=200, label=_("Your name"))
    email = forms.EmailField(max_length=254, label=_("Your work e-mail"))
    company = forms.CharField(max_length=200, label=_("Company"))
    country = forms.ChoiceField(choices=countries, label=_("Country"))
    specialisation = forms.ChoiceField(
        required=False, choices=ANY + list(Specialisation.choices), label=_("What do you need?")
    )
    product = forms.CharField(required=False, max_length=200, label=_("Product of interest"))
    message = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), label=_("Message"))
    website_url = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website_url"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_website_url(self):
        if self.cleaned_data.get("website_url"):
            raise forms.ValidationError(_("This field must stay empty."))
        return ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ListingForm(BootstrapFormMixin, forms.Form):
    published = forms.BooleanField(required=False, label=_("Publish my listing in the partner directory"))
    headline = forms.CharField(required=False, max_length=160, label=_("Headline"))
    description = forms.CharField(
        required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 4}), label=_("Description")
    )
    logo_url = forms.URLField(required=False, max_length=300, assume_scheme="https", label=_("Logo address (https)"))
    services = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Services, one per line")
    )
    references = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("References to publish, one per line: customer: what you did"),
    )
    specialisations = forms.MultipleChoiceField(
        required=False, choices=Specialisation.choices, widget=forms.CheckboxSelectMultiple, label=_("Specialisations")
    )
    languages = forms.MultipleChoiceField(
        required=False, choices=LANGUAGES, widget=forms.CheckboxSelectMultiple, label=_("Languages")
    )
    show_certifications = forms.BooleanField(required=False, label=_("Show our certifications"))
    show_response_time = forms.BooleanField(required=False, label=_("Show our median lead response time"))
    show_satisfaction = forms.BooleanField(required=False, label=_("Show our customer satisfaction"))

    def clean_logo_url(self):
        url = self.cleaned_data.get("logo_url", "")
        if url and not url.startswith("https://"):
            raise forms.ValidationError(_("The logo must be served over https."))
        return url

    def clean_services(self):
        return _lines(self.cleaned_data.get("services"))[:20]

    def clean_references(self):
        references = []
        for line in _lines(self.cleaned_data.get("references"))[:10]:
            customer, _sep, summary = line.partition(":")
            references.append({"customer": customer.strip()[:120], "summary": summary.strip()[:300]})
        return references

    @classmethod
    def initial_of(cls, listing, partner) -> dict:
        return {
            "published": listing.published,
            "headline": listing.headline,
            "description": listing.description,
            "logo_url": listing.logo_url,
            "services": "\n".join(listing.services),
            "references": "\n".join(f"{r['customer']}: {r['summary']}" for r in listing.references),
            "specialisations": partner.specialisations,
            "languages": partner.languages,
            "show_certifications": listing.show_certifications,
            "show_response_time": listing.show_response_time,
            "show_satisfaction": listing.show_satisfaction,
        }


class CodesField(forms.CharField):
    """A comma-separated list of codes, upper- or lower-cased."""

    def __init__(self, *args, upper=False, **kwargs):
        self.upper = upper
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        items = [v.strip() for v in (value or "").split(",") if v.strip()]
        return [v.upper() if self.upper else v for v in items]


class RoutingRuleForm(BootstrapFormMixin, forms.ModelForm):
    countries = CodesField(upper=True, label=_("Customer countries (ISO codes, comma-separated; empty: any)"))
    products = CodesField(label=_("Products (comma-separated; empty: any)"))
    specialisations = forms.MultipleChoiceField(
        required=False, choices=Specialisation.choices, widget=forms.CheckboxSelectMultiple, label=_("Specialisations")
    )
    regions = forms.MultipleChoiceField(
        required=False, choices=Region.choices, widget=forms.CheckboxSelectMultiple, label=_("Partner regions")
    )
    partner_types = forms.MultipleChoiceField(
        required=False, choices=PartnerType.choices, widget=forms.CheckboxSelectMultiple, label=_("Partner types")
    )

    class Meta:
        model = RoutingRule
        fields = [
            "name", "priority", "countries", "specialisations", "products", "min_amount", "max_amount", "currency",
            "regions", "partner_types", "same_country", "strategy", "capacity", "min_acceptance", "sla_hours",
            "max_hops",
        ]  # fmt: skip

    def clean_countries(self):
        codes = self.cleaned_data["countries"]
        wrong = [c for c in codes if c not in dict(countries)]
        if wrong:
            raise forms.ValidationError(_("Unknown country codes: %(codes)s") % {"codes": ", ".join(wrong)})
        return codes
