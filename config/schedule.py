"""Every periodic job of the portal, in one place: the Celery beat schedule (settings: CELERY_BEAT_SCHEDULE)."""

from datetime import timedelta

from celery.schedules import crontab


def daily(hour: int, minute: int) -> crontab:
    return crontab(minute=minute, hour=hour)


def every(**interval) -> timedelta:
    return timedelta(**interval)


def beat_schedule(env) -> dict:
    """The schedule; `env` (django-environ) gives the fiscal year's first month and the commission payout day."""
    fiscal_quarter_months = ",".join(
        str((env.int("FISCAL_YEAR_START_MONTH", default=1) - 1 + 3 * q) % 12 + 1) for q in range(4)
    )
    payout_day = env.int("COMMISSION_PAYOUT_DAY", default=1)
    jobs = [  # (name, task, schedule)
        ("purge-idempotency-keys", "prm.tasks.purge_idempotency_keys", every(hours=1)),
        ("clean-upload-stash", "prm.tasks.clean_upload_stash", every(hours=1)),
        ("dispatch-pending-events", "prm.tasks.dispatch_pending_events", every(minutes=1)),
        # Deal registration: expiry, reminders and the lead acceptance SLA.
        ("deals-expire-protection", "deals.tasks.expire_deals", every(hours=1)),
        ("deals-expiry-reminders", "deals.tasks.send_expiry_reminders", every(hours=1)),
        ("deals-return-overdue-leads", "deals.tasks.return_overdue_leads", every(minutes=15)),
        # Partner directory (docs/directory.md): the measured facts of every listing, nightly.
        ("directory-refresh-listing-facts", "directory.tasks.refresh_listing_facts", daily(2, 40)),
        # SLAs (docs/sla.md): open items past their due moment are escalated once.
        ("sla-escalate-breaches", "sla.tasks.escalate_breaches", every(minutes=15)),
        # Partner lifecycle (docs/tiers.md): the quarterly tier review on the first day of each fiscal quarter's
        # first month, and the daily sweep for onboarding stalled 14 days.
        (
            "partners-quarterly-tier-review",
            "partners.tasks.run_quarterly_tier_review",
            crontab(minute=0, hour=3, day_of_month=1, month_of_year=fiscal_quarter_months),
        ),
        ("partners-onboarding-reminders", "partners.tasks.send_onboarding_reminders", daily(8, 30)),
        # Enablement: certificate expiry and the 30- and 7-day reminders, daily and idempotent.
        ("enablement-expire-certificates", "enablement.tasks.expire_certificates", daily(2, 5)),
        ("enablement-expiry-reminders", "enablement.tasks.send_certificate_reminders", daily(8, 15)),
        # Commissions (docs/commissions-rules.md): recurring accruals daily, payout batches monthly, contests once
        # their period closed.
        ("commissions-accrue-recurring", "commissions.tasks.accrue_recurring", daily(1, 10)),
        (
            "commissions-monthly-payout-batches",
            "commissions.tasks.create_monthly_payout_batches",
            crontab(minute=0, hour=4, day_of_month=payout_day),
        ),
        ("commissions-resolve-contests", "commissions.tasks.resolve_due_contests", daily(1, 40)),
        ("commissions-resume-stalled-payouts", "commissions.tasks.resume_stalled_payouts", every(minutes=15)),
        # MDF: expire unspent funds, remind 30 days before, release commitments whose claim window passed.
        ("mdf-expire-funds", "mdf.tasks.expire_funds", daily(2, 20)),
        ("mdf-expiry-reminders", "mdf.tasks.send_fund_expiry_reminders", daily(8, 25)),
        ("mdf-release-lapsed-requests", "mdf.tasks.release_lapsed_requests", daily(2, 35)),
        # Analytics (docs/analytics.md): the nightly full KPI rollup, incremental rollups of partners events
        # touched, and scorecards + alerts after the nightly rollup.
        ("analytics-nightly-rollup", "analytics.tasks.nightly_rollup", daily(1, 0)),
        # (the sweeper: events queue a prompt rollup themselves, ANALYTICS_ROLLUP_DEBOUNCE_SECONDS below)
        ("analytics-incremental-rollup", "analytics.tasks.incremental_rollup", every(minutes=5)),
        ("analytics-evaluate-alerts", "analytics.tasks.evaluate_alerts", daily(6, 30)),
        # Integrations (docs/webhooks.md): webhook deliveries due for a retry.
        ("integrations-retry-webhooks", "integrations.tasks.retry_due_deliveries", every(minutes=1)),
        # Private availability checks (docs/private-check.md): rebuild the PSI setups whose items changed.
        ("availability-rebuild-setups", "availability.tasks.rebuild_setups", daily(0, 40)),
    ]
    return {name: {"task": task, "schedule": schedule} for name, task, schedule in jobs}
