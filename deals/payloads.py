"""The payload of every deal.* event (webhooks, notifications, receipts)."""

from deals.models import DealRegistration


def deal_payload(deal: DealRegistration, **extra) -> dict:
    """The payload of every deal.* event; `extra` adds what one event says besides."""
    partner = deal.partner
    return {
        "deal_id": deal.pk,
        "partner_id": deal.partner_id,
        "customer_name": deal.customer_name,
        "status": deal.status,
        "reason": deal.reason or None,
        "amount": str(deal.amount),
        "currency": deal.currency,
        "protected_until": deal.protected_until.isoformat() if deal.protected_until else None,
        "registered_by_id": deal.registered_by_id,
        "channel_manager_id": partner.channel_manager_id if partner else None,
        **extra,
    }
