"""Forms of the commission pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commissions.models import Spiff, SpiffKind
from partners.models import Partner, PartnerType, Tier
from prm import inputs
from prm.forms import BootstrapFormMixin
from prm.money import CurrencyFormField


class AdjustmentForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.order_by("name"), label=_("Partner"))
    amount = forms.DecimalField(
        max_digits=14, decimal_places=2, label=_("Amount"), help_text=_("Negative to take money back.")
    )
    currency = CurrencyFormField(initial="USD")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Reason"))


class BatchForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.order_by("name"), label=_("Partner"))
    currency = CurrencyFormField(required=False)


RATE_HELP = _("A fraction: 0.0500 is 5 %.")


class SpiffForm(BootstrapFormMixin, forms.ModelForm):
    """A spiff's terms; the view saves it through services.save_spiff (program admins, audited)."""

    partner_types = forms.MultipleChoiceField(
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Partner types"),
        help_text=_("None ticked: every partner type."),
    )
    products = forms.CharField(
        required=False,
        max_length=1000,
        label=_("Products"),
        help_text=_("Comma-separated product names; empty: any product."),
    )

    class Meta:
        model = Spiff
        fields = [
            *Spiff.TERMS,
            "min_tier",
            "partner_types",
            "products",
            "min_deal_amount",
            "active",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        field_classes = {"starts_on": inputs.DateField, "ends_on": inputs.DateField}
        help_texts = {
            "rate": _("A fraction: 0.0500 is 5 %. Extra-rate spiffs only."),
            "flat_amount": _("Flat spiffs only."),
        }
        labels = {
            "name": _("Name"),
            "kind": _("Kind"),
            "rate": _("Rate"),
            "flat_amount": _("Flat amount"),
            "currency": _("Currency"),
            "starts_on": _("Starts on"),
            "ends_on": _("Ends on"),
            "min_tier": _("Minimum tier"),
            "min_deal_amount": _("Minimum deal amount"),
            "active": _("Active"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_tier"].queryset = Tier.objects.order_by("rank")
        if self.instance.pk and not self.is_bound:
            self.initial["products"] = ", ".join(self.instance.products or [])

    def clean_products(self):
        return [p.strip() for p in self.cleaned_data["products"].split(",") if p.strip()]

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").upper()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == SpiffKind.EXTRA_RATE and data.get("rate") is None:
            self.add_error("rate", _("An extra-rate spiff needs a rate."))
        if kind == SpiffKind.FLAT and data.get("flat_amount") is None:
            self.add_error("flat_amount", _("A flat spiff needs an amount."))
        if data.get("rate") is not None and data["rate"] > 1:
            self.add_error("rate", _("Enter the rate as a fraction: 0.0500 is 5 %."))
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The spiff must end on or after its first day."))
        return data


class ContestForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=120, label=_("Name"))
    period = forms.CharField(
        max_length=7, label=_("Period"), help_text=_("A quarter like 2026-Q4 or a month like 2026-11.")
    )
    min_deal_amount = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        label=_("Minimum deal amount"),
        help_text=_("Deals of at least this amount count."),
    )
    bonus_rate = forms.DecimalField(
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=1,
        label=_("Bonus rate"),
        help_text=_("A fraction: 0.0500 is 5 %. Paid on the winner's commissions."),
    )
    currency = CurrencyFormField(initial="USD")

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()


class RuleRateForm(BootstrapFormMixin, forms.Form):
    """A new rate (or bounty amount) from a day on: the rule is closed the day before and a successor added."""

    rate = forms.DecimalField(
        max_digits=7, decimal_places=4, min_value=0, max_value=1, required=False, label=_("Rate"), help_text=RATE_HELP
    )
    flat_amount = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, label=_("Bounty amount")
    )
    effective_from = inputs.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("Effective from"),
        help_text=_("First day of the new terms."),
    )

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        if rule.rate is None:
            del self.fields["rate"]
        if rule.flat_amount is None:
            del self.fields["flat_amount"]

    def clean(self):
        data = super().clean()
        if data.get("rate") is None and data.get("flat_amount") is None and not self.errors:
            field = "rate" if "rate" in self.fields else "flat_amount"
            self.add_error(field, _("Enter the new value."))
        if (
            data.get("rate") is not None
            and data["rate"] == self.rule.rate
            and data.get("flat_amount") in (None, self.rule.flat_amount)
        ):
            self.add_error("rate", _("That is the current rate."))
        return data
