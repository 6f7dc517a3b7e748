"""The registration hint is limited per user and every answer is audited (docs/hardening.md)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from rest_framework.settings import api_settings

from accounts.models import User
from deals.models import DealRegistration
from prm.models import AuditEntry
from tests.deals.factories import DealFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HINT = "/deals/new/hint/"


def rates(**overrides):
    return override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": overrides})


def _rest_framework():
    from django.conf import settings

    return settings.REST_FRAMEWORK


def test_the_sixty_first_hint_in_an_hour_is_refused_with_429(client_for, partner_user):
    assert api_settings.DEFAULT_THROTTLE_RATES["deal_hint"] == "60/hour"  # the documented default
    client = client_for(partner_user)
    for number in range(60):
        response = client.get(HINT, {"customer_name": f"Probe {number}", "customer_country": "US"})
        assert response.status_code == 200, number
    refused = client.get(HINT, {"customer_name": "Probe 61", "customer_country": "US"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert b"paused" in refused.content
    # The limit is per user: a colleague still gets answers.
    colleague = UserFactory(partner=partner_user.partner, email="colleague@acme.example")
    assert client_for(colleague).get(HINT, {"customer_name": "Probe", "customer_country": "US"}).status_code == 200


def test_the_limit_is_a_setting(client_for, partner_user):
    with rates(deal_hint="2/hour"):
        client = client_for(partner_user)
        codes = [client.get(HINT, {"customer_name": "Initech"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_each_answer_is_audited_with_the_question_and_the_yes_or_no_only(client_for, partner_user, other_partner):
    DealFactory(partner=other_partner)
    existing = DealRegistration.objects.get()
    client = client_for(partner_user)
    client.get(HINT, {"customer_name": existing.customer_name, "customer_country": "US"})
    client.get(HINT, {"customer_name": "Brand New Co", "customer_domain": "brandnew.example", "customer_country": "US"})

    rows = AuditEntry.objects.filter(
        action="registration_hint", content_type=ContentType.objects.get_for_model(User), object_id=partner_user.pk
    ).order_by("pk")
    assert [(r.actor_id, r.partner_id) for r in rows] == [(partner_user.pk, partner_user.partner_id)] * 2
    first, second = (r.changes for r in rows)
    assert first["customer_name"] == existing.customer_name and first["maybe_registered"] is True
    assert second == {
        "customer_name": "Brand New Co",
        "customer_domain": "brandnew.example",
        "customer_country": "US",
        "maybe_registered": False,
    }
    # Nothing about who holds the matching account.
    text = " ".join(f"{r.reason} {r.changes} {r.object_label}" for r in rows)
    assert other_partner.name not in text
    assert set(first) == {"customer_name", "customer_domain", "customer_country", "maybe_registered"}


def test_a_refused_call_is_not_answered_and_not_audited_as_answered(client_for, partner_user):
    with rates(deal_hint="1/hour"):
        client = client_for(partner_user)
        client.get(HINT, {"customer_name": "Initech"})
        client.get(HINT, {"customer_name": "Hooli"})
    names = [r.changes["customer_name"] for r in AuditEntry.objects.filter(action="registration_hint")]
    assert names == ["Initech"]
