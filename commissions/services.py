"""Every write of the commissions app (STYLE.md: services): ledger entries, approvals, payout batches,
the payout run, contests and plan changes. Keyword-only; one transaction each; audit and events inside."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from commissions import holds
from commissions.models import (
    BATCH_WORKFLOW,
    ENTRY_WORKFLOW,
    BatchStatus,
    CommissionEntry,
    CommissionRule,
    Contest,
    ContestStatus,
    ContestWinner,
    EntryKind,
    EntryStatus,
    PayoutBatch,
    RuleKind,
    Spiff,
)
from commissions.payouts import get_backend
from commissions.rules import compute_entries_for_deals
from deals.models import DealRegistration, DealStatus
from fx.selectors import converted, missing_rates, unconverted
from fx.services import report_missing_rates
from partners.models import Partner
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict
from prm.guards import require_role
from prm.models import AuditEntry
from prm.money import CURRENCY_MESSAGE, is_currency, to_money
from prm.periods import parse_period

FINANCE = {Role.FINANCE}
PLAN_EDITORS = {Role.PROGRAM_ADMIN}


# --- the ledger --------------------------------------------------------------------------------------


def record_won_deal(*, deal_id: int) -> int:
    """deal.won: one entry per applicable rule and spiff (the same set-based path as the bulk one)."""
    return compute_entries_for_deals([deal_id])


def reconsider_spiffs(*, currency: str, since) -> int:
    """A rate for `currency` from `since` on was recorded: compute the spiff entries of the won deals it
    lets convert (deals in that currency, or any deal when a spiff is in that currency, closed on or after
    `since` inside an active spiff's window). Idempotent like every computation of the engine."""
    spiffs = Spiff.objects.filter(active=True, ends_on__gte=since)
    if not spiffs.exists():
        return 0
    deals = DealRegistration.objects.filter(status=DealStatus.WON, partner__isnull=False, close_date__gte=since)
    if not spiffs.filter(currency=currency).exists():
        deals = deals.filter(currency=currency)
    windows = Q()
    for starts_on, ends_on in spiffs.values_list("starts_on", "ends_on"):
        windows |= Q(close_date__gte=starts_on, close_date__lte=ends_on)
    return compute_entries_for_deals(list(deals.filter(windows).values_list("pk", flat=True)))


def accrue_recurring(*, today=None) -> int:
    """Create the recurring entries of billing periods that have begun; safe to run any number of times."""
    types = set(
        CommissionRule.objects.filter(kind=RuleKind.RECURRING, plan__active=True).values_list(
            "plan__partner_type", flat=True
        )
    )
    if not types:
        return 0
    deal_ids = DealRegistration.objects.filter(status=DealStatus.WON, partner__partner_type__in=types).values_list(
        "pk", flat=True
    )
    return compute_entries_for_deals(list(deal_ids), today=today, recurring_only=True)


def claw_back_deal(*, deal_id: int, reason: str = "", actor=None) -> int:
    """A won deal was reverted: one negative entry for each of its entries not yet clawed back."""
    with transaction.atomic():
        originals = list(
            CommissionEntry.objects.filter(deal_id=deal_id, kind__in=[EntryKind.COMMISSION, EntryKind.SPIFF])
            .exclude(clawbacks__isnull=False)
            .order_by("pk")
        )
        today = timezone.localdate()
        clawbacks = [
            CommissionEntry(
                partner_id=entry.partner_id,
                deal_id=entry.deal_id,
                kind=EntryKind.CLAWBACK,
                rule_id=entry.rule_id,
                spiff_id=entry.spiff_id,
                original=entry,
                cycle=entry.cycle,
                period_key=entry.period_key,
                earned_on=today,
                base_amount=-entry.base_amount,
                rate=entry.rate,
                amount=-entry.amount,
                currency=entry.currency,
                description=f"Clawback of entry {entry.pk}: the deal was reopened",
                reason=reason,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
            for entry in originals
        ]
        CommissionEntry.objects.bulk_create(clawbacks, ignore_conflicts=True)
    return len(clawbacks)


def add_adjustment(*, actor, partner: Partner, amount, reason: str, currency: str = "", deal=None) -> CommissionEntry:
    """A finance correction (positive or negative) with its reason; it goes through approval like any entry."""
    require_role(actor, FINANCE, gettext_lazy("add commission adjustments"))
    errors = {}
    try:
        value = to_money(amount)
        if value == 0:
            errors["amount"] = [_("An adjustment cannot be zero.")]
        elif abs(value) >= Decimal("1e12"):
            errors["amount"] = [_("That amount is too large.")]
    except (TypeError, ValueError):
        errors["amount"] = [_("Enter an amount such as 125.00 or -40.00.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the adjustment is made.")]
    if deal is not None and deal.partner_id != partner.pk:
        errors["deal"] = [_("That deal belongs to another partner.")]
    currency = (currency or (deal.currency if deal else settings.DEFAULT_CURRENCY)).strip().upper()
    if not is_currency(currency):  # one ISO 4217 list for every app (prm/money.py)
        errors["currency"] = [str(CURRENCY_MESSAGE)]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = CommissionEntry.objects.create(
            partner=partner,
            deal=deal,
            kind=EntryKind.ADJUSTMENT,
            earned_on=timezone.localdate(),
            base_amount=value,
            amount=value,
            currency=currency,
            description="Adjustment by finance",
            reason=reason.strip(),
            created_by=actor,
        )
        record_audit(actor=actor, obj=entry, action="adjust", to_state=entry.status, reason=entry.reason)
    return entry


def approve_entry(*, entry: CommissionEntry, actor) -> CommissionEntry:
    require_role(actor, FINANCE, gettext_lazy("approve commission entries"))
    with transaction.atomic():
        entry = CommissionEntry.objects.select_for_update().get(pk=entry.pk)
        entry.approved_by, entry.approved_at = actor, timezone.now()
        ENTRY_WORKFLOW.apply(entry, EntryStatus.APPROVED, actor=actor, extra_fields=["approved_by", "approved_at"])
    return entry


def approve_entries(*, entry_ids, actor) -> int:
    """Bulk approval: approves the pending ones among the ids, skips the rest; returns how many."""
    require_role(actor, FINANCE, gettext_lazy("approve commission entries"))
    with transaction.atomic():
        ids = list(
            CommissionEntry.objects.select_for_update()
            .filter(pk__in=list(entry_ids), status=EntryStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        now = timezone.now()
        CommissionEntry.objects.filter(pk__in=ids, status=EntryStatus.PENDING).update(
            status=EntryStatus.APPROVED, approved_by=actor, approved_at=now
        )
        _bulk_audit(ids, actor=actor, action="approved", from_state="pending", to_state="approved")
    return len(ids)


def _bulk_audit(entry_ids, *, actor, action, from_state, to_state, reason="") -> None:
    """One audit row per entry, written in bulk (a batch may hold thousands of entries)."""
    if not entry_ids:
        return
    content_type = ContentType.objects.get_for_model(CommissionEntry)
    rows = CommissionEntry.objects.filter(pk__in=entry_ids).values_list(
        "pk", "partner_id", "kind", "amount", "currency"
    )
    label = getattr(actor, "email", "") or "system"
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor if actor is not None and actor.is_authenticated else None,
                actor_label=label,
                content_type=content_type,
                object_id=pk,
                object_label=f"{kind.capitalize()} {amount} {currency} ({pk})",
                action=action,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                partner_id=partner_id,
            )
            for pk, partner_id, kind, amount, currency in rows
        ],
        batch_size=2000,
    )


# --- payout batches ----------------------------------------------------------------------------------


def create_payout_batch(*, partner: Partner, actor=None, currency: str = "") -> PayoutBatch:
    """Gather the partner's approved, unbatched entries of one currency into a draft batch (409 if none).

    A finance user who creates a batch submits it for approval with it; `actor` None is the monthly beat
    job, whose batch stays an unsubmitted draft until a finance user submits it (docs/commissions-rules.md)."""
    if actor is not None:
        require_role(actor, FINANCE, gettext_lazy("create payout batches"))
    holds.require_not_held(partner.pk)  # suspended or terminated: accrues, is not paid (docs/partner-status.md)
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=partner.pk).values_list("pk").first()
        ready = CommissionEntry.objects.filter(partner=partner, status=EntryStatus.APPROVED, batch__isnull=True)
        if not currency:
            currency = ready.order_by("earned_on", "pk").values_list("currency", flat=True).first() or ""
        ready = ready.filter(currency=currency.upper())
        total = ready.aggregate(total=Sum("amount"))["total"]
        if total is None:
            raise Conflict(_("This partner has no approved commission entries to pay."), code="nothing_to_batch")
        if total <= 0:
            raise Conflict(
                _("The approved entries net to zero or less (clawbacks): they wait for further earnings."),
                code="nothing_to_batch",
            )
        submitted = {"submitted_by": actor, "submitted_at": timezone.now()} if actor is not None else {}
        batch = PayoutBatch.objects.create(
            partner=partner, total=total, currency=currency.upper(), created_by=actor, **submitted
        )
        ids = list(ready.values_list("pk", flat=True))
        CommissionEntry.objects.filter(pk__in=ids, status=EntryStatus.APPROVED, batch__isnull=True).update(
            status=EntryStatus.BATCHED, batch=batch
        )
        record_audit(actor=actor, obj=batch, action="create", to_state=BatchStatus.DRAFT)
        _bulk_audit(ids, actor=actor, action="batched", from_state="approved", to_state="batched")
    return batch


