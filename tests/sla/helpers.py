"""Builders of items waiting on the vendor, at chosen times."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role
from commissions.models import PayoutBatch
from deals.models import DealStatus
from mdf.models import MdfClaim
from tests.deals.factories import DealFactory
from tests.factories import InternalUserFactory
from tests.mdf.factories import ActivityTypeFactory, allocate, approved_request, submitted_claim


def at(year, month, day, hour=10, minute=0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def submitted_deal(partner, submitted_at, **extra):
    return DealFactory(
        partner=partner, status=DealStatus.SUBMITTED, submitted_at=submitted_at, protected_until=None, **extra
    )


def decided_deal(partner, submitted_at, decided_at):
    return DealFactory(partner=partner, status=DealStatus.APPROVED, submitted_at=submitted_at, decided_at=decided_at)


def waiting_claim(partner, created_at):
    admin = InternalUserFactory(role=Role.PROGRAM_ADMIN)
    allocate(partner, "10000.00", admin=admin)
    request = approved_request(partner, activity=ActivityTypeFactory())
    claim = submitted_claim(request)
    MdfClaim.objects.filter(pk=claim.pk).update(created_at=created_at)
    claim.refresh_from_db()
    return claim


def draft_batch(partner, created_at):
    return PayoutBatch.objects.create(partner=partner, total=Decimal("100.00"), currency="USD", created_at=created_at)
