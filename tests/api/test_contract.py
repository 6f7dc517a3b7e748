"""The REST contract of docs/api.md, row by row: each path resolves, the roles it names get 2xx with the listed fields,
other roles 403, other partners 404 (also through `?partner=`), and the shared conventions hold (pagination
and its cap, error shapes, money and rate strings, filters, read-only tokens, the OpenAPI schema).

The rows are kept here (CI has no ../shared/API.md); the analytics and webhook rows are tested by their apps.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import yaml
from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role, TokenScope
from accounts.services import create_api_token
from commissions import services as commission_services
from commissions.models import EntryStatus
from deals.models import DealStatus
from enablement import services as enablement_services
from tests.commissions.factories import EntryFactory
from tests.deals.factories import DealFactory
from tests.enablement.factories import CertificationFactory, CourseFactory, LessonFactory, QuizFactory
from tests.mdf.factories import ActivityTypeFactory, allocate, approved_request, submitted_claim
from tests.partners.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PARTNER = (Role.PARTNER_ADMIN, Role.PARTNER_USER)
INTERNAL = (Role.CHANNEL_MANAGER, Role.FINANCE, Role.PROGRAM_ADMIN)
EVERYONE = PARTNER + INTERNAL

# docs/api.md, every row: (method, path). `{x}` is an id.
API_MD_ROWS = [
    ("POST", "/api/v1/auth/token/"),
    ("GET", "/api/v1/me/"),
    ("GET", "/api/v1/tokens/"),
    ("POST", "/api/v1/tokens/"),
    ("DELETE", "/api/v1/tokens/{id}/"),
    ("POST", "/api/v1/applications/"),
    ("GET", "/api/v1/applications/"),
    ("GET", "/api/v1/applications/{id}/"),
    ("POST", "/api/v1/applications/{id}/approve/"),
    ("POST", "/api/v1/applications/{id}/reject/"),
    ("GET", "/api/v1/partners/"),
    ("GET", "/api/v1/partners/{id}/"),
    ("GET", "/api/v1/tiers/"),
    ("GET", "/api/v1/partners/{id}/tier-progress/"),
    ("POST", "/api/v1/deals/"),
    ("GET", "/api/v1/deals/"),
    ("GET", "/api/v1/deals/{id}/"),
    ("POST", "/api/v1/deals/{id}/approve/"),
    ("POST", "/api/v1/deals/{id}/reject/"),
    ("POST", "/api/v1/deals/{id}/won/"),
    ("POST", "/api/v1/deals/{id}/lost/"),
    ("POST", "/api/v1/deals/{id}/extend/"),
    ("POST", "/api/v1/deals/{id}/reopen/"),
    ("POST", "/api/v1/deals/{id}/influences/"),
    ("POST", "/api/v1/accounts/import/"),
    ("GET", "/api/v1/courses/"),
    ("GET", "/api/v1/courses/{id}/"),
    ("POST", "/api/v1/courses/"),
    ("PATCH", "/api/v1/courses/{id}/"),
    ("POST", "/api/v1/quizzes/"),
    ("POST", "/api/v1/certifications/"),
    ("POST", "/api/v1/courses/{id}/enroll/"),
    ("POST", "/api/v1/lessons/{id}/complete/"),
    ("GET", "/api/v1/quizzes/{id}/"),
    ("POST", "/api/v1/quizzes/{id}/attempts/"),
    ("GET", "/api/v1/certificates/"),
    ("GET", "/api/v1/certificates/{id}/"),
    ("GET", "/api/v1/mdf/funds/"),
    ("GET", "/api/v1/mdf/funds/{id}/"),
    ("GET", "/api/v1/mdf/funds/{id}/entries/"),
    ("GET", "/api/v1/mdf/activity-types/"),
    ("POST", "/api/v1/mdf/requests/"),
    ("GET", "/api/v1/mdf/requests/"),
    ("GET", "/api/v1/mdf/requests/{id}/"),
    ("POST", "/api/v1/mdf/requests/{id}/approve/"),
    ("POST", "/api/v1/mdf/requests/{id}/reject/"),
    ("POST", "/api/v1/mdf/claims/"),
    ("GET", "/api/v1/mdf/claims/"),
    ("GET", "/api/v1/mdf/claims/{id}/"),
    ("POST", "/api/v1/mdf/claims/{id}/approve/"),
    ("POST", "/api/v1/mdf/claims/{id}/reject/"),
    ("POST", "/api/v1/mdf/claims/{id}/request-info/"),
    ("POST", "/api/v1/mdf/claims/{id}/pay/"),
    ("GET", "/api/v1/commissions/entries/"),
    ("GET", "/api/v1/commissions/entries/{id}/"),
    ("POST", "/api/v1/commissions/entries/{id}/approve/"),
    ("POST", "/api/v1/commissions/payouts/"),
    ("GET", "/api/v1/commissions/payouts/"),
    ("GET", "/api/v1/commissions/payouts/{id}/"),
    ("POST", "/api/v1/commissions/payouts/{id}/approve/"),
    ("POST", "/api/v1/commissions/payouts/{id}/pay/"),
    ("GET", "/api/v1/commissions/statements/"),
]

APPLICATION_FIELDS = {
    "id",
    "company_name",
    "status",
    "score",
    "fit_score",
    "willingness_score",
    "quadrant",
    "created_at",
}
PARTNER_FIELDS = {
    "id",
    "name",
    "partner_type",
    "tier",
    "status",
    "country",
    "region",
    "channel_manager",
    "onboarding_progress",
}
DEAL_FIELDS = {
    "id",
    "partner",
    "customer_name",
    "status",
    "reason",
    "amount",
    "currency",
    "protected_until",
    "created_at",
}
FUND_FIELDS = {
    "id",
    "partner",
    "period",
    "currency",
    "accrued",
    "allocated",
    "committed",
    "claimed",
    "paid",
    "expired",
    "available",
    "expires_at",
}
CERTIFICATE_FIELDS = {"id", "certification", "user", "issued_at", "expires_at", "verification_code", "status"}
ENTRY_FIELDS = {"id", "deal", "partner", "kind", "base_amount", "rate", "amount", "currency", "status", "created_at"}
PAYOUT_FIELDS = {"id", "partner", "status", "total", "currency", "entries", "created_by"}


@pytest.fixture
def users(partner_admin, partner_user, channel_manager, finance_user, program_admin):
    return {
        Role.PARTNER_ADMIN: partner_admin,
        Role.PARTNER_USER: partner_user,
        Role.CHANNEL_MANAGER: channel_manager,
        Role.FINANCE: finance_user,
        Role.PROGRAM_ADMIN: program_admin,
    }


@pytest.fixture
def world(partner, other_partner, users, other_partner_user):
    """One of everything the API reads, for Acme (the callers' partner) and for Globex (another partner)."""
    admin, manager, finance = users[Role.PROGRAM_ADMIN], users[Role.CHANNEL_MANAGER], users[Role.FINANCE]
    deal = DealFactory(partner=partner, registered_by=users[Role.PARTNER_ADMIN])
    other_deal = DealFactory(partner=other_partner, registered_by=other_partner_user)
    allocate(partner, "5000.00", admin=admin)
    allocate(other_partner, "5000.00", admin=admin)
    activity = ActivityTypeFactory()
    mdf_request = approved_request(partner, manager=manager, activity=activity)
    other_request = approved_request(other_partner, manager=manager, activity=activity)
    claim = submitted_claim(mdf_request, user=users[Role.PARTNER_ADMIN])
    other_claim = submitted_claim(other_request, user=other_partner_user)
    entry = EntryFactory(partner=partner, deal=deal, amount=Decimal("1250.00"), rate=Decimal("0.3000"))
    other_entry = EntryFactory(partner=other_partner, amount=Decimal("80.00"), status=EntryStatus.APPROVED)
    other_batch = commission_services.create_payout_batch(partner=other_partner, actor=finance)
    course = CourseFactory()
    lesson = LessonFactory(course=course)
    quiz = QuizFactory(course=course)
    certification = CertificationFactory(exam=quiz)
    enablement_services.enrol(user=users[Role.PARTNER_USER], course=course)
    certificate = enablement_services.issue_certificate(user=users[Role.PARTNER_USER], certification=certification)
    return {
        "certificate": certificate,
        "deal": deal,
        "other_deal": other_deal,
        "request": mdf_request,
        "other_request": other_request,
        "claim": claim,
        "other_claim": other_claim,
        "entry": entry,
        "other_entry": other_entry,
        "other_batch": other_batch,
        "course": course,
        "lesson": lesson,
        "quiz": quiz,
        "certification": certification,
        "application": ApplicationFactory(),
        "activity": activity,
    }


def fund_of(partner):
    from mdf.models import Fund

    return Fund.objects.filter(partner=partner).order_by("id").first()


def results(response):
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}, body
    return body["results"]


