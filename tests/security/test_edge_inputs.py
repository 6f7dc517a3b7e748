"""The edge-input matrix (docs/inputs.md): every write endpoint x edge values: a 4xx, never a 500, nothing saved.

Every API route that takes POST/PUT/PATCH/DELETE and every page that takes a POST is found from the URL
resolver and must have an entry in WRITES (a route added later without one fails
test_every_write_endpoint_is_in_the_edge_matrix):

- `Edge`: a valid baseline body (test_each_baseline_is_accepted proves it is not refused for its input) and
  the kind of each field; every edge value of the field's kind replaces it in turn and must be refused with a
  4xx naming the field (API) or a 400 page (pages), with every table's row count unchanged;
- `Blind`: endpoints whose input is not dates, periods, money, currencies or one-line text (actions with a
  reason, uploads, authoring pages...): the edge values are sent under common field names and the endpoint
  must not answer 500, nor save anything when it refuses.

The second half enumerates the code: no bare date field or hand-written date parser on request input outside
prm/inputs.py (forms, serializers and filters, declared or generated from models).
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework import serializers

from prm import inputs
from prm.periods import quarter_of
from tests.security import test_isolation_matrix as isolation
from tests.security.test_isolation_matrix import is_ignored
from tests.security.test_nul_matrix import row_counts

world = isolation.world  # the isolation matrix's module-scoped fixture world, reused here

DATE, DATETIME, PERIOD, MONEY, CURRENCY, TEXT = "date", "datetime", "period", "money", "currency", "text"
OPTIONAL_MONEY = "optional money"  # empty means "omitted" (e.g. approve the amount asked for)
EDGE_VALUES = {
    DATE: ["0001-01-01", "9999-12-31"],
    DATETIME: ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59Z"],
    PERIOD: ["0001-Q1", "9999-12"],
    MONEY: ["", "1e400", "99999999999999999999"],
    OPTIONAL_MONEY: ["1e400", "99999999999999999999", "-1"],
    CURRENCY: ["XYZ", "NAN"],
    TEXT: ["first line\r\nsecond line"],
}


@dataclass(frozen=True)
class Edge:
    role: str
    fields: dict  # field name -> kind
    body: Callable  # (world) -> a valid body
    kwargs: Callable | None = None  # (world) -> URL kwargs
    method: str = "post"
    # (field, value) cells that fail only for a known, named reason: strict xfail, so fixing it flips them.
    pending: dict = field(default_factory=dict)
    # An action posted from an object's page answers by redirecting back with the error as a message.
    redirects_with_message: bool = False


@dataclass(frozen=True)
class Blind:
    role: str
    kwargs: Callable | None = None
    method: str = "post"
    reason: str = ""


def own(name: str, kw: str = "pk") -> Callable:
    return lambda w: {kw: w.of(name, "partner_admin", True).pk}


def shared(name: str, kw: str = "pk") -> Callable:
    return lambda w: {kw: w.shared[name].pk}


def with_pk(name: str, **extra) -> Callable:
    return lambda w: {"pk": w.of(name, "partner_admin", True).pk, **extra}


def mdf_request_body(w) -> dict:
    return {
        "activity_type": w.shared["activity"].pk,
        "title": "Webinar",
        "start_date": "2026-12-01",
        "end_date": "2026-12-31",
        "total_cost": "1000.00",
        "requested_amount": "500.00",
    }


def registration_body(w) -> dict:
    return {
        "customer_name": "Initrode Systems",
        "customer_domain": "initrode.example",
        "customer_country": "US",
        "amount": "25000.00",
        "currency": "USD",
        "expected_close_date": "2026-12-31",
        "deal_type": "new_business",
    }


def won_body(w) -> dict:
    # A close date lies between the registration and today (docs/commissions-rules.md).
    return {"amount": "1000.00", "close_date": timezone.localdate().isoformat(), "currency": "USD"}


WRITES: dict[str, Edge | Blind] = {
    # --- API: the endpoints that take dates, periods, money, currencies or one-line text ------------------
    "mdf-request-list": Edge(
        "partner_admin",
        {"start_date": DATE, "end_date": DATE, "total_cost": MONEY, "requested_amount": MONEY, "title": TEXT},
        mdf_request_body,
    ),
    "deal-list": Edge(
        "partner_admin",
        {"expected_close_date": DATE, "amount": MONEY, "currency": CURRENCY, "customer_name": TEXT},
        registration_body,
    ),
    "deal-won": Edge(
        "partner_admin", {"close_date": DATE, "amount": MONEY, "currency": CURRENCY}, won_body, own("deal")
    ),
    "mdf-request-approve": Edge(
        "channel_manager",
        {"approved_amount": OPTIONAL_MONEY},
        lambda w: {"approved_amount": "100.00"},
        own("mdf_request"),
    ),
    "mdf-claim-approve": Edge("finance", {"approved_amount": OPTIONAL_MONEY}, lambda w: {}, own("claim")),
    "mdf-fund-allocate": Edge(
        "program_admin",
        {"amount": MONEY},
        lambda w: {"partner": w.partner["acme"].pk, "amount": "1000.00", "reason": "Launch"},
    ),
    "commission-entry-adjustments": Edge(
        "finance",
        {"amount": MONEY, "currency": CURRENCY},
        lambda w: {"partner": w.partner["acme"].pk, "amount": "10.00", "currency": "USD", "reason": "Fix"},
    ),
    "fx-rate-list": Edge(
        "finance",
        {"effective_from": DATE, "rate": MONEY, "currency": CURRENCY},
        lambda w: {"currency": "EUR", "rate": "1.08", "effective_from": "2026-01-01"},
    ),
    "policy-publish": Edge(
        "program_admin",
        {"effective_from": DATETIME},
        lambda w: {"effective_from": "2030-01-01T00:00:00Z", "confirm": True},
        shared("policy_draft"),
    ),
    # --- pages ---------------------------------------------------------------------------------------------
    "mdf:request_new": Edge(
        "partner_admin",
        {"start_date": DATE, "end_date": DATE, "total_cost": MONEY, "requested_amount": MONEY, "title": TEXT},
        mdf_request_body,
    ),
    "deals:register": Edge(
        "partner_admin",
        {"expected_close_date": DATE, "amount": MONEY, "customer_name": TEXT},
        registration_body,
    ),
    "deals:action": Edge(
        "partner_admin",
        {"close_date": DATE, "amount": MONEY},
        won_body,
        with_pk("deal", action="won"),
    ),
    "fx:rate_new": Edge(
        "finance",
        {"effective_from": DATE, "rate": MONEY, "currency": CURRENCY},
        lambda w: {"currency": "EUR", "rate": "1.08", "effective_from": "2026-01-01"},
    ),
    "commissions:contest_new": Edge(
        "program_admin",
        {"period": PERIOD, "min_deal_amount": MONEY, "currency": CURRENCY},
        lambda w: {
            "name": "Spring push",
            "period": "2026-Q4",
            "min_deal_amount": "1000",
            "bonus_rate": "0.05",
            "currency": "USD",
        },
    ),
    "commissions:adjustment": Edge(
        "finance",
        {"amount": MONEY, "currency": CURRENCY},
        lambda w: {"partner": w.partner["acme"].pk, "amount": "10.00", "currency": "USD", "reason": "Fix"},
    ),
    "commissions:rule_rate": Edge(
        "program_admin",
        {"effective_from": DATE},
        lambda w: {"rate": "0.2345", "flat_amount": "100", "effective_from": "2027-01-01"},
        shared("rule"),
    ),
    "mdf:allocate": Edge(
        "program_admin",
        {"amount": MONEY},
        lambda w: {"partner": w.partner["acme"].pk, "amount": "1000.00", "reason": "Launch"},
    ),
    "policy:publish": Edge(
        "program_admin",
        {"effective_from": DATE},
        lambda w: {"effective_from": "2030-01-01", "confirm": "on"},
        shared("policy_draft"),
    ),
    "partners:plans": Edge(
        "partner_admin",
        {"period": PERIOD, "sourced_bookings_target": MONEY},
        lambda w: {
            "period": quarter_of(timezone.localdate() + timedelta(days=400)).key,  # a quarter without a plan yet
            "sourced_bookings_target": "100000",
            "registered_deals_target": "5",
            "certified_people_target": "2",
            "co_marketing_activities_target": "1",
            "partner_owner": w.users["partner_admin"].pk,
            "vendor_owner": w.users["channel_manager"].pk,
        },
        own("partner"),
    ),
}

# Endpoints without date, period, money, currency or one-line text input: edge values are still sent.
_BLIND = {
    "set_language": "anonymous",
    "availability-check": "partner_user",  # a count and base64 PSI bytes: no date, money or text field
    "availability:policy": "program_admin",
    "notifications_read_all": "partner_admin",
    "notification_settings": "partner_admin",
    "accounts:staff": "program_admin",
    "accounts:tokens": "partner_admin",
    "account_login": "anonymous",
    "account_logout": "partner_admin",
    "account_signup": "anonymous",
    "account_email": "partner_admin",
    "account_change_password": "partner_admin",
    "account_reset_password": "anonymous",
    "analytics:rollup_request": "program_admin",
    "mdf:access": "program_admin",
    "analytics:scorecard_rate": "channel_manager",
    "analytics:scorecard_weights": "program_admin",
    "analytics:alert_rules": "program_admin",
    "partners:tier_review_preview": "program_admin",
    "partners:program_settings": "program_admin",
    "partners:import": "program_admin",
    "partners_public:partner_with_us": "anonymous",
    "deals:bulk_approve": "channel_manager",
    "deals:import": "channel_manager",
    "deals:import_history": "channel_manager",
    "deals:lead_create": "channel_manager",
    "enablement:manage_course_new": "program_admin",
    "enablement:manage_certification_new": "program_admin",
    "enablement:manage_path_new": "program_admin",
    "enablement:manage_asset_new": "program_admin",
    "mdf:activity_new": "program_admin",
    "commissions:approve_entries": "finance",
    "commissions:batches": "finance",
    "commissions:held": "finance",
    "commissions:spiff_new": "program_admin",
    "integrations:webhooks": "program_admin",
    "policy:new": "program_admin",
    "receipts:verify": "anonymous",
    "auth-token": "anonymous",
    "token-list": "partner_admin",
    "application-list": "anonymous",
    "account-import": "channel_manager",
    "lead-list": "channel_manager",
    "course-list": "program_admin",
    "quiz-list": "program_admin",
    "certification-list": "program_admin",
    "mdf-activity-type-list": "program_admin",
    "mdf-claim-list": "partner_admin",
    "commission-entry-approve-many": "finance",
    "commission-payout-list": "finance",
    "commission-payout-release-held": "finance",
    "webhook-list": "program_admin",
    "receipt-verify": "anonymous",
    "dispute-list": "partner_admin",
    "accounts:notification_defaults": "program_admin",
    "commissions:plan_new": "program_admin",
    "partners:tier_new": "program_admin",
    "directory:listing": "partner_admin",
    "directory:match": "anonymous",
    "directory:verify": "anonymous",
    "directory:rule_new": "program_admin",
}
_BLIND_WITH_OBJECT = {
    # name: (role, kwargs)
    "notification_read": ("partner_admin", lambda w: {"pk": w.per_user["notification"]["partner_admin"].pk}),
    "accounts:accept_invitation": ("anonymous", lambda w: {"token": "no-such-invitation"}),
    "accounts:token_revoke": ("partner_admin", lambda w: {"pk": w.per_user["token"]["partner_admin"].pk}),
    "partners:edit": ("partner_admin", own("partner")),
    "partners:opp": ("channel_manager", own("partner")),
    "partners:plan": (
        "partner_admin",
        lambda w: {"pk": w.partner["acme"].pk, "plan_id": w.of("plan", "partner_admin", True).pk},
    ),
    "partners:export": ("partner_admin", own("partner")),
    "partners:lifecycle": ("partner_admin", with_pk("partner", action="accept-agreement")),
    "partners:action": ("partner_admin", with_pk("partner", action="invite")),
    "partners_public:application_action": (
        "channel_manager",
        lambda w: {"pk": w.shared["application"].pk, "action": "reject"},
    ),
    "deals:lead_action": ("partner_admin", with_pk("lead", action="accept")),
    "enablement:enrol": ("partner_admin", shared("course")),
    "enablement:complete_lesson": ("partner_admin", shared("lesson")),
    "enablement:quiz": ("partner_admin", shared("quiz")),
    "enablement:manage_course": ("program_admin", shared("course")),
    "enablement:manage_lesson_new": ("program_admin", shared("course", "course_pk")),
    "enablement:manage_lesson": (
        "program_admin",
        lambda w: {"course_pk": w.shared["course"].pk, "pk": w.shared["lesson"].pk},
    ),
    "enablement:manage_quiz_new": ("program_admin", shared("course", "course_pk")),
    "enablement:manage_quiz": (
        "program_admin",
        lambda w: {"course_pk": w.shared["course"].pk, "pk": w.shared["quiz"].pk},
    ),
    "enablement:manage_certification": ("program_admin", shared("certification")),
    "enablement:manage_path": ("program_admin", shared("path")),
    "enablement:manage_asset": ("program_admin", shared("asset")),
    "mdf:request_action": ("channel_manager", with_pk("mdf_request", verb="approve")),
    "mdf:claim_new": ("partner_admin", own("mdf_request")),
    "mdf:claim_action": ("finance", with_pk("claim", verb="approve")),
    "mdf:activity_edit": ("program_admin", shared("activity")),
    "commissions:batch": ("finance", own("batch")),
    "commissions:contest_edit": ("program_admin", shared("contest")),
    "commissions:spiff_edit": ("program_admin", shared("spiff")),
    "integrations:webhook_action": ("program_admin", lambda w: {"pk": w.shared["webhook"].pk, "action": "pause"}),
    "integrations:redeliver": ("program_admin", shared("delivery")),
    "policy:edit": ("program_admin", shared("policy_draft")),
    "policy:simulate": ("program_admin", shared("policy_draft")),
    "disputes:action": ("channel_manager", with_pk("dispute", verb="uphold")),
    "disputes:open": ("partner_admin", own("disputed_deal")),
    "api-mdf-access": ("program_admin", own("partner", "partner_id")),
    "token-detail": ("partner_admin", lambda w: {"pk": w.per_user["token"]["partner_admin"].pk}),
    "partner-reinstate": ("program_admin", own("partner")),
    "partner-suspend": ("program_admin", own("partner")),
    "partner-terminate": ("program_admin", own("partner")),
    "application-approve": ("channel_manager", shared("application")),
    "application-reject": ("channel_manager", shared("application")),
    "deal-accept-influence": ("channel_manager", own("deal")),
    "deal-approve": ("channel_manager", own("deal")),
    "deal-approve-extension": ("channel_manager", own("deal")),
    "deal-decline-extension": ("channel_manager", own("deal")),
    "deal-extend": ("partner_admin", own("deal")),
    "deal-influences": ("channel_manager", own("deal")),
    "deal-lost": ("partner_admin", own("deal")),
    "deal-reject": ("channel_manager", own("deal")),
    "deal-reopen": ("channel_manager", own("deal")),
    "lead-accept": ("partner_admin", own("lead")),
    "lead-assign": ("channel_manager", own("lead")),
    "lead-decline": ("partner_admin", own("lead")),
    "lesson-complete": ("partner_admin", shared("lesson")),
    "course-detail": ("program_admin", shared("course")),
    "course-enroll": ("partner_admin", shared("course")),
    "quiz-attempts": ("partner_admin", shared("quiz")),
    "mdf-activity-type-detail": ("program_admin", shared("activity")),
    "mdf-request-reject": ("channel_manager", own("mdf_request")),
    "mdf-request-sourced-deals": ("partner_admin", own("mdf_request")),
    "mdf-claim-pay": ("finance", own("claim")),
    "mdf-claim-reject": ("finance", own("claim")),
    "mdf-claim-request-info": ("finance", own("claim")),
    "commission-entry-approve": ("finance", own("entry")),
    "commission-payout-approve": ("finance", own("batch")),
    "commission-payout-pay": ("finance", own("batch")),
    "commission-payout-submit": ("finance", own("batch")),
    "api-webhook-redeliver": ("program_admin", shared("delivery")),
    "webhook-detail": ("program_admin", shared("webhook")),
    "webhook-pause": ("program_admin", shared("webhook")),
    "webhook-resume": ("program_admin", shared("webhook")),
    "policy-simulate": ("program_admin", shared("policy_draft")),
    "dispute-reverse": ("channel_manager", own("dispute")),
    "dispute-uphold": ("channel_manager", own("dispute")),
    "accounts:staff_edit": ("program_admin", shared("staff_member")),
    "commissions:plan_edit": ("program_admin", shared("plan")),
    "commissions:rule_new": ("program_admin", shared("plan", "plan_pk")),
    "commissions:rule_end": ("program_admin", shared("rule")),
    "partners:tier_edit": ("program_admin", shared("tier")),
    "directory:profile": ("anonymous", lambda w: {"slug": w.of("listing", "partner_admin", True).slug}),
    "directory:rule": ("program_admin", shared("routing_rule")),
    "directory:rule_status": ("program_admin", lambda w: {"pk": w.shared["routing_rule"].pk, "status": "active"}),
    "lead-route": ("channel_manager", own("lead")),
}
WRITES.update({name: Blind(role) for name, role in _BLIND.items()})
WRITES.update({name: Blind(role, kwargs) for name, (role, kwargs) in _BLIND_WITH_OBJECT.items()})
BLIND_METHODS = {"token-detail": "delete", "webhook-detail": "delete", "course-detail": "patch"}
# Every edge value under the common names endpoints use, sent to `Blind` endpoints.
BLIND_BODY = {
    "reason": EDGE_VALUES[TEXT][0],
    "name": EDGE_VALUES[TEXT][0],
    "title": EDGE_VALUES[TEXT][0],
    "amount": "1e400",
    "approved_amount": "99999999999999999999",
    "currency": "XYZ",
    "period": "0001-Q1",
    "date": "9999-12-31",
    "effective_from": "0001-01-01",
    "close_date": "9999-12-31",
}


# --- enumerating the write endpoints ------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}:{p.name}" if namespace and p.name else p.name), p.callback


WRITE_METHODS = ("post", "put", "patch", "delete")
# Function views that accept POST: Django cannot tell them from GET-only ones, so they are listed here
# (tests/security/test_isolation_matrix.py sends POST to each of them).
FUNCTION_VIEWS_THAT_WRITE = {
    "set_language",
    "notifications_read_all",
    "notification_read",
    "deals:bulk_approve",
    "deals:action",
    "deals:lead_create",
    "deals:lead_action",
    "enablement:enrol",
    "enablement:complete_lesson",
    "commissions:approve_entries",
}


def write_endpoints() -> dict[str, str]:
    """name -> route of every endpoint that takes a write method."""
    found: dict[str, str] = {}
    for route, name, callback in _walk(get_resolver().url_patterns):
        name = name or route
        if name in found or is_ignored(name, route) or name == "api-not-found":
            continue
        actions = getattr(callback, "actions", None)
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if actions:
            writes = any(method in WRITE_METHODS for method in actions)
        elif view_class is not None:
            writes = any(hasattr(view_class, method) for method in WRITE_METHODS)
        else:
            writes = name in FUNCTION_VIEWS_THAT_WRITE
        if writes:
            found[name] = route
    return found


def test_every_write_endpoint_is_in_the_edge_matrix():
    missing = sorted(set(write_endpoints()) - set(WRITES))
    assert not missing, f"write endpoints missing from the edge-input matrix (add them to WRITES): {missing}"


def test_the_edge_matrix_names_only_existing_write_endpoints():
    stale = sorted(set(WRITES) - set(write_endpoints()))
    assert not stale, f"the edge-input matrix names endpoints that no longer take writes: {stale}"


# --- sending ----------------------------------------------------------------------------------------------


def is_api(name: str) -> bool:
    return reverse_route(name).startswith("api/v1/")


def reverse_route(name: str) -> str:
    return write_endpoints()[name]


def send(world, name: str, role: str, kwargs, method: str, body: dict):
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    page, api = world.clients[role]
    if is_api(name):
        return getattr(api, method)(url, body, format="json")
    return getattr(page, method)(url, body)


def _edge_cells():
    for name, entry in WRITES.items():
        if not isinstance(entry, Edge):
            continue
        for field_name, kind in entry.fields.items():
            for value in EDGE_VALUES[kind]:
                marks = []
                if (field_name, value) in entry.pending:
                    marks = [pytest.mark.xfail(strict=True, reason=entry.pending[(field_name, value)])]
                yield pytest.param(name, field_name, value, id=f"{name}-{field_name}-{value!r}", marks=marks)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "field_name", "value"), list(_edge_cells()))
def test_edge_values_are_refused_with_a_field_error(world, name, field_name, value):
    entry = WRITES[name]
    body = entry.body(world) | {field_name: value}
    before = row_counts()
    response = send(world, name, entry.role, entry.kwargs, entry.method, body)
    where = f"{entry.method.upper()} {response.request['PATH_INFO']} {field_name}={value!r}"
    assert response.status_code != 500, where
    if is_api(name):
        assert 400 <= response.status_code < 500, f"{where}: HTTP {response.status_code}"
        assert field_name in response.json(), f"{where}: {response.json()}"
    elif entry.redirects_with_message:
        assert response.status_code == 302 and "/accounts/login/" not in response["Location"], where
        errors = [m for m in get_messages(response.wsgi_request) if m.level == message_levels.ERROR]
        assert errors, f"{where}: redirected without an error message"
    else:
        assert response.status_code == 400, f"{where}: HTTP {response.status_code}"
        assert field_name in _page_errors(response), f"{where}: no error beside {field_name}"
    assert row_counts() == before, f"{where}: rows were saved"


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, e in WRITES.items() if isinstance(e, Edge)])
def test_each_baseline_is_accepted(world, name):
    """The baseline is valid input: without this, the edge cells could pass on a body refused for another field."""
    entry = WRITES[name]
    response = send(world, name, entry.role, entry.kwargs, entry.method, entry.body(world))
    where = f"{entry.method.upper()} {response.request['PATH_INFO']} as {entry.role}"
    assert "/accounts/login/" not in response.get("Location", ""), f"{where}: the role is sent to log in"
    if response.status_code == 400:
        detail = response.json() if is_api(name) else _page_errors(response)
        pytest.fail(f"{where}: the baseline is refused: {detail}")
    assert response.status_code != 500 and response.status_code < 400 or response.status_code in (403, 409), where


def _page_errors(response) -> dict:
    """The errors of every form the page rendered, by field."""
    context = response.context
    if context is None:
        return {}
    values = [context[key] for key in context.keys()]
    return {k: v for form in values if isinstance(form, forms.BaseForm) for k, v in form.errors.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, e in WRITES.items() if isinstance(e, Blind)])
def test_blind_endpoints_never_answer_500_to_edge_values(world, name):
    entry = WRITES[name]
    method = BLIND_METHODS.get(name, entry.method)
    before = row_counts()
    response = send(world, name, entry.role, entry.kwargs, method, dict(BLIND_BODY))
    where = f"{method.upper()} {response.request['PATH_INFO']} as {entry.role}"
    assert response.status_code != 500, where
    if response.status_code >= 400:
        assert row_counts() == before, f"{where}: refused with HTTP {response.status_code} but rows were saved"


# --- the choke point, enforced on the code ---------------------------------------------------------------

ROOT = Path(settings.BASE_DIR)
APP_DIRS = sorted(
    {Path(c.path).relative_to(ROOT).parts[0] for c in apps.get_app_configs() if Path(c.path).is_relative_to(ROOT)}
    - {".venv"}
)
FIELD_MODULES = {"forms", "serializers", "django_filters", "filters"}
FORBIDDEN_CONSTRUCTORS = {
    "DateField",
    "DateTimeField",
    "DateFilter",
    "DateTimeFilter",
    "IsoDateTimeFilter",
    "DateFromToRangeFilter",
    "DateTimeFromToRangeFilter",
    "IsoDateTimeFromToRangeFilter",
}
FORBIDDEN_PARSERS = {"fromisoformat", "parse_date", "parse_datetime", "strptime"}
# Parsers of values the portal stored itself (never request input), with the reason.
ALLOWED_PARSERS = {
    "disputes/events.py": "reads timestamps from the portal's own event payloads",
    "receipts/handlers.py": "reads dates from the portal's own event payloads",
    "deals/history_import.py": "none: uses prm.inputs.DateField",
    "analytics/events.py": "reads the act-by date from the portal's own at-risk event payload",
    "prm/messages.py": "renders dates the portal stored as a stored message's parameters",
    "receipts/documents.py": "reads dates from the portal's own signed receipt payload",
    "directory/statements.py": "reads the expiry of a listing statement only after its signature verified",
}


def _python_files():
    for app in APP_DIRS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative == "prm/inputs.py" or "/management/" in relative:
                continue
            yield relative, path


def test_no_bare_date_field_or_parser_outside_the_input_layer():
    found = []
    for relative, path in _python_files():
        tree = ast.parse(path.read_text(), filename=relative)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            attr, owner = node.func.attr, node.func.value
            owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            read_only = any(
                k.arg == "read_only" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords
            )
            if attr in FORBIDDEN_CONSTRUCTORS and owner_name in FIELD_MODULES and not read_only:
                found.append(f"{relative}:{node.lineno} {owner_name}.{attr}(...): use prm.inputs")
            if attr in FORBIDDEN_PARSERS and relative not in ALLOWED_PARSERS:
                found.append(f"{relative}:{node.lineno} .{attr}(...): parse request dates with prm.inputs")
    assert not found, "date input outside prm/inputs.py (docs/inputs.md):\n" + "\n".join(found)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


INPUT_MODULE_SUFFIXES = ("forms", "filters", "api", "views", "imports", "import")


def _import_app_modules():
    """Every module that declares forms, filters or serializers (so their classes are registered)."""
    for relative, _path in _python_files():
        if Path(relative).stem.endswith(INPUT_MODULE_SUFFIXES):
            importlib.import_module(relative[:-3].replace("/", "."))


def _is_project(cls) -> bool:
    return cls.__module__.split(".")[0] in APP_DIRS and not cls.__module__.startswith("tests")


def test_every_form_and_filter_date_field_is_bounded():
    """Declared and model-generated fields alike (a ModelForm over a DateField, a FilterSet's Meta.fields)."""
    _import_app_modules()
    bare = []
    for form_class in filter(_is_project, set(_subclasses(forms.BaseForm))):
        for name, form_field in getattr(form_class, "base_fields", {}).items():
            if isinstance(form_field, forms.DateField | forms.DateTimeField) and not isinstance(
                form_field, inputs.BoundedMixin
            ):
                bare.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    for filterset in filter(_is_project, set(_subclasses(django_filters.FilterSet))):
        for name, date_filter in filterset.base_filters.items():
            if issubclass(date_filter.field_class, forms.DateField | forms.DateTimeField) and not issubclass(
                date_filter.field_class, inputs.BoundedMixin
            ):
                bare.append(f"{filterset.__module__}.{filterset.__name__}.{name}")
    assert not bare, f"unbounded date fields (use prm.inputs): {sorted(bare)}"


def _input_serializers() -> set[type]:
    """Serializer classes the code validates request data with: `X(data=...)` and `validated_body(X, ...)`."""
    names: set[tuple[str, str]] = set()
    for relative, path in _python_files():
        module = relative[:-3].replace("/", ".")
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and any(k.arg == "data" for k in node.keywords):
                names.add((module, node.func.id))
            callee = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if callee in ("validated_body", "_body") and node.args and isinstance(node.args[0], ast.Name):
                names.add((module, node.args[0].id))
    found = set()
    for module, name in names:
        candidate = getattr(importlib.import_module(module), name, None)
        if isinstance(candidate, type) and issubclass(candidate, serializers.BaseSerializer):
            found.add(candidate)
    return found


def _writable_date_fields(serializer, prefix=""):
    for name, serializer_field in serializer.fields.items():
        if serializer_field.read_only:
            continue
        child = getattr(serializer_field, "child", None)
        if isinstance(serializer_field, serializers.BaseSerializer) or isinstance(child, serializers.BaseSerializer):
            yield from _writable_date_fields(child or serializer_field, f"{prefix}{name}.")
        elif isinstance(serializer_field, serializers.DateField | serializers.DateTimeField) and not isinstance(
            serializer_field, inputs.ApiDateField | inputs.ApiDateTimeField
        ):
            yield f"{prefix}{name}"


def test_every_input_serializer_date_field_is_bounded():
    found = _input_serializers()
    assert len(found) > 10, "the enumeration of input serializers found too few to be working"
    bare = [f"{cls.__module__}.{cls.__name__}.{name}" for cls in found for name in _writable_date_fields(cls())]
    assert not bare, f"unbounded date fields in input serializers (use prm.inputs): {sorted(bare)}"


def test_the_enforcement_catches_a_bare_field():
    """The checks above can fail: a bare field is seen by the AST scan and by the runtime check."""
    source = "from django import forms\nclass F(forms.Form):\n    day = forms.DateField()\n"
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)]
    assert any(getattr(c.func, "attr", "") == "DateField" for c in calls)
    bare = type("Bare", (forms.Form,), {"day": forms.DateField()})
    assert not isinstance(bare.base_fields["day"], inputs.BoundedMixin)
