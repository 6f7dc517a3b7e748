"""Demo disputes, called by `seed_demo`: Globex Integrators holds two customers that Acme Cloud Partners
registered too (rejected: conflict). Acme disputes both; one dispute waits for the channel manager, the
other was reversed (Acme's registration approved, Globex's rejected, new receipts for both).

Safe to run again: a customer that already has its demo dispute is left alone.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from deals import services as deal_services
from deals.models import DealReason, DealRegistration, DealStatus
from disputes import services
from disputes.models import Dispute, DisputeStatus
from partners.models import Partner

# customer, domain, country, Acme's reason, the outcome
CASES = [
    (
        "Stark Logistics",
        "stark-logistics.example",
        "US",
        "Our account executive has run a proof of concept with Stark Logistics since last quarter; the meeting notes "
        "are attached. We registered as soon as the customer asked for a quote.",
        DisputeStatus.OPEN,
    ),
    (
        "Wayne Aerospace",
        "wayne-aerospace.example",
        "US",
        "Wayne Aerospace signed our letter of intent before the other registration; the signed letter is attached.",
        DisputeStatus.REVERSED,
    ),
]
NOTES = b"2026-09-14 Discovery call with the customer's CIO.\n2026-10-02 Proof of concept kick-off.\n"


def _user(email):
    return User.objects.filter(email=email, is_active=True).first()


def seed(*, seed: int, partners: int, stdout) -> None:
    acme = Partner.objects.filter(external_crm_id="DEMO-ACME").first()
    globex = Partner.objects.filter(external_crm_id="DEMO-GLOBEX").first()
    alice, carol = _user("alice@acme.example"), _user("carol@globex.example")
    manager = (acme.channel_manager if acme else None) or User.objects.filter(
        role=Role.CHANNEL_MANAGER, is_active=True
    ).order_by("pk").first()
    if not (acme and globex and alice and carol and manager):
        stdout.write("  disputes: the fixed demo partners or logins are missing, skipped")
        return
    made = 0
    for name, domain, country, reason, outcome in CASES:
        if Dispute.objects.filter(partner=acme, deal__customer_name=name).exists():
            continue
        with transaction.atomic():
            made += _case(acme, alice, carol, manager, name, domain, country, reason, outcome)
    stdout.write(f"  disputes: {made} new demo disputes for {acme.name} (one open, one reversed)")


def _case(acme, alice, carol, manager, name, domain, country, reason, outcome) -> int:
    data = {
        "customer_name": name,
        "customer_domain": domain,
        "customer_country": country,
        "contact_name": "Pat Jordan",
        "contact_email": f"pat@{domain}",
        "product": "Platform",
        "amount": Decimal("48000.00"),
        "currency": "USD",
        "expected_close_date": timezone.localdate() + timedelta(days=75),
    }
    holder = DealRegistration.objects.holding().filter(customer_name=name, partner=carol.partner).order_by("pk").first()
    if holder is None:
        holder = deal_services.register_deal(user=carol, **data)
        if holder.status in (DealStatus.SUBMITTED, DealStatus.PENDING_REVIEW):
            holder = deal_services.approve_deal(deal=holder, actor=manager, note="Demo: Globex registered first.")
    if holder.status != DealStatus.APPROVED:
        return 0
    rejected = (
        DealRegistration.objects.filter(
            partner=acme, customer_name=name, status=DealStatus.REJECTED, reason=DealReason.CONFLICT
        )
        .order_by("pk")
        .first()
    ) or deal_services.register_deal(user=alice, **data | {"amount": Decimal("52000.00")})
    if not services.is_disputable(rejected):
        return 0
    files = [SimpleUploadedFile("meeting-notes.txt", NOTES, content_type="text/plain")]
    dispute = services.open_dispute(user=alice, deal=rejected, reason=reason, files=files)
    if outcome == DisputeStatus.REVERSED:
        services.reverse_dispute(
            dispute=dispute,
            actor=manager,
            note="The signed letter of intent predates the other registration: the customer is protected for you.",
        )
    return 1
