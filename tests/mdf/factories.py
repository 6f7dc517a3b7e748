"""MDF test data; valid with no arguments. Money moves only through mdf.services."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import PartnerFunction, Role
from mdf import services
from mdf.models import ActivityType
from tests.factories import InternalUserFactory, PartnerAdminFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType

    name = factory.Sequence(lambda n: f"Webinar series {n}")
    reimbursement_rate = Decimal("0.5000")
    proof_required = "Invoice PDF"
    preapproval_required = True


class MarketingUserFactory(UserFactory):
    partner_function = PartnerFunction.MARKETING


def pdf(name="invoice.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def allocate(partner, amount, *, admin=None, reason="Launch campaign"):
    """Discretionary funds into the partner's current fund (through the service)."""
    admin = admin or InternalUserFactory(role=Role.PROGRAM_ADMIN)
    return services.allocate_funds(partner=partner, actor=admin, amount=Decimal(amount), reason=reason).fund


def request_data(activity=None, **overrides):
    today = timezone.localdate()
    data = {
        "activity_type": activity or ActivityTypeFactory(),
        "title": "Cloud migration webinar",
        "start_date": today - timedelta(days=5),
        "end_date": today - timedelta(days=1),
        "total_cost": Decimal("4000.00"),
        "requested_amount": Decimal("2000.00"),
        "expected_leads": 40,
    }
    return data | overrides


def submitted_request(partner, *, requester=None, **overrides):
    requester = requester or PartnerAdminFactory(partner=partner)
    return services.submit_request(user=requester, **request_data(**overrides))


def approved_request(partner, *, manager=None, amount=None, **overrides):
    mdf_request = submitted_request(partner, **overrides)
    manager = manager or InternalUserFactory(role=Role.CHANNEL_MANAGER)
    return services.approve_request(mdf_request=mdf_request, actor=manager, amount=amount)


def submitted_claim(mdf_request, *, user=None, actual="4000.00", claimed="2000.00", files=None):
    user = user or PartnerAdminFactory(partner=mdf_request.partner)
    return services.submit_claim(
        user=user,
        mdf_request=mdf_request,
        actual_cost=Decimal(actual),
        claimed_amount=Decimal(claimed),
        results="40 leads",
        files=files if files is not None else [pdf()],
    )
