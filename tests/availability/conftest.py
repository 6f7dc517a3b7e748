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


class InProcessPortal(Portal):
    """prm_check's Portal over the Django test client: the same API calls, no server process. Keeps every body
    it sent, for the tests that inspect them."""

    def __init__(self, api):
        super().__init__("", "")
        self.api, self.bodies = api, []

    def call(self, path, body=None):
        import json  # noqa: PLC0415

        from prm_check.client import CheckError  # noqa: PLC0415

        if body is None:
            reply = self.api.get(path)
        else:
            raw = json.dumps(body)
            self.bodies.append(raw)
            self.sent += len(raw)
            reply = self.api.post(path, raw, content_type="application/json")
        if reply.status_code != 200:
            raise CheckError(f"{reply.status_code}: {reply.json()}")
        self.received += len(reply.content)
        return reply.json()


@pytest.fixture
def portal_for(api_for):
    return lambda user: InProcessPortal(api_for(user))
