"""Data set-up for the fault tests, run as `python -m tests.faults.seed <command> [args]` in a subprocess
whose DATABASE_URL/REDIS_URL point at the test's own instances. Prints one JSON line (the last line).

It uses the ordinary factories and services, so the data is what the portal itself would write.
"""

import json
import sys


def _setup() -> None:
    import django

    django.setup()


def payout_batch(entries: str) -> dict:
    """A `paying` batch of N batched entries (what approve_batch leaves for the pay task)."""
    from decimal import Decimal

    from commissions.models import BatchStatus, CommissionEntry, EntryStatus, PayoutBatch
    from tests.commissions.factories import EntryFactory
    from tests.factories import PartnerFactory

    partner = PartnerFactory(name="Faulty Payouts Ltd")
    batch = PayoutBatch.objects.create(partner=partner, status=BatchStatus.PAYING, total=Decimal("0"), currency="USD")
    amounts = [Decimal("100.00") + i for i in range(int(entries))]
    for amount in amounts:
        EntryFactory(partner=partner, status=EntryStatus.BATCHED, batch=batch, amount=amount, base_amount=amount)
    PayoutBatch.objects.filter(pk=batch.pk).update(total=sum(amounts))
    ids = list(CommissionEntry.objects.filter(batch=batch).order_by("pk").values_list("pk", flat=True))
    return {"batch_id": batch.pk, "entry_ids": ids, "total": str(sum(amounts))}


def kpi_data() -> dict:
    """Three partners with won and open deals over the last months, and a queued full rollup run."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from analytics import services
    from analytics.models import RollupKind
    from deals.models import DealStatus
    from tests.commissions.factories import WonDealFactory
    from tests.deals.factories import DealFactory
    from tests.factories import PartnerFactory

    today = timezone.localdate()
    for p in range(3):
        partner = PartnerFactory()
        for d in range(6):
            WonDealFactory(
                partner=partner, amount=Decimal(1000 * (p + 1) + d), close_date=today - timedelta(days=20 * d + 1)
            )
        DealFactory(partner=partner, status=DealStatus.APPROVED, amount=Decimal("5000.00"))
    run = services.start_run(kind=RollupKind.FULL)
    return {"run_id": run.pk}


def rebuild_kpis() -> dict:
    from analytics.services import rebuild_kpis as rebuild

    return {"rows": rebuild()}


def webhook(url: str) -> dict:
    """An active subscription to `url` and one pending delivery of a deal.won payload."""
    from django.utils import timezone

    from integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

    subscription = WebhookSubscription.objects.create(
        url=url, description="fault test receiver", events=["deal.won"], secret="faults-secret-0123456789abcdef"
    )
    body = json.dumps(
        {"id": "evt_faults_1", "type": "deal.won", "created": timezone.now().isoformat(), "data": {"deal_id": 1}},
        separators=(",", ":"),
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event_name="deal.won", body=body, status=DeliveryStatus.PENDING
    )
    return {"subscription_id": subscription.pk, "delivery_id": delivery.pk, "secret": subscription.secret}


def partner_user() -> dict:
    """A partner admin with a password and an API token (secret shown once, printed here)."""
    from accounts.services import create_api_token
    from tests.factories import PASSWORD, InternalUserFactory, PartnerAdminFactory, PartnerFactory

    manager = InternalUserFactory(email="manager@vendor.example")  # told of each registration (a notification)
    partner = PartnerFactory(name="Resilient Resellers Inc", channel_manager=manager)
    user = PartnerAdminFactory(partner=partner, email="ops@resilient.example")
    _, secret = create_api_token(user=user, name="fault tests")
    return {
        "user_id": user.pk,
        "partner_id": partner.pk,
        "manager_id": manager.pk,
        "email": user.email,
        "password": PASSWORD,
        "token": secret,
    }


def enqueue(task: str, args: str = "[]", kwargs: str = "{}") -> dict:
    """Send a task to the broker the way the portal does (`.delay`), e.g. what beat or on_commit would."""
    from django.utils.module_loading import import_string

    result = import_string(task).apply_async(args=json.loads(args), kwargs=json.loads(kwargs))
    return {"task_id": result.id}


COMMANDS = {f.__name__: f for f in (payout_batch, kpi_data, rebuild_kpis, webhook, partner_user, enqueue)}

if __name__ == "__main__":
    _setup()
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