# --- Every row exists, in the URLconf and in the OpenAPI schema --------------------------------------------


@pytest.mark.parametrize(("method", "path"), API_MD_ROWS)
def test_every_api_md_row_resolves(method, path):
    try:
        match = resolve(path.replace("{id}", "1"))
    except Resolver404:
        pytest.fail(f"{method} {path} does not resolve")
    view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    actions = getattr(match.func, "actions", None)
    if actions is not None:
        assert method.lower() in actions, f"{method} {path}: only {sorted(actions)}"
    else:
        assert hasattr(view_class, method.lower()), f"{method} {path}: the view has no {method}"


def test_the_schema_describes_every_row_with_bodies_and_errors(api_client):
    response = api_client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    for method, path in API_MD_ROWS:
        operation = schema["paths"].get(path, {}).get(method.lower())
        assert operation is not None, f"{method} {path} is missing from /api/schema/"
        codes = set(operation["responses"])
        assert codes & {"200", "201", "202", "204"}, f"{method} {path}: no success response"
        assert "429" in codes and "Retry-After" in operation["responses"]["429"]["headers"]
        if path != "/api/v1/auth/token/" and path != "/api/v1/applications/" or method == "GET":
            assert {"401", "403"} <= codes, f"{method} {path}: {codes}"
        if "{id}" in path:
            assert "404" in codes, f"{method} {path}: {codes}"
        if method == "POST" and path not in ("/api/v1/auth/token/", "/api/v1/applications/"):
            assert {"400", "409", "422"} <= codes, f"{method} {path}: {codes}"
            assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
    assert "Idempotency-Key" in schema["info"]["description"]
    assert "Token <token>" in schema["components"]["securitySchemes"]["tokenAuth"]["description"]


