"""The program admin's form of a new availability policy version."""

from django import forms
from django.utils.translation import gettext_lazy as _

from availability.models import DEFAULT_DAILY_LIMIT, WhoMayCheck


class AvailabilityPolicyForm(forms.Form):
    enabled = forms.BooleanField(label=_("Partners may run private availability checks"), required=False)
    who = forms.ChoiceField(
        label=_("Who may run them"), choices=WhoMayCheck.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    show_dates = forms.BooleanField(label=_("Say until when another registration protects a customer"), required=False)
    counts_only = forms.BooleanField(
        label=_("Counts only: how many prospects in each answer, never which"), required=False
    )
    daily_limit = forms.IntegerField(
        label=_("Prospects a partner may check a day"),
        min_value=1,
        max_value=100_000,
        initial=DEFAULT_DAILY_LIMIT,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
