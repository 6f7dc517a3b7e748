"""Reads about deals, accounts and leads, scoped to the user (docs/architecture.md: selectors)."""

import statistics
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from deals import matching
from deals.models import (
    DIRECT_KINDS,
    HOLDING_STATUSES,
    Account,
    AccountKey,
    DealRegistration,
    DealStatus,
    ExtensionStatus,
    Influence,
    Lead,
    LeadStatus,
)
from deals.registration.outcome import approval_sla_days
from fx.selectors import program_sum, unconverted
from policy.selectors import current_policy
from prm.audit import history_of
from prm.tenancy import get_visible_or_404
from sla.clock import business_days_between

CANDIDATE_LIMIT = 200


def candidate_sql(n_keys: int) -> str:
    """The one indexed query of a conflict check: accounts sharing any blocking key (bench times it raw)."""
    keys = AccountKey._meta.db_table
    accounts = Account._meta.db_table
    placeholders = ", ".join(["%s"] * n_keys)
    deals = DealRegistration._meta.db_table
    holding = ", ".join(f"'{status}'" for status in HOLDING_STATUSES)
    return (
        # Table names and statuses are ours; the keys are parameters.
        f"SELECT a.id, a.normalised_name, a.domain, a.country, a.kind, EXISTS (SELECT 1 FROM {deals} r "  # noqa: S608
        f"WHERE r.account_id = a.id AND r.status IN ({holding}) AND r.partner_id IS NOT NULL) AS held "
        f"FROM {accounts} a "
        f"WHERE a.id IN (SELECT k.account_id FROM {keys} k WHERE k.key IN ({placeholders})) "
        f"ORDER BY a.id LIMIT {CANDIDATE_LIMIT}"
    )


def candidate_accounts(keys: list[str], *, using=None) -> list[tuple]:
    """(id, normalised_name, domain, country, kind, held) of the accounts sharing a blocking key."""
    if not keys:
        return []
    cursor_connection = connection if using is None else using
    with cursor_connection.cursor() as cursor:
        cursor.execute(candidate_sql(len(keys)), keys)
        return cursor.fetchall()


def _limits() -> tuple[float, float]:
    """The match thresholds of the rules-of-engagement version in force (docs/policy.md)."""
    return matching.thresholds(current_policy())


def find_matches(*, customer_name: str, customer_domain: str, country: str):
    """Normalise, read candidates by key and score them: (normalised name, domain, keys, evidence)."""
    name = matching.normalise_company_name(customer_name)
    domain = matching.normalise_domain(customer_domain)
    keys = matching.blocking_keys(normalised_name=name.value, domain=domain, country=country)
    evidence = matching.classify(
        name=name, domain=domain, country=country, candidates=candidate_accounts(keys), limits=_limits()
    )
    return name, domain, keys, evidence


def account_may_be_registered(*, customer_name: str, customer_domain: str, country: str) -> bool:
    """The registration form's hint: is a customer like this already held or a direct account? Says
    nothing about who holds it, or until when."""
    if len((customer_name or "").strip()) < 3 and not customer_domain:
        return False
    name = matching.normalise_company_name(customer_name)
    domain = matching.normalise_domain(customer_domain)
    keys = matching.blocking_keys(normalised_name=name.value, domain=domain, country=country)
    rows = {row[0]: row for row in candidate_accounts(keys)}
    evidence = matching.classify(name=name, domain=domain, country=country, candidates=rows.values(), limits=_limits())
    return any(rows[e.account_id][5] or rows[e.account_id][4] in DIRECT_KINDS for e in evidence)


def deal_list(user):
    return DealRegistration.objects.visible_to(user).select_related(
        "partner", "partner__tier", "account", "policy_version"
    )


def deal_detail(user, pk):
    return get_visible_or_404(
        DealRegistration.objects.select_related(
            "partner", "partner__tier", "account", "registered_by", "decided_by", "policy_version"
        ),
        user,
        pk=pk,
    )


def deal_timeline(deal):
    return history_of(deal)


def review_queue(user):
    return (
        DealRegistration.objects.visible_to(user)
        .filter(
            Q(status__in=[DealStatus.SUBMITTED, DealStatus.PENDING_REVIEW])
            # an extension waits only on an approved deal (DealRegistration.extension_awaits_decision)
            | Q(extension_status=ExtensionStatus.REQUESTED, status=DealStatus.APPROVED)
        )
        .filter(source="partner")
        .select_related(
            "partner", "partner__tier", "account", "conflict_with", "conflict_with__account", "policy_version"
        )
        .order_by("submitted_at", "id")
    )


def sla_state(deal, today: date | None = None) -> dict:
    """Time waiting against the approval SLA (business days) of the version the registration was decided
    under (docs/sla.md)."""
    today = today or timezone.localdate()
    started = timezone.localtime(deal.submitted_at or deal.created_at).date()
    waited = business_days_between(started, today)
    sla = approval_sla_days(deal)
    return {"waited": waited, "sla": sla, "breached": waited > sla, "due": waited == sla}


def similar_accounts(deal, limit: int = 8):
    """The review screen's "similar accounts": pg_trgm similarity on PostgreSQL, key candidates elsewhere."""
    name = matching.normalise_company_name(deal.customer_name).value
    if connection.vendor == "postgresql" and name:
        return list(
            Account.objects.raw(
                f"SELECT id, name, normalised_name, domain, country, kind, similarity(normalised_name, %s) AS sim "  # noqa: S608
                f"FROM {Account._meta.db_table} WHERE normalised_name %% %s AND id <> %s "
                f"ORDER BY sim DESC, id LIMIT %s",
                [name, name, deal.account_id, limit],
            )
        )
    _, _, _, evidence = find_matches(
        customer_name=deal.customer_name, customer_domain=deal.customer_domain, country=deal.customer_country
    )
    ids = [e.account_id for e in evidence if e.account_id != deal.account_id][:limit]
    return list(Account.objects.filter(pk__in=ids))


