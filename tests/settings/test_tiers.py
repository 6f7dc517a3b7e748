"""Settings > Tiers: create and change tiers with requirements and benefits (audited, validated, program admins
only), and the tier review preview that channel managers see read-only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from partners import tier_engine
from partners.models import RequirementMetric, Tier
from prm.models import AuditEntry
from tests.factories import tier

pytestmark = pytest.mark.django_db

BOOKINGS = f"requirement_{RequirementMetric.SOURCED_BOOKINGS}"
DEALS = f"requirement_{RequirementMetric.REGISTERED_DEALS}"


def _post(tier_obj, **changes):
    data = {
        "name": tier_obj.name,
        "rank": tier_obj.rank,
        "description": tier_obj.description,
        "extra_benefits": "\n".join(tier_obj.extra_benefits),
    }
    if tier_obj.advisory_board_eligible:
        data["advisory_board_eligible"] = "on"
    for requirement in tier_obj.requirements.all():
        data[f"requirement_{requirement.metric}"] = str(requirement.minimum)
    data.update(changes)
    return data


def test_a_requirement_change_is_audited_and_changes_who_qualifies(client_for, program_admin):
    gold = tier("Gold")
    url = reverse("partners:tier_edit", args=[gold.pk])
    response = client_for(program_admin).post(url, _post(gold, **{DEALS: "7", "extra_benefits": "Roadmap briefings"}))
    assert response.status_code == 302
    gold.refresh_from_db()
    assert gold.requirements.get(metric=RequirementMetric.REGISTERED_DEALS).minimum == Decimal("7")
    assert gold.extra_benefits == ["Roadmap briefings"]
    assert AuditEntry.objects.filter(object_id=gold.pk, action="update", content_type__model="tier").exists()
    values = {r.metric: r.minimum for r in gold.requirements.all()}
    assert tier_engine.meets(gold, values)
    values[RequirementMetric.REGISTERED_DEALS] = Decimal("6")
    assert not tier_engine.meets(gold, values)


def test_emptying_a_minimum_drops_the_requirement(client_for, program_admin):
    gold = tier("Gold")
    assert gold.requirements.filter(metric=RequirementMetric.SOURCED_BOOKINGS).exists()
    client_for(program_admin).post(reverse("partners:tier_edit", args=[gold.pk]), _post(gold, **{BOOKINGS: ""}))
    assert not gold.requirements.filter(metric=RequirementMetric.SOURCED_BOOKINGS).exists()


def test_a_new_tier_is_created_with_its_requirements(client_for, program_admin):
    data = {"name": "Diamond", "rank": "9", "description": "Top", DEALS: "50"}
    response = client_for(program_admin).post(reverse("partners:tier_new"), data)
    assert response.status_code == 302
    diamond = Tier.objects.get(name="Diamond")
    assert diamond.requirements.get().minimum == Decimal("50")
    assert AuditEntry.objects.filter(object_id=diamond.pk, action="create", content_type__model="tier").exists()
    assert b"Diamond" in client_for(program_admin).get(reverse("partners:tiers")).content


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"rank": "1"}, "rank"), ({"name": "Silver"}, "name"), ({DEALS: "-1"}, DEALS), ({"rank": "x"}, "rank")],
)
def test_invalid_input_gets_field_messages_not_a_500(client_for, program_admin, changes, field):
    gold = tier("Gold")
    response = client_for(program_admin).post(reverse("partners:tier_edit", args=[gold.pk]), _post(gold, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    gold.refresh_from_db()
    assert gold.name == "Gold" and gold.rank == 2


@pytest.mark.parametrize("who", ["channel_manager", "finance_user", "partner_admin"])
def test_only_program_admins_edit_tiers(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    gold = tier("Gold")
    assert client.get(reverse("partners:tiers")).status_code == 403
    assert client.post(reverse("partners:tier_edit", args=[gold.pk]), _post(gold, name="Hacked")).status_code == 403
    gold.refresh_from_db()
    assert gold.name == "Gold"


def test_channel_manager_sees_the_tier_review_preview_read_only(client_for, channel_manager):
    client = client_for(channel_manager)
    response = client.get(reverse("partners:tier_review_preview"))
    assert response.status_code == 200
    assert b'data-testid="review-read-only"' in response.content
    assert b'data-testid="apply-review"' not in response.content
    refused = client.post(reverse("partners:tier_review_preview"), {"period": response.context["preview"]["period"]})
    assert refused.status_code == 403


def test_program_admin_sees_the_apply_button(client_for, program_admin):
    response = client_for(program_admin).get(reverse("partners:tier_review_preview"))
    assert b'data-testid="review-read-only"' not in response.content
    if not response.context["preview"]["refusal"]:
        assert b'data-testid="apply-review"' in response.content
