"""Close dates (docs/commissions-rules.md): a won deal's close date lies between its registration and today;
only a channel manager sets an earlier one, with a reason that is audited. Services, API and the deal page.
The close date is what spiffs, contests, plan versions and bookings key on."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from deals import services
from deals.models import DealStatus
from prm.audit import history_of
from prm.models import DomainEvent
from tests.deals.factories import DealFactory

pytestmark = pytest.mark.django_db
DEALS = "/api/v1/deals/"


@pytest.fixture
def fresh(partner):
    """Registered and approved today: the deal of the report."""
    return DealFactory(partner=partner, submitted_at=timezone.now(), product="Platform")


def three_weeks_ago():
    return timezone.localdate() - timedelta(days=21)


def test_a_partner_cannot_close_a_deal_before_it_was_registered(fresh, partner_user):
    with pytest.raises(ValidationError) as refused:
        services.mark_won(deal=fresh, actor=partner_user, amount=Decimal("48000"), close_date=three_weeks_ago())
    assert "close_date" in refused.value.message_dict
    fresh.refresh_from_db()
    assert fresh.status == DealStatus.APPROVED and fresh.close_date is None
    assert not DomainEvent.objects.filter(name="deal.won", object_id=fresh.pk).exists()
    # Even with a reason: only channel managers may backdate.
    with pytest.raises(ValidationError):
        services.mark_won(
            deal=fresh,
            actor=partner_user,
            amount=Decimal("48000"),
            close_date=three_weeks_ago(),
            close_date_reason="Trust me",
        )


def test_the_registration_day_and_today_are_both_allowed(partner, partner_user):
    registered = timezone.now() - timedelta(days=30)
    older = DealFactory(partner=partner, submitted_at=registered)
    won = services.mark_won(
        deal=older, actor=partner_user, amount=Decimal("10"), close_date=timezone.localdate(registered)
    )
    assert won.close_date == timezone.localdate(registered)
    today = DealFactory(partner=partner, submitted_at=timezone.now())
    assert services.mark_won(
        deal=today, actor=partner_user, amount=Decimal("10"), close_date=timezone.localdate()
    ).close_date


def test_a_channel_manager_backdates_with_a_reason_that_is_audited(fresh, channel_manager):
    with pytest.raises(ValidationError) as refused:
        services.mark_won(deal=fresh, actor=channel_manager, amount=Decimal("48000"), close_date=three_weeks_ago())
    assert "close_date_reason" in refused.value.message_dict
    reason = "Signed at the customer's offsite; the partner registered it late."
    won = services.mark_won(
        deal=fresh,
        actor=channel_manager,
        amount=Decimal("48000"),
        close_date=three_weeks_ago(),
        close_date_reason=reason,
    )
    assert won.status == DealStatus.WON and won.close_date == three_weeks_ago()
    rows = history_of(fresh)
    assert rows.filter(action="mark_won", reason=reason, actor=channel_manager).exists()
    backdated = rows.get(action="close_date_before_registration")
    assert backdated.reason == reason and backdated.changes["close_date"] == three_weeks_ago().isoformat()


def test_api_refuses_a_close_date_before_registration_with_a_field_error(api_for, fresh, partner_user):
    body = {"amount": "48000", "close_date": three_weeks_ago().isoformat()}
    response = api_for(partner_user).post(f"{DEALS}{fresh.pk}/won/", body, format="json")
    assert response.status_code == 400 and "close_date" in response.json()
    fresh.refresh_from_db()
    assert fresh.status == DealStatus.APPROVED


def test_api_channel_manager_needs_close_date_reason(api_for, fresh, channel_manager):
    api = api_for(channel_manager)
    body = {"amount": "48000", "close_date": three_weeks_ago().isoformat()}
    response = api.post(f"{DEALS}{fresh.pk}/won/", body, format="json")
    assert response.status_code == 400 and "close_date_reason" in response.json()
    body["close_date_reason"] = "x" * 2001
    assert api.post(f"{DEALS}{fresh.pk}/won/", body, format="json").status_code == 400
    body["close_date_reason"] = "Signed before the registration; confirmed with the customer."
    response = api.post(f"{DEALS}{fresh.pk}/won/", body, format="json")
    assert response.status_code == 200 and response.json()["close_date"] == three_weeks_ago().isoformat()


def test_page_shows_the_field_error_beside_the_close_date(client_for, fresh, partner_user):
    client = client_for(partner_user)
    response = client.post(
        f"/deals/{fresh.pk}/won/", {"amount": "48000.00", "close_date": three_weeks_ago().isoformat()}
    )
    assert response.status_code == 400
    assert "close_date" in response.context["won_form"].errors
    assert "before its registration" in response.content.decode()
    fresh.refresh_from_db()
    assert fresh.status == DealStatus.APPROVED
    ok = client.post(f"/deals/{fresh.pk}/won/", {"amount": "48000.00", "close_date": timezone.localdate().isoformat()})
    assert ok.status_code == 302
    fresh.refresh_from_db()
    assert fresh.status == DealStatus.WON and fresh.amount == Decimal("48000.00")


def test_page_channel_manager_backdates_with_a_reason(client_for, fresh, channel_manager):
    client = client_for(channel_manager)
    page = client.get(f"/deals/{fresh.pk}/").content.decode()
    assert 'data-testid="won-close-date-reason"' in page
    body = {"amount": "48000.00", "close_date": three_weeks_ago().isoformat()}
    response = client.post(f"/deals/{fresh.pk}/won/", body)
    assert response.status_code == 400 and "close_date_reason" in response.context["won_form"].errors
    body["close_date_reason"] = "Signed at the customer's offsite."
    assert client.post(f"/deals/{fresh.pk}/won/", body).status_code == 302
    fresh.refresh_from_db()
    assert fresh.status == DealStatus.WON and fresh.close_date == three_weeks_ago()