def _matches_of(deals) -> dict:
    """{deal id: its stored match evidence with the candidate accounts and their holders}, in two queries.

    The one home of a registration's match list: a registration is never its own match. Once it holds the
    account it was registered against, that account's row keeps its evidence (a direct account, say) but
    names no holder: the holder would be the registration itself ("held by #8" on deal #8)."""
    ids = {row["account_id"] for deal in deals for row in (deal.match_evidence or [])}
    accounts = Account.objects.in_bulk(ids)
    holders = {
        reg.account_id: reg
        for reg in DealRegistration.objects.holding().filter(account_id__in=ids).select_related("partner")
    }
    matches = {}
    for deal in deals:
        rows = []
        for row in deal.match_evidence or []:
            holder = holders.get(row["account_id"])
            if holder is not None and holder.pk == deal.pk:
                holder = None
            rows.append({**row, "account": accounts.get(row["account_id"]), "holder": holder})
        matches[deal.pk] = rows
    return matches


def review_rows(deals):
    """Each queued registration beside what it matched: accounts and their holders, in two queries."""
    matches = _matches_of(deals)
    return [{"deal": deal, "sla": sla_state(deal), "evidence": matches[deal.pk]} for deal in deals]


def evidence_rows(deal):
    """The stored match evidence with the candidate accounts and their holders (internal only)."""
    return _matches_of([deal])[deal.pk]


def leads_for(user):
    return Lead.objects.visible_to(user).select_related("partner", "created_by", "deal")


def influences_of(deal, user):
    return Influence.objects.visible_to(user).filter(deal=deal).select_related("partner")


def partner_panel(user) -> dict:
    """The partner home's deal panel: counts by state, protection ending soon, open leads."""
    deals = DealRegistration.objects.visible_to(user)
    counts = deals.aggregate(
        open=Count("id", filter=Q(status__in=HOLDING_STATUSES)),
        won=Count("id", filter=Q(status=DealStatus.WON)),
        # In the program currency at finance's rates of each close date (fx), never mixed currencies.
        won_value=program_sum("amount", "close_date", filter=Q(status=DealStatus.WON)),
    )
    soon = timezone.localdate() + timedelta(days=14)
    ending = deals.filter(status=DealStatus.APPROVED, protected_until__lte=soon).order_by("protected_until")[:5]
    open_leads = Lead.objects.visible_to(user).filter(status=LeadStatus.ASSIGNED).count()
    return {
        "deal_counts": counts,
        "ending_soon": list(ending),
        "open_leads": open_leads,
        "program_currency": settings.DEFAULT_CURRENCY,
    }


def internal_panel(user) -> dict:
    queue = DealRegistration.objects.visible_to(user).awaiting_review()
    extensions = DealRegistration.objects.visible_to(user).filter(extension_status=ExtensionStatus.REQUESTED)
    oldest = queue.order_by("submitted_at").first()
    return {
        "review_count": queue.count(),
        "extension_count": extensions.count(),
        "oldest": oldest,
        "oldest_sla": sla_state(oldest) if oldest else None,
        "returned_leads": Lead.objects.visible_to(user).filter(status=LeadStatus.RETURNED).count(),
    }


def won_unconverted(user, *, partner_id: int, start: date, end: date) -> list[dict]:
    """The partner's deals won (close date in [start, end)) whose currency has no rate on the close date:
    per currency, how many and how much in their own currency (fx.selectors.unconverted)."""
    deals = DealRegistration.objects.visible_to(user).filter(
        partner_id=partner_id, status=DealStatus.WON, close_date__gte=start, close_date__lt=end
    )
    return unconverted(deals, "amount", "close_date")


def stage_counts(user, partner_id: int) -> list[tuple[str, int]]:
    """The partner's registrations per status as (label, count), in status order, drafts left out (one query)."""
    labels = dict(DealStatus.choices)
    counts = dict(
        DealRegistration.objects.visible_to(user)
        .filter(partner_id=partner_id)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [(labels[status], counts.get(status, 0)) for status in DealStatus.values if status != DealStatus.DRAFT]


def partner_ids_with_currency(currency: str) -> set[int]:
    """Partners with a deal in `currency`, or that influenced one (their KPIs convert it)."""
    deals = DealRegistration.objects.filter(currency=currency, partner_id__isnull=False).order_by()
    influences = Influence.objects.filter(deal__currency=currency).order_by()
    return set(deals.values_list("partner_id", flat=True).distinct()) | set(
        influences.values_list("partner_id", flat=True).distinct()
    )


def median_lead_response_hours(partner_ids, *, days: int = 365) -> dict[int, Decimal]:
    """Median hours from a lead's assignment to its acceptance, per partner, over accepted leads of the last
    `days` (the directory shows it as evidence: docs/directory.md). A partner without accepted leads is absent."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        Lead.objects.filter(
            partner_id__in=list(partner_ids),
            status=LeadStatus.ACCEPTED,
            assigned_at__gte=since,
            deal__isnull=False,
        )
        .values_list("partner_id", "assigned_at", "deal__decided_at")
        .order_by("partner_id")
    )
    spans: dict[int, list[float]] = {}
    for partner_id, assigned_at, decided_at in rows:
        if decided_at is not None and decided_at >= assigned_at:
            spans.setdefault(partner_id, []).append((decided_at - assigned_at).total_seconds() / 3600)
    return {pid: Decimal(str(round(statistics.median(values), 1))) for pid, values in spans.items()}
