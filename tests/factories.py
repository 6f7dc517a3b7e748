"""Factories that build valid objects with no arguments (STYLE.md: Tests)."""

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import Role, User
from partners.models import Partner, PartnerStatus, PartnerType, Region, Tier


def tier(name: str = "Registered") -> Tier:
    """Tiers are seeded by a data migration; tests look them up by name."""
    return Tier.objects.get(name=name)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n} Ltd")
    website_domain = factory.Sequence(lambda n: f"partner{n}.example")
    partner_type = PartnerType.RESELLER
    tier = factory.LazyFunction(tier)
    status = PartnerStatus.ACTIVE
    country = "US"
    region = Region.NORTH_AMERICA


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.PARTNER_USER
    partner = factory.SubFactory(PartnerFactory)
    password = factory.PostGenerationMethodCall("set_password", "Correct-horse-42")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnerAdminFactory(UserFactory):
    role = Role.PARTNER_ADMIN


class InternalUserFactory(UserFactory):
    """An internal user with a TOTP authenticator set up (internal roles must use MFA)."""

    role = Role.CHANNEL_MANAGER
    partner = None

    @factory.post_generation
    def with_mfa(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            TOTP.activate(obj, generate_totp_secret())


PASSWORD = "Correct-horse-42"
