import pytest

from accounts.services import create_api_token
from availability import setups
from availability.models import AvailabilityPolicy
from availability.selectors import policy_in_force
from prm_check.client import Portal, Prospect


@pytest.fixture
def psi_policy(db):
    """Checks on for partner users, dates shown, a small daily limit (the setups are sized for it)."""

    def make(**overrides):
        values = {"version": AvailabilityPolicy.objects.count() + 1, "enabled": True, "who": "partner_users"}
        values.update({"show_dates": True, "daily_limit": 200, **overrides})
        policy = AvailabilityPolicy.objects.create(**values)
        setups.rebuild(policy=policy_in_force())
        return policy

    return make


@pytest.fixture
def token_portal():
    def make(user, url):
        _token, secret = create_api_token(user=user, name="prm_check")
        return Portal(url, secret, timeout=60)

    return make


def prospects(*rows):
    return [Prospect(*row) for row in rows]
