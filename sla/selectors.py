"""Reads of the SLA app, already scoped to the user (prm/tenancy.py).

- `open_items(user)`: items waiting on the vendor that the user may see, with waited business days,
  due moment and breached flag. Partner users: their own organisation's; channel managers: their own
  book's; finance: MDF claims and payout batches; program admins: everything. `user=None` is the system
  (the escalation task).
- `medians()`: the program's median decision time per kind over the last SLA_MEDIAN_WINDOW_DAYS days of
  decided items, cached for SLA_MEDIAN_CACHE_SECONDS.
- `partner_panel(user)` / `program_panel(user)`: the context of the partner home and dashboard panels.
"""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import CharField, Count, F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from prm import badges
from prm.periods import quarter_of
from sla import clock
from sla.models import SlaEscalation, SlaKind
from sla.registry import KINDS, Kind, Policies, kinds_for


@dataclass
class SlaItem:
    kind: Kind
    object_id: int
    partner_id: int
    partner_name: str
    title: str
    started_at: datetime
    sla_days: int
    due_at: datetime
    waited_days: int
    breached: bool
    url: str

    @property
    def kind_key(self) -> str:
        return self.kind.key

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)

    @property
    def due_day(self):
        """The last day of the SLA (due_at is the midnight that ends it)."""
        return timezone.localdate(self.due_at - timedelta(microseconds=1))

    @property
    def days_left(self) -> int:
        return self.sla_days - self.waited_days

    @property
    def sla_state(self) -> str:
        """Where the item stands against its SLA: breached, due (today or past the last day) or on time."""
        if self.breached:
            return "breached"
        return "due" if self.days_left <= 0 else "on_time"

    def get_sla_state_display(self) -> str:
        return {"breached": _("Breached"), "due": _("Due today"), "on_time": _("On time")}[self.sla_state]


# The SLA status badge of an item goes through the one status badge tag (`{% status_badge item %}`).
badges.register(
    SlaItem,
    field="sla_state",
    colours={"breached": "text-bg-danger", "due": "text-bg-warning", "on_time": "text-bg-success"},
    testid={"breached": "sla-breached"},
)


def _scoped(kind: Kind, user):
    model = kind.model()
    queryset = model._default_manager.all()
    if user is None:
        return queryset
    if hasattr(queryset, "visible_to"):
        queryset = queryset.visible_to(user)
    elif not access.is_internal(user):
        queryset = queryset.filter(partner_id=user.partner_id) if user.partner_id else queryset.none()
    if access.is_channel_manager(user):
        # A channel manager answers for the partners of their own book.
        queryset = queryset.filter(partner__channel_manager=user)
    return queryset


def _business_days(start: datetime, end: datetime) -> int:
    return clock.business_days_between(timezone.localdate(start), timezone.localdate(end))


def open_items(user, *, kind: str | None = None, partner_id=None, breached=None, now=None) -> list[SlaItem]:
    """Open items the user may see (one query per kind), most urgent first."""
    now = now or timezone.now()
    policies = Policies()
    items: list[SlaItem] = []
    for entry in kinds_for(user):
        if kind and entry.key != kind:
            continue
        queryset = _scoped(entry, user).filter(entry.open_filter)
        if partner_id:
            queryset = queryset.filter(partner_id=partner_id)
        own_due = bool(entry.due_field)
        fields = ["pk", "partner_id", "partner__name", *entry.values, *([entry.due_field] if own_due else [])]
        rows = queryset.values(*fields, started=F(entry.start_field))
        for row in rows:
            started = row["started"]
            if started is None:
                continue
            sla_days = entry.sla_days(row, policies)
            due = (row.get(entry.due_field) if own_due else None) or clock.due_at(started, sla_days)
            item = SlaItem(
                kind=entry,
                object_id=row["pk"],
                partner_id=row["partner_id"],
                partner_name=row["partner__name"],
                title=entry.title(row),
                started_at=started,
                sla_days=sla_days,
                due_at=due,
                waited_days=_business_days(started, now),
                breached=now >= due,
                url=entry.url(row["pk"]),
            )
            if breached is None or item.breached == breached:
                items.append(item)
    items.sort(key=lambda item: (item.due_at, item.kind.key, item.object_id))
    return items


