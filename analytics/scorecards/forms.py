"""Filters and forms of the scorecard, rating, weights, alert-rule and at-risk pages."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from analytics.models import AlertKind, AlertRule, CriterionSource
from analytics.scorecards.scoring import quarter
from analytics.scorecards.services import note_field, rating_field
from partners.models import PartnerType, Region, Tier
from prm.forms import BootstrapFormMixin

RATING_CHOICES = [("", "—"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]


def validate_quarter(value: str) -> None:
    try:
        quarter(value)
    except ValueError as error:
        raise forms.ValidationError(str(error)) from None


class PartnerFilters(django_filters.FilterSet):
    """Tier, type, region, channel manager and a search box: shared by the scorecard and at-risk lists."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    tier = django_filters.ModelChoiceFilter(queryset=Tier.objects.all(), label=_("Tier"))
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices, label=_("Type"))
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("Region"))
    channel_manager = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True), label=_("Channel manager")
    )

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(website_domain__icontains=value)) if value else queryset


class ScorecardFilter(PartnerFilters):
    # The period picks which scores the rows carry (the view annotates them); here it is only validated.
    period = django_filters.CharFilter(method="keep", label=_("Quarter"), validators=[validate_quarter])
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("score", "score"), ("previous", "previous"), ("delta", "change")),
        field_labels={
            "name": _("Name"),
            "score": _("Score"),
            "previous": _("Previous"),
            "delta": _("Change"),
            "-name": _("Name (descending)"),
            "-score": _("Score (descending)"),
            "-previous": _("Previous (descending)"),
            "-change": _("Change (descending)"),
        },
        label=_("Sort"),
    )

    def keep(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Partners without a score sort last whichever way the scores are ordered.
        ordering = self.form.cleaned_data.get("ordering") or []
        if ordering and ordering[0].lstrip("-") in ("score", "previous", "delta"):
            key = ordering[0].lstrip("-")
            expression = F(key).desc(nulls_last=True) if ordering[0].startswith("-") else F(key).asc(nulls_last=True)
            queryset = queryset.order_by(expression, "name", "pk")
        return queryset


def alert_choices():
    """The alert rules as their pages name them, threshold included ("Certifications expiring within 30 days")."""
    rules = {rule.kind: rule.label for rule in AlertRule.objects.all()}
    return [(kind, rules.get(kind, label)) for kind, label in AlertKind.choices]


class AtRiskFilter(PartnerFilters):
    book = django_filters.ChoiceFilter(
        choices=[("mine", _("My partners")), ("all", _("All partners"))],
        method="filter_book",
        label=_("Book"),
        empty_label=None,
    )
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices, method="filter_kind", label=_("Alert"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = alert_choices()

    def filter_book(self, queryset, name, value):
        return queryset.filter(channel_manager=self.request.user) if value == "mine" else queryset

    def filter_kind(self, queryset, name, value):
        return queryset.filter(alerts__rule__kind=value, alerts__resolved_at__isnull=True).distinct()


class RatingPeriodForm(forms.Form):
    period = forms.CharField(validators=[validate_quarter])


class RatingGridForm(forms.Form):
    """One 1-5 select and one note per partner and rated criterion of a page of the grid."""

    def __init__(self, *args, partners, criteria, initial_ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners, self.criteria = partners, criteria
        initial_ratings = initial_ratings or {}
        for partner in partners:
            for criterion in criteria:
                current = initial_ratings.get((partner.pk, criterion.pk))
                self.fields[rating_field(partner.pk, criterion.pk)] = forms.ChoiceField(
                    choices=RATING_CHOICES,
                    required=False,
                    label=f"{partner.name}: {criterion.name}",
                    initial=str(current.rating) if current else "",
                )
                self.fields[note_field(partner.pk, criterion.pk)] = forms.CharField(
                    max_length=300,
                    required=False,
                    label=_("Note on %(criterion)s") % {"criterion": criterion.name},
                    initial=current.note if current else "",
                )
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css

    def ratings(self) -> list[dict]:
        """The cleaned grid as the service's rating rows."""
        rows = []
        for partner in self.partners:
            for criterion in self.criteria:
                value = self.cleaned_data.get(rating_field(partner.pk, criterion.pk))
                rows.append(
                    {
                        "partner_id": partner.pk,
                        "criterion_id": criterion.pk,
                        "rating": int(value) if value else None,
                        "note": self.cleaned_data.get(note_field(partner.pk, criterion.pk), ""),
                    }
                )
        return rows

    def rows(self):
        """(partner, [(criterion, rating bound field, note bound field)]) for the template."""
        for partner in self.partners:
            yield (
                partner,
                [
                    (
                        criterion,
                        self[rating_field(partner.pk, criterion.pk)],
                        self[note_field(partner.pk, criterion.pk)],
                    )
                    for criterion in self.criteria
                ],
            )


class WeightsForm(BootstrapFormMixin, forms.Form):
    """A weight for every criterion and a target for every measured one; weights must add up to 100."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"weight_{criterion.key}"] = forms.IntegerField(
                min_value=0, max_value=100, initial=criterion.weight, label=f"{criterion.name} weight"
            )
            if criterion.source == CriterionSource.KPI:
                self.fields[f"target_{criterion.key}"] = forms.DecimalField(
                    max_digits=14,
                    decimal_places=2,
                    min_value=0.01,
                    initial=criterion.target,
                    label=f"{criterion.name} target",
                )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(f"weight_{c.key}") for c in self.criteria]
        if all(w is not None for w in weights) and sum(weights) != 100:
            raise forms.ValidationError(
                _("The weights must add up to 100; they add up to %(total)s.") % {"total": sum(weights)}
            )
        return cleaned

    def changes(self) -> dict[str, dict]:
        result = {}
        for criterion in self.criteria:
            change = {"weight": self.cleaned_data[f"weight_{criterion.key}"]}
            if f"target_{criterion.key}" in self.cleaned_data:
                change["target"] = self.cleaned_data[f"target_{criterion.key}"]
            result[criterion.key] = change
        return result

    def rows(self):
        for criterion in self.criteria:
            target = f"target_{criterion.key}"
            yield criterion, self[f"weight_{criterion.key}"], (self[target] if target in self.fields else None)


class AlertRuleForm(BootstrapFormMixin, forms.Form):
    threshold = forms.IntegerField(min_value=1, max_value=100000)
    active = forms.BooleanField(required=False)
