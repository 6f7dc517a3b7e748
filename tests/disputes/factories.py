"""Builders of disputes: a customer held by another partner, a rejected-conflict registration, a dispute."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deals import services as deal_services
from deals.models import DealReason, DealStatus
from disputes import services
from policy.models import PolicyStatus, RoePolicy
from tests.deals.factories import AccountFactory, DealFactory, registration_kwargs

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="order.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def text_file(name="notes.txt", content=b"Met the customer on 3 March.\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def publish_policy(*, days_by_tier=None, default_days=90) -> RoePolicy:
    """A published rules-of-engagement version in force from a minute ago (the current one)."""
    last = RoePolicy.objects.order_by("-version").first()
    return RoePolicy.objects.create(
        version=(last.version + 1) if last else 1,
        status=PolicyStatus.PUBLISHED,
        protection_days_by_tier=days_by_tier or {},
        default_protection_days=default_days,
        effective_from=timezone.now() - timedelta(minutes=1),
    )


def held_customer(holder_partner, *, domain=None, name=None, country="US"):
    """An approved registration of another partner that holds a fresh customer."""
    account = AccountFactory(
        **({"domain": domain} if domain else {}), **({"name": name} if name else {}), country=country
    )
    return DealFactory(partner=holder_partner, account=account)


def conflicting_registration(user, holder, **overrides):
    """`user`'s registration of the holder's customer: rejected for a conflict (DESIGN.md rule 2)."""
    fields = {
        "customer_name": holder.customer_name,
        "customer_domain": holder.customer_domain,
        "customer_country": holder.customer_country,
    }
    deal = deal_services.register_deal(user=user, **registration_kwargs(**(fields | overrides)))
    assert deal.status == DealStatus.REJECTED and deal.reason == DealReason.CONFLICT, deal.reason
    return deal


def open_dispute(user, deal, *, reason="We met the customer first.", files=()):
    return services.open_dispute(user=user, deal=deal, reason=reason, files=list(files))
