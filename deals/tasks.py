"""Celery beat jobs of deal registration: thin wrappers that take ids and call services (idempotent)."""

from celery import shared_task

from deals import services


@shared_task
def expire_deals() -> int:
    """Expire approved deals whose protection ended (docs/policy.md, rule 6)."""
    return sum(services.expire_deal(deal_id=pk) for pk in list(services.due_for_expiry()))


@shared_task
def send_expiry_reminders() -> int:
    """Reminders 14 and 3 days before protection ends, each sent once per deal."""
    return sum(1 for pk in list(services.due_for_reminder()) if services.send_expiry_reminder(deal_id=pk))


@shared_task
def return_overdue_leads() -> int:
    """Leads not accepted within LEAD_ACCEPT_SLA_HOURS go back to their channel manager."""
    return sum(services.return_lead_if_overdue(lead_id=pk) for pk in list(services.overdue_leads()))


@shared_task
def run_account_import(import_id: int) -> None:
    services.run_account_import(import_id=import_id)
