"""Opening, upholding and reversing disputes through the services (issue 12, item 5)."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from deals.models import DealReason, DealStatus
from disputes import services
from disputes.models import Dispute, DisputeStatus
from prm.audit import history_of
from prm.exceptions import TransitionNotAllowed
from prm.models import DomainEvent, Notification
from sla.clock import due_at
from tests.disputes.factories import conflicting_registration, held_customer, open_dispute, pdf, text_file
from tests.factories import InternalUserFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- opening ----------------------------------------------------------------------------------------


def test_partner_admin_disputes_a_rejected_conflict_with_reason_and_files(partner_admin, rejected):
    dispute = open_dispute(partner_admin, rejected, files=[pdf(), text_file()])
    assert dispute.status == DisputeStatus.OPEN
    assert dispute.partner == partner_admin.partner
    assert dispute.opened_by == partner_admin
    assert dispute.due_at == due_at(dispute.opened_at, 5)
    assert [f.name for f in dispute.files.all()] == ["order.pdf", "notes.txt"]
    assert [e.action for e in history_of(dispute)] == ["open"]
    assert "dispute_opened" in [e.action for e in history_of(rejected)]
    event = DomainEvent.objects.get(name="dispute.opened")
    assert event.payload["dispute_id"] == dispute.pk


def test_the_sla_comes_from_the_setting(settings, partner_admin, rejected):
    settings.DISPUTE_SLA_BUSINESS_DAYS = 2
    dispute = open_dispute(partner_admin, rejected)
    assert dispute.due_at == due_at(dispute.opened_at, 2)


def test_a_decision_can_be_disputed_only_once(partner_admin, rejected):
    open_dispute(partner_admin, rejected)
    with pytest.raises(ValidationError) as error:
        open_dispute(partner_admin, rejected, reason="Again")
    assert "deal" in error.value.message_dict
    assert Dispute.objects.count() == 1


def test_a_reason_is_required(partner_admin, rejected):
    with pytest.raises(ValidationError) as error:
        open_dispute(partner_admin, rejected, reason="  ")
    assert "reason" in error.value.message_dict


def test_at_most_five_files(partner_admin, rejected):
    with pytest.raises(ValidationError) as error:
        open_dispute(partner_admin, rejected, files=[pdf(f"f{i}.pdf") for i in range(6)])
    assert "files" in error.value.message_dict


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tool.exe", b"MZ\x90\x00"),
        ("order.pdf", b"MZ\x90\x00binary"),
        ("photo.png", b"%PDF-1.4 not a png"),
        ("sheet.xlsx", b"not a zip"),
        ("notes.txt", b"\x00\x01\x02binary"),
        ("empty.pdf", b""),
    ],
)
def test_files_of_the_wrong_type_or_content_are_refused(partner_admin, rejected, name, content):
    with pytest.raises(ValidationError) as error:
        open_dispute(partner_admin, rejected, files=[SimpleUploadedFile(name, content)])
    assert "files" in error.value.message_dict
    assert not Dispute.objects.exists()


def test_files_larger_than_the_limit_are_refused(settings, partner_admin, rejected):
    settings.DISPUTE_FILE_MAX_MB = 1
    big = pdf(content=b"%PDF-1.4\n" + b"x" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError):
        open_dispute(partner_admin, rejected, files=[big])


def test_office_and_csv_files_are_accepted(partner_admin, rejected):
    files = [
        SimpleUploadedFile("minutes.docx", b"PK\x03\x04rest"),
        SimpleUploadedFile("pipeline.xlsx", b"PK\x03\x04rest"),
        SimpleUploadedFile("contacts.csv", b"name,email\nBill,bill@initech.example\n"),
        SimpleUploadedFile("badge.png", b"\x89PNG\r\n\x1a\nrest"),
        SimpleUploadedFile("photo.jpg", b"\xff\xd8\xffrest"),
    ]
    dispute = open_dispute(partner_admin, rejected, files=files)
    assert dispute.files.count() == 5


def test_only_a_rejected_conflict_can_be_disputed(partner, partner_admin):
    from tests.deals.factories import DealFactory

    approved = DealFactory(partner=partner, registered_by=partner_admin)
    with pytest.raises(ValidationError) as error:
        open_dispute(partner_admin, approved)
    assert "deal" in error.value.message_dict


def test_a_partner_user_who_did_not_register_the_deal_may_not_dispute_it(partner_user, rejected):
    with pytest.raises(PermissionDenied):
        open_dispute(partner_user, rejected)


def test_the_user_who_registered_the_deal_may_dispute_it(partner, holder):
    registrant = UserFactory(partner=partner)
    deal = conflicting_registration(registrant, holder)
    assert open_dispute(registrant, deal).opened_by == registrant


def test_another_partner_and_internal_users_may_not_open_a_dispute(rejected, other_partner_user, channel_manager):
    for user in (other_partner_user, channel_manager):
        with pytest.raises(PermissionDenied):
            open_dispute(user, rejected)


# --- upholding ----------------------------------------------------------------------------------------


def test_upholding_needs_a_note_and_leaves_both_registrations_alone(dispute, channel_manager, holder):
    with pytest.raises(ValidationError):
        services.uphold_dispute(dispute=dispute, actor=channel_manager, note="")
    services.uphold_dispute(dispute=dispute, actor=channel_manager, note="The other registration came first.")
    dispute.refresh_from_db()
    holder.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD
    assert dispute.decided_by == channel_manager and dispute.decided_at is not None
    assert dispute.holder == holder
    assert holder.status == DealStatus.APPROVED
    assert dispute.deal.status == DealStatus.REJECTED
    assert [e.action for e in history_of(dispute)][0] == "uphold"
    assert DomainEvent.objects.filter(name="dispute.decided").count() == 1


def test_a_dispute_is_decided_once(dispute, channel_manager):
    services.uphold_dispute(dispute=dispute, actor=channel_manager, note="Stands.")
    with pytest.raises(TransitionNotAllowed):
        services.reverse_dispute(dispute=dispute, actor=channel_manager)


def test_only_the_partners_channel_manager_or_a_program_admin_decides(dispute, partner, program_admin, finance_user):
    owner = InternalUserFactory(role=Role.CHANNEL_MANAGER)
    partner.channel_manager = owner
    partner.save(update_fields=["channel_manager"])
    stranger = InternalUserFactory(role=Role.CHANNEL_MANAGER)
    dispute.refresh_from_db()
    for user in (stranger, finance_user, dispute.opened_by):
        with pytest.raises(PermissionDenied):
            services.uphold_dispute(dispute=dispute, actor=user, note="No.")
    services.uphold_dispute(dispute=dispute, actor=program_admin, note="No.")


# --- reversing ------------------------------------------------------------------------------------------


def test_reversal_rejects_the_holder_and_approves_the_disputed_registration(
    dispute, channel_manager, holder, partner, policy, django_capture_on_commit_callbacks
):
    receipts_before = _receipts()
    with django_capture_on_commit_callbacks(execute=True):
        services.reverse_dispute(dispute=dispute, actor=channel_manager, note="Acme's meeting notes predate it.")
    dispute.refresh_from_db()
    holder.refresh_from_db()
    disputed = dispute.deal
    disputed.refresh_from_db()
    today = timezone.localdate()

    assert dispute.status == DisputeStatus.REVERSED and dispute.holder == holder
    assert holder.status == DealStatus.REJECTED
    assert holder.reason == DealReason.DISPUTE_REVERSED
    assert holder.protected_until is None
    assert holder.decided_by == channel_manager
    assert disputed.status == DealStatus.APPROVED
    assert disputed.protected_until == today + timedelta(days=120)  # Gold under the current policy
    assert disputed.policy_version == policy
    assert disputed.decision_note == "Acme's meeting notes predate it."

    rejected_event = DomainEvent.objects.get(name="deal.rejected", object_id=holder.pk)
    approved_event = DomainEvent.objects.get(name="deal.approved", object_id=disputed.pk)
    for event, deal in ((rejected_event, holder), (approved_event, disputed)):
        assert event.partner_id == deal.partner_id
        assert {"deal_id", "partner_id", "customer_name", "status", "reason", "amount", "currency"} <= set(
            event.payload
        )
        assert event.payload["status"] == deal.status
    assert "dispute_reverse" in [e.action for e in history_of(holder)]
    assert "dispute_reverse" in [e.action for e in history_of(disputed)]
    assert "reverse" in [e.action for e in history_of(dispute)]
    if receipts_before is not None:
        assert _receipts() == receipts_before + 2

    # Both partners hear about it, and neither notice names the other partner.
    acme = Notification.objects.filter(user__partner=partner)
    globex = Notification.objects.filter(user__partner=holder.partner)
    assert acme.exists() and globex.exists()
    assert not any(holder.partner.name in f"{n.title} {n.body}" for n in acme)
    assert not any(partner.name in f"{n.title} {n.body}" for n in globex)


def test_reversal_uses_the_default_protection_days_for_tiers_the_policy_does_not_list(
    dispute, channel_manager, partner, db
):
    from tests.disputes.factories import publish_policy

    publish_policy(days_by_tier={}, default_days=75)
    services.reverse_dispute(dispute=dispute, actor=channel_manager)
    dispute.deal.refresh_from_db()
    assert dispute.deal.protected_until == timezone.localdate() + timedelta(days=75)


def test_reversal_when_the_holder_is_gone_just_approves(dispute, channel_manager, holder, policy):
    from deals.models import DealRegistration

    DealRegistration.objects.filter(pk=holder.pk).update(status=DealStatus.EXPIRED)
    services.reverse_dispute(dispute=dispute, actor=channel_manager)
    dispute.refresh_from_db()
    assert dispute.deal.status == DealStatus.APPROVED
    assert dispute.holder is None


def test_reversal_is_refused_when_the_partner_already_holds_the_customer_again(
    dispute, channel_manager, holder, partner, policy
):
    from deals.models import DealRegistration
    from prm.exceptions import Conflict
    from tests.deals.factories import DealFactory

    DealRegistration.objects.filter(pk=holder.pk).update(status=DealStatus.EXPIRED)
    DealFactory(partner=partner, account=holder.account)
    with pytest.raises(Conflict):
        services.reverse_dispute(dispute=dispute, actor=channel_manager)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


def test_a_pending_holder_loses_on_reversal_too(partner_admin, other_partner_user, channel_manager, policy):
    from deals import services as deal_services
    from tests.deals.factories import registration_kwargs

    pending = deal_services.register_deal(
        user=other_partner_user, **registration_kwargs(customer_domain="hooli.example", customer_name="Hooli")
    )
    assert pending.status == DealStatus.SUBMITTED
    deal = conflicting_registration(partner_admin, pending)
    dispute = open_dispute(partner_admin, deal)
    services.reverse_dispute(dispute=dispute, actor=channel_manager)
    pending.refresh_from_db()
    assert pending.status == DealStatus.REJECTED and pending.reason == DealReason.DISPUTE_REVERSED


def test_the_deal_workflow_is_not_widened_for_ordinary_decisions(rejected, channel_manager):
    """Reversal transitions live in the dispute service: the deal API still refuses to approve a rejection."""
    from deals import services as deal_services

    with pytest.raises(TransitionNotAllowed):
        deal_services.approve_deal(deal=rejected, actor=channel_manager)


def _receipts():
    try:
        model = apps.get_model("receipts", "Receipt")
    except LookupError:
        return None
    return model.objects.count()


def test_held_customer_helper_is_a_holder(other_partner):
    assert held_customer(other_partner).status == DealStatus.APPROVED