def test_the_docs_page_is_served(api_client):
    assert api_client.get("/api/docs/").status_code == 200


# --- Reads: who gets 200 with which fields, who gets 403 ------------------------------------------------

READS = [
    # (path template, roles allowed, fields of the object or of each row)
    ("/api/v1/applications/", INTERNAL, APPLICATION_FIELDS),
    ("/api/v1/applications/{application}/", INTERNAL, APPLICATION_FIELDS),
    ("/api/v1/partners/", EVERYONE, PARTNER_FIELDS),
    ("/api/v1/partners/{partner}/", EVERYONE, PARTNER_FIELDS),
    ("/api/v1/partners/{partner}/tier-progress/", EVERYONE, {"tier", "next_tier", "requirements", "at_risk"}),
    ("/api/v1/tiers/", EVERYONE, {"id", "name", "rank", "requirements", "benefits"}),
    ("/api/v1/deals/", EVERYONE, DEAL_FIELDS),
    ("/api/v1/deals/{deal}/", EVERYONE, DEAL_FIELDS),
    ("/api/v1/courses/", EVERYONE, {"id", "title", "kind", "lessons", "quizzes"}),
    ("/api/v1/courses/{course}/", EVERYONE, {"id", "title", "kind", "lessons", "quizzes"}),
    ("/api/v1/certificates/", EVERYONE, CERTIFICATE_FIELDS),
    ("/api/v1/certificates/{certificate}/", EVERYONE, CERTIFICATE_FIELDS),
    ("/api/v1/mdf/funds/", EVERYONE, FUND_FIELDS),
    ("/api/v1/mdf/funds/{fund}/", EVERYONE, FUND_FIELDS),
    ("/api/v1/mdf/funds/{fund}/entries/", EVERYONE, {"id", "kind", "amount", "currency", "created_at", "reference"}),
    ("/api/v1/mdf/activity-types/", EVERYONE, {"reimbursement_rate", "proof_required", "preapproval_required"}),
    ("/api/v1/mdf/requests/", EVERYONE, {"id", "partner", "status", "requested_amount", "approved_amount", "currency"}),
    ("/api/v1/mdf/requests/{request}/", EVERYONE, {"id", "partner", "status", "requested_amount", "currency"}),
    ("/api/v1/mdf/claims/", EVERYONE, {"id", "request", "status", "claimed_amount", "approved_amount", "proof"}),
    ("/api/v1/mdf/claims/{claim}/", EVERYONE, {"id", "request", "status", "claimed_amount", "currency", "proof"}),
    ("/api/v1/commissions/entries/", (Role.PARTNER_ADMIN, *INTERNAL), ENTRY_FIELDS),
    ("/api/v1/commissions/entries/{entry}/", (Role.PARTNER_ADMIN, *INTERNAL), ENTRY_FIELDS),
    ("/api/v1/commissions/payouts/", (Role.FINANCE, Role.PROGRAM_ADMIN), PAYOUT_FIELDS),
    ("/api/v1/commissions/payouts/{other_batch}/", (Role.FINANCE, Role.PROGRAM_ADMIN), PAYOUT_FIELDS),
    (
        "/api/v1/commissions/statements/?period={period}&partner={partner}",
        (Role.PARTNER_ADMIN, Role.FINANCE),
        {"partner", "period", "currency", "lines", "totals"},
    ),
]


