"""Alerts: each rule triggers on a hand-built fixture, notifies once per condition, resolves, and re-opens."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from analytics import alerts
from analytics.models import Alert, AlertKind, AlertRule, Scorecard
from analytics.scorecards.scoring import current_quarter, previous_quarter
from deals.models import Lead, LeadStatus
from enablement.models import Certificate
from prm.models import AuditEntry, Notification
from tests.deals.factories import DealFactory
from tests.enablement.factories import CertificationFactory
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def managed(channel_manager):
    """An active partner that joined long ago, managed by the channel manager."""
    return PartnerFactory(
        name="Initech Partners", channel_manager=channel_manager, joined_at=timezone.localdate() - timedelta(days=400)
    )


@pytest.fixture
def quiet(django_capture_on_commit_callbacks):
    """Evaluate with the after-commit notifications run (inline Celery in tests)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return alerts.evaluate_alerts()

    return run


def only(kind):
    AlertRule.objects.exclude(kind=kind).update(active=False)


def open_alerts(partner, kind):
    return Alert.objects.filter(partner=partner, rule__kind=kind, resolved_at__isnull=True)


def test_no_deal_opens_for_a_partner_without_registrations_in_n_days(managed, quiet):
    only(AlertKind.NO_DEAL)
    DealFactory(partner=managed, submitted_at=timezone.now() - timedelta(days=120))
    quiet()
    alert = open_alerts(managed, AlertKind.NO_DEAL).get()
    assert "No deal registered in 90 days" in alert.detail


def test_no_deal_spares_recent_registrations_and_new_partners(managed, channel_manager, quiet):
    only(AlertKind.NO_DEAL)
    DealFactory(partner=managed, submitted_at=timezone.now() - timedelta(days=10))
    newcomer = PartnerFactory(channel_manager=channel_manager, joined_at=timezone.localdate() - timedelta(days=20))
    quiet()
    assert not Alert.objects.filter(partner__in=[managed, newcomer]).exists()


def test_certs_expiring_counts_valid_certificates_inside_the_window(managed, quiet):
    only(AlertKind.CERTS_EXPIRING)
    certification = CertificationFactory()
    now = timezone.now()
    for days in (5, 20, 60):
        Certificate.objects.create(
            certification=certification if days != 20 else CertificationFactory(),
            user=UserFactory(partner=managed),
            partner=managed,
            issued_at=now - timedelta(days=300),
            expires_at=now + timedelta(days=days),
        )
    quiet()
    alert = open_alerts(managed, AlertKind.CERTS_EXPIRING).get()
    assert alert.value == 2
    assert "2 certifications expiring within 30 days" in alert.detail


def test_score_drop_compares_the_last_two_closed_quarters(managed, quiet):
    only(AlertKind.SCORE_DROP)
    latest = previous_quarter(current_quarter().key)
    before = previous_quarter(latest.key)
    # The running quarter is part-way: its low score must not count.
    Scorecard.objects.create(
        partner=managed, period=current_quarter().key, period_start=current_quarter().start, total=Decimal("10.00")
    )
    for period, total in ((before, "70.00"), (latest, "59.50")):
        Scorecard.objects.create(partner=managed, period=period.key, period_start=period.start, total=Decimal(total))
    quiet()
    alert = open_alerts(managed, AlertKind.SCORE_DROP).get()
    assert alert.value == Decimal("10.50")


def test_a_drop_smaller_than_n_opens_nothing(managed, quiet):
    only(AlertKind.SCORE_DROP)
    latest = previous_quarter(current_quarter().key)
    before = previous_quarter(latest.key)
    for period, total in ((before, "70.00"), (latest, "60.01")):
        Scorecard.objects.create(partner=managed, period=period.key, period_start=period.start, total=Decimal(total))
    quiet()
    assert not Alert.objects.exists()


def _lead(partner, creator, *, status, hours_overdue=5, assigned_days_ago=3):
    now = timezone.now()
    return Lead.objects.create(
        partner=partner,
        created_by=creator,
        customer_name="Umbrella",
        customer_country="US",
        status=status,
        assigned_at=now - timedelta(days=assigned_days_ago),
        accept_by=now - timedelta(hours=hours_overdue),
    )


