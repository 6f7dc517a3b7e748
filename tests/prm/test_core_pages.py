"""Health check, landing page, role homes and the friendly 404 page."""

import pytest
from django.urls import reverse

from partners.models import Tier

pytestmark = pytest.mark.django_db


def test_health_check_answers_ok(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_landing_page_shows_the_program_tiers_to_visitors(client):
    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    names = list(Tier.objects.ranked().values_list("name", flat=True))
    assert names[:4] == ["Registered", "Silver", "Gold", "Platinum"]
    for name in names:
        assert name in body
    assert reverse("account_login") in body
    assert body.index("Registered") < body.index("Platinum"), "tiers are listed by rank"


@pytest.mark.parametrize(
    "role_fixture", ["partner_admin", "partner_user", "channel_manager", "finance_user", "program_admin"]
)
def test_logged_in_people_get_their_roles_home_page(request, client_for, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = client_for(user).get("/")
    assert response.status_code == 200
    assert "Program tiers" not in response.content.decode()


def test_unknown_address_gets_the_portals_friendly_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert 'href="/"' in body or f'href="{reverse("home")}"' in body, "the page leads back home"
    assert "Partner Portal" in body, "the page is the portal's, with its layout"


def test_unknown_address_gets_the_friendly_404_page_when_logged_in(client_for, partner_user):
    response = client_for(partner_user).get("/no-such-page/")

    assert response.status_code == 404
    assert "Partner Portal" in response.content.decode()