def _url(template: str, world, partner) -> str:
    values = {key: getattr(obj, "pk", obj) for key, obj in world.items()}
    values["partner"] = partner.pk
    values["fund"] = fund_of(partner).pk
    values["period"] = f"{timezone.localdate().year}-Q{(timezone.localdate().month - 1) // 3 + 1}"
    return template.format(**values)


def refusal(role, template) -> int:
    """403 for a role that may not act; 404 when the object is outside a partner user's tenancy (an
    application is program data; `other_*` objects belong to another partner): ids leak nothing."""
    outside = "{application}" in template or "{other_" in template
    return 404 if outside and role in PARTNER else 403


@pytest.mark.parametrize("role", EVERYONE)
@pytest.mark.parametrize(("template", "allowed", "fields"), READS, ids=[r[0] for r in READS])
def test_reads_by_role(api_for, users, world, partner, role, template, allowed, fields):
    response = api_for(users[role]).get(_url(template, world, partner))
    if role not in allowed:
        assert response.status_code == refusal(role, template), response.content
        assert set(response.json()) == {"detail"}
        return
    assert response.status_code == 200, response.content
    body = response.json()
    if "?" not in template and not template.endswith("}/") and not template.endswith("-progress/"):
        rows = results(response)
        assert rows, f"{template}: {role} sees nothing"
        body = rows[0]
    assert fields <= set(body), fields - set(body)


# --- Tenancy: another partner's objects and ?partner= are 404 ------------------------------------------

TENANT_OBJECTS = [
    "/api/v1/partners/{partner}/",
    "/api/v1/partners/{partner}/tier-progress/",
    "/api/v1/deals/{deal}/",
    "/api/v1/mdf/funds/{fund}/",
    "/api/v1/mdf/funds/{fund}/entries/",
    "/api/v1/mdf/requests/{request}/",
    "/api/v1/mdf/claims/{claim}/",
    "/api/v1/commissions/entries/{entry}/",
    "/api/v1/certificates/{certificate}/",
]
PARTNER_FILTERED_LISTS = [
    "/api/v1/deals/",
    "/api/v1/leads/",
    "/api/v1/mdf/funds/",
    "/api/v1/mdf/requests/",
    "/api/v1/mdf/claims/",
    "/api/v1/commissions/entries/",
]


