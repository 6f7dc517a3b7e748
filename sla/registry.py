"""The kinds of item the vendor owes a decision on, and how each one's clock runs (docs/sla.md).

The owning apps register their kinds at ready() time (`<app>/sla_kinds.py`: `register(Kind(...))`); this app
keeps only the generic clock. Each `Kind` knows its model, which rows are open (waiting on the vendor), when the
clock started, when the item was decided, and its SLA in business days. Reading is set-based: one query per
kind, whatever the number of items. A kind whose app is not installed is never registered, so it is left out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Model, Q
from django.urls import NoReverseMatch, reverse

from policy.models import PolicyStatus, RoePolicy
from prm import formatting
from sla.models import SlaKind


@dataclass(frozen=True)
class Kind:
    key: str  # one of SlaKind's values
    source: type[Model]
    start_field: str
    decided_field: str
    open_filter: Q
    # Who sees this kind (accounts/access.py predicates): channel managers their own book only, partner users
    # their own organisation's items.
    audience: object
    # The item's title from its row (pk, partner_id, partner__name and `values`).
    describe: Callable[[dict], str]
    # The setting holding the SLA in business days, unless `policy_days` reads it from the policies in force.
    sla_setting: str = ""
    policy_days: Callable[["Policies", datetime], int] | None = None
    url_name: str = ""
    partner_link: bool = True  # partners may open the item's page
    values: tuple = ()  # extra columns for the title
    decided_filter: Q = field(default_factory=Q)
    due_field: str = ""  # a due moment the item keeps itself (disputes), instead of one from the SLA days

    @property
    def label(self) -> str:
        return SlaKind(self.key).label

    def model(self):
        return self.source

    def default_sla_days(self) -> int:
        return int(getattr(settings, self.sla_setting, 0) or 0) if self.sla_setting else 0

    def current_sla_days(self, policies: "Policies", when: datetime) -> int:
        """The SLA of an item whose clock starts at `when`."""
        if self.policy_days is not None:
            return self.policy_days(policies, when)
        return self.default_sla_days()

    def sla_days(self, row: dict, policies: "Policies") -> int:
        return self.current_sla_days(policies, row["started"])

    def title(self, row: dict) -> str:
        return self.describe(row)

    def url(self, pk: int) -> str:
        if not self.url_name:
            return ""
        try:
            return reverse(self.url_name, args=[pk])
        except NoReverseMatch:
            return ""

    def visible_to(self, user) -> bool:
        return bool(self.audience.test(user))


def amount_title(template, amount_field: str) -> Callable[[dict], str]:
    """A kind's `describe` naming the item's id and amount: `template` (gettext_lazy) uses %(id)s and %(amount)s
    (the money with its currency, per the reader's locale); the kind's `values` must hold `amount_field` and
    "currency"."""

    def describe(row: dict) -> str:
        return str(template) % {
            "id": row["pk"],
            "amount": formatting.money(row[amount_field], row["currency"]),
        }

    return describe


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add (or replace) a kind; kinds are kept in SlaKind's order whatever the order the apps register in."""
    if kind.key not in SlaKind.values:
        raise ValueError(f"unknown SLA kind {kind.key!r}: add it to sla.models.SlaKind")
    entries = {**KINDS, kind.key: kind}
    KINDS.clear()
    KINDS.update((key, entries[key]) for key in SlaKind.values if key in entries)
    return kind


def kinds_for(user) -> list[Kind]:
    if user is None:
        return list(KINDS.values())
    if not getattr(user, "is_authenticated", False):
        return []
    return [kind for kind in KINDS.values() if kind.visible_to(user)]


class Policies:
    """The published rules-of-engagement versions, loaded once: `approval_days(when)` is
    `policy_at(when).approval_sla_business_days` (policy/selectors.py) without a query per item."""

    def __init__(self):
        self._versions: list | None = None

    def _load(self):
        if self._versions is None:
            self._versions = list(
                RoePolicy.objects.filter(
                    status__in=[PolicyStatus.PUBLISHED, PolicyStatus.ARCHIVED], effective_from__isnull=False
                )
                .order_by("-effective_from", "-version")
                .values_list("effective_from", "approval_sla_business_days")
            )
        return self._versions

    def approval_days(self, when: datetime) -> int:
        versions = self._load()
        for effective_from, days in versions:
            if effective_from <= when:
                return days
        if versions:  # before the first version: policy_at falls back to the first published one
            return versions[-1][1]
        return settings.DEAL_APPROVAL_SLA_BUSINESS_DAYS
