"""Audit rows and transition rules of the sample service, change_partner_tier, and of Workflow."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from partners.models import Partner, PartnerStatus, TierChange
from partners.services import change_partner_status, change_partner_tier
from prm.audit import history_of, record_audit
from prm.exceptions import TransitionNotAllowed
from prm.models import AuditEntry, DomainEvent
from prm.workflow import Workflow
from tests.factories import tier

pytestmark = pytest.mark.django_db

REASON = "Exceeded the Platinum bookings threshold"


def test_tier_change_writes_an_audit_row_with_actor_tiers_reason_and_partner(partner, channel_manager):
    change_partner_tier(actor=channel_manager, partner=partner, tier=tier("Platinum"), reason=REASON)

    entry = AuditEntry.objects.get(action="tier_changed")
    assert entry.actor == channel_manager
    assert entry.actor_label == channel_manager.email
    assert (entry.from_state, entry.to_state) == ("Gold", "Platinum")
    assert entry.reason == REASON
    assert entry.partner_id == partner.pk
    assert entry.content_type == ContentType.objects.get_for_model(Partner)
    assert entry.object_id == partner.pk and entry.object_label == "Acme Cloud Partners"
    assert list(history_of(partner)) == [entry]


def test_promotion_and_demotion_are_kept_in_the_tier_history(partner, channel_manager):
    change_partner_tier(actor=channel_manager, partner=partner, tier=tier("Platinum"), reason=REASON)
    change_partner_tier(actor=channel_manager, partner=partner, tier=tier("Silver"), reason="Missed targets")

    promotion, demotion = TierChange.objects.filter(partner=partner).order_by("id")
    assert promotion.kind == TierChange.Kind.PROMOTION
    assert (promotion.from_tier, promotion.to_tier) == (tier("Gold"), tier("Platinum"))
    assert promotion.changed_by == channel_manager and promotion.reason == REASON
    assert demotion.kind == TierChange.Kind.DEMOTION
    assert (demotion.from_tier, demotion.to_tier) == (tier("Platinum"), tier("Silver"))
    partner.refresh_from_db()
    assert partner.tier == tier("Silver")


def test_system_tier_change_is_audited_as_the_system(partner):
    change_partner_tier(actor=None, partner=partner, tier=tier("Silver"), reason="Quarterly tier review")

    entry = AuditEntry.objects.get(action="tier_changed")
    assert entry.actor is None and entry.actor_label == "system"
    assert DomainEvent.objects.get().actor is None


@pytest.mark.parametrize("role_fixture", ["partner_admin", "partner_user", "finance_user"])
def test_only_channel_and_program_staff_may_change_a_tier(request, role_fixture, partner):
    user = request.getfixturevalue(role_fixture)

    with pytest.raises(PermissionDenied):
        change_partner_tier(actor=user, partner=partner, tier=tier("Platinum"), reason=REASON)

    partner.refresh_from_db()
    assert partner.tier == tier("Gold")
    assert not AuditEntry.objects.exists() and not DomainEvent.objects.exists()
    assert not TierChange.objects.filter(partner=partner).exists()


def test_program_admin_may_change_a_tier(partner, program_admin):
    change_partner_tier(actor=program_admin, partner=partner, tier=tier("Platinum"), reason=REASON)
    assert AuditEntry.objects.get().actor == program_admin


def test_moving_a_partner_to_the_tier_it_already_has_is_refused(partner, channel_manager):
    with pytest.raises(TransitionNotAllowed) as refused:
        change_partner_tier(actor=channel_manager, partner=partner, tier=tier("Gold"), reason=REASON)

    assert refused.value.code == "same_tier"
    assert "already Gold" in refused.value.message
    assert not AuditEntry.objects.exists() and not DomainEvent.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_tier_change_needs_a_reason(partner, channel_manager, reason):
    with pytest.raises(ValidationError) as refused:
        change_partner_tier(actor=channel_manager, partner=partner, tier=tier("Platinum"), reason=reason)

    assert "reason" in refused.value.message_dict
    partner.refresh_from_db()
    assert partner.tier == tier("Gold")
    assert not AuditEntry.objects.exists()


def test_terminated_partner_cannot_become_active_again(partner, channel_manager):
    change_partner_status(
        actor=channel_manager, partner=partner, status=PartnerStatus.TERMINATED, reason="Contract ended"
    )

    with pytest.raises(TransitionNotAllowed) as refused:
        change_partner_status(actor=channel_manager, partner=partner, status=PartnerStatus.ACTIVE)

    assert refused.value.code == "invalid_transition_terminated_to_active"
    assert "terminated" in refused.value.message and "cannot become active" in refused.value.message
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.TERMINATED
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.from_state, entry.to_state) == ("terminated", "active", "terminated")
    assert entry.reason == "Contract ended" and entry.actor == channel_manager


def test_workflow_allows_only_the_transitions_in_its_table(partner, channel_manager):
    workflow = Workflow({"active": {"suspended"}, "suspended": {"active"}})
    assert workflow.allows("active", "suspended")
    assert not workflow.allows("active", "terminated")
    assert not workflow.allows("unknown", "active")

    workflow.apply(partner, "suspended", actor=channel_manager, reason="Unpaid invoices")
    with pytest.raises(TransitionNotAllowed):
        workflow.apply(partner, "terminated", actor=channel_manager)

    partner.refresh_from_db()
    assert partner.status == "suspended"
    assert AuditEntry.objects.get().to_state == "suspended"


def test_audit_row_of_a_user_names_the_users_partner(partner_user, program_admin):
    entry = record_audit(
        actor=program_admin,
        obj=partner_user,
        action="role_changed",
        from_state="partner_user",
        to_state="partner_admin",
    )
    assert entry.partner_id == partner_user.partner_id
    assert entry.actor_label == program_admin.email
