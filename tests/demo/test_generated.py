"""`seed_demo --partners 40` on an empty database: a believable generated program with every partner type and
region, and each partner's people and tier history."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Role, User
from partners.models import Partner, PartnerStatus, PartnerType, Region, TierChange
from tests.demo.seeding import SEED_TIMEOUT, seed_demo


@pytest.mark.django_db
@pytest.mark.timeout(SEED_TIMEOUT)
def test_generated_program_covers_every_type_and_region_with_history(settings):
    settings.DEBUG = True
    output, _errors = seed_demo(partners=40, dispatch=False)

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
