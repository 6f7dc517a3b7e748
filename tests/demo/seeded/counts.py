"""What each aggregate's demo wrote, counted: equal after the first run and the rerun means a rerun adds
nothing."""

from allauth.account.models import EmailAddress

from accounts.models import Invitation, User
from commissions.models import CommissionEntry, Contest, PayoutBatch, Spiff
from deals.models import Account, DealRegistration, Lead
from enablement.models import Certificate, Course, Enrolment, LibraryAsset
from mdf.models import Fund, FundEntry, MdfClaim, MdfRequest
from partners.models import Partner, TierChange
from policy.models import PolicySimulation, RoePolicy
from prm.models import AuditEntry, Notification
from sla import selectors as sla_selectors
from sla.models import SlaEscalation


def partners():
    return {
        "partners": Partner.objects.count(),
        "users": User.objects.count(),
        "tier_changes": TierChange.objects.count(),
        "email_addresses": EmailAddress.objects.count(),
        "notifications": Notification.objects.count(),
        "invitations": Invitation.objects.count(),
    }


def deals():
    return (DealRegistration.objects.count(), Account.objects.count(), Lead.objects.count())


def policy():
    return (RoePolicy.objects.count(), PolicySimulation.objects.count())


def enablement():
    return (
        Course.objects.count(),
        Enrolment.objects.count(),
        Certificate.objects.count(),
        LibraryAsset.objects.count(),
    )


def mdf():
    return (Fund.objects.count(), FundEntry.objects.count(), MdfRequest.objects.count(), MdfClaim.objects.count())


def commissions():
    return (
        CommissionEntry.objects.count(),
        PayoutBatch.objects.count(),
        Spiff.objects.count(),
        Contest.objects.count(),
        sorted(CommissionEntry.objects.values_list("status", flat=True)),
        sorted(PayoutBatch.objects.values_list("status", flat=True)),
    )


def sla():
    admin = User.objects.get(email="admin@example.com")
    return (SlaEscalation.objects.count(), len(sla_selectors.open_items(admin)))


def directory():
    from deals.models import LeadHop, RoutingRule
    from directory.models import Listing

    return (Listing.objects.count(), RoutingRule.objects.count(), LeadHop.objects.count())


AGGREGATES = {
    "partners": partners,
    "deals": deals,
    "policy": policy,
    "enablement": enablement,
    "mdf": mdf,
    "commissions": commissions,
    "sla": sla,
    "directory": directory,
}


def everything() -> dict:
    return {name: count() for name, count in AGGREGATES.items()}


def last_audit() -> int | None:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