def create_monthly_payout_batches() -> list[int]:
    """The monthly beat job: one draft batch per partner and currency with approved entries."""
    made = []
    pairs = (
        CommissionEntry.objects.filter(status=EntryStatus.APPROVED, batch__isnull=True)
        .values_list("partner_id", "currency")
        .distinct()
        .order_by("partner_id", "currency")
    )
    held = holds.held_partner_ids()  # their entries wait, visible to finance (docs/partner-status.md)
    for partner_id, currency in list(pairs):
        if partner_id in held:
            continue
        try:
            made.append(create_payout_batch(partner=Partner(pk=partner_id), currency=currency).pk)
        except Conflict:
            continue
    return made


def submit_batch(*, batch: PayoutBatch, actor) -> PayoutBatch:
    """A finance user submits a draft batch for approval (the monthly job's batches start unsubmitted); a
    different finance user then approves it (docs/commissions-rules.md)."""
    require_role(actor, FINANCE, gettext_lazy("submit payout batches"))
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        holds.require_not_held(batch.partner_id)
        if batch.status != BatchStatus.DRAFT:
            raise Conflict(_("Only a draft batch is submitted for approval."), code="invalid_transition")
        if batch.submitted_by_id is not None:
            raise Conflict(_("This batch is already submitted for approval."), code="already_submitted")
        batch.submitted_by, batch.submitted_at = actor, timezone.now()
        batch.save(update_fields=["submitted_by", "submitted_at"])
        record_audit(actor=actor, obj=batch, action="submit", from_state=batch.status, to_state=batch.status)
    return batch


