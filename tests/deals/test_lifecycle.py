"""Review, lifecycle and influence: approve, reject, influence only, won, lost, extension, reopen, expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from deals import services, tasks
from deals.models import DealRegistration, DealReminder, DealStatus, ExtensionStatus, Influence
from prm.models import AuditEntry, DomainEvent, Notification
from tests.deals.factories import DealFactory, DirectAccountFactory, registration_kwargs

pytestmark = pytest.mark.django_db
DEALS = "/api/v1/deals/"


@pytest.fixture
def submitted(partner_user, partner, channel_manager):
    partner.channel_manager = channel_manager
    partner.save()
    return services.register_deal(user=partner_user, **registration_kwargs())


def test_approval_protects_for_the_partners_tier_days(
    api_for, submitted, channel_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(channel_manager).post(f"{DEALS}{submitted.pk}/approve/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["protected_until"] == (timezone.localdate() + timedelta(days=90)).isoformat()  # Gold
    assert DomainEvent.objects.filter(name="deal.approved", object_id=submitted.pk).exists()
    assert Notification.objects.filter(user=submitted.registered_by, title__startswith="Deal approved").exists()


def test_platinum_partners_get_120_days(api_for, partner_user, partner, channel_manager):
    from tests.factories import tier

    partner.tier = tier("Platinum")
    partner.save()
    deal = services.register_deal(user=partner_user, **registration_kwargs())
    deal = services.approve_deal(deal=deal, actor=channel_manager)
    assert deal.protected_until == timezone.localdate() + timedelta(days=120)


def test_approving_twice_is_409(api_for, submitted, channel_manager):
    api = api_for(channel_manager)
    api.post(f"{DEALS}{submitted.pk}/approve/", {}, format="json")
    response = api.post(f"{DEALS}{submitted.pk}/approve/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition_approved_to_approved"


def test_partner_users_may_not_approve(api_for, submitted, partner_admin):
    assert api_for(partner_admin).post(f"{DEALS}{submitted.pk}/approve/", {}, format="json").status_code == 403


def test_finance_may_not_approve(api_for, submitted, finance_user):
    assert api_for(finance_user).post(f"{DEALS}{submitted.pk}/approve/", {}, format="json").status_code == 403


def test_reject_needs_a_reason_and_tells_the_partner(api_for, submitted, channel_manager):
    api = api_for(channel_manager)
    assert api.post(f"{DEALS}{submitted.pk}/reject/", {}, format="json").status_code == 400
    response = api.post(f"{DEALS}{submitted.pk}/reject/", {"reason": "Customer already engaged"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert AuditEntry.objects.filter(
        object_id=submitted.pk, action="reject", reason="Customer already engaged"
    ).exists()


def test_accept_as_influence_records_influence_on_the_direct_deal(partner_user, channel_manager):
    DirectAccountFactory(name="Initech Corporation", domain="initech.example")
    deal = services.register_deal(user=partner_user, **registration_kwargs())
    assert deal.reason == "direct_account"
    deal = services.accept_as_influence(deal=deal, actor=channel_manager)
    assert (deal.status, deal.reason) == ("rejected", "influence_only")
    influence = Influence.objects.get()
    assert influence.partner_id == partner_user.partner_id and influence.kind == "active_in_sale"
    assert influence.deal.source == "direct" and influence.deal.partner_id is None


def test_bulk_approve_approves_only_clean_registrations(client_for, partner_user, channel_manager):
    clean = services.register_deal(user=partner_user, **registration_kwargs())
    DirectAccountFactory(name="Umbrella Corp", domain="umbrella.example")
    review = services.register_deal(
        user=partner_user, **registration_kwargs(customer_name="Umbrella", customer_domain="umbrella.example")
    )
    client = client_for(channel_manager)
    client.post("/deals/review/bulk-approve/", {"deal": [clean.pk, review.pk]})
    clean.refresh_from_db()
    review.refresh_from_db()
    assert clean.status == "approved" and review.status == "pending_review"


@pytest.fixture
def approved(submitted, channel_manager):
    return services.approve_deal(deal=submitted, actor=channel_manager)


def test_partner_marks_won_with_amount_and_close_date(api_for, approved, partner_user):
    today = timezone.localdate().isoformat()
    response = api_for(partner_user).post(
        f"{DEALS}{approved.pk}/won/", {"amount": "48000.50", "close_date": today}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "won" and response.json()["amount"] == "48000.50"
    event = DomainEvent.objects.get(name="deal.won", object_id=approved.pk)
    assert event.payload["deal_id"] == approved.pk and event.payload["partner_id"] == approved.partner_id
    assert event.payload["amount"] == "48000.50" and event.payload["currency"] == "USD"
    assert event.payload["close_date"] == today


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-1", "close_date": "2024-01-01"}, "amount"),
        ({"amount": "10", "close_date": "2999-01-01"}, "close_date"),
        ({"amount": "10"}, "close_date"),
        ({"amount": "10", "close_date": "2024-01-01", "currency": "EURO"}, "currency"),
    ],
)
def test_won_with_bad_input_is_400(api_for, approved, partner_user, body, field):
    response = api_for(partner_user).post(f"{DEALS}{approved.pk}/won/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    approved.refresh_from_db()
    assert approved.status == "approved"


def test_won_before_approval_is_409(api_for, submitted, partner_user):
    body = {"amount": "10", "close_date": timezone.localdate().isoformat()}
    assert api_for(partner_user).post(f"{DEALS}{submitted.pk}/won/", body, format="json").status_code == 409


def test_channel_manager_may_mark_won_and_reopen(api_for, approved, channel_manager):
    api = api_for(channel_manager)
    body = {"amount": "1000", "close_date": timezone.localdate().isoformat()}
    assert api.post(f"{DEALS}{approved.pk}/won/", body, format="json").status_code == 200
    response = api.post(f"{DEALS}{approved.pk}/reopen/", {"reason": "Order cancelled"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    event = DomainEvent.objects.get(name="deal.reopened", object_id=approved.pk)
    assert event.payload["amount"] == "1000.00"
    assert api.post(f"{DEALS}{approved.pk}/reopen/", {"reason": "again"}, format="json").status_code == 409


def test_partner_may_not_reopen(api_for, approved, partner_user):
    assert (
        api_for(partner_user).post(f"{DEALS}{approved.pk}/reopen/", {"reason": "x"}, format="json").status_code == 403
    )


def test_lost_needs_a_reason(api_for, approved, partner_user):
    api = api_for(partner_user)
    assert api.post(f"{DEALS}{approved.pk}/lost/", {}, format="json").status_code == 400
    response = api.post(f"{DEALS}{approved.pk}/lost/", {"reason": "Went with a competitor"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "lost"
    assert DomainEvent.objects.filter(name="deal.lost", object_id=approved.pk).exists()
    assert api.post(f"{DEALS}{approved.pk}/lost/", {"reason": "again"}, format="json").status_code == 409


def test_one_extension_on_request_approved_by_the_manager(api_for, approved, partner_user, channel_manager):
    api = api_for(partner_user)
    response = api.post(f"{DEALS}{approved.pk}/extend/", {}, format="json")
    assert response.status_code == 200 and response.json() == {"extension": "requested"}
    assert api.post(f"{DEALS}{approved.pk}/extend/", {}, format="json").status_code == 409
    before = approved.protected_until
    response = api_for(channel_manager).post(f"{DEALS}{approved.pk}/extension/approve/", {}, format="json")
    assert response.status_code == 200
    approved.refresh_from_db()
    assert approved.protected_until == before + timedelta(days=30)
    assert approved.extension_status == ExtensionStatus.APPROVED
    assert api.post(f"{DEALS}{approved.pk}/extend/", {}, format="json").status_code == 409


def test_other_partners_get_404_for_every_action(api_for, approved, other_partner_user):
    api = api_for(other_partner_user)
    for path in ("", "won/", "lost/", "extend/", "approve/"):
        method = api.get if not path else api.post
        assert method(f"{DEALS}{approved.pk}/{path}", {}, format="json").status_code == 404, path


def test_influence_records_of_the_three_kinds(api_for, approved, other_partner, channel_manager, partner_user):
    api = api_for(channel_manager)
    for kind in ("endorsement", "integration_requirement", "active_in_sale"):
        response = api.post(
            f"{DEALS}{approved.pk}/influences/", {"partner": other_partner.pk, "kind": kind}, format="json"
        )
        assert response.status_code == 201 and response.json()["kind"] == kind
    assert (
        api.post(
            f"{DEALS}{approved.pk}/influences/", {"partner": other_partner.pk, "kind": "gossip"}, format="json"
        ).status_code
        == 400
    )
    assert (
        api_for(partner_user)
        .post(f"{DEALS}{approved.pk}/influences/", {"partner": other_partner.pk, "kind": "endorsement"}, format="json")
        .status_code
        == 403
    )
    assert Influence.objects.count() == 3


def test_expiry_runs_once_at_the_end_of_protection(approved):
    DealRegistration.objects.filter(pk=approved.pk).update(protected_until=timezone.localdate() - timedelta(days=1))
    assert tasks.expire_deals() == 1
    assert tasks.expire_deals() == 0
    approved.refresh_from_db()
    assert approved.status == DealStatus.EXPIRED
    assert DomainEvent.objects.filter(name="deal.expired", object_id=approved.pk).count() == 1


def test_a_won_deal_does_not_expire(approved, partner_user):
    services.mark_won(deal=approved, actor=partner_user, amount=Decimal("10"), close_date=timezone.localdate())
    DealRegistration.objects.filter(pk=approved.pk).update(protected_until=timezone.localdate() - timedelta(days=1))
    assert tasks.expire_deals() == 0


@pytest.mark.parametrize(("days_left", "kind"), [(14, 14), (10, 14), (3, 3), (1, 3)])
def test_reminders_are_sent_once_per_deal_and_kind(approved, days_left, kind):
    DealRegistration.objects.filter(pk=approved.pk).update(
        protected_until=timezone.localdate() + timedelta(days=days_left)
    )
    mail.outbox.clear()
    assert tasks.send_expiry_reminders() == 1
    assert tasks.send_expiry_reminders() == 0
    assert DealReminder.objects.filter(deal=approved, days_before=kind).exists()
    assert DomainEvent.objects.filter(name="deal.expiry_reminder").count() == 1


def test_no_reminder_with_more_than_14_days_left(approved):
    assert tasks.send_expiry_reminders() == 0


def test_the_three_day_reminder_follows_the_fourteen_day_one(approved):
    DealRegistration.objects.filter(pk=approved.pk).update(protected_until=timezone.localdate() + timedelta(days=14))
    assert tasks.send_expiry_reminders() == 1
    DealRegistration.objects.filter(pk=approved.pk).update(protected_until=timezone.localdate() + timedelta(days=3))
    # The protection end moved (say an extension was undone): a new end date gets its own reminders.
    assert tasks.send_expiry_reminders() == 1
    assert tasks.send_expiry_reminders() == 0


def test_tier_providers_measure_sourced_bookings_and_registered_deals(approved, partner_user, partner):
    from partners.tier_engine import measure

    services.mark_won(deal=approved, actor=partner_user, amount=Decimal("5000"), close_date=timezone.localdate())
    since, until = timezone.localdate() - timedelta(days=365), timezone.localdate() + timedelta(days=1)
    assert measure("sourced_bookings", [partner.pk], since, until)[partner.pk] == Decimal("5000.00")
    assert measure("registered_deals", [partner.pk], since, until)[partner.pk] == Decimal("1")


def test_direct_deals_are_invisible_to_partners(api_for, partner_user, channel_manager):
    DirectAccountFactory(name="Initech Corporation", domain="initech.example")
    deal = services.register_deal(user=partner_user, **registration_kwargs())
    services.accept_as_influence(deal=deal, actor=channel_manager)
    direct = DealRegistration.objects.get(source="direct")
    assert api_for(partner_user).get(f"{DEALS}{direct.pk}/").status_code == 404
    assert DealFactory._meta.model is DealRegistration
