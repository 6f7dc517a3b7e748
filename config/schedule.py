"""Every periodic job of the portal, in one place: the Celery beat schedule (settings: CELERY_BEAT_SCHEDULE)."""

from datetime import timedelta

from celery.schedules import crontab


def beat_schedule(env) -> dict:
    """The schedule; `env` (django-environ) gives the fiscal year's first month and the commission payout day."""
    return {
        "purge-idempotency-keys": {
            "task": "prm.tasks.purge_idempotency_keys",
            "schedule": timedelta(hours=1),
        },
        "dispatch-pending-events": {
            "task": "prm.tasks.dispatch_pending_events",
            "schedule": timedelta(minutes=1),
        },
        # Deal registration: expiry, reminders and the lead acceptance SLA.
        "deals-expire-protection": {"task": "deals.tasks.expire_deals", "schedule": timedelta(hours=1)},
        "deals-expiry-reminders": {"task": "deals.tasks.send_expiry_reminders", "schedule": timedelta(hours=1)},
        "deals-return-overdue-leads": {"task": "deals.tasks.return_overdue_leads", "schedule": timedelta(minutes=15)},
        # SLAs (docs/sla.md): open items past their due moment are escalated once.
        "sla-escalate-breaches": {"task": "sla.tasks.escalate_breaches", "schedule": timedelta(minutes=15)},
        # Partner lifecycle (docs/tiers.md): the quarterly tier review on the first day of each fiscal quarter's
        # first month, and the daily sweep for onboarding stalled 14 days.
        "partners-quarterly-tier-review": {
            "task": "partners.tasks.run_quarterly_tier_review",
            "schedule": crontab(
                minute=0,
                hour=3,
                day_of_month=1,
                month_of_year=",".join(
                    str((env.int("FISCAL_YEAR_START_MONTH", default=1) - 1 + 3 * q) % 12 + 1) for q in range(4)
                ),
            ),
        },
        "partners-onboarding-reminders": {
            "task": "partners.tasks.send_onboarding_reminders",
            "schedule": crontab(minute=30, hour=8),
        },
        # Enablement: certificate expiry and the 30- and 7-day reminders, daily and idempotent.
        "enablement-expire-certificates": {
            "task": "enablement.tasks.expire_certificates",
            "schedule": crontab(minute=5, hour=2),
        },
        "enablement-expiry-reminders": {
            "task": "enablement.tasks.send_certificate_reminders",
            "schedule": crontab(minute=15, hour=8),
        },
        # Commissions (docs/commissions-rules.md): recurring accruals daily, payout batches monthly, contests once
        # their period closed.
        "commissions-accrue-recurring": {
            "task": "commissions.tasks.accrue_recurring",
            "schedule": crontab(minute=10, hour=1),
        },
        "commissions-monthly-payout-batches": {
            "task": "commissions.tasks.create_monthly_payout_batches",
            "schedule": crontab(minute=0, hour=4, day_of_month=env.int("COMMISSION_PAYOUT_DAY", default=1)),
        },
        "commissions-resolve-contests": {
            "task": "commissions.tasks.resolve_due_contests",
            "schedule": crontab(minute=40, hour=1),
        },
        "commissions-resume-stalled-payouts": {
            "task": "commissions.tasks.resume_stalled_payouts",
            "schedule": timedelta(minutes=15),
        },
        # MDF: expire unspent funds, remind 30 days before, release commitments whose claim window passed.
        "mdf-expire-funds": {"task": "mdf.tasks.expire_funds", "schedule": crontab(minute=20, hour=2)},
        "mdf-expiry-reminders": {
            "task": "mdf.tasks.send_fund_expiry_reminders",
            "schedule": crontab(minute=25, hour=8),
        },
        "mdf-release-lapsed-requests": {
            "task": "mdf.tasks.release_lapsed_requests",
            "schedule": crontab(minute=35, hour=2),
        },
        # Analytics (docs/analytics.md): the nightly full KPI rollup, incremental rollups of partners events
        # touched, and scorecards + alerts after the nightly rollup.
        "analytics-nightly-rollup": {"task": "analytics.tasks.nightly_rollup", "schedule": crontab(minute=0, hour=1)},
        # (the sweeper: events queue a prompt rollup themselves, ANALYTICS_ROLLUP_DEBOUNCE_SECONDS below)
        "analytics-incremental-rollup": {
            "task": "analytics.tasks.incremental_rollup",
            "schedule": timedelta(minutes=5),
        },
        "analytics-evaluate-alerts": {
            "task": "analytics.tasks.evaluate_alerts",
            "schedule": crontab(minute=30, hour=6),
        },
        # Integrations (docs/webhooks.md): webhook deliveries due for a retry.
        "integrations-retry-webhooks": {
            "task": "integrations.tasks.retry_due_deliveries",
            "schedule": timedelta(minutes=1),
        },
    }