@pytest.mark.parametrize("template", TENANT_OBJECTS)
def test_another_partners_objects_are_404(api_for, world, partner, other_partner_user, template):
    response = api_for(other_partner_user).get(_url(template, world, partner))
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/deals/{deal}/won/", {"amount": "100.00", "close_date": "2026-01-01"}),
        ("/api/v1/deals/{deal}/lost/", {"reason": "x"}),
        ("/api/v1/deals/{deal}/extend/", {}),
        ("/api/v1/mdf/claims/{claim}/approve/", {}),
        ("/api/v1/commissions/entries/{entry}/approve/", {}),
    ],
)
def test_acting_on_another_partners_object_is_404_not_403(api_for, world, partner, other_partner_user, path, body):
    response = api_for(other_partner_user).post(_url(path, world, partner), body, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("path", PARTNER_FILTERED_LISTS)
def test_partner_filter_naming_another_partner_is_404(api_for, world, partner_admin, other_partner, path):
    assert api_for(partner_admin).get(path, {"partner": other_partner.pk}).status_code == 404


@pytest.mark.parametrize("path", PARTNER_FILTERED_LISTS)
def test_partner_filter_naming_the_callers_partner_filters(api_for, world, partner_admin, partner, path):
    response = api_for(partner_admin).get(path, {"partner": partner.pk})
    assert response.status_code == 200
    assert all(row["partner"] == partner.pk for row in results(response))


def test_internal_partner_filter_keeps_one_partner(api_for, world, finance_user, other_partner):
    rows = results(api_for(finance_user).get("/api/v1/deals/", {"partner": other_partner.pk}))
    assert [row["id"] for row in rows] == [world["other_deal"].pk]


def test_statement_of_another_partner_is_404(api_for, world, partner_admin, other_partner):
    period = _url("{period}", world, other_partner)
    response = api_for(partner_admin).get(
        "/api/v1/commissions/statements/", {"period": period, "partner": other_partner.pk}
    )
    assert response.status_code == 404


# --- Writes: roles (403), states (409 with {detail, code}), bad input (400) ------------------------------

WRITE_ROLES = [
    # (path, body, roles that may act; others that can see the object get 403)
    ("/api/v1/deals/{deal}/approve/", {}, (Role.CHANNEL_MANAGER,)),
    ("/api/v1/deals/{deal}/reject/", {"reason": "Out of territory"}, (Role.CHANNEL_MANAGER,)),
    ("/api/v1/deals/{deal}/reopen/", {"reason": "Signed after all"}, (Role.CHANNEL_MANAGER,)),
    ("/api/v1/deals/{deal}/won/", {"amount": "100.00", "close_date": "2026-01-01"}, (*PARTNER, Role.CHANNEL_MANAGER)),
    ("/api/v1/deals/{deal}/lost/", {"reason": "Budget cut"}, PARTNER),
    ("/api/v1/deals/{deal}/extend/", {}, PARTNER),
    ("/api/v1/mdf/requests/{request}/approve/", {}, (Role.CHANNEL_MANAGER,)),
    ("/api/v1/commissions/payouts/{other_batch}/approve/", {}, (Role.FINANCE,)),
    ("/api/v1/commissions/payouts/{other_batch}/pay/", {}, (Role.FINANCE,)),
    ("/api/v1/applications/{application}/reject/", {"reason": "No fit"}, (Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN)),
    ("/api/v1/courses/{course}/enroll/", {}, PARTNER),
    ("/api/v1/lessons/{lesson}/complete/", {}, PARTNER),
    ("/api/v1/quizzes/", {"title": "Quiz"}, (Role.PROGRAM_ADMIN,)),
    ("/api/v1/certifications/", {"name": "Cert"}, (Role.PROGRAM_ADMIN,)),
    ("/api/v1/deals/{deal}/influences/", {"partner": "{partner}", "kind": "endorsement"}, (Role.CHANNEL_MANAGER,)),
    ("/api/v1/mdf/requests/{request}/reject/", {"reason": "No budget"}, (Role.CHANNEL_MANAGER,)),
    ("/api/v1/mdf/claims/{claim}/approve/", {}, (Role.FINANCE,)),
    ("/api/v1/mdf/claims/{claim}/reject/", {"reason": "No invoice"}, (Role.FINANCE,)),
    ("/api/v1/mdf/claims/{claim}/request-info/", {"reason": "Which event?"}, (Role.FINANCE,)),
    ("/api/v1/mdf/claims/{claim}/pay/", {"payment_reference": "PAY-1"}, (Role.FINANCE,)),
    ("/api/v1/commissions/entries/{entry}/approve/", {}, (Role.FINANCE,)),
    ("/api/v1/commissions/payouts/", {"partner": "{partner}"}, (Role.FINANCE,)),
    ("/api/v1/applications/{application}/approve/", {}, (Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN)),
    ("/api/v1/courses/", {"title": "New course", "kind": "sales"}, (Role.PROGRAM_ADMIN,)),
    ("/api/v1/deals/", {}, PARTNER),
    ("/api/v1/mdf/requests/", {}, (Role.PARTNER_ADMIN, Role.PARTNER_USER)),
    ("/api/v1/accounts/import/", {}, (Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN)),
]


@pytest.mark.parametrize("role", EVERYONE)
@pytest.mark.parametrize(("template", "body", "allowed"), WRITE_ROLES, ids=[r[0] for r in WRITE_ROLES])
def test_writes_refuse_other_roles_with_403(api_for, users, world, partner, role, template, body, allowed):
    if role in allowed:
        return
    body = {key: _url(value, world, partner) if isinstance(value, str) else value for key, value in body.items()}
    if body.get("partner"):
        body["partner"] = int(body["partner"])
    response = api_for(users[role]).post(_url(template, world, partner), body, format="json")
    assert response.status_code == refusal(role, template), (role, response.content)
    assert "detail" in response.json()


def test_a_forbidden_transition_is_409_with_detail_and_code(api_for, world, finance_user):
    api = api_for(finance_user)
    url = f"/api/v1/commissions/payouts/{world['other_batch'].pk}/pay/"
    response = api.post(url)
    assert response.status_code == 409, response.content  # a draft batch must be approved first
    body = response.json()
    assert set(body) == {"detail", "code"} and body["code"] and body["detail"]


def test_a_deal_approved_twice_is_409(api_for, world, channel_manager):
    response = api_for(channel_manager).post(f"/api/v1/deals/{world['deal'].pk}/approve/", {}, format="json")
    assert response.status_code == 409
    assert {"detail", "code"} == set(response.json())


def test_payout_without_approved_entries_is_409(api_for, world, finance_user, partner):
    response = api_for(finance_user).post("/api/v1/commissions/payouts/", {"partner": partner.pk}, format="json")
    assert response.status_code == 409
    assert {"detail", "code"} == set(response.json())


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/deals/", {"customer_name": "", "amount": "abc"}, "amount"),
        ("/api/v1/deals/{deal}/won/", {"amount": "-5", "close_date": "soon"}, "close_date"),
        ("/api/v1/tokens/", {"name": "ci", "scope": "admin"}, "scope"),
        ("/api/v1/mdf/requests/", {"title": "x"}, "activity_type"),
    ],
)
def test_bad_input_is_400_with_field_errors(api_for, world, partner, partner_admin, path, body, field):
    response = api_for(partner_admin).post(_url(path, world, partner), body, format="json")
    assert response.status_code == 400, response.content
    assert isinstance(response.json()[field], list)