def approve_batch(*, batch: PayoutBatch, actor) -> PayoutBatch:
    """Four eyes (docs/commissions-rules.md): a submitted draft is approved by a finance user other than its
    submitter. The row lock makes two approvals at once record exactly one; the database refuses an
    approval by the submitter or without one (commissions_batch_four_eyes, _approved_submitted)."""
    require_role(actor, FINANCE, gettext_lazy("approve payout batches"))
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        holds.require_not_held(batch.partner_id)
        BATCH_WORKFLOW.check(batch, BatchStatus.APPROVED)
        if batch.submitted_by_id is None:
            raise Conflict(
                _("Submit this batch for approval first; a second finance user then approves it."),
                code="not_submitted",
            )
        if batch.submitted_by_id == actor.pk:
            raise PermissionDenied(_("A second finance user must approve this batch: you submitted it."))
        batch.approved_by, batch.approved_at = actor, timezone.now()
        BATCH_WORKFLOW.apply(batch, BatchStatus.APPROVED, actor=actor, extra_fields=["approved_by", "approved_at"])
    return batch


def pay_batch(*, batch: PayoutBatch, actor) -> PayoutBatch:
    """Start paying an approved batch: it becomes `paying` and the payout task runs after commit."""
    require_role(actor, FINANCE, gettext_lazy("pay payout batches"))
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        holds.require_not_held(batch.partner_id)
        # Only an approved batch is paid, and an approved batch has two different people behind it
        # (the constraints on PayoutBatch; docs/commissions-rules.md).
        BATCH_WORKFLOW.apply(batch, BatchStatus.PAYING, actor=actor, action="pay")
        transaction.on_commit(lambda pk=batch.pk: _enqueue_payout(pk))
    return batch


