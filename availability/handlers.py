"""Rebuild the protected-customers setup when a registration starts or stops holding a customer
(the deals domain events; the nightly task catches everything else, docs/private-check.md)."""

from django.db import transaction

from prm.events import on_event

HOLDING_CHANGES = (
    "deal.submitted",
    "deal.approved",
    "deal.rejected",
    "deal.won",
    "deal.lost",
    "deal.expired",
    "deal.extension_decided",
    "deal.reopened",
)


@on_event(*HOLDING_CHANGES)
def rebuild_protected(event) -> None:
    from availability.models import PsiSetup  # noqa: PLC0415 - handlers load before models are ready
    from availability.tasks import rebuild_setups  # noqa: PLC0415

    if PsiSetup.objects.exists():  # nothing to refresh until the first build (the nightly task or a policy)
        transaction.on_commit(lambda: rebuild_setups.delay(["protected"]))