def _median_key() -> str:
    return f"sla:medians:{settings.SLA_MEDIAN_WINDOW_DAYS}"


def medians(*, now=None, use_cache: bool = True, refresh: bool = False) -> dict[str, dict]:
    """{kind: {"median_days", "decided", "sla_days"}} over the last window of decided items, program-wide.
    `refresh` recomputes and re-caches (the escalation task does, every 15 minutes)."""
    if use_cache and now is None and not refresh:
        cached = cache.get(_median_key())
        if cached is not None:
            return _labelled(cached)
    now = now or timezone.now()
    since = now - timedelta(days=settings.SLA_MEDIAN_WINDOW_DAYS)
    policies = Policies()
    kinds = kinds_for(None)
    # One UNION query over every kind's decided items of the window: (kind, started, decided).
    parts = [
        entry.model()
        ._default_manager.filter(entry.decided_filter)
        .filter(**{f"{entry.decided_field}__gte": since, f"{entry.start_field}__isnull": False})
        .order_by()
        .annotate(sla_kind=Value(entry.key, output_field=CharField()))
        .values_list(entry.start_field, entry.decided_field, "sla_kind")
        for entry in kinds
    ]
    waits: dict[str, list[int]] = {entry.key: [] for entry in kinds}
    if parts:
        combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for started, decided, key in combined:
            waits[key].append(_business_days(started, decided))
    result = {}
    for entry in kinds:
        found = waits[entry.key]
        current_sla = entry.current_sla_days(policies, now)
        result[entry.key] = {
            "kind": entry.key,
            "median_days": round(float(statistics.median(found)), 1) if found else None,
            "decided": len(found),
            "sla_days": current_sla,
        }
    if use_cache:
        cache.set(_median_key(), result, settings.SLA_MEDIAN_CACHE_SECONDS)
    return _labelled(result)


def _labelled(result: dict) -> dict:
    """Kind labels are added after the cache, in the reader's language."""
    return {key: {**row, "label": str(KINDS[key].label)} for key, row in result.items()}


def partner_panel(user) -> dict:
    """The partner home's "Waiting on <vendor>" panel: the organisation's open items and the program's medians."""
    items = open_items(user)
    program = medians()
    visible = {entry.key for entry in kinds_for(user)}
    return {
        "sla_items": items[:10],
        "sla_item_count": len(items),
        "sla_breached_count": sum(1 for item in items if item.breached),
        "sla_medians": [row for key, row in program.items() if key in visible],
        "sla_vendor": settings.VENDOR_NAME,
    }


def breach_counts(user, *, now=None) -> dict[str, dict]:
    """Breaches escalated this quarter and breached items still open, per kind (one query)."""
    now = now or timezone.now()
    quarter = quarter_of(timezone.localdate(now))
    start = timezone.make_aware(datetime.combine(quarter.start, datetime.min.time()))
    rows = (
        SlaEscalation.objects.visible_to(user)
        .values("kind")
        .annotate(
            this_quarter=Count("id", filter=Q(escalated_at__gte=start)),
            open=Count("id", filter=Q(resolved_at__isnull=True)),
        )
    )
    found = {row["kind"]: row for row in rows}
    return {
        key: {"this_quarter": found.get(key, {}).get("this_quarter", 0), "open": found.get(key, {}).get("open", 0)}
        for key in SlaKind.values
    }


def program_panel(user, *, now=None) -> dict:
    """The program dashboard's SLA panel: breaches this quarter, open breached items, median vs SLA chart."""
    counts = breach_counts(user, now=now)
    program = medians()
    rows = []
    for key, label in SlaKind.choices:
        if key not in program:
            continue
        rows.append({**program[key], "label": str(label), **counts[key]})
    chart = {
        "labels": [row["label"] for row in rows],
        "datasets": [
            {"label": _("Median decision time (business days)"), "data": [row["median_days"] or 0 for row in rows]},
            {"label": _("SLA (business days)"), "data": [row["sla_days"] for row in rows]},
        ],
    }
    return {
        "sla_rows": rows,
        "sla_chart": chart,
        "sla_breaches_quarter": sum(row["this_quarter"] for row in rows),
        "sla_open_breaches": sum(row["open"] for row in rows),
    }