def _enqueue_payout(batch_id: int) -> None:
    from commissions.tasks import pay_payout_batch

    pay_payout_batch.delay(batch_id)


def run_payout(*, batch_id: int, chunk_size: int | None = None) -> PayoutBatch | None:
    """Pay every entry of a `paying` batch exactly once, then mark the batch paid.

    Each chunk is claimed with a conditional UPDATE (batched > paid, this batch only) in its own small
    transaction together with the backend's call, so a worker killed mid-batch leaves every entry either
    paid or batched, and a rerun pays exactly the batched rest."""
    chunk_size = chunk_size or settings.COMMISSION_PAYOUT_CHUNK
    batch = PayoutBatch.objects.filter(pk=batch_id).select_related("partner").first()
    if batch is None or batch.status != BatchStatus.PAYING:
        return batch
    backend = get_backend()
    while True:
        with transaction.atomic():
            ids = list(
                CommissionEntry.objects.select_for_update(skip_locked=True)
                .filter(batch_id=batch_id, status=EntryStatus.BATCHED)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk_size]
            )
            if not ids:
                break
            now = timezone.now()
            claimed = CommissionEntry.objects.filter(pk__in=ids, batch_id=batch_id, status=EntryStatus.BATCHED)
            claimed.update(status=EntryStatus.PAID, paid_at=now)
            backend.pay_entries(batch=batch, entry_ids=ids)
            _bulk_audit(ids, actor=None, action="paid", from_state="batched", to_state="paid")
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().select_related("partner").get(pk=batch_id)
        if batch.status != BatchStatus.PAYING:
            return batch
        if batch.entries.filter(status=EntryStatus.BATCHED).exists():
            return batch  # another worker still holds a chunk; it finishes the batch
        reference, payout_file = backend.finish(batch=batch)
        batch.payment_reference, batch.payout_file, batch.paid_at = reference, payout_file, timezone.now()
        BATCH_WORKFLOW.apply(
            batch, BatchStatus.PAID, actor=None, extra_fields=["payment_reference", "payout_file", "paid_at"]
        )
        record_event(
            "commission.payout.paid",
            partner=batch.partner,
            subject=batch,
            payload={
                "batch_id": batch.pk,
                "partner_id": batch.partner_id,
                "total": str(batch.total),
                "currency": batch.currency,
                "entries": batch.entries.count(),
                "payment_reference": reference,
                "paid_at": batch.paid_at.isoformat(),
            },
        )
    return batch


# --- contests ----------------------------------------------------------------------------------------


def _contest_deals(contest: Contest, period):
    return DealRegistration.objects.filter(
        status=DealStatus.WON, partner__isnull=False, close_date__gte=period.start, close_date__lt=period.end
    )


def leaderboard(contest: Contest):
    """Partners by qualifying won deals closed in the contest's period (most first). A deal qualifies when
    its amount in the contest's currency, at the rate of its close date, is at least the minimum
    (fx.selectors.converted; docs/fx.md: Incentives); deals with no rate are in `contest_unconverted`."""
    period = parse_period(contest.period)
    return (
        _contest_deals(contest, period)
        .alias(in_contest_currency=converted("amount", "currency", "close_date", to=contest.currency))
        .filter(in_contest_currency__gte=contest.min_deal_amount)
        .values("partner_id", "partner__name")
        .annotate(deals=Count("pk"))
        .order_by("-deals", "partner__name")
    )


