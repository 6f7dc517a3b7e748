import pytest

from tests.disputes.factories import conflicting_registration, held_customer, open_dispute, publish_policy


@pytest.fixture
def policy(db, partner):
    return publish_policy(days_by_tier={str(partner.tier_id): 120}, default_days=90)


@pytest.fixture
def holder(other_partner):
    """Globex holds the customer (approved)."""
    return held_customer(other_partner, domain="initech.example", name="Initech Corporation")


@pytest.fixture
def rejected(partner_admin, holder):
    """Acme's registration of Globex's customer, rejected for the conflict."""
    return conflicting_registration(partner_admin, holder)


@pytest.fixture
def dispute(partner_admin, rejected):
    return open_dispute(partner_admin, rejected)
