"""Partner lifecycle tasks: wrappers around services, safe to run twice."""

from celery import shared_task

from partners import onboarding, tier_review


@shared_task
def run_quarterly_tier_review(period: str | None = None) -> int:
    """The tier review of the quarter that has just ended (beat: first day of each quarter), measured on that
    quarter's complete data (docs/tiers.md); a second run of a quarter does nothing."""
    review = tier_review.run_tier_review(period=period, actor=None)
    return review.pk


@shared_task
def send_onboarding_reminders() -> int:
    return onboarding.send_stalled_onboarding_reminders()
