import pytest
from tests.accounts.conftest import verify_email
from tests.factories import PASSWORD
pytestmark = pytest.mark.django_db

def test_probe(client, partner_user):
    verify_email(partner_user)
    partner_user.is_active = False
    partner_user.save()
    r = client.post("/accounts/login/", {"login": "bob@acme.example", "password": PASSWORD})
    print(r.status_code, r.get("Location"), r.context and r.context["form"].errors)
    assert 0
