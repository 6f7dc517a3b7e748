from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import PartnerFunction, Role, User
from partners.models import (
    Application,
    OnboardingStep,
    OppCriterion,
    Partner,
    PartnerStatus,
    PartnerType,
    Region,
    Tier,
    TierOverrideDecision,
    Vertical,
)
from partners.recruiting import normalise_domain
from prm import inputs
from prm.forms import BootstrapFormMixin


class PartnerProfileForm(BootstrapFormMixin, forms.ModelForm):
    verticals = forms.MultipleChoiceField(
        choices=Vertical.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Verticals")
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "legal_name",
            "website_domain",
            "partner_type",
            "country",
            "region",
            "verticals",
            "employee_count",
            "phone",
            "address",
            "description",
            "external_crm_id",
        ]
        labels = {
            "name": _("Name"),
            "legal_name": _("Legal name"),
            "website_domain": _("Website domain"),
            "partner_type": _("Partner type"),
            "country": _("Country"),
            "region": _("Region"),
            "employee_count": _("Employee count"),
            "phone": _("Phone"),
            "address": _("Address"),
            "description": _("Description"),
            "external_crm_id": _("External CRM id"),
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, editable_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in editable_fields:
                del self.fields[name]

    def clean_website_domain(self):
        domain = self.cleaned_data["website_domain"].strip().lower()
        for prefix in ("https://", "http://", "www."):
            domain = domain.removeprefix(prefix)
        return domain.split("/")[0]


class InviteForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(choices=access.partner_role_choices, initial=Role.PARTNER_USER, label=_("Role"))
    partner_function = forms.ChoiceField(choices=PartnerFunction.choices, required=False, label=_("Function"))


def reason_field(help_text) -> forms.CharField:
    """A required reason someone else reads (`help_text` says who)."""
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("Reason"), help_text=help_text
    )


def channel_manager_field(empty_label) -> forms.ModelChoiceField:
    """An optional choice among the active channel managers (a query by role: data, not a permission)."""
    return forms.ModelChoiceField(
        queryset=User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True),
        required=False,
        empty_label=empty_label,
        label=_("Channel manager"),
    )


class TierChangeForm(BootstrapFormMixin, forms.Form):
    tier = forms.ModelChoiceField(queryset=Tier.objects.ranked(), empty_label=None, label=_("Tier"))
    reason = reason_field(_("The partner sees this reason."))


class ChannelManagerForm(BootstrapFormMixin, forms.Form):
    channel_manager = channel_manager_field(_("— none —"))


class StatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(choices=PartnerStatus.choices, label=_("Status"))
    reason = forms.CharField(required=False, max_length=2000, label=_("Reason"))


class MemberRoleForm(BootstrapFormMixin, forms.Form):
    # The team table's "Make admin" / "Make user" buttons post these values.
    ADMIN = Role.PARTNER_ADMIN.value
    USER = Role.PARTNER_USER.value

    role = forms.ChoiceField(
        choices=[(Role.PARTNER_ADMIN.value, _("Partner admin")), (Role.PARTNER_USER.value, _("Partner user"))],
        label=_("Role"),
    )


# --- Recruiting -------------------------------------------------------------------------------------


