"""Payout batches: gathered from approved entries, submitted and approved by two finance users, paid by
the payout run in chunks."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from commissions import holds
from commissions.models import (
    BATCH_WORKFLOW,
    BatchStatus,
    CommissionEntry,
    EntryStatus,
    PayoutBatch,
)
from commissions.payouts import get_backend
from commissions.services.entries import bulk_audit
from partners.models import Partner
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict
from prm.models import AuditEntry


def create_payout_batch(*, partner: Partner, actor=None, currency: str = "") -> PayoutBatch:
    """Gather the partner's approved, unbatched entries of one currency into a draft batch (409 if none).

    A finance user who creates a batch submits it for approval with it; `actor` None is the monthly beat
    job, whose batch stays an unsubmitted draft until a finance user submits it (docs/commissions-rules.md)."""
    if actor is not None:
        access.require(actor, "commissions.create_batch")
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
        bulk_audit(ids, actor=actor, action="batched", from_state="approved", to_state="batched")
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
    access.require(actor, "commissions.submit_batch")
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
    access.require(actor, "commissions.approve_batch")
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
    access.require(actor, "commissions.pay_batch")
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        holds.require_not_held(batch.partner_id)
        # Only an approved batch is paid, and an approved batch has two different people behind it
        # (the constraints on PayoutBatch; docs/commissions-rules.md).
        BATCH_WORKFLOW.apply(batch, BatchStatus.PAYING, actor=actor, action="pay")
        transaction.on_commit(lambda pk=batch.pk: _enqueue_payout(pk))
    return batch


def _enqueue_payout(batch_id: int) -> None:
    from commissions.tasks import pay_payout_batch  # commissions.tasks imports commissions.services

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
            bulk_audit(ids, actor=None, action="paid", from_state="batched", to_state="paid")
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


def stalled_payouts(older_than=timedelta(minutes=30)) -> list[int]:
    """Batches still `paying` a while after they started (their worker died): the sweeper reruns them."""
    cutoff = timezone.now() - older_than
    started = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PayoutBatch), to_state=BatchStatus.PAYING, created_at__lt=cutoff
    ).values_list("object_id", flat=True)
    return list(PayoutBatch.objects.filter(status=BatchStatus.PAYING, pk__in=started).values_list("pk", flat=True))
