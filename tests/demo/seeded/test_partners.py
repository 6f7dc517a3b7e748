"""`manage.py seed_demo`: fixed logins, a believable generated program, idempotence, and the DEBUG-off demo
stack (Docker Compose) seeding with --allow-production-demo (docs/hardening.md)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate

from accounts import access
from accounts.models import Invitation, Role, User
from partners.models import Partner, PartnerStatus, PartnerType, Region, TierChange
from prm.models import Notification
from tests.demo.seeding import PASSWORD, SEED_TIMEOUT, seed_demo

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]

FIXED_LOGINS = {
    "admin@example.com": (Role.PROGRAM_ADMIN, None),
    "manager@example.com": (Role.CHANNEL_MANAGER, None),
    "manager2@example.com": (Role.CHANNEL_MANAGER, None),
    "finance@example.com": (Role.FINANCE, None),
    "finance2@example.com": (Role.FINANCE, None),
    "alice@acme.example": (Role.PARTNER_ADMIN, "Acme Cloud Partners"),
    "bob@acme.example": (Role.PARTNER_USER, "Acme Cloud Partners"),
    "carol@globex.example": (Role.PARTNER_ADMIN, "Globex Integrators"),
}


def test_debug_off_with_the_flag_seeds_the_demo_and_warns(seeded):
    assert not seeded.admin_before
    assert User.objects.filter(email="admin@example.com").exists()
    assert "DEBUG is off" in seeded.errors


def test_fixed_logins_exist_with_their_roles_and_can_log_in(seeded):
    for email, (role, partner_name) in FIXED_LOGINS.items():
        user = User.objects.get(email=email)
        assert user.role == role
        assert (user.partner.name if user.partner else None) == partner_name
        assert user.first_name and user.last_name
        assert authenticate(email=email, password=PASSWORD) == user, email
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
        assert email in seeded.output
        if access.is_internal(user):
            assert user.mfa_waived
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_staff and admin.is_superuser
    assert User.objects.get(email="bob@acme.example").partner_function == "sales"
    assert "Open http://127.0.0.1:8000 and log in with:" in seeded.output
    assert PASSWORD in seeded.output


def test_fixed_partners_match_the_story(seeded):
    acme = Partner.objects.get(external_crm_id="DEMO-ACME")
    assert (acme.name, acme.tier.name, acme.partner_type, acme.country.code, acme.region, acme.status) == (
        "Acme Cloud Partners",
        "Gold",
        PartnerType.RESELLER,
        "US",
        Region.NORTH_AMERICA,
        PartnerStatus.ACTIVE,
    )
    assert acme.website_domain == "acme.example"
    assert acme.channel_manager.email == "manager@example.com"
    globex = Partner.objects.get(external_crm_id="DEMO-GLOBEX")
    assert (globex.name, globex.tier.name, globex.partner_type, globex.country.code, globex.region) == (
        "Globex Integrators",
        "Silver",
        PartnerType.SYSTEMS_INTEGRATOR,
        "DE",
        Region.EMEA,
    )
    assert globex.channel_manager.email == "manager@example.com"
    assert Invitation.objects.pending().filter(email="new.hire@acme.example", partner=acme).exists()


def test_acme_was_promoted_to_gold_and_alice_was_notified(seeded):
    acme = Partner.objects.get(name="Acme Cloud Partners")
    assert acme.tier.name == "Gold"
    promotion = TierChange.objects.get(partner=acme, kind=TierChange.Kind.PROMOTION, to_tier__name="Gold")
    assert promotion.from_tier.name == "Silver"
    assert promotion.changed_by.email == "manager@example.com"
    assert "500k" in promotion.reason
    history = list(TierChange.objects.filter(partner=acme).order_by("created_at").values_list("kind", flat=True))
    assert history == ["assignment", "promotion", "promotion"]
    alice = User.objects.get(email="alice@acme.example")
    assert Notification.objects.filter(user=alice, title__icontains="Gold").exists()
    carol = User.objects.get(email="carol@globex.example")
    assert Notification.objects.filter(user=carol).exists()


def test_running_twice_adds_nothing_and_resets_passwords(seeded):
    """Between the runs alice changed her password and first name (tests/demo/seeded/conftest.py)."""
    assert seeded.again["partners"] == seeded.first["partners"]
    alice = User.objects.get(email="alice@acme.example")
    assert alice.first_name == "Alice"
    assert authenticate(email="alice@acme.example", password=PASSWORD) == alice


def test_a_larger_n_adds_only_the_missing_partners(seeded):
    """The shared database has 12 partners: a rerun with 20 adds the 8 missing ones."""
    seed_demo(partners=20, dispatch=False)

    assert Partner.objects.count() == 20
    assert Partner.objects.values("name").distinct().count() == 20
    assert Partner.objects.values("external_crm_id").distinct().count() == 20