def test_no_credentials_is_401(api_client, world):
    for path in ("/api/v1/me/", "/api/v1/deals/", f"/api/v1/deals/{world['deal'].pk}/", "/api/v1/mdf/funds/"):
        response = api_client.get(path)
        assert response.status_code == 401
        assert "detail" in response.json()


def test_read_token_gets_403_on_every_write(partner_admin, world):
    _, secret = create_api_token(user=partner_admin, name="reporting", scope=TokenScope.READ)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/deals/").status_code == 200
    for path in ("/api/v1/deals/", f"/api/v1/deals/{world['deal'].pk}/lost/", "/api/v1/mdf/requests/"):
        assert api.post(path, {}, format="json").status_code == 403


# --- Pagination, formats, filters -----------------------------------------------------------------------


def test_page_size_is_capped_at_200(api_for, partner_user):
    ApiToken.objects.bulk_create(
        ApiToken(user=partner_user, name=f"t{n}", scope=TokenScope.READ, prefix=f"{n:08d}", key_hash=f"h{n}")
        for n in range(205)
    )
    response = api_for(partner_user).get("/api/v1/tokens/", {"page_size": 1000})
    body = response.json()
    assert body["count"] == 205
    assert len(body["results"]) == 200
    assert body["next"] and "page=2" in body["next"] and body["previous"] is None
    second = api_for(partner_user).get("/api/v1/tokens/", {"page_size": 1000, "page": 2}).json()
    assert len(second["results"]) == 5


