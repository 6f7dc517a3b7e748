"""Page forms of the MDF app; business rules stay in mdf.services."""

from django import forms

from mdf.files import ALLOWED_LABEL
from mdf.models import ActivityType
from prm.forms import BootstrapFormMixin

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class DateInput(forms.DateInput):
    input_type = "date"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by mdf.files in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class RequestForm(BootstrapFormMixin, forms.Form):
    activity_type = forms.ModelChoiceField(queryset=ActivityType.objects.filter(active=True), label="Activity")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    start_date = forms.DateField(widget=DateInput)
    end_date = forms.DateField(widget=DateInput)
    total_cost = forms.DecimalField(**MONEY, label="Total cost")
    requested_amount = forms.DecimalField(**MONEY, label="Requested MDF")
    expected_leads = forms.IntegerField(min_value=0, max_value=10**9, required=False)


class ClaimForm(BootstrapFormMixin, forms.Form):
    actual_cost = forms.DecimalField(**MONEY, label="Actual cost")
    claimed_amount = forms.DecimalField(**MONEY, label="Amount claimed")
    leads = forms.IntegerField(min_value=0, max_value=10**9, required=False)
    attendees = forms.IntegerField(min_value=0, max_value=10**9, required=False)
    results = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    proof = MultipleFileField(label="Proof of performance", help_text=f"{ALLOWED_LABEL}; one or more files.")


class ApproveForm(BootstrapFormMixin, forms.Form):
    approved_amount = forms.DecimalField(**MONEY, required=False, label="Amount to approve")


class PayForm(BootstrapFormMixin, forms.Form):
    payment_reference = forms.CharField(max_length=120)


class AnswerForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="Your answer")
    proof = MultipleFileField(label="More files", required=False)


class AllocationForm(BootstrapFormMixin, forms.Form):
    partner = forms.IntegerField(min_value=1, widget=forms.NumberInput, label="Partner id")
    amount = forms.DecimalField(**MONEY)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ActivityTypeForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ActivityType
        fields = ["name", "description", "reimbursement_rate", "proof_required", "preapproval_required", "active"]