class ApplicationForm(BootstrapFormMixin, forms.ModelForm):
    """The public "Partner with us" form; `website_url` is a honeypot that people never see or fill."""

    website_url = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = Application
        fields = ["company_name", "website", "contact_name", "contact_email", "country", "partner_type", "description"]
        labels = {
            "company_name": _("Company name"),
            "website": _("Company website"),
            "contact_name": _("Your name"),
            "contact_email": _("Your work e-mail"),
            "country": _("Country"),
            "partner_type": _("How would you partner with us?"),
            "description": _("Tell us about your company, customers and plans with us"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website_url"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["description"].required = True

    def clean_website_url(self):
        if self.cleaned_data.get("website_url"):
            raise forms.ValidationError(_("This field must stay empty."))
        return ""

    def clean_website(self):
        website = self.cleaned_data["website"].strip()
        if "." not in normalise_domain(website):
            raise forms.ValidationError(_("Enter your company's website, e.g. example.com."))
        return website


class ScoreForm(forms.Form):
    """One 1-5 choice per active OPP criterion, grouped fit / willingness in the template."""

    CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]

    def __init__(self, *args, criteria, initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        initial_values = initial_values or {}
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                choices=self.CHOICES,
                coerce=int,
                label=criterion.name,
                help_text=(
                    _("%(description)s (weight %(weight)s)")
                    % {"description": criterion.description, "weight": criterion.weight}
                ).strip(),
                initial=initial_values.get(criterion.pk),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def grouped(self):
        groups = {}
        for criterion in self.criteria:
            groups.setdefault(criterion.get_group_display(), []).append(self[f"criterion_{criterion.pk}"])
        return groups.items()

    def values(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class ApproveForm(BootstrapFormMixin, forms.Form):
    partner_type = forms.ChoiceField(choices=PartnerType.choices, label=_("Partner type"))
    region = forms.ChoiceField(choices=Region.choices, label=_("Region"))
    channel_manager = channel_manager_field(_("— me —"))


class RejectForm(BootstrapFormMixin, forms.Form):
    reason = reason_field(_("E-mailed to the applicant."))


class OppCriterionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = OppCriterion
        fields = ["group", "name", "description", "weight", "position", "active"]
        labels = {
            "group": _("Group"),
            "name": _("Name"),
            "description": _("Description"),
            "weight": _("Weight"),
            "position": _("Position"),
            "active": _("Active"),
        }


class OnboardingStepForm(BootstrapFormMixin, forms.ModelForm):
    partner_types = forms.MultipleChoiceField(
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Partner types"),
        help_text=_("None: every type."),
    )

    class Meta:
        model = OnboardingStep
        fields = ["kind", "title", "description", "partner_types", "position", "active"]
        labels = {
            "kind": _("Kind"),
            "title": _("Title"),
            "description": _("Description"),
            "position": _("Position"),
            "active": _("Active"),
        }


# --- Onboarding, plans, tiers -----------------------------------------------------------------------


class BusinessPlanForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(max_length=7, label=_("Period"), help_text=_("Quarter, e.g. 2026-Q4."))
    sourced_bookings_target = forms.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, label=_("Sourced bookings target")
    )
    registered_deals_target = forms.IntegerField(min_value=0, label=_("Registered deals target"))
    certified_people_target = forms.IntegerField(min_value=0, label=_("Certified people target"))
    co_marketing_activities_target = forms.IntegerField(min_value=0, label=_("Co-marketing activities target"))
    partner_owner = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Partner owner"))
    vendor_owner = forms.ModelChoiceField(
        queryset=User.objects.filter(role__in=[Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN], is_active=True),
        label=_("Vendor owner"),
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Notes"))

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_owner"].queryset = User.objects.filter(partner=partner, is_active=True)


class CheckInForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, label=_("Note"))
    co_marketing_activities_done = forms.IntegerField(
        min_value=0,
        required=False,
        label=_("Co-marketing activities done"),
    )


class ReferenceImplementationForm(BootstrapFormMixin, forms.Form):
    customer_name = forms.CharField(max_length=200, label=_("Customer name"))
    completed_on = inputs.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Completed on"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Description"))


class TierOverrideForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=TierOverrideDecision.choices, label=_("Decision"))
    to_tier = forms.ModelChoiceField(
        queryset=Tier.objects.ranked(), required=False, empty_label="—", label=_("To tier")
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("Reason"))


class TierReviewForm(BootstrapFormMixin, forms.Form):
    period = forms.CharField(max_length=7, label=_("Period"), help_text=_("Quarter, e.g. 2026-Q4."))