def test_page_past_the_end_is_404(api_for, partner_user):
    assert api_for(partner_user).get("/api/v1/deals/", {"page": 99}).status_code == 404


def test_money_is_a_two_place_string_and_rates_four(api_for, world, finance_user, partner_admin):
    deal = api_for(partner_admin).get(f"/api/v1/deals/{world['deal'].pk}/").json()
    assert deal["amount"] == "25000.00" and deal["currency"] == "USD"
    entry = api_for(finance_user).get(f"/api/v1/commissions/entries/{world['entry'].pk}/").json()
    assert (entry["amount"], entry["rate"], entry["currency"]) == ("1250.00", "0.3000", "USD")
    activity = results(api_for(partner_admin).get("/api/v1/mdf/activity-types/"))[0]
    assert activity["reimbursement_rate"] == "0.5000"
    fund = results(api_for(partner_admin).get("/api/v1/mdf/funds/"))[0]
    assert fund["allocated"] == "5000.00"


def test_dates_and_times_formats(api_for, world, partner_admin):
    deal = api_for(partner_admin).get(f"/api/v1/deals/{world['deal'].pk}/").json()
    assert len(deal["protected_until"]) == 10 and deal["protected_until"][4] == "-"
    assert deal["created_at"][-6] in "+-" or deal["created_at"].endswith("Z")


def test_deal_filters(api_for, world, partner, partner_admin, channel_manager):
    api = api_for(channel_manager)
    submitted = DealFactory(partner=partner, status=DealStatus.SUBMITTED)
    assert [d["id"] for d in results(api.get("/api/v1/deals/", {"status": "submitted"}))] == [submitted.pk]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert results(api.get("/api/v1/deals/", {"created_after": tomorrow})) == []
    assert len(results(api.get("/api/v1/deals/", {"created_before": tomorrow}))) == 3
    since = (timezone.now() + timedelta(minutes=5)).isoformat()
    assert results(api.get("/api/v1/deals/", {"updated_since": since})) == []
    assert api.get("/api/v1/deals/", {"status": "bogus"}).status_code == 400
    assert api.get("/api/v1/deals/", {"created_after": "yesterday"}).status_code == 400


