"""Dispute pages and the deal page's explainable-match panel: tenancy (404), roles (403), what each side sees."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from deals.models import DealStatus
from disputes.models import Dispute, DisputeStatus
from tests.disputes.factories import open_dispute, pdf
from tests.factories import InternalUserFactory

pytestmark = pytest.mark.django_db


def test_partner_deal_page_says_only_that_a_matching_account_is_protected(client_for, partner_admin, rejected, holder):
    response = client_for(partner_admin).get(reverse("deals:detail", args=[rejected.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "An account with a matching domain is protected until" in body
    assert holder.partner.name not in body
    assert f"#{holder.pk}" not in body
    assert "name_similarity" not in body and "Why it matched" not in body
    assert 'data-testid="dispute-button"' in body


def test_partner_deal_page_says_name_when_the_match_was_on_the_name(client_for, partner_admin, other_partner):
    from tests.disputes.factories import conflicting_registration, held_customer

    holder = held_customer(other_partner, domain="umbrella.example", name="Umbrella Corporation")
    deal = conflicting_registration(partner_admin, holder, customer_domain="", customer_name="Umbrella Corp.")
    body = client_for(partner_admin).get(reverse("deals:detail", args=[deal.pk])).content.decode()
    assert "An account with a matching name is protected until" in body


def test_manager_deal_page_shows_the_conflicting_registration_and_evidence(
    client_for, channel_manager, rejected, holder
):
    body = client_for(channel_manager).get(reverse("deals:detail", args=[rejected.pk])).content.decode()
    assert 'data-testid="conflicting-registration"' in body
    assert holder.partner.name in body
    assert "Why it matched" in body


def test_partner_user_who_may_not_dispute_sees_no_button(client_for, partner_user, rejected):
    body = client_for(partner_user).get(reverse("deals:detail", args=[rejected.pk])).content.decode()
    assert 'data-testid="dispute-button"' not in body


def test_partner_opens_a_dispute_from_the_deal_page(client_for, partner_admin, rejected):
    client = client_for(partner_admin)
    url = reverse("disputes:open", args=[rejected.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "We met them first.", "files": [pdf()]})
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == dispute.get_absolute_url()
    assert dispute.files.count() == 1
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == dispute.get_absolute_url()
    assert client.post(url, {"reason": "Again"}).status_code == 400
    body = client.get(reverse("deals:detail", args=[rejected.pk])).content.decode()
    assert 'data-testid="deal-dispute"' in body


def test_dispute_form_needs_a_reason(client_for, partner_admin, rejected):
    response = client_for(partner_admin).post(reverse("disputes:open", args=[rejected.pk]), {"reason": ""})
    assert response.status_code == 400
    assert not Dispute.objects.exists()


def test_evidence_attached_to_a_refused_dispute_is_kept(client_for, partner_admin, rejected):
    import re

    client = client_for(partner_admin)
    url = reverse("disputes:open", args=[rejected.pk])
    response = client.post(url, {"reason": "", "files": [pdf()]})
    body = response.content.decode()
    assert response.status_code == 400 and 'data-testid="kept-upload"' in body
    token = re.search(r'name="files_kept" value="([^"]+)"', body)[1]
    response = client.post(url, {"reason": "We met them first.", "files_kept": token})
    assert response.status_code == 302 and Dispute.objects.get().files.count() == 1


def test_open_page_roles_and_tenancy(client_for, rejected, partner_user, other_partner_user, channel_manager):
    url = reverse("disputes:open", args=[rejected.pk])
    assert client_for(partner_user).get(url).status_code == 403  # not the registrant, not the admin
    assert client_for(other_partner_user).get(url).status_code == 404
    assert client_for(channel_manager).get(url).status_code == 403


def test_queue_flags_overdue_disputes_and_filters_them(
    client_for, channel_manager, dispute, django_assert_max_num_queries
):
    Dispute.objects.filter(pk=dispute.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client = client_for(channel_manager)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("disputes:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="dispute-overdue"' in body
    assert client.get(reverse("disputes:list"), {"overdue": "yes"}).context["object_list"][0] == dispute
    assert list(client.get(reverse("disputes:list"), {"overdue": "no"}).context["object_list"]) == []
    assert list(client.get(reverse("disputes:list"), {"status": "upheld"}).context["object_list"]) == []


def test_queue_exports_csv(client_for, channel_manager, dispute):
    response = client_for(channel_manager).get(reverse("disputes:list"), {"export": "csv"})
    content = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert dispute.partner.name in content and dispute.deal.customer_name in content


def test_queue_roles_and_tenancy(client_for, dispute, partner_user, other_partner_user, finance_user, program_admin):
    url = reverse("disputes:list")
    assert list(client_for(partner_user).get(url).context["object_list"]) == [dispute]
    assert list(client_for(other_partner_user).get(url).context["object_list"]) == []
    assert client_for(finance_user).get(url).status_code == 403
    assert client_for(program_admin).get(url).status_code == 200


def test_manager_sees_both_registrations_side_by_side(
    client_for, channel_manager, dispute, holder, django_assert_max_num_queries
):
    client = client_for(channel_manager)
    with django_assert_max_num_queries(25):
        response = client.get(dispute.get_absolute_url())
    body = response.content.decode()
    assert 'data-testid="disputed-registration"' in body and 'data-testid="holder-registration"' in body
    assert holder.partner.name in body and dispute.partner.name in body
    assert "Why it matched" in body
    assert 'data-testid="decide"' in body


def test_partner_dispute_page_never_shows_the_other_side(client_for, partner_admin, dispute, holder):
    body = client_for(partner_admin).get(dispute.get_absolute_url()).content.decode()
    assert holder.partner.name not in body
    assert f"#{holder.pk}" not in body
    assert 'data-testid="decide"' not in body


def test_dispute_page_tenancy_and_roles(client_for, dispute, other_partner_user, finance_user):
    assert client_for(other_partner_user).get(dispute.get_absolute_url()).status_code == 404
    assert client_for(finance_user).get(dispute.get_absolute_url()).status_code == 403


def test_manager_reverses_from_the_page(client_for, channel_manager, dispute, holder):
    response = client_for(channel_manager).post(reverse("disputes:action", args=[dispute.pk, "reverse"]), {"note": ""})
    assert response.status_code == 302
    dispute.refresh_from_db()
    holder.refresh_from_db()
    assert dispute.status == DisputeStatus.REVERSED
    assert holder.status == DealStatus.REJECTED


def test_manager_upholds_from_the_page_only_with_a_note(client_for, channel_manager, dispute):
    client = client_for(channel_manager)
    url = reverse("disputes:action", args=[dispute.pk, "uphold"])
    client.post(url, {"note": ""})
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    client.post(url, {"note": "It stands."})
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD


def test_decide_roles_and_tenancy(client_for, dispute, partner_admin, finance_user, other_partner_user):
    url = reverse("disputes:action", args=[dispute.pk, "reverse"])
    assert client_for(partner_admin).post(url).status_code == 403
    assert client_for(finance_user).post(url).status_code == 403
    # Another partner's dispute is outside its tenancy: 404, never 403 (docs/api.md, Errors).
    assert client_for(other_partner_user).post(url).status_code == 404
    other_manager = InternalUserFactory(role=Role.CHANNEL_MANAGER)
    dispute.partner.channel_manager = InternalUserFactory(role=Role.CHANNEL_MANAGER)
    dispute.partner.save(update_fields=["channel_manager"])
    assert client_for(other_manager).post(url).status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN


def test_files_go_only_to_the_partner_and_internal_users(
    client_for, partner_admin, rejected, other_partner_user, finance_user
):
    dispute = open_dispute(partner_admin, rejected, files=[pdf()])
    url = dispute.files.get().get_absolute_url()
    response = client_for(partner_admin).get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(finance_user).get(url).status_code == 200
    assert client_for(other_partner_user).get(url).status_code == 404


def test_partner_csv_export_of_deals_leaks_no_conflict(client_for, partner_admin, rejected, holder):
    response = client_for(partner_admin).get(reverse("deals:list"), {"export": "csv"})
    content = b"".join(response.streaming_content).decode()
    assert rejected.customer_name in content
    assert holder.partner.name not in content


def test_review_queue_shows_the_holder_and_its_protection(client_for, partner_admin, channel_manager, holder):
    from deals import services as deal_services
    from tests.deals.factories import registration_kwargs

    possible = deal_services.register_deal(
        user=partner_admin, **registration_kwargs(customer_name="Initech AI", customer_domain="initech-ai.example")
    )
    assert possible.status == DealStatus.PENDING_REVIEW
    body = client_for(channel_manager).get(reverse("deals:review")).content.decode()
    assert holder.partner.name in body
    assert "protected until" in body
