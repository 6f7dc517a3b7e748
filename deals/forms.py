from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from deals import sourcing, validation
from deals.models import DealType, InfluenceKind
from partners.models import Partner
from prm import inputs
from prm.forms import BootstrapFormMixin
from prm.money import CurrencyFormField, to_money


class RegistrationForm(BootstrapFormMixin, forms.Form):
    customer_name = inputs.SingleLineCharField(max_length=200, label=_("Customer company"))
    customer_domain = forms.CharField(
        max_length=253,
        required=False,
        validators=[validation.validate_customer_domain],
        label=_("Customer web domain"),
        help_text=_("e.g. example.com"),
    )
    customer_country = forms.ChoiceField(choices=[], label=_("Customer country"))
    contact_name = forms.CharField(max_length=200, required=False, label=_("Contact name"))
    contact_email = forms.EmailField(required=False, label=_("Contact email"))
    product = forms.CharField(max_length=200, required=False, label=_("Product"))
    deal_type = forms.ChoiceField(choices=DealType.choices, label=_("Deal type"))
    amount = forms.DecimalField(
        max_digits=14, decimal_places=2, validators=[validation.validate_amount], label=_("Estimated value")
    )
    currency = CurrencyFormField(initial="USD")
    expected_close_date = inputs.DateField(
        required=False,
        validators=[validation.validate_not_past],
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("Expected close date"),
    )
    mdf_request = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Sourced by an MDF activity"), empty_label=_("— none —")
    )

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        activities = sourcing.activities_of(partner)
        if activities is None:
            del self.fields["mdf_request"]
        else:
            self.fields["mdf_request"].queryset = activities
        self.fields["customer_country"].choices = [("", "—"), *countries]
        for name in ("customer_name", "customer_domain", "customer_country"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": "/deals/new/hint/",
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-target": "#registration-hint",
                    "hx-include": "#id_customer_name, #id_customer_domain, #id_customer_country",
                }
            )


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note"))


class WonForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(
        max_digits=14, decimal_places=2, validators=[validation.validate_amount], label=_("Amount")
    )
    close_date = inputs.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Close date"))
    close_date_reason = forms.CharField(
        max_length=2000,
        required=False,
        label=_("Reason for a close date before the registration"),
        help_text=_("Channel managers only; recorded in the deal's history."),
    )

    def clean_amount(self):
        return to_money(self.cleaned_data["amount"])


class InfluenceForm(BootstrapFormMixin, forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.order_by("name"), label=_("Partner"))
    kind = forms.ChoiceField(choices=InfluenceKind.choices, label=_("Kind"))


class LeadForm(BootstrapFormMixin, forms.Form):
    customer_name = forms.CharField(max_length=200, label=_("Customer name"))
    customer_domain = forms.CharField(max_length=253, required=False, label=_("Customer domain"))
    customer_country = forms.ChoiceField(choices=[], label=_("Customer country"))
    contact_name = forms.CharField(max_length=200, required=False, label=_("Contact name"))
    contact_email = forms.EmailField(required=False, label=_("Contact email"))
    product = forms.CharField(max_length=200, required=False, label=_("Product"))
    amount = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, validators=[validation.validate_amount], label=_("Amount")
    )
    currency = CurrencyFormField(initial="USD")
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.order_by("name"),
        required=False,
        label=_("Partner"),
        help_text=_("Assign now (optional)."),
    )
    notes = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Notes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer_country"].choices = [("", "—"), *countries]

    def clean_amount(self):
        return self.cleaned_data["amount"] or Decimal("0.00")


class AssignForm(BootstrapFormMixin, forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.order_by("name"), label=_("Partner"))


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Columns: name, domain, country, kind, owner_email"))
    dry_run = forms.BooleanField(required=False, initial=True, label=_("Dry run (check only, change nothing)"))