def test_other_list_filters(api_for, world, finance_user, partner_admin):
    api = api_for(finance_user)
    assert [e["id"] for e in results(api.get("/api/v1/commissions/entries/", {"status": "batched"}))] == [
        world["other_entry"].pk
    ]  # approved, then gathered into the draft payout
    assert [e["id"] for e in results(api.get("/api/v1/commissions/entries/", {"status": "pending"}))] == [
        world["entry"].pk
    ]
    assert [b["id"] for b in results(api.get("/api/v1/commissions/payouts/", {"status": "draft"}))] == [
        world["other_batch"].pk
    ]
    assert results(api.get("/api/v1/commissions/payouts/", {"status": "paid"})) == []
    claims = results(api.get("/api/v1/mdf/claims/", {"status": "submitted"}))
    assert {c["id"] for c in claims} == {world["claim"].pk, world["other_claim"].pk}
    requests = results(api_for(partner_admin).get("/api/v1/mdf/requests/", {"status": "approved"}))
    assert [r["id"] for r in requests] == [world["request"].pk]
    assert results(api_for(partner_admin).get("/api/v1/courses/", {"kind": "technical"})) == []
    assert results(api_for(partner_admin).get("/api/v1/tiers/", {"name": "gold"}))[0]["name"] == "Gold"


def test_statement_needs_a_period_and_for_finance_a_partner(api_for, world, finance_user, partner):
    api = api_for(finance_user)
    assert "period" in api.get("/api/v1/commissions/statements/").json()
    period = _url("{period}", world, partner)
    assert "partner" in api.get("/api/v1/commissions/statements/", {"period": period}).json()
    bad = api.get("/api/v1/commissions/statements/", {"period": period, "partner": "abc"})
    assert bad.status_code == 400 and "partner" in bad.json()
    ok = api.get("/api/v1/commissions/statements/", {"period": period, "partner": partner.pk}).json()
    assert set(ok["totals"]) == {"earned", "approved", "paid", "outstanding"}
    assert ok["totals"]["earned"] == "1250.00"


def test_lists_use_a_bounded_number_of_queries(api_for, world, partner, finance_user, django_assert_max_num_queries):
    for _ in range(5):
        DealFactory(partner=partner)
    api = api_for(finance_user)
    for path in ("/api/v1/deals/", "/api/v1/mdf/claims/", "/api/v1/commissions/entries/", "/api/v1/partners/"):
        with django_assert_max_num_queries(15):
            assert api.get(path).status_code == 200


@pytest.mark.parametrize(
    "value",
    ["0166-02-28T10:55:15+18:54", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2026-13-01T00:00", "x"],
)
def test_updated_since_takes_any_offset_and_refuses_nonsense_with_400(api_for, partner_admin, value):
    response = api_for(partner_admin).get("/api/v1/deals/", {"updated_since": value})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert "updated_since" in response.json()


def test_schema_generation_is_valid_and_has_no_warnings(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn`: every view is described, enum names are stable."""
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/deals/{id}/won/" in target.read_text()


def test_certificate_filters_use_the_status_the_api_shows(api_for, world, partner_admin):
    api = api_for(partner_admin)
    assert [c["id"] for c in results(api.get("/api/v1/certificates/", {"status": "valid"}))] == [
        world["certificate"].pk
    ]
    assert results(api.get("/api/v1/certificates/", {"status": "expired"})) == []
    world["certificate"].__class__.objects.filter(pk=world["certificate"].pk).update(
        issued_at=timezone.now() - timedelta(days=400), expires_at=timezone.now() - timedelta(days=1)
    )  # past its expiry, before the nightly task marks it: the API already calls it expired
    expired = results(api.get("/api/v1/certificates/", {"status": "expired"}))
    assert [(c["id"], c["status"]) for c in expired] == [(world["certificate"].pk, "expired")]
    assert results(api.get("/api/v1/certificates/", {"status": "valid"})) == []
    assert api.get("/api/v1/certificates/", {"status": "lost"}).status_code == 400


def test_partner_id_filter_takes_whole_numbers_only(api_for, world, channel_manager, partner):
    api = api_for(channel_manager)
    assert api.get("/api/v1/deals/", {"partner": f"{partner.pk}.5"}).status_code == 400
    assert api.get("/api/v1/deals/", {"partner": "99999999999999999999999"}).status_code == 400
    assert api.get("/api/v1/deals/", {"partner": 987654321}).status_code == 404
