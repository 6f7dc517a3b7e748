"""`manage.py seed_demo`: fixed logins, a believable generated program, idempotence and the DEBUG guard."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Invitation, Role, User
from partners.models import Partner, PartnerStatus, PartnerType, Region, TierChange
from prm.models import Notification

PASSWORD = "Demo-pass-12345"

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


@pytest.fixture(autouse=True)
def _debug_on(settings):
    """The command runs only with DEBUG on; pytest-django turns DEBUG off for tests."""
    settings.DEBUG = True


def seed(partners=12, password=PASSWORD, seed=7, capture=None):
    out = io.StringIO()
    if capture is None:
        call_command("seed_demo", partners=partners, password=password, seed=seed, stdout=out, stderr=io.StringIO())
    else:  # run the after-commit work (event dispatch -> notifications) that the test transaction holds back
        with capture(execute=True):
            call_command("seed_demo", partners=partners, password=password, seed=seed, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts():
    return {
        "partners": Partner.objects.count(),
        "users": User.objects.count(),
        "tier_changes": TierChange.objects.count(),
        "email_addresses": EmailAddress.objects.count(),
        "notifications": Notification.objects.count(),
        "invitations": Invitation.objects.count(),
    }


@pytest.mark.django_db
def test_fixed_logins_exist_with_their_roles_and_can_log_in():
    output = seed()

    for email, (role, partner_name) in FIXED_LOGINS.items():
        user = User.objects.get(email=email)
        assert user.role == role
        assert (user.partner.name if user.partner else None) == partner_name
        assert user.first_name and user.last_name
        assert authenticate(email=email, password=PASSWORD) == user, email
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
        assert email in output
        if user.is_internal:
            assert user.mfa_waived
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_staff and admin.is_superuser
    assert User.objects.get(email="bob@acme.example").partner_function == "sales"
    assert "Open http://127.0.0.1:8000 and log in with:" in output
    assert PASSWORD in output


@pytest.mark.django_db
def test_fixed_partners_match_the_story():
    seed()

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


@pytest.mark.django_db
def test_acme_was_promoted_to_gold_and_alice_was_notified(django_capture_on_commit_callbacks):
    seed(capture=django_capture_on_commit_callbacks)

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


@pytest.mark.django_db
def test_generated_program_covers_every_type_and_region_with_history():
    output = seed(partners=40)

    assert Partner.objects.count() == 40
    generated = Partner.objects.filter(external_crm_id__startswith="DEMO-0")
    assert generated.count() == 38
    assert set(generated.values_list("partner_type", flat=True)) == set(PartnerType.values)
    assert set(generated.values_list("region", flat=True)) == set(Region.values)
    assert generated.values("name").distinct().count() == 38
    assert set(generated.values_list("channel_manager__email", flat=True)) == {
        "manager@example.com",
        "manager2@example.com",
    }
    for partner in generated:
        assert partner.website_domain and partner.verticals and partner.joined_at
        assert partner.users.filter(role=Role.PARTNER_ADMIN).count() == 1
        assert 1 <= partner.users.count() <= 4
        changes = list(partner.tier_changes.order_by("created_at", "id"))
        assert changes[0].kind == TierChange.Kind.ASSIGNMENT
        assert changes[-1].to_tier == partner.tier
        assert [c.kind for c in changes[1:]] == [TierChange.Kind.PROMOTION] * partner.tier.rank
        assert timezone.localtime(changes[0].created_at).date() == partner.joined_at
        if partner.status == PartnerStatus.ONBOARDING:
            assert 10 <= partner.onboarding_progress <= 80
        elif partner.status == PartnerStatus.ACTIVE:
            assert partner.onboarding_progress == 100
    generated_people = User.objects.filter(partner__in=generated)
    assert not any(user.has_usable_password() for user in generated_people)
    assert EmailAddress.objects.filter(user__in=generated_people, verified=True).count() == generated_people.count()
    assert "Partners: 40" in output


@pytest.mark.django_db
def test_running_twice_adds_nothing_and_resets_passwords():
    seed(partners=40)
    before = counts()
    alice = User.objects.get(email="alice@acme.example")
    alice.set_password("Something-else-987")
    alice.first_name = "Changed"
    alice.save()

    seed(partners=40)

    assert counts() == before
    alice.refresh_from_db()
    assert alice.first_name == "Alice"
    assert authenticate(email="alice@acme.example", password=PASSWORD) == alice


@pytest.mark.django_db
def test_a_larger_n_adds_only_the_missing_partners():
    seed(partners=12)
    seed(partners=20)

    assert Partner.objects.count() == 20
    assert Partner.objects.values("name").distinct().count() == 20
    assert Partner.objects.values("external_crm_id").distinct().count() == 20


@pytest.mark.django_db
def test_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed()
    assert not User.objects.filter(email="admin@example.com").exists()
