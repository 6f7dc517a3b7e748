"""A refused page or action says why (the permission's own sentence on the 403 page), and a partner's user
reads, in place of a hidden button, why and which of their partner admins to ask (accounts/access.py `refused`,
`{% refusal_note %}`)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from accounts import access
from prm.views import permission_denied
from tests.deals.factories import DealFactory

pytestmark = pytest.mark.django_db

GENERIC = "If you think you should have access, ask a program admin."


@pytest.fixture
def alice(partner_admin):
    partner_admin.first_name, partner_admin.last_name = "Alice", "Admin"
    partner_admin.save()
    return partner_admin


def test_a_refused_page_shows_the_permissions_sentence(client_for, partner_user):
    response = client_for(partner_user).get(reverse("deals:review"))
    body = response.content.decode()
    assert response.status_code == 403 and response["X-Refusal-Code"] == "deals.review"
    assert 'data-testid="refusal-reason">Only a channel manager may review registrations.</p>' in body
    assert GENERIC not in body


def test_a_refused_service_call_shows_the_services_sentence(client_for, partner_user, partner):
    deal = DealFactory(partner=partner, status="submitted", protected_until=None)
    response = client_for(partner_user).post(reverse("deals:action", args=[deal.pk, "approve"]))
    body = response.content.decode()
    assert response.status_code == 403 and response["X-Refusal-Code"] == "deals.approve"
    assert "Only a channel manager may approve deals." in body and GENERIC not in body


def test_a_plain_refusal_with_a_sentence_shows_it(partner_user):
    request = RequestFactory().get("/somewhere/")
    request.user = partner_user
    response = permission_denied(request, PermissionDenied("Your partner admin limited MDF requests."))
    assert response.status_code == 403
    assert "Your partner admin limited MDF requests." in response.content.decode()


def test_a_refusal_without_a_sentence_names_the_partner_admin_not_a_program_admin(partner_user, alice):
    request = RequestFactory().get("/somewhere/")
    request.user = partner_user
    body = permission_denied(request, PermissionDenied()).content.decode()
    assert "ask your partner admin, Alice Admin." in body
    assert "program admin" not in body


def test_refused_names_the_partner_admins_when_they_may_do_it(partner_user, alice, partner):
    refused = access.refused(partner_user, "partners.manage_team", partner)
    assert refused.sentence == "Only the partner's admins may change its team."
    assert refused.ask == (alice,)
    assert access.refused(alice, "partners.manage_team", partner) is None


def test_refused_asks_no_one_when_no_admin_may_do_it(partner_user, alice, partner):
    deal = DealFactory(partner=partner)
    refused = access.refused(partner_user, "deals.approve", deal)
    assert refused.sentence == "Only a channel manager may approve deals." and refused.ask == ()


def test_the_team_page_says_why_the_invite_form_is_missing(client_for, partner_user, alice, partner):
    body = client_for(partner_user).get(reverse("partners:detail", args=[partner.pk])).content.decode()
    assert 'data-testid="invite-form"' not in body
    note = body.split('data-testid="refusal-note"')[1].split("</p>")[0]
    assert "Only the partner&#x27;s admins may change its team." in note
    assert "Ask your partner admin, Alice Admin." in note
    admin_page = client_for(alice).get(reverse("partners:detail", args=[partner.pk])).content.decode()
    assert 'data-testid="refusal-note"' not in admin_page
