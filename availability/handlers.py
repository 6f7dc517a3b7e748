"""Rebuild the protected-customers setup when a registration starts or stops holding a customer
(the deals domain events; the nightly task catches everything else, docs/private-check.md)."""

from django.core.cache import cache
from django.db import transaction

from prm.events import on_event

PENDING = "availability:rebuild-protected"
DEBOUNCE_SECONDS = 30  # a burst of registrations is one rebuild, at most this late

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

    if not PsiSetup.objects.exists():  # nothing to refresh until the first build (the nightly task or a policy)
        return
    if cache.add(PENDING, 1, timeout=DEBOUNCE_SECONDS * 4):
        transaction.on_commit(lambda: rebuild_setups.apply_async(args=[["protected"]], countdown=DEBOUNCE_SECONDS))