def test_leads_not_accepted_counts_overdue_and_returned_leads(managed, channel_manager, quiet):
    only(AlertKind.LEADS_NOT_ACCEPTED)
    _lead(managed, channel_manager, status=LeadStatus.ASSIGNED)
    _lead(managed, channel_manager, status=LeadStatus.ACCEPTED)
    _lead(managed, channel_manager, status=LeadStatus.RETURNED, assigned_days_ago=200)  # outside the 90 days
    quiet()
    assert not Alert.objects.exists()  # 1 < 2
    _lead(managed, channel_manager, status=LeadStatus.RETURNED)
    quiet()
    assert open_alerts(managed, AlertKind.LEADS_NOT_ACCEPTED).get().value == 2


def test_leads_not_accepted_leaves_out_leads_for_protected_customers(managed, channel_manager, quiet):
    """docs/policy.md, "Leads for protected customers": the partner could not accept them, so they are no misses."""
    only(AlertKind.LEADS_NOT_ACCEPTED)
    excused = _lead(managed, channel_manager, status=LeadStatus.RETURNED)
    waiting = _lead(managed, channel_manager, status=LeadStatus.ASSIGNED)
    Lead.objects.filter(pk=excused.pk).update(lapse_excused=True)
    Lead.objects.filter(pk=waiting.pk).update(customer_protected=True)
    quiet()
    assert not Alert.objects.exists()
    Lead.objects.filter(pk=excused.pk).update(lapse_excused=False)
    Lead.objects.filter(pk=waiting.pk).update(customer_protected=False)
    quiet()
    assert open_alerts(managed, AlertKind.LEADS_NOT_ACCEPTED).get().value == 2


def test_the_manager_is_notified_exactly_once_resolved_when_cleared_and_again_when_it_recurs(
    managed, channel_manager, program_admin, quiet
):
    only(AlertKind.NO_DEAL)
    quiet()
    quiet()  # still breached: nothing new
    notes = Notification.objects.filter(user=channel_manager, category="analytics", title__startswith="Partner at risk")
    assert notes.count() == 1
    assert notes.get().title == "Partner at risk: Initech Partners"
    assert not Notification.objects.filter(user=program_admin).exists()
    assert Alert.objects.filter(partner=managed).count() == 1

    deal = DealFactory(partner=managed)  # submitted now: the condition clears
    quiet()
    assert Alert.objects.get(partner=managed).resolved_at is not None
    assert notes.count() == 1

    deal.delete()  # the condition comes back: a new alert and a new notification
    quiet()
    assert Alert.objects.filter(partner=managed).count() == 2
    assert open_alerts(managed, AlertKind.NO_DEAL).count() == 1
    assert notes.count() == 2


def test_program_admins_hear_about_partners_without_a_manager(program_admin, quiet):
    only(AlertKind.NO_DEAL)
    orphan = PartnerFactory(name="Orphan Co", joined_at=timezone.localdate() - timedelta(days=400))
    quiet()
    assert Notification.objects.filter(user=program_admin, title="Partner at risk: Orphan Co").count() == 1
    assert open_alerts(orphan, AlertKind.NO_DEAL).exists()


def test_switching_a_rule_off_resolves_its_alerts(managed, quiet, program_admin):
    only(AlertKind.NO_DEAL)
    quiet()
    rule = AlertRule.objects.get(kind=AlertKind.NO_DEAL)
    alerts.update_alert_rule(user=program_admin, rule=rule, threshold=90, active=False)
    quiet()
    assert not open_alerts(managed, AlertKind.NO_DEAL).exists()


def test_update_alert_rule_is_audited_and_validated(program_admin):
    rule = AlertRule.objects.get(kind=AlertKind.SCORE_DROP)
    alerts.update_alert_rule(user=program_admin, rule=rule, threshold=15, active=True)
    rule.refresh_from_db()
    assert rule.threshold == 15 and rule.updated_by == program_admin
    assert AuditEntry.objects.get(action="update_alert_rule").changes == {"threshold": [10, 15]}
    with pytest.raises(ValidationError):
        alerts.update_alert_rule(user=program_admin, rule=rule, threshold=0, active=True)


def test_only_program_admins_change_alert_rules(channel_manager):
    with pytest.raises(PermissionDenied):
        alerts.update_alert_rule(
            user=channel_manager, rule=AlertRule.objects.get(kind=AlertKind.NO_DEAL), threshold=30, active=True
        )


def test_the_beat_task_evaluates_alerts(managed):
    from analytics.tasks import evaluate_alerts

    only(AlertKind.NO_DEAL)
    assert evaluate_alerts.delay().get()["no_deal"]["open"] == 1
