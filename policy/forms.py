"""Forms of the policy pages; the rules themselves are checked by policy.services.clean_rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policy.models import DirectAccountHandling
from prm import inputs


def _number(label, help_text="", low=0, high=3650):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )


class PolicyForm(forms.Form):
    """The editable rules of a draft, one protection field per tier."""

    default_protection_days = _number(_("Protection days for other tiers"), low=1)
    extension_days = _number(_("Extension (days)"), _("The one extension a partner may ask for."), high=365)
    match_threshold = _number(_("Match threshold"), _("Score (0-100) from which two customers are the same."), 1, 100)
    possible_match_threshold = _number(
        _("Possible-match threshold"), _("Score from which a registration goes to manual review."), 1, 100
    )
    direct_account_handling = forms.ChoiceField(
        label=_("Direct accounts"),
        choices=DirectAccountHandling.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    approval_sla_business_days = _number(
        _("Approval SLA (business days)"), _("How long a registration may wait for a decision."), 1, 60
    )
    incumbency_days = _number(
        _("Incumbency (days)"),
        _(
            "For this many days after a partner wins a customer, another partner's registration of it goes to "
            "review. 0 switches the rule off."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def __init__(self, *args, tiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tiers = list(tiers)
        for tier in self.tiers:
            self.fields[f"protection_days_{tier.pk}"] = _number(
                _("Protection days: %(tier)s") % {"tier": tier.name}, low=1
            )

    @classmethod
    def initial_for(cls, policy, tiers) -> dict:
        initial = {**policy.rules(), "notes": policy.notes}
        for tier in tiers:
            initial[f"protection_days_{tier.pk}"] = policy.protection_days_for(tier.pk)
        return initial

    def tier_fields(self):
        return [self[f"protection_days_{tier.pk}"] for tier in self.tiers]

    def rule_fields(self):
        return [self[name] for name in self.fields if not name.startswith("protection_days_") and name != "notes"]

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("protection_days_")}
        data["protection_days_by_tier"] = {
            str(tier.pk): self.cleaned_data[f"protection_days_{tier.pk}"] for tier in self.tiers
        }
        return data


class PublishForm(forms.Form):
    effective_from = inputs.DateField(
        label=_("Effective from"),
        help_text=_("Today means now. Registrations decided before keep the version they were decided under."),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    confirm = forms.BooleanField(label=_("Publish even though the simulation is missing or stale"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"effective_from": timezone.localdate().isoformat()})
        super().__init__(*args, **kwargs)
