"""Suspended and terminated partners (docs/partner-status.md): the standing gate in services, the end of a
terminated partner's protections, held payouts, reinstatement, token and login refusals."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import create_api_token
from commissions import holds
from commissions import services as commission_services
from commissions.models import EntryStatus, PayoutBatch, PayoutRelease
from deals.models import DealStatus
from deals.services import accept_lead, register_deal
from mdf.services import submit_request
from partners.models import PartnerStatus
from partners.services import change_partner_status, reinstate_partner, suspend_partner, terminate_partner
from prm.audit import history_of
from prm.exceptions import Conflict, TransitionNotAllowed
from prm.guards import PartnerSuspended
from tests.commissions.factories import EntryFactory
from tests.deals.factories import AccountFactory, DealFactory
from tests.factories import PASSWORD, InternalUserFactory
from tests.mdf.factories import request_data

pytestmark = pytest.mark.django_db


def registration(name="Initech Systems", domain="initech.example"):
    return {
        "customer_name": name,
        "customer_domain": domain,
        "customer_country": "US",
        "amount": "5000.00",
        "currency": "USD",
        "deal_type": "new_business",
    }


def registration_kwargs(name="Initech Systems", domain="initech.example"):
    return registration(name, domain) | {"amount": Decimal("5000.00")}


@pytest.fixture
def held_customer(partner, partner_admin):
    """Acme holds Initech with an approved registration."""
    return DealFactory(
        partner=partner,
        registered_by=partner_admin,
        account=AccountFactory(name="Initech Systems", domain="initech.example"),
    )


@pytest.fixture
def second_finance(db):
    from accounts.models import Role

    return InternalUserFactory(role=Role.FINANCE, email="finance2@example.com")


# --- the gate in services -----------------------------------------------------------------------------


def test_a_suspended_partners_user_cannot_register_and_nothing_is_saved(partner, partner_admin, channel_manager):
    suspend_partner(actor=channel_manager, partner=partner, reason="Unpaid invoices")
    before = partner.deal_registrations.count()
    with pytest.raises(PartnerSuspended) as refused:
        register_deal(user=partner_admin, **registration_kwargs())
    assert refused.value.code == "partner_suspended"
    assert "suspended" in refused.value.message
    assert partner.deal_registrations.count() == before


def test_a_suspended_partner_cannot_request_mdf_accept_leads_or_create_tokens(partner, partner_admin, channel_manager):
    from deals.models import Lead, LeadStatus

    lead = Lead.objects.create(
        partner=partner,
        created_by=channel_manager,
        customer_name="Lead Co",
        customer_country="US",
        status=LeadStatus.ASSIGNED,
    )
    suspend_partner(actor=channel_manager, partner=partner, reason="Audit")
    with pytest.raises(PartnerSuspended):
        submit_request(user=partner_admin, **request_data())
    with pytest.raises(PartnerSuspended):
        accept_lead(lead=lead, actor=partner_admin)
    with pytest.raises(PartnerSuspended):
        create_api_token(user=partner_admin, name="CRM")
    assert not ApiToken.objects.filter(user=partner_admin).exists()


def test_a_suspended_partners_protection_keeps_blocking_another_partner(
    held_customer, partner, other_partner_user, channel_manager
):
    suspend_partner(actor=channel_manager, partner=partner, reason="Audit")
    other = register_deal(user=other_partner_user, **registration_kwargs())
    assert (other.status, other.reason) == (DealStatus.REJECTED, "conflict")
    held_customer.refresh_from_db()
    assert held_customer.status == DealStatus.APPROVED


def test_a_terminated_partners_registration_no_longer_blocks_another_partner(
    held_customer, partner, other_partner_user, channel_manager, django_capture_on_commit_callbacks
):
    before = register_deal(user=other_partner_user, **registration_kwargs())
    assert before.reason == "conflict"  # the old code: the terminated partner kept the customer
    with django_capture_on_commit_callbacks(execute=True):
        terminate_partner(actor=channel_manager, partner=partner, reason="Contract ended")
    held_customer.refresh_from_db()
    assert held_customer.status == DealStatus.EXPIRED
    ended = history_of(held_customer).first()
    assert (ended.action, ended.from_state, ended.to_state) == ("partner_terminated", "approved", "expired")
    after = register_deal(user=other_partner_user, **registration_kwargs())
    assert after.status != DealStatus.REJECTED and after.reason != "conflict"


def test_terminated_partners_pending_registrations_are_rejected(
    partner, partner_admin, channel_manager, django_capture_on_commit_callbacks
):
    pending = register_deal(user=partner_admin, **registration_kwargs("Umbrella Corp", "umbrella.example"))
    assert pending.status == DealStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        terminate_partner(actor=channel_manager, partner=partner, reason="Contract ended")
    pending.refresh_from_db()
    assert pending.status == DealStatus.REJECTED


# --- reinstatement and history ------------------------------------------------------------------------


def test_reinstating_a_suspended_partner_restores_writes_and_the_history_is_in_the_audit_trail(
    partner, partner_admin, channel_manager
):
    suspend_partner(actor=channel_manager, partner=partner, reason="Unpaid invoices")
    reinstate_partner(actor=channel_manager, partner=partner, reason="Paid")
    deal = register_deal(user=partner_admin, **registration_kwargs())
    assert deal.pk
    rows = list(history_of(partner).filter(action__in=["suspended", "reinstated"]).order_by("created_at", "pk"))
    assert [(r.action, r.from_state, r.to_state, r.reason) for r in rows] == [
        ("suspended", "active", "suspended", "Unpaid invoices"),
        ("reinstated", "suspended", "active", "Paid"),
    ]
    assert rows[0].actor == channel_manager


def test_only_a_suspended_partner_is_reinstated_and_a_terminated_one_stays_terminated(partner, channel_manager):
    with pytest.raises(TransitionNotAllowed):
        reinstate_partner(actor=channel_manager, partner=partner)
    terminate_partner(actor=channel_manager, partner=partner, reason="Fraud")
    with pytest.raises(TransitionNotAllowed):
        change_partner_status(actor=channel_manager, partner=partner, status=PartnerStatus.ACTIVE)


def test_reinstate_through_the_api_and_the_page(api_for, client_for, partner, channel_manager):
    api = api_for(channel_manager)
    response = api.post(reverse("partner-suspend", args=[partner.pk]), {"reason": "Audit"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    response = api.post(reverse("partner-reinstate", args=[partner.pk]), {"reason": "Cleared"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert api.post(reverse("partner-reinstate", args=[partner.pk]), {}, format="json").status_code == 409
    page = client_for(channel_manager)
    page.post(reverse("partners:action", args=[partner.pk, "status"]), {"status": "suspended", "reason": "Again"})
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.SUSPENDED
    page.post(reverse("partners:action", args=[partner.pk, "status"]), {"status": "active", "reason": "Ok"})
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE
    assert history_of(partner).filter(action="reinstated").count() == 2


def test_partner_users_cannot_change_their_own_standing(api_for, partner, partner_admin):
    response = api_for(partner_admin).post(reverse("partner-reinstate", args=[partner.pk]), {}, format="json")
    assert response.status_code == 403


# --- payouts held ---------------------------------------------------------------------------------------


def test_a_suspended_partners_commissions_accrue_but_are_not_batched_and_finance_sees_them_held(
    partner, channel_manager, finance_user, api_for, client_for
):
    EntryFactory(partner=partner, status=EntryStatus.APPROVED, amount=Decimal("250.00"))
    suspend_partner(actor=channel_manager, partner=partner, reason="Audit")
    accrued = EntryFactory(partner=partner)  # accrual goes on while suspended
    assert accrued.pk
    with pytest.raises(Conflict) as refused:
        commission_services.create_payout_batch(partner=partner, actor=finance_user)
    assert refused.value.code == "payouts_held"
    assert commission_services.create_monthly_payout_batches() == []
    assert not PayoutBatch.objects.filter(partner=partner).exists()

    rows = list(holds.held_payouts(finance_user))
    assert [(r["partner_id"], r["approved"]) for r in rows] == [(partner.pk, Decimal("250.00"))]
    page = client_for(finance_user).get(reverse("commissions:held"))
    assert page.status_code == 200 and partner.name in page.content.decode()
    api = api_for(finance_user)
    entries = api.get(reverse("commission-entry-list"), {"held": "true"}).json()["results"]
    assert entries and all(e["payout_held"] and e["partner"] == partner.pk for e in entries)


def test_reinstatement_releases_a_suspended_partners_payouts(partner, channel_manager, finance_user):
    EntryFactory(partner=partner, status=EntryStatus.APPROVED)
    suspend_partner(actor=channel_manager, partner=partner, reason="Audit")
    assert holds.is_held(partner.pk)
    reinstate_partner(actor=channel_manager, partner=partner, reason="Cleared")
    assert not holds.is_held(partner.pk)
    assert commission_services.create_payout_batch(partner=partner, actor=finance_user).total == Decimal("100.00")


def test_a_batch_made_before_the_suspension_is_not_approved_or_paid_while_held(
    partner, channel_manager, finance_user, second_finance
):
    EntryFactory(partner=partner, status=EntryStatus.APPROVED)
    batch = commission_services.create_payout_batch(partner=partner, actor=finance_user)
    suspend_partner(actor=channel_manager, partner=partner, reason="Audit")
    with pytest.raises(Conflict):
        commission_services.approve_batch(batch=batch, actor=second_finance)


def test_finance_releases_a_terminated_partners_held_payouts_once_and_it_is_audited(
    partner, channel_manager, finance_user, api_for
):
    EntryFactory(partner=partner, status=EntryStatus.APPROVED)
    terminate_partner(actor=channel_manager, partner=partner, reason="Contract ended")
    assert holds.is_held(partner.pk)
    api = api_for(finance_user)
    url = reverse("commission-payout-release-held")
    assert api.post(url, {"partner": partner.pk, "reason": ""}, format="json").status_code == 400
    response = api.post(url, {"partner": partner.pk, "reason": "Final settlement"}, format="json")
    assert response.status_code == 200, response.content
    assert not holds.is_held(partner.pk)
    assert history_of(partner).filter(action="payouts_released", reason="Final settlement").exists()
    assert api.post(url, {"partner": partner.pk, "reason": "Again"}, format="json").json()["code"] == "already_released"
    assert commission_services.create_payout_batch(partner=partner, actor=finance_user).pk
    assert PayoutRelease.objects.filter(partner=partner).count() == 1


def test_a_suspended_partner_is_not_released_by_finance_but_by_reinstatement(
    partner, channel_manager, api_for, finance_user
):
    suspend_partner(actor=channel_manager, partner=partner, reason="Audit")
    response = api_for(finance_user).post(
        reverse("commission-payout-release-held"), {"partner": partner.pk, "reason": "x"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "not_terminated")


# --- tokens and login -----------------------------------------------------------------------------------


def test_a_terminated_partners_token_is_refused_with_the_code(partner, partner_admin, channel_manager):
    _token, secret = create_api_token(user=partner_admin, name="CRM")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get(reverse("me")).status_code == 200
    terminate_partner(actor=channel_manager, partner=partner, reason="Contract ended")
    for response in (api.get(reverse("me")), api.post(reverse("deal-list"), registration(), format="json")):
        assert response.status_code == 403
        assert response.json()["code"] == "partner_terminated"


def test_a_suspended_partners_token_reads_but_does_not_write(partner, partner_admin, channel_manager):
    _token, secret = create_api_token(user=partner_admin, name="CRM")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    suspend_partner(actor=channel_manager, partner=partner, reason="Audit")
    assert api.get(reverse("deal-list")).status_code == 200
    response = api.post(reverse("deal-list"), registration(), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "partner_suspended")
    assert not partner.deal_registrations.exists()


def test_a_terminated_partners_user_cannot_log_in_and_is_told_why(client, partner, partner_admin, channel_manager):
    EmailAddress.objects.create(user=partner_admin, email=partner_admin.email, verified=True, primary=True)
    terminate_partner(actor=channel_manager, partner=partner, reason="Contract ended")
    response = client.post(reverse("account_login"), {"login": partner_admin.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "partnership has ended" in response.content.decode()
    assert "_auth_user_id" not in client.session
    token = APIClient().post(reverse("auth-token"), {"email": partner_admin.email, "password": PASSWORD}, format="json")
    assert (token.status_code, token.json()["code"]) == (403, "partner_terminated")


def test_a_terminated_partners_open_session_ends_on_the_next_request(
    client_for, partner, partner_admin, channel_manager
):
    client = client_for(partner_admin)
    assert client.get(reverse("deals:list")).status_code == 200
    terminate_partner(actor=channel_manager, partner=partner, reason="Contract ended")
    response = client.get(reverse("deals:list"))
    assert response.status_code == 403 and "partnership has ended" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_suspended_partners_user_still_logs_in(client, partner, partner_admin, channel_manager):
    EmailAddress.objects.create(user=partner_admin, email=partner_admin.email, verified=True, primary=True)
    suspend_partner(actor=channel_manager, partner=partner, reason="Audit")
    response = client.post(reverse("account_login"), {"login": partner_admin.email, "password": PASSWORD})
    assert response.status_code == 302
    page = client.post(reverse("deals:register"), registration())
    assert page.status_code == 403 and "partnership is suspended" in page.content.decode()
