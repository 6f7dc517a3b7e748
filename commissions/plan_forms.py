"""Forms of Settings > Commission plans (docs/settings.md)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commissions.forms import RATE_HELP
from commissions.models import CommissionPlan, CommissionRule, RuleKind
from prm import inputs
from prm.forms import BootstrapFormMixin


class PlanForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CommissionPlan
        fields = ["name", "partner_type", "description", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"active": _("An inactive plan pays nothing on deals closed while it is off.")}


class RuleForm(BootstrapFormMixin, forms.ModelForm):
    billing_months = forms.TypedChoiceField(
        coerce=int,
        choices=[(1, _("Monthly")), (3, _("Quarterly")), (6, _("Half-yearly")), (12, _("Yearly"))],
        initial=12,
        label=_("Billing period"),
        help_text=_("Recurring rules: how often the customer is billed."),
    )
    valid_from = inputs.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("In force from"))

    class Meta:
        model = CommissionRule
        fields = [
            "name",
            "kind",
            "min_tier",
            "max_tier",
            "rate",
            "flat_amount",
            "currency",
            "billing_months",
            "term_months",
            "cap_per_entry",
            "cap_per_partner_period",
            "cap_period",
            "valid_from",
        ]
        help_texts = {"rate": RATE_HELP}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == RuleKind.BOUNTY and data.get("flat_amount") is None:
            self.add_error("flat_amount", _("A bounty needs its amount."))
        if kind and kind != RuleKind.BOUNTY and data.get("rate") is None:
            self.add_error("rate", _("Enter the rate."))
        if data.get("rate") is not None and data["rate"] > 1:
            self.add_error("rate", RATE_HELP)
        low, high = data.get("min_tier"), data.get("max_tier")
        if low and high and low.rank > high.rank:
            self.add_error("max_tier", _("The highest tier must rank at or above the lowest."))
        return data


class EndRuleForm(BootstrapFormMixin, forms.Form):
    last_day = inputs.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("Last day in force"),
        help_text=_("Deals closed up to this day keep the rule's terms."),
    )
