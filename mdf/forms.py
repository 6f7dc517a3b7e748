"""Page forms of the MDF app; business rules stay in mdf.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mdf.files import ALLOWED as ALLOWED_PROOF
from mdf.files import check_proof_file
from mdf.models import MDF_ACCESS_SETTING_LABEL, ActivityType, MdfRequesters
from mdf.validation import validate_positive_amount
from prm import inputs
from prm.forms import BootstrapFormMixin, KeepUploadsMixin, MultipleFileField
from prm.money import to_money

PROOF_ACCEPT = ",".join(sorted(ALLOWED_PROOF))

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
# What a request or a claim asks for: above zero (mdf.validation).
ASKED = MONEY | {"validators": [validate_positive_amount]}


class DateInput(forms.DateInput):
    input_type = "date"


class RequestForm(BootstrapFormMixin, forms.Form):
    activity_type = forms.ModelChoiceField(queryset=ActivityType.objects.filter(active=True), label=_("Activity"))
    title = inputs.SingleLineCharField(max_length=200, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Description"))
    start_date = inputs.DateField(widget=DateInput, label=_("Start date"))
    end_date = inputs.DateField(widget=DateInput, label=_("End date"))
    total_cost = forms.DecimalField(**ASKED, label=_("Total cost"))
    requested_amount = forms.DecimalField(**ASKED, label=_("Requested MDF"))
    expected_leads = forms.IntegerField(min_value=0, max_value=10**9, required=False, label=_("Expected leads"))


class ClaimForm(KeepUploadsMixin, BootstrapFormMixin, forms.Form):
    upload_checks = {"proof": check_proof_file}

    actual_cost = forms.DecimalField(**ASKED, label=_("Actual cost"))
    claimed_amount = forms.DecimalField(**ASKED, label=_("Amount claimed"))
    leads = forms.IntegerField(min_value=0, max_value=10**9, required=False, label=_("Leads"))
    attendees = forms.IntegerField(min_value=0, max_value=10**9, required=False, label=_("Attendees"))
    results = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Results"))
    proof = MultipleFileField(
        label=_("Proof of performance"), help_text=_("PDF, PNG, JPEG or CSV; one or more files."), accept=PROOF_ACCEPT
    )


class ApproveForm(BootstrapFormMixin, forms.Form):
    """Empty: the amount asked for (the service's default); otherwise above zero, converted to money."""

    approved_amount = forms.DecimalField(**ASKED, required=False, label=_("Amount to approve"))

    def clean_approved_amount(self):
        amount = self.cleaned_data["approved_amount"]
        return None if amount is None else to_money(amount)


class PayForm(BootstrapFormMixin, forms.Form):
    payment_reference = forms.CharField(max_length=120, label=_("Payment reference"))


class AnswerForm(KeepUploadsMixin, BootstrapFormMixin, forms.Form):
    upload_checks = {"proof": check_proof_file}

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("Your answer"))
    proof = MultipleFileField(label=_("More files"), required=False, accept=PROOF_ACCEPT)


class AllocationForm(BootstrapFormMixin, forms.Form):
    partner = forms.IntegerField(min_value=1, widget=forms.NumberInput, label=_("Partner id"))
    amount = forms.DecimalField(**MONEY, label=_("Amount"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("Reason"))


class ActivityTypeForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ActivityType
        fields = ["name", "description", "reimbursement_rate", "proof_required", "preapproval_required", "active"]
        labels = {
            "name": _("Name"),
            "description": _("Description"),
            "reimbursement_rate": _("Reimbursement rate"),
            "proof_required": _("Proof required"),
            "preapproval_required": _("Pre-approval required"),
            "active": _("Active"),
        }


class MdfAccessForm(forms.Form):
    """The partner admin's MDF access setting on the team page (the rule: mdf.services.requester_refusal)."""

    requesters = forms.ChoiceField(
        choices=MdfRequesters.choices,
        label=MDF_ACCESS_SETTING_LABEL,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
