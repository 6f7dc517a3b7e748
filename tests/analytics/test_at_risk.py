"""At-risk partners: the page reads as numbers and thresholds (not raw decimals or a literal N), and a partner
becoming at risk tells its admins and its channel manager once per episode (analytics/at_risk.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from analytics import alerts
from analytics.models import Alert, AlertKind, AlertRule, AtRiskEpisode, Scorecard
from analytics.scorecards.scoring import current_quarter, previous_quarter
from deals.models import DealRegistration
from enablement.models import Certificate
from prm import formatting
from prm.models import Notification
from tests.deals.factories import DealFactory
from tests.enablement.factories import CertificationFactory
from tests.factories import PartnerAdminFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

AT_RISK = reverse("analytics:at_risk")


@pytest.fixture
def managed(channel_manager):
    return PartnerFactory(
        name="Initech Partners", channel_manager=channel_manager, joined_at=timezone.localdate() - timedelta(days=400)
    )


@pytest.fixture
def admins(managed):
    return [PartnerAdminFactory(partner=managed), PartnerAdminFactory(partner=managed)]


@pytest.fixture
def evaluate(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return alerts.evaluate_alerts()

    return run


def only(kind):
    AlertRule.objects.exclude(kind=kind).update(active=False)


def at_risk_notices(user):
    return Notification.objects.filter(
        user=user, title__in=["Your organisation is at risk", "Initech Partners is at risk"]
    )


def test_the_page_formats_the_score_and_names_the_threshold(client_for, program_admin, managed):
    rule = AlertRule.objects.get(kind=AlertKind.CERTS_EXPIRING)
    rule.threshold = 45
    rule.save()
    Alert.objects.create(rule=rule, partner=managed, detail="2 certifications expiring")
    period = previous_quarter(current_quarter().key)
    Scorecard.objects.create(
        partner=managed, period=period.key, period_start=period.start, total=Decimal("36.9500000000000")
    )
    html = client_for(program_admin).get(AT_RISK, {"book": "all"}).content.decode()
    assert "36.9500000000000" not in html and "37.0" in html
    assert "Certifications expiring within 45 days" in html
    assert "within N days" not in html


def test_the_threshold_is_translated_with_its_number(client_for, program_admin, managed):
    Alert.objects.create(rule=AlertRule.objects.get(kind=AlertKind.NO_DEAL), partner=managed, detail="x")
    with translation.override("de"):
        label = AlertRule.objects.get(kind=AlertKind.NO_DEAL).label
    assert "90" in label and "N " not in label


def test_admins_and_manager_are_told_once_per_episode(managed, admins, channel_manager, program_admin, evaluate):
    only(AlertKind.NO_DEAL)
    evaluate()
    evaluate()  # the daily task running twice tells nobody twice
    for user in [*admins, channel_manager]:
        assert at_risk_notices(user).count() == 1
    admin_note = at_risk_notices(admins[0]).get()
    assert admin_note.title == "Your organisation is at risk"
    assert "No registered deal in 90 days" in admin_note.body
    last_day = current_quarter().end - timedelta(days=1)  # the act-by day: the running quarter's last
    assert f"Act by {formatting.day(last_day, 'en')}" in admin_note.body
    assert not at_risk_notices(program_admin).exists()
    assert AtRiskEpisode.objects.filter(partner=managed, ended_at__isnull=True).count() == 1

    deal = DealFactory(partner=managed)  # back on track: the episode ends, nobody is told
    evaluate()
    assert AtRiskEpisode.objects.get(partner=managed).ended_at is not None
    assert at_risk_notices(admins[0]).count() == 1

    DealRegistration.objects.filter(pk=deal.pk).delete()  # at risk again: a new episode, told again
    evaluate()
    assert AtRiskEpisode.objects.filter(partner=managed).count() == 2
    assert at_risk_notices(admins[0]).count() == 2


def test_a_second_alert_in_the_same_episode_tells_no_one_again(managed, admins, evaluate):
    only(AlertKind.NO_DEAL)
    evaluate()
    AlertRule.objects.filter(kind=AlertKind.CERTS_EXPIRING).update(active=True)
    now = timezone.now()
    Certificate.objects.create(
        certification=CertificationFactory(),
        user=UserFactory(partner=managed),
        partner=managed,
        issued_at=now - timedelta(days=300),
        expires_at=now + timedelta(days=5),
    )
    evaluate()
    assert Alert.objects.filter(partner=managed, resolved_at__isnull=True).count() == 2
    assert at_risk_notices(admins[0]).count() == 1


def test_an_expiring_certification_sets_the_act_by_day(managed, admins, evaluate):
    only(AlertKind.CERTS_EXPIRING)
    now = timezone.now()
    Certificate.objects.create(
        certification=CertificationFactory(),
        user=UserFactory(partner=managed),
        partner=managed,
        issued_at=now - timedelta(days=300),
        expires_at=now + timedelta(days=3),
    )
    evaluate()
    episode = AtRiskEpisode.objects.get(partner=managed)
    from prm.models import DomainEvent

    event = DomainEvent.objects.get(name="analytics.partner_at_risk", object_id=episode.pk)
    assert event.payload["act_by"] == timezone.localtime(now + timedelta(days=3)).date().isoformat()
    assert "Certifications expiring within 30 days" in at_risk_notices(admins[0]).get().body
