"""Editing the program's tiers from Settings (docs/settings.md): a tier's name, rank, description, benefits and
its requirements (one minimum per metric). Tiers are never deleted: partners and reviews point at them."""

from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import access
from partners.models import RequirementMetric, Tier, TierRequirement
from prm.audit import record_audit
from prm.forms import BootstrapFormMixin

TIER_FIELDS = ["name", "rank", "description", "advisory_board_eligible", "extra_benefits"]


def requirement_field(metric: str) -> str:
    return f"requirement_{metric}"


class TierForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=50, label=_("Name"))
    rank = forms.IntegerField(min_value=0, max_value=32767, label=_("Rank"), help_text=_("0 is the entry tier."))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Description"))
    advisory_board_eligible = forms.BooleanField(required=False, label=_("Advisory board seat"))
    extra_benefits = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Further benefits"),
        help_text=_("One short phrase per line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in RequirementMetric.choices:
            self.fields[requirement_field(value)] = forms.DecimalField(
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                label=label,
                help_text=_("Minimum over the trailing 12 months; empty: not required."),
            )
            self.fields[requirement_field(value)].widget.attrs["class"] = "form-control"

    @staticmethod
    def initial_for(tier: Tier) -> dict:
        initial = {name: getattr(tier, name) for name in TIER_FIELDS}
        initial["extra_benefits"] = "\n".join(tier.extra_benefits or [])
        for requirement in tier.requirements.all():
            initial[requirement_field(requirement.metric)] = requirement.minimum
        return initial

    def clean_extra_benefits(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["extra_benefits"].splitlines() if line.strip()]

    def tier_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in TIER_FIELDS}

    def requirements(self) -> dict[str, Decimal | None]:
        return {value: self.cleaned_data.get(requirement_field(value)) for value in RequirementMetric.values}


def save_tier(*, actor, tier: Tier | None, values: dict, requirements: dict[str, Decimal | None]) -> Tier:
    """Create or change a tier and set its requirements (a metric without a minimum is no longer required).
    A clash of name or rank is a field error (ValidationError), never a database error."""
    access.require(actor, "partners.edit_tiers", standing=False)
    with transaction.atomic():
        created = tier is None
        tier = Tier() if created else Tier.objects.select_for_update().get(pk=tier.pk)
        before = {name: getattr(tier, name) for name in TIER_FIELDS}
        for name, value in values.items():
            setattr(tier, name, value)
        tier.full_clean()
        tier.save()
        changes = {name: [str(before[name]), str(values[name])] for name in values if before[name] != values[name]}
        current = {r.metric: r for r in TierRequirement.objects.filter(tier=tier)}
        for metric, minimum in requirements.items():
            existing = current.get(metric)
            if minimum is None and existing is not None:
                existing.delete()
                changes[metric] = [str(existing.minimum), ""]
            elif minimum is not None and (existing is None or existing.minimum != minimum):
                TierRequirement.objects.update_or_create(tier=tier, metric=metric, defaults={"minimum": minimum})
                changes[metric] = [str(existing.minimum) if existing else "", str(minimum)]
        record_audit(actor=actor, obj=tier, action="create" if created else "update", changes=changes)
    return tier
