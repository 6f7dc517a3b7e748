"""The MDF activities a deal registration may name as its source (deals.sourcing): the partner's approved
or completed requests, newest first."""

from deals import sourcing
from mdf.models import MdfRequest, RequestStatus


def approved_activities(partner):
    return MdfRequest.objects.filter(
        partner=partner, status__in=[RequestStatus.APPROVED, RequestStatus.COMPLETED]
    ).order_by("-start_date")


def register() -> None:
    sourcing.register_activities(approved_activities)
