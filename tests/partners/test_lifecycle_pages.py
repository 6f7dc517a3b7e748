"""Lifecycle pages: the public form, the recruit queue and scoring page, panels, plans, tier review, roles."""

from datetime import date

import pytest
from django.urls import reverse

from partners.models import (
    Application,
    ApplicationStatus,
    JointBusinessPlan,
    OppCriterion,
    Partner,
    ReferenceImplementation,
    TierReview,
)
from tests.factories import PartnerFactory, tier
from tests.partners.conftest import GOLD
from tests.partners.factories import ApplicationFactory, application_data

pytestmark = pytest.mark.django_db

APPLY = "/partner-with-us/"


def test_the_public_page_shows_benefits_by_tier_and_the_form(client):
    body = client.get(APPLY).content.decode()
    assert "Program benefits by tier" in body and "Platinum" in body
    assert 'name="website_url"' in body and "hp-field" in body
    assert "style=" not in body  # strict CSP: no inline styles


def test_a_visitor_applies_and_sees_the_thanks(client):
    response = client.post(APPLY, application_data(), follow=True)
    assert response.status_code == 200
    assert "Thank you, Initech Solutions" in response.content.decode()
    assert Application.objects.filter(company_name="Initech Solutions").exists()


def test_bad_input_is_shown_beside_the_fields(client):
    response = client.post(APPLY, application_data(contact_email="nope", website="intranet", description=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert "Enter your company&#x27;s website" in body
    assert not Application.objects.exists()


def test_the_honeypot_blocks_the_page_form(client):
    response = client.post(APPLY, application_data(website_url="spam"))
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_the_page_form_is_throttled(client):
    for _ in range(20):
        client.post(APPLY, application_data())
    response = client.post(APPLY, application_data())
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Too many applications" in response.content.decode()
    assert Application.objects.count() == 20


@pytest.mark.parametrize(
    "url",
    ["/applications/", "/partners/tier-review/", "/partners/program/"],
)
def test_partner_users_get_403_on_internal_pages(client_for, partner_admin, url):
    assert client_for(partner_admin).get(url).status_code == 403


def test_partner_users_get_404_on_an_application(client_for, partner_admin):
    """Applications are internal data, outside a partner's tenancy: 404, never 403 (docs/api.md, Errors)."""
    application = ApplicationFactory()
    response = client_for(partner_admin).get(f"/applications/{application.pk}/")
    assert response.status_code == 404
    assert application.company_name not in response.content.decode()


def test_the_queue_filters_searches_and_exports(client_for, channel_manager):
    ApplicationFactory(company_name="Alpha Corp", status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(company_name="Beta Corp", status=ApplicationStatus.REJECTED)
    client = client_for(channel_manager)
    body = client.get("/applications/", {"status": "submitted"}).content.decode()
    assert "Alpha Corp" in body and "Beta Corp" not in body
    body = client.get("/applications/", {"q": "beta"}).content.decode()
    assert "Beta Corp" in body and "Alpha Corp" not in body
    response = client.get("/applications/", {"status": "rejected", "export": "csv"})
    rows = b"".join(response.streaming_content).decode().strip().splitlines()
    assert rows[0].startswith("Id,Submitted,Company") and len(rows) == 2 and "Beta Corp" in rows[1]


def test_the_queue_flags_duplicates_and_filters_them(client_for, channel_manager):
    first = ApplicationFactory(website_domain="same.example", company_name="First Same")
    ApplicationFactory(website_domain="same.example", company_name="Second Same", duplicate_of=first)
    body = client_for(channel_manager).get("/applications/", {"duplicate": "true"}).content.decode()
    assert "Second Same" in body and "First Same" not in body and "duplicate domain" in body


def test_the_queue_runs_a_bounded_number_of_queries(client_for, channel_manager, django_assert_max_num_queries):
    ApplicationFactory.create_batch(40, fit_score=3, willingness_score=4, quadrant="recruit_now")
    client = client_for(channel_manager)
    with django_assert_max_num_queries(12):
        response = client.get("/applications/")
    assert response.status_code == 200
    assert 'data-chart="scatter"' in response.content.decode()


def test_a_manager_scores_then_approves_on_the_application_page(client_for, channel_manager):
    application = ApplicationFactory()
    client = client_for(channel_manager)
    assert client.get(f"/applications/{application.pk}/").status_code == 200
    scores = {f"criterion_{c.pk}": "4" for c in OppCriterion.objects.filter(active=True)}
    response = client.post(f"/applications/{application.pk}/score/", scores)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.quadrant == "recruit_now" and application.status == ApplicationStatus.IN_REVIEW
    response = client.post(
        f"/applications/{application.pk}/approve/", {"partner_type": "msp", "region": "na", "channel_manager": ""}
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert response.url == reverse("partners:detail", args=[application.partner_id])
    assert application.partner.partner_type == "msp" and application.partner.channel_manager == channel_manager


def test_scoring_with_a_missing_criterion_shows_the_field_error(client_for, channel_manager):
    application = ApplicationFactory()
    response = client_for(channel_manager).post(f"/applications/{application.pk}/score/", {})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode() or "required" in response.content.decode()


def test_finance_sees_the_queue_but_cannot_decide(client_for, finance_user):
    application = ApplicationFactory()
    client = client_for(finance_user)
    assert client.get("/applications/").status_code == 200
    assert client.post(f"/applications/{application.pk}/reject/", {"reason": "x"}).status_code == 403


def test_profile_panels_show_onboarding_and_tier_progress(client_for, partner_admin, partner, fake_metrics):
    fake_metrics({partner.pk: {"registered_deals": 41}})
    client = client_for(partner_admin)
    body = client.get(reverse("partners:panel", args=[partner.pk, "tier-progress"])).content.decode()
    assert "What you need for Platinum" in body and "Registered deals" in body
    body = client.get(reverse("partners:panel", args=[partner.pk, "onboarding"])).content.decode()
    assert "Accept the partner agreement" in body and "I accept on behalf of" in body


def test_another_partners_panels_are_404(client_for, partner_admin, other_partner):
    for name in ("onboarding", "tier-progress", "plan"):
        assert (
            client_for(partner_admin).get(reverse("partners:panel", args=[other_partner.pk, name])).status_code == 404
        )


def test_the_partner_home_shows_tier_progress_and_the_checklist(client_for, partner_admin, partner):
    Partner.objects.filter(pk=partner.pk).update(onboarding_progress=0)
    body = client_for(partner_admin).get("/").content.decode()
    assert "What you need for Platinum" in body
    assert "Onboarding" in body and "Joint business plan" in body


def test_a_partner_admin_accepts_the_agreement_from_the_profile(client_for, partner_admin, partner):
    response = client_for(partner_admin).post(
        reverse("partners:lifecycle", args=[partner.pk, "accept-agreement"]), REMOTE_ADDR="192.0.2.44"
    )
    assert response.status_code == 302
    assert partner.agreement_acceptances.get().ip_address == "192.0.2.44"


def test_plans_are_written_and_checked_in(client_for, partner_admin, partner, channel_manager):
    client = client_for(partner_admin)
    response = client.post(
        reverse("partners:plans", args=[partner.pk]),
        {
            "period": "2026-Q4",
            "sourced_bookings_target": "250000",
            "registered_deals_target": "6",
            "certified_people_target": "3",
            "co_marketing_activities_target": "2",
            "partner_owner": partner_admin.pk,
            "vendor_owner": channel_manager.pk,
        },
    )
    plan = JointBusinessPlan.objects.get(partner=partner)
    assert response.url == plan.get_absolute_url()
    client.post(plan.get_absolute_url(), {"note": "Webinar done", "co_marketing_activities_done": "1"})
    body = client.get(plan.get_absolute_url()).content.decode()
    assert "Webinar done" in body and "Co-marketing activities" in body
    duplicate = client.post(
        reverse("partners:plans", args=[partner.pk]),
        {
            "period": "2026-Q4",
            "sourced_bookings_target": "1",
            "registered_deals_target": "1",
            "certified_people_target": "1",
            "co_marketing_activities_target": "1",
            "partner_owner": partner_admin.pk,
            "vendor_owner": channel_manager.pk,
        },
    )
    assert duplicate.status_code == 400 and "already has a plan" in duplicate.content.decode()


def test_another_partners_plan_is_404(client_for, partner_admin, other_partner, channel_manager, other_partner_user):
    from partners.business_plans import submit_business_plan

    plan = submit_business_plan(
        actor=channel_manager,
        partner=other_partner,
        period="2026-Q4",
        partner_owner=other_partner_user,
        vendor_owner=channel_manager,
    )
    client = client_for(partner_admin)
    assert client.get(reverse("partners:plan", args=[other_partner.pk, plan.pk])).status_code == 404
    assert client.get(reverse("partners:plans", args=[other_partner.pk])).status_code == 404


def test_tier_history_of_another_partner_is_not_shown(client_for, partner_admin, other_partner, channel_manager):
    from partners.services import change_partner_tier

    change_partner_tier(actor=channel_manager, partner=other_partner, tier=tier("Platinum"), reason="Globex secret")
    body = client_for(partner_admin).get("/").content.decode()
    assert "Globex secret" not in body


def test_a_manager_records_a_reference_and_an_override(client_for, channel_manager, partner):
    client = client_for(channel_manager)
    client.post(
        reverse("partners:lifecycle", args=[partner.pk, "reference"]),
        {"customer_name": "Initrode", "completed_on": "2026-01-15"},
    )
    assert ReferenceImplementation.objects.filter(partner=partner, customer_name="Initrode").exists()
    client.post(
        reverse("partners:lifecycle", args=[partner.pk, "override"]),
        {"decision": "keep_tier", "reason": "Renewal pending", "to_tier": ""},
    )
    assert partner.tier_overrides.get().reason == "Renewal pending"


def test_partners_cannot_override_or_record_references(client_for, partner_admin, partner):
    client = client_for(partner_admin)
    client.post(reverse("partners:lifecycle", args=[partner.pk, "override"]), {"decision": "keep_tier", "reason": "x"})
    assert not partner.tier_overrides.exists()
    response = client.post(
        reverse("partners:lifecycle", args=[partner.pk, "reference"]),
        {"customer_name": "X", "completed_on": "2026-01-01"},
    )
    assert response.status_code == 403


def test_program_admin_previews_then_applies_the_review(client_for, program_admin, fake_metrics, today):
    today(date(2027, 1, 4))  # 2026-Q4 has ended: its review can be applied (docs/tiers.md)
    rising = PartnerFactory(tier=tier("Registered"), name="Rising Star")
    fake_metrics({rising.pk: GOLD})
    client = client_for(program_admin)
    body = client.get("/partners/tier-review/", {"period": "2026-Q4"}).content.decode()
    assert "Rising Star" in body and "Promoted" in body
    assert not TierReview.objects.exists()
    response = client.post("/partners/tier-review/", {"period": "2026-Q4"})
    review = TierReview.objects.get(period="2026-Q4")
    assert response.url == review.get_absolute_url()
    rising.refresh_from_db()
    assert rising.tier.name == "Gold"
    body = client.get(review.get_absolute_url()).content.decode()
    assert "Rising Star" in body
    body = client.get("/partners/tier-review/", {"period": "2026-Q4"}).content.decode()
    assert "Running it again changes nothing" in body


def test_program_admin_edits_criteria_and_steps(client_for, program_admin):
    client = client_for(program_admin)
    assert client.get("/partners/program/").status_code == 200
    criterion = OppCriterion.objects.get(name="Culture")
    response = client.post(
        "/partners/program/",
        {
            "kind": "criterion",
            "id": criterion.pk,
            f"criterion-{criterion.pk}-group": "fit",
            f"criterion-{criterion.pk}-name": "Culture",
            f"criterion-{criterion.pk}-description": "",
            f"criterion-{criterion.pk}-weight": "5",
            f"criterion-{criterion.pk}-position": "9",
        },
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.weight == 5 and not criterion.active
    response = client.post(
        "/partners/program/",
        {
            "kind": "step",
            "step-new-kind": "manual",
            "step-new-title": "Kick-off call",
            "step-new-position": "7",
            "step-new-active": "on",
            "step-new-partner_types": ["msp"],
        },
    )
    assert response.status_code == 302
    from partners.models import OnboardingStep

    assert OnboardingStep.objects.get(title="Kick-off call").partner_types == ["msp"]


def test_approving_a_second_application_of_a_domain_shows_the_existing_partner(client_for, channel_manager):
    first = ApplicationFactory(website_domain="initech.example")
    second = ApplicationFactory(website_domain="initech.example")
    client = client_for(channel_manager)
    form = {"partner_type": "msp", "region": "na", "channel_manager": ""}
    client.post(f"/applications/{first.pk}/approve/", form)
    first.refresh_from_db()

    response = client.post(f"/applications/{second.pk}/approve/", form, follow=True)

    second.refresh_from_db()
    assert second.status != ApplicationStatus.APPROVED and second.partner_id is None
    assert first.partner.name in response.content.decode()
    assert Partner.objects.filter(website_domain="initech.example").count() == 1