def contest_unconverted(contest: Contest) -> list[dict]:
    """The period's won deals that cannot be converted into the contest's currency yet, per currency."""
    return unconverted(
        _contest_deals(contest, parse_period(contest.period)), "amount", "close_date", to=contest.currency
    )


def _contest_missing_rates(contest: Contest, period) -> dict:
    """{currency: earliest day} without a rate among the contest's deals and its winners' possible bases."""
    missing = missing_rates(_contest_deals(contest, period), "close_date", to=contest.currency)
    entries = CommissionEntry.objects.filter(
        rule__isnull=False,
        kind__in=[EntryKind.COMMISSION, EntryKind.CLAWBACK],
        earned_on__gte=period.start,
        earned_on__lt=period.end,
    )
    for currency, since in missing_rates(entries, "earned_on", to=contest.currency).items():
        missing[currency] = min(since, missing.get(currency, since))
    return missing


def resolve_contest(*, contest_id: int, today=None) -> Contest:
    """After the period: the partner(s) with the most qualifying deals win. Ties: every tied partner wins.
    Each winner earns bonus_rate x its commissions earned in the period (net of clawbacks), once; entries
    in other currencies count at the rate of their earned_on day, in the contest's currency.

    A deal or commission of the period in a currency with no rate for its date would change the result:
    the contest waits (409, finance is alerted) and resolves on a later run, once finance has the rate."""
    today = today or timezone.localdate()
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest_id)
        if contest.status == ContestStatus.RESOLVED:
            return contest
        period = parse_period(contest.period)
        if today < period.end:
            raise Conflict(_("The contest's period has not closed yet."), code="contest_open")
        missing = _contest_missing_rates(contest, period)
    if missing:
        report_missing_rates(missing, where=f"contest {contest.name}")
        raise Conflict(
            _("The contest waits for exchange rates: %(currencies)s.") % {"currencies": ", ".join(sorted(missing))},
            code="contest_waits_for_rates",
        )
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest_id)
        if contest.status == ContestStatus.RESOLVED:
            return contest
        board = list(leaderboard(contest))
        top = board[0]["deals"] if board else 0
        for row in board:
            if top == 0 or row["deals"] < top:
                break
            ContestWinner.objects.get_or_create(contest=contest, partner_id=row["partner_id"], defaults={"deals": top})
            base = CommissionEntry.objects.filter(
                partner_id=row["partner_id"],
                rule__isnull=False,
                kind__in=[EntryKind.COMMISSION, EntryKind.CLAWBACK],
                earned_on__gte=period.start,
                earned_on__lt=period.end,
            ).aggregate(total=Sum(converted("amount", "currency", "earned_on", to=contest.currency)))[
                "total"
            ] or Decimal("0.00")
            if base <= 0:
                continue
            CommissionEntry.objects.get_or_create(
                contest=contest,
                partner_id=row["partner_id"],
                defaults={
                    "kind": EntryKind.SPIFF,
                    "earned_on": period.end - timedelta(days=1),
                    "base_amount": base,
                    "rate": contest.bonus_rate,
                    "amount": to_money(base * contest.bonus_rate),
                    "currency": contest.currency,
                    "description": f"Contest {contest.name}: winner with {top} deals",
                },
            )
        contest.status, contest.resolved_at = ContestStatus.RESOLVED, timezone.now()
        contest.save(update_fields=["status", "resolved_at"])
        record_audit(actor=None, obj=contest, action="resolve", from_state="open", to_state="resolved")
    return contest


def contests_due(today=None) -> list[int]:
    today = today or timezone.localdate()
    return [
        contest.pk
        for contest in Contest.objects.filter(status=ContestStatus.OPEN)
        if parse_period(contest.period).end <= today
    ]


def _check_currency(currency: str) -> None:
    """A given currency must be on the one ISO 4217 list (prm/money.py); blank keeps the default."""
    if currency and not is_currency(currency.strip().upper()):
        raise ValidationError({"currency": [str(CURRENCY_MESSAGE)]})


