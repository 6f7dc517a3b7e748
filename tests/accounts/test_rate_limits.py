"""docs/api.md: 600 API calls a minute per token or session user; beyond that 429 with Retry-After (seconds)."""

import pytest
from rest_framework.test import APIClient

from accounts.services import create_api_token

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture
def rate(settings):
    def set_rate(value):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "user": value,
            },
        }

    return set_rate


def token_client(user, name="t"):
    _, secret = create_api_token(user=user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_call_over_the_limit_gets_429_with_retry_after(rate, partner_user):
    rate("3/min")
    client = token_client(partner_user)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(ME)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_two_tokens_of_one_user_have_separate_budgets(rate, partner_user):
    rate("2/min")
    first, second = token_client(partner_user, "a"), token_client(partner_user, "b")
    assert [first.get(ME).status_code for _ in range(3)] == [200, 200, 429]
    assert [second.get(ME).status_code for _ in range(3)] == [200, 200, 429]


def test_session_users_have_their_own_budget(rate, client_for, partner_user, partner_admin):
    rate("2/min")
    token = token_client(partner_user)
    assert [token.get(ME).status_code for _ in range(3)] == [200, 200, 429]
    session = client_for(partner_user)
    assert [session.get(ME).status_code for _ in range(3)] == [200, 200, 429]
    other = token_client(partner_admin)
    assert other.get(ME).status_code == 200


def test_writes_count_against_the_same_budget(rate, partner_user):
    rate("2/min")
    client = token_client(partner_user)
    assert client.post("/api/v1/tokens/", {"name": "x"}, format="json").status_code == 201
    assert client.get(ME).status_code == 200
    assert client.post("/api/v1/tokens/", {"name": "y"}, format="json").status_code == 429


@pytest.mark.slow
def test_the_default_allows_600_calls_a_minute_and_refuses_the_601st(partner_user):
    client = token_client(partner_user)
    statuses = [client.get(ME).status_code for _ in range(600)]
    assert statuses == [200] * 600
    response = client.get(ME)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
