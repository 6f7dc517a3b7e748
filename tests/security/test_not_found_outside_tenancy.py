"""docs/api.md, Errors: an object outside the caller's tenancy is a 404 whatever the role and action (never a
403, so ids leak nothing); a 403 is only for an object the caller can see but may not act on. The isolation
matrix checks every route; these are the cases the contract names, read as sentences."""

from decimal import Decimal

import pytest

from accounts.models import Role
from commissions.models import PayoutBatch
from integrations.models import WebhookSubscription
from tests.factories import InternalUserFactory
from tests.partners.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_batch(partner):
    return PayoutBatch.objects.create(partner=partner, total=Decimal("100.00"), currency="USD")


def test_a_partner_user_reading_an_application_gets_404_and_finance_may_read_but_not_decide(
    api_for, client_for, partner_user, finance_user
):
    application = ApplicationFactory()
    api = api_for(partner_user)
    assert api.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert api.post(f"/api/v1/applications/{application.pk}/approve/", {}, format="json").status_code == 404
    assert client_for(partner_user).get(f"/applications/{application.pk}/").status_code == 404
    finance = api_for(finance_user)
    assert finance.get(f"/api/v1/applications/{application.pk}/").status_code == 200
    assert finance.post(f"/api/v1/applications/{application.pk}/approve/", {}, format="json").status_code == 403


def test_another_partners_admin_approving_a_payout_batch_gets_404_and_it_stays_a_draft(
    api_for, client_for, acme_batch, partner_admin, other_partner_user
):
    response = api_for(other_partner_user).post(f"/api/v1/commissions/payouts/{acme_batch.pk}/approve/")
    assert response.status_code == 404
    assert client_for(other_partner_user).get(f"/commissions/batches/{acme_batch.pk}/").status_code == 404
    acme_batch.refresh_from_db()
    assert acme_batch.status == "draft"
    # Acme's own admin sees the batch is Acme's but may not approve it: 403.
    assert api_for(partner_admin).post(f"/api/v1/commissions/payouts/{acme_batch.pk}/approve/").status_code == 403


def test_a_partner_filter_naming_another_partner_is_404_even_for_a_role_refused_the_route(
    api_for, client_for, partner_user, other_partner
):
    api = api_for(partner_user)
    url = "/api/v1/commissions/statements/?period=2026-Q4&partner="
    assert api.get(f"{url}{other_partner.pk}").status_code == 404
    assert api.get(f"{url}{partner_user.partner_id}").status_code == 403
    assert client_for(partner_user).get(f"/commissions/statements/?partner={other_partner.pk}").status_code == 404


def test_internal_users_keep_their_403_for_program_configuration_they_may_not_touch(api_for, program_admin):
    webhook = WebhookSubscription.objects.create(
        url="https://hooks.example/prm", secret="s" * 32, created_by=program_admin
    )
    manager = InternalUserFactory(role=Role.CHANNEL_MANAGER)
    assert api_for(manager).get(f"/api/v1/webhooks/{webhook.pk}/").status_code == 403