def create_contest(*, actor, name, period, min_deal_amount, bonus_rate, currency="") -> Contest:
    require_role(actor, PLAN_EDITORS, gettext_lazy("create contests"))
    try:
        parse_period(period)
    except ValueError as error:
        raise ValidationError({"period": [str(error)]}) from None
    _check_currency(currency)
    with transaction.atomic():
        contest = Contest.objects.create(
            name=name,
            period=period,
            min_deal_amount=to_money(min_deal_amount),
            bonus_rate=bonus_rate,
            currency=(currency or settings.DEFAULT_CURRENCY).upper(),
        )
        record_audit(actor=actor, obj=contest, action="create", to_state=contest.status)
    return contest


def update_contest(*, actor, contest: Contest, name, period, min_deal_amount, bonus_rate, currency="") -> Contest:
    """Change an open contest's terms (program admins); a resolved contest has paid out and stays as it is."""
    require_role(actor, PLAN_EDITORS, gettext_lazy("change contests"))
    try:
        parse_period(period)
    except ValueError as error:
        raise ValidationError({"period": [str(error)]}) from None
    _check_currency(currency)
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.status != ContestStatus.OPEN:
            raise Conflict(_("This contest is resolved: its terms can no longer change."), code="contest_resolved")
        before = {"name": contest.name, "period": contest.period, "min_deal_amount": str(contest.min_deal_amount)}
        before.update(bonus_rate=str(contest.bonus_rate), currency=contest.currency)
        contest.name, contest.period = name, period
        contest.min_deal_amount, contest.bonus_rate = to_money(min_deal_amount), bonus_rate
        contest.currency = (currency or contest.currency).upper()
        contest.save(update_fields=["name", "period", "min_deal_amount", "bonus_rate", "currency"])
        after = {"name": contest.name, "period": contest.period, "min_deal_amount": str(contest.min_deal_amount)}
        after.update(bonus_rate=str(contest.bonus_rate), currency=contest.currency)
        changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        record_audit(actor=actor, obj=contest, action="update", changes=changes)
    return contest


# --- plans and spiffs --------------------------------------------------------------------------------


def change_rule_rate(*, rule: CommissionRule, actor, rate=None, flat_amount=None, effective_from) -> CommissionRule:
    """Close the rule the day before `effective_from` and add its successor: entries already made never
    change, and deals closed before the change keep the old terms (effective dating)."""
    require_role(actor, PLAN_EDITORS, gettext_lazy("change commission rates"))
    with transaction.atomic():
        rule = CommissionRule.objects.select_for_update().get(pk=rule.pk)
        if effective_from <= rule.valid_from:
            raise ValidationError({"effective_from": [_("The change must start after the current rule started.")]})
        if rule.valid_to is not None and rule.valid_to < effective_from:
            raise Conflict(_("This rule has already ended."), code="rule_closed")
        successor = CommissionRule.objects.get(pk=rule.pk)
        successor.pk = None
        successor.valid_from, successor.created_at = effective_from, timezone.now()
        if rate is not None:
            successor.rate = rate
        if flat_amount is not None:
            successor.flat_amount = to_money(flat_amount)
        rule.valid_to = effective_from - timedelta(days=1)
        rule.save(update_fields=["valid_to"])
        successor.save()
        record_audit(
            actor=actor,
            obj=rule,
            action="change_rate",
            changes={"rate": [str(rule.rate), str(successor.rate)], "effective_from": effective_from.isoformat()},
        )
    return successor


def save_spiff(*, actor, spiff):
    """Create or update a spiff from a validated form instance (program admins)."""
    require_role(actor, PLAN_EDITORS, gettext_lazy("manage spiffs"))
    with transaction.atomic():
        created = spiff.pk is None
        spiff.full_clean()
        spiff.save()
        record_audit(actor=actor, obj=spiff, action="create" if created else "update")
    return spiff


def stalled_payouts(older_than=timedelta(minutes=30)) -> list[int]:
    """Batches still `paying` a while after they started (their worker died): the sweeper reruns them."""
    cutoff = timezone.now() - older_than
    started = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PayoutBatch), to_state=BatchStatus.PAYING, created_at__lt=cutoff
    ).values_list("object_id", flat=True)
    return list(PayoutBatch.objects.filter(status=BatchStatus.PAYING, pk__in=started).values_list("pk", flat=True))
