"""The tenant-isolation matrix (issue 11): every route x every role x own/other partner's object.

Every URL pattern of the project (pages and /api/v1/) must appear in ROUTES below, with how to build its
kwargs and the outcome each role gets for an object of its own partner and of another partner:

    ok     any 2xx/3xx that is not a redirect to the login (or MFA set-up) page, or 400/405/409
           ("allowed, but the empty input is wrong");
    login  a page redirects to /accounts/login/, the API answers 401;
    403    the role may not act (DESIGN.md, docs/api.md);
    404    the object is outside the caller's tenancy (never 403, so ids leak nothing).

Roles: anonymous, Acme's partner admin and partner user, Globex's admin ("other_admin"), the channel manager
(who owns Acme), finance and the program admin. "own" is an object of the caller's partner (Acme for the
internal users and anonymous, Globex for other_admin); "other" is one of the other partner. Routes whose
objects belong to no partner are tested once per role ("-").

A route that is not in ROUTES (and not in IGNORED with a reason) fails test_every_route_is_in_the_matrix.
Cells marked `# KNOWN:` record behaviour that differs from DESIGN.md/API.md, for the lead to decide.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.security.world import ROLES, World, build_world

# --- the route table --------------------------------------------------------------------------------

OK, LOGIN = "ok", "login"


@dataclass(frozen=True)
class Route:
    expect_own: str  # seven outcomes, in ROLES order
    expect_other: str | None = None  # None: the route has no partner-owned object
    kwargs: Callable | None = None  # (world, role, own) -> kwargs for reverse()
    method: str = "get"
    api: bool = False
    query: Callable | None = None  # (world, role, own) -> query string, for ?partner= routes

    def outcomes(self, own: bool) -> dict:
        spec = self.expect_own if own else self.expect_other
        values = spec.split()
        assert len(values) == len(ROLES), spec
        return dict(zip(ROLES, values, strict=True))


def pk(name: str, kw: str = "pk") -> Callable:
    """kwargs of a partner-owned object: the caller's own partner's or the other partner's."""
    return lambda w, role, own: {kw: w.of(name, role, own).pk}


def shared(name: str, kw: str = "pk") -> Callable:
    return lambda w, role, own: {kw: w.shared[name].pk}


def mine(name: str, kw: str = "pk") -> Callable:
    return lambda w, role, own: {kw: w.mine(name, role, own).pk}


def with_pk(obj: str, **extra) -> Callable:
    return lambda w, role, own: {"pk": w.of(obj, role, own).pk, **extra}


def course_child(child: str) -> Callable:
    return lambda w, role, own: {"course_pk": w.shared["course"].pk, "pk": w.shared[child].pk}


def partner_query(extra: str = "") -> Callable:
    """?partner=<own or other partner's id>&<extra>."""
    return lambda w, role, own: f"partner={w.of('partner', role, own).pk}{'&' + extra if extra else ''}"


# Outcome strings, roles in order: anonymous, partner_admin, partner_user, other_admin, channel_manager,
# finance, program_admin.
PUBLIC = "ok ok ok ok ok ok ok"
ANY_USER = "login ok ok ok ok ok ok"
PARTNER_ONLY = "login ok ok ok 403 403 403"
INTERNAL = "login 403 403 403 ok ok ok"
PROGRAM_ADMIN = "login 403 403 403 403 403 ok"
FINANCE = "login 403 403 403 403 ok 403"
ENROLLED = "login ok 403 ok 403 403 403"  # the world enrols each partner's admin in its course
# An object of a partner: its users and internal users see it; another partner's users get 404.
OBJ_OWN = "login ok ok ok ok ok ok"
OBJ_OTHER = "login 404 404 404 ok ok ok"
# An internal-only object (no partner's): outside every partner's tenancy, so partner roles get 404.
HIDDEN_INTERNAL = "login 404 404 404 ok ok ok"
HIDDEN_PROGRAM_ADMIN = "login 404 404 404 403 403 ok"

ROUTES: dict[str, Route] = {}

# Route prefixes left out of the matrix, with the reason.
IGNORED_PREFIXES = {
    # Django admin checks is_staff itself; test_admin_sends_anonymous_visitors_to_its_login covers its door.
    "admin/": "Django admin: its own staff checks",
}
# Route names left out of the matrix, with the reason.
IGNORED = {
    # allauth internals whose inputs (e-mail keys, login codes, reauthentication state) the matrix cannot build.
    "account_inactive": "allauth: shown only after a failed login of an inactive account",
    "account_reauthenticate": "allauth: reauthentication flow state",
    "account_email_verification_sent": "allauth: confirmation screen after signup",
    "account_confirm_email": "allauth: needs an e-mail confirmation key",
    "account_confirm_login_code": "allauth: needs a pending login code",
    "account_reset_password_from_key": "allauth: needs a reset key",
    "account_reset_password_from_key_done": "allauth: confirmation screen",
    "account_reset_password_done": "allauth: confirmation screen",
    "mfa_authenticate": "allauth: needs a pending MFA login stage",
    "mfa_reauthenticate": "allauth: reauthentication flow state",
    "mfa_deactivate_totp": "allauth: MFA management state",
    "mfa_generate_recovery_codes": "allauth: MFA management state",
    "mfa_download_recovery_codes": "allauth: MFA management state",
    "mfa_view_recovery_codes": "allauth: MFA management state",
    "mfa_activate_totp": "allauth: MFA set-up (the page internal users are sent to)",
    "account_set_password": "allauth: only for accounts without a password",
    "account_request_reauthentication_code": "allauth: reauthentication by login code (flow state)",
    "account_confirm_reauthentication_code": "allauth: reauthentication by login code (flow state)",
}


# --- enumerating the project's routes -----------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, tuple(p.pattern.converters) or tuple(p.pattern.regex.groupindex)


def project_routes() -> dict[str, str]:
    """name -> route (the first pattern of that name; DRF's format-suffix twins share the name)."""
    routes: dict[str, str] = {}
    for route, name, _kwargs in _walk(get_resolver().url_patterns):
        routes.setdefault(name or route, route)
    return routes


def is_ignored(name: str, route: str) -> bool:
    return name in IGNORED or route.startswith(tuple(IGNORED_PREFIXES))


def _r(expect_own, expect_other=None, kwargs=None, **options) -> Route:
    return Route(expect_own, expect_other, kwargs, **options)


def _post(expect_own, expect_other=None, kwargs=None, **options) -> Route:
    return Route(expect_own, expect_other, kwargs, method="post", **options)


def _api(expect_own, expect_other=None, kwargs=None, **options) -> Route:
    return Route(expect_own, expect_other, kwargs, api=True, **options)


def _api_post(expect_own, expect_other=None, kwargs=None, **options) -> Route:
    return Route(expect_own, expect_other, kwargs, api=True, method="post", **options)


ROUTES.update(
    {
        # --- core -----------------------------------------------------------------------------------
        "home": _r(PUBLIC),
        "healthz": _r(PUBLIC),
        "notifications": _r(ANY_USER),
        # An empty fragment for anonymous visitors (the navbar polls it); it reveals nothing.
        "notification_badge": _r(PUBLIC),
        "notifications_read_all": _post("login ok ok ok ok ok ok"),
        "notification_settings": _r(ANY_USER),
        # KNOWN: another user's notification id gives 302 back to the list (nothing is marked), not 404.
        "notification_read": _post("login ok ok ok ok ok ok", "login ok ok ok ok ok ok", mine("notification")),
        "audit_log": _r(PROGRAM_ADMIN),
        # The Settings hub lists only the areas a role may open (tests/portal/test_settings_hub.py).
        "settings": _r(INTERNAL),
        # --- accounts ---------------------------------------------------------------------------------
        "accounts:staff": _r(PROGRAM_ADMIN),
        # An internal user's role: no partner owns staff, so partner roles get 404 like any internal object.
        "accounts:staff_edit": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("staff_member")),
        "accounts:notification_defaults": _r(PROGRAM_ADMIN),
        # An unknown invitation token is a 404 for everyone (the valid flow is tested in tests/accounts).
        "accounts:accept_invitation": _r(
            "404 404 404 404 404 404 404", kwargs=lambda w, r, o: {"token": "no-such-invitation"}
        ),
        "accounts:tokens": _r(ANY_USER),
        "accounts:token_revoke": _post(ANY_USER, "login 404 404 404 404 404 404", mine("token")),
        "account_login": _r(PUBLIC),
        "account_logout": _r(PUBLIC),
        "account_signup": _r(PUBLIC),
        "account_reset_password": _r(PUBLIC),
        "account_email": _r(ANY_USER),
        "account_change_password": _r(ANY_USER),
        "mfa_index": _r(ANY_USER),
        # --- analytics --------------------------------------------------------------------------------
        "analytics:program": _r(INTERNAL),
        "analytics:rollup_request": _post(PROGRAM_ADMIN),
        "analytics:rollup_progress": _r(HIDDEN_INTERNAL, kwargs=shared("rollup")),
        "analytics:scorecards": _r(INTERNAL),
        "analytics:scorecard_rate": _r("login 403 403 403 ok 403 ok"),
        "analytics:scorecard_weights": _r(PROGRAM_ADMIN),
        # Internal-only page: a partner role may not open its own partner's scorecard (403); another's is 404.
        "analytics:scorecard_detail": _r(INTERNAL, "login 404 404 404 ok ok ok", pk("partner", "partner_id")),
        "analytics:joint_dashboard": _r(OBJ_OWN, OBJ_OTHER, pk("partner")),
        "analytics:alert_rules": _r(PROGRAM_ADMIN),
        "analytics:at_risk": _r(INTERNAL),
        # --- partners ---------------------------------------------------------------------------------
        # Partner users are redirected to their own profile.
        "partners:directory": _r(ANY_USER),
        # Channel managers see the preview read-only (tests/partners/test_tier_settings.py).
        "partners:tier_review_preview": _r("login 403 403 403 ok 403 ok"),
        "partners:tiers": _r(PROGRAM_ADMIN),
        "partners:tier_new": _r(PROGRAM_ADMIN),
        # Every partner sees the tiers (no tenancy), so a tier's editor is a plain 403 for other roles.
        "partners:tier_edit": _r(PROGRAM_ADMIN, kwargs=shared("tier")),
        "partners:tier_review": _r(HIDDEN_INTERNAL, kwargs=shared("tier_review")),
        "partners:program_settings": _r(PROGRAM_ADMIN),
        "partners:import": _r("login 403 403 403 ok 403 ok"),
        "partners:import_sample": _r("login 403 403 403 ok 403 ok"),
        "partners:import_progress": _r("login 403 403 403 ok 403 ok", kwargs=mine("partner_import")),
        "partners:import_report": _r("login 403 403 403 ok 403 ok", kwargs=mine("partner_import")),
        "partners:detail": _r(OBJ_OWN, OBJ_OTHER, pk("partner")),
        "partners:edit": _r("login ok 403 ok ok 403 ok", "login 404 404 404 ok 403 ok", pk("partner")),
        "partners:panel": _r(OBJ_OWN, OBJ_OTHER, with_pk("partner", name="onboarding")),
        "partners:opp": _r("login 403 403 403 ok 403 ok", "login 404 404 404 ok 403 ok", pk("partner")),
        "partners:plans": _r(OBJ_OWN, OBJ_OTHER, pk("partner")),
        "partners:plan": _r(
            OBJ_OWN,
            OBJ_OTHER,
            lambda w, r, o: {"pk": w.of("partner", r, o).pk, "plan_id": w.of("plan", r, o).pk},
        ),
        "partners:lifecycle": _post(
            "login ok 403 ok 403 403 403",
            "login 404 404 404 403 403 403",
            with_pk("partner", action="accept-agreement"),
        ),
        # Data export of one organisation (issue 11): its admin and the program admin.
        "partners:export": _post("login ok 403 ok 403 403 ok", "login 404 404 404 403 403 ok", pk("partner")),
        "partners:action": _post(OBJ_OWN, OBJ_OTHER, with_pk("partner", action="invite")),
        "partners_public:partner_with_us": _r(PUBLIC),
        "partners_public:apply_thanks": _r(PUBLIC),
        "partners_public:applications": _r(INTERNAL),
        # Applications are internal-only: outside every partner's tenancy (404); finance sees them but may not decide.
        "partners_public:application": _r(HIDDEN_INTERNAL, kwargs=shared("application")),
        "partners_public:application_action": _post(
            "login 404 404 404 ok 403 ok", kwargs=lambda w, r, o: {"pk": w.shared["application"].pk, "action": "reject"}
        ),
        # --- deals ------------------------------------------------------------------------------------
        "deals:list": _r(ANY_USER),
        "deals:register": _r(PARTNER_ONLY),
        "deals:hint": _r("login ok ok ok 403 403 403"),
        "deals:review": _r("login 403 403 403 ok 403 403"),
        "deals:bulk_approve": _post("login 403 403 403 ok 403 403"),
        "deals:import": _r("login 403 403 403 ok 403 ok"),
        "deals:import_progress": _r("login 403 403 403 ok 403 ok", kwargs=mine("account_import")),
        "deals:import_history": _r("login 403 403 403 ok 403 ok"),
        "deals:import_history_sample": _r("login 403 403 403 ok 403 ok"),
        "deals:import_history_progress": _r("login 403 403 403 ok 403 ok", kwargs=mine("history_import")),
        "deals:import_history_report": _r("login 403 403 403 ok 403 ok", kwargs=mine("history_import")),
        "deals:detail": _r(OBJ_OWN, OBJ_OTHER, pk("deal")),
        "deals:action": _post(
            "login ok ok ok 403 403 403", "login 404 404 404 403 403 403", with_pk("deal", action="extend")
        ),
        "deals:leads": _r("login ok ok ok ok 403 ok"),
        "deals:lead_create": _post("login 403 403 403 ok 403 403"),
        "deals:lead_action": _post(
            "login ok ok ok 403 403 403", "login 404 404 404 403 403 403", with_pk("lead", action="accept")
        ),
        # --- enablement -------------------------------------------------------------------------------
        "enablement:catalogue": _r(ANY_USER),
        "enablement:course": _r(ANY_USER, kwargs=shared("course")),
        "enablement:enrol": _post("login ok ok ok 403 403 403", kwargs=shared("course")),
        "enablement:complete_lesson": _post("login ok ok ok ok ok ok", kwargs=shared("lesson")),
        "enablement:lesson_file": _r("login ok ok ok ok ok ok", kwargs=shared("lesson")),
        "enablement:quiz": _r(PARTNER_ONLY, kwargs=shared("quiz")),
        "enablement:attempt": _r("login ok 404 ok ok ok ok", "login 404 404 404 ok ok ok", pk("attempt")),
        "enablement:path": _r(ANY_USER, kwargs=shared("path")),
        "enablement:certificates": _r(ANY_USER),
        # A partner user sees only their own certificates (the admin holds these).
        "enablement:certificate": _r("login ok 404 ok ok ok ok", "login 404 404 404 ok ok ok", pk("certificate")),
        # A partner user sees only their own certificates (the admin holds these).
        "enablement:certificate_badge": _r("login ok 404 ok ok ok ok", "login 404 404 404 ok ok ok", pk("certificate")),
        # A partner user sees only their own certificates (the admin holds these).
        "enablement:certificate_pdf": _r("login ok 404 ok ok ok ok", "login 404 404 404 ok ok ok", pk("certificate")),
        "enablement:certified": _r("login ok 403 ok ok ok ok"),
        "enablement:verify": _r(PUBLIC, PUBLIC, lambda w, r, o: {"code": w.of("certificate", r, o).verification_code}),
        "enablement:verify_badge": _r(
            PUBLIC, PUBLIC, lambda w, r, o: {"code": w.of("certificate", r, o).verification_code}
        ),
        "enablement:library": _r(ANY_USER),
        "enablement:library_download": _r("login ok ok ok ok ok ok", kwargs=shared("asset")),
        "enablement:library_version": _r(
            "login ok ok ok ok ok ok",
            kwargs=lambda w, r, o: {"pk": w.shared["asset"].pk, "number": w.shared["version"].number},
        ),
        "enablement:manage_courses": _r(PROGRAM_ADMIN),
        "enablement:manage_course_new": _r(PROGRAM_ADMIN),
        "enablement:manage_course": _r(PROGRAM_ADMIN, kwargs=shared("course")),
        "enablement:manage_lesson_new": _r(PROGRAM_ADMIN, kwargs=shared("course", "course_pk")),
        "enablement:manage_lesson": _r(PROGRAM_ADMIN, kwargs=course_child("lesson")),
        "enablement:manage_quiz_new": _r(PROGRAM_ADMIN, kwargs=shared("course", "course_pk")),
        "enablement:manage_quiz": _r(PROGRAM_ADMIN, kwargs=course_child("quiz")),
        "enablement:manage_certification_new": _r(PROGRAM_ADMIN),
        "enablement:manage_certification": _r(PROGRAM_ADMIN, kwargs=shared("certification")),
        "enablement:manage_path_new": _r(PROGRAM_ADMIN),
        "enablement:manage_path": _r(PROGRAM_ADMIN, kwargs=shared("path")),
        "enablement:manage_asset_new": _r(PROGRAM_ADMIN),
        "enablement:manage_asset": _r(PROGRAM_ADMIN, kwargs=shared("asset")),
        # --- mdf --------------------------------------------------------------------------------------
        "mdf:overview": _r(ANY_USER),
        "mdf:requests": _r(ANY_USER),
        # Every partner user requests and claims MDF unless their admin restricts it (tests/mdf/test_mdf_access.py).
        "mdf:request_new": _r(PARTNER_ONLY),
        "mdf:request_detail": _r(OBJ_OWN, OBJ_OTHER, pk("mdf_request")),
        "mdf:request_action": _post(
            "login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", with_pk("mdf_request", verb="approve")
        ),
        "mdf:claim_new": _r(PARTNER_ONLY, "login 404 404 404 403 403 403", pk("mdf_request")),
        "mdf:claims": _r(ANY_USER),
        "mdf:claim_detail": _r(OBJ_OWN, OBJ_OTHER, pk("claim")),
        "mdf:claim_action": _post(
            "login 403 403 403 403 ok 403", "login 404 404 404 403 ok 403", with_pk("claim", verb="approve")
        ),
        "mdf:proof_download": _r(OBJ_OWN, OBJ_OTHER, pk("proof")),
        "mdf:program": _r(INTERNAL),
        "mdf:allocate": _r(PROGRAM_ADMIN),
        "mdf:activity_menu": _r(INTERNAL),
        "mdf:activity_new": _r(PROGRAM_ADMIN),
        "mdf:activity_edit": _r(PROGRAM_ADMIN, kwargs=shared("activity")),
        # The partner admin's MDF access setting (the team page's form posts here; the empty form is a 400-like
        # redirect with a message).
        "mdf:access": _post("login ok 403 ok 403 403 403"),
        # --- commissions ------------------------------------------------------------------------------
        "commissions:entries": _r("login 403 403 403 403 ok ok"),
        "commissions:approve_entries": _post("login 403 403 403 403 ok 403"),
        "commissions:adjustment": _r(FINANCE),
        "commissions:batches": _r("login 403 403 403 403 ok ok"),
        "commissions:batch": _r("login 403 403 403 403 ok ok", "login 404 404 404 403 ok ok", pk("batch")),
        "commissions:owed": _r("login 403 403 403 403 ok ok"),
        "commissions:held": _r("login 403 403 403 403 ok ok"),
        "commissions:earnings": _r("login ok 403 ok 403 403 403"),
        "commissions:statement": _r(
            "login ok 403 ok 403 ok ok", "login 404 404 404 403 ok ok", query=partner_query("period=2026-Q4")
        ),
        "commissions:plans": _r("login 403 403 403 403 ok ok"),
        "commissions:contest": _r(ANY_USER, kwargs=shared("contest")),
        "commissions:contest_new": _r(PROGRAM_ADMIN),
        "commissions:contest_edit": _r(PROGRAM_ADMIN, kwargs=shared("contest")),
        "commissions:spiff_new": _r(PROGRAM_ADMIN),
        # Spiffs and rules are internal plan data (the plans page is finance's and program admins'): 404 for partners.
        "commissions:spiff_edit": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("spiff")),
        "commissions:rule_rate": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("rule")),
        "commissions:plan_new": _r(PROGRAM_ADMIN),
        "commissions:plan_edit": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("plan")),
        "commissions:rule_new": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("plan", "plan_pk")),
        "commissions:rule_end": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("rule")),
        # --- integrations -----------------------------------------------------------------------------
        "integrations:webhooks": _r(PROGRAM_ADMIN),
        "integrations:webhook_detail": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("webhook")),
        "integrations:webhook_action": _post(
            HIDDEN_PROGRAM_ADMIN, kwargs=lambda w, r, o: {"pk": w.shared["webhook"].pk, "action": "pause"}
        ),
        "integrations:redeliver": _post(HIDDEN_PROGRAM_ADMIN, kwargs=shared("delivery")),
        # --- API docs ---------------------------------------------------------------------------------
        "api-schema": _r(PUBLIC),
        "api-docs": _r(PUBLIC),
        # --- REST API v1 ------------------------------------------------------------------------------
        "auth-token": _api_post(PUBLIC),
        "me": _api(ANY_USER),
        "token-list": _api(ANY_USER),
        "token-detail": Route(ANY_USER, "login 404 404 404 404 404 404", mine("token"), method="delete", api=True),
        "partner-list": _api(ANY_USER),
        "partner-detail": _api(OBJ_OWN, OBJ_OTHER, pk("partner")),
        "partner-tier-progress": _api(OBJ_OWN, OBJ_OTHER, pk("partner")),
        # Standing changes (docs/partner-status.md): channel managers and program admins; reinstating an active
        # partner is a 409, which counts as "ok".
        "partner-suspend": _api_post("login 403 403 403 ok 403 ok", "login 404 404 404 ok 403 ok", pk("partner")),
        "partner-reinstate": _api_post("login 403 403 403 ok 403 ok", "login 404 404 404 ok 403 ok", pk("partner")),
        "partner-terminate": _api_post("login 403 403 403 ok 403 ok", "login 404 404 404 ok 403 ok", pk("partner")),
        "tier-list": _api(ANY_USER),
        "tier-detail": _api(ANY_USER, kwargs=shared("tier")),
        "application-list": _api(INTERNAL),
        "application-detail": _api(HIDDEN_INTERNAL, kwargs=shared("application")),
        "application-approve": _api_post("login 404 404 404 ok 403 ok", kwargs=shared("application")),
        "application-reject": _api_post("login 404 404 404 ok 403 ok", kwargs=shared("application")),
        "account-import": _api_post("login 403 403 403 ok 403 ok"),
        "deal-list": _api(ANY_USER),
        "deal-detail": _api(OBJ_OWN, OBJ_OTHER, pk("deal")),
        "deal-accept-influence": _api_post("login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("deal")),
        "deal-approve": _api_post("login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("deal")),
        "deal-approve-extension": _api_post("login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("deal")),
        "deal-decline-extension": _api_post("login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("deal")),
        "deal-extend": _api_post("login ok ok ok 403 403 403", "login 404 404 404 403 403 403", pk("deal")),
        "deal-influences": _api_post("login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("deal")),
        "deal-lost": _api_post("login ok ok ok 403 403 403", "login 404 404 404 403 403 403", pk("deal")),
        "deal-reject": _api_post("login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("deal")),
        "deal-reopen": _api_post("login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("deal")),
        "deal-won": _api_post("login ok ok ok ok 403 403", "login 404 404 404 ok 403 403", pk("deal")),
        "lead-list": _api(ANY_USER),
        "lead-detail": _api(OBJ_OWN, OBJ_OTHER, pk("lead")),
        "lead-accept": _api_post("login ok ok ok 403 403 403", "login 404 404 404 403 403 403", pk("lead")),
        "lead-assign": _api_post("login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("lead")),
        "lead-decline": _api_post("login ok ok ok 403 403 403", "login 404 404 404 403 403 403", pk("lead")),
        # Enrolled users only (docs/api.md: 403 not_enrolled otherwise); the world enrols each partner's admin.
        "lesson-complete": _api_post(ENROLLED, kwargs=shared("lesson")),
        "course-list": _api(ANY_USER),
        "course-detail": _api(ANY_USER, kwargs=shared("course")),
        "course-enroll": _api_post(PARTNER_ONLY, kwargs=shared("course")),
        "quiz-list": _api_post(PROGRAM_ADMIN),
        "quiz-detail": _api(ENROLLED, kwargs=shared("quiz")),
        "quiz-attempts": _api_post(ANY_USER, kwargs=shared("quiz")),
        "certification-list": _api_post(PROGRAM_ADMIN),
        "certification-detail": _api(ANY_USER, kwargs=shared("certification")),
        "certificate-list": _api(ANY_USER),
        "certificate-detail": _api("login ok 404 ok ok ok ok", OBJ_OTHER, pk("certificate")),
        "api-mdf-proof": _api(OBJ_OWN, OBJ_OTHER, pk("proof")),
        "api-mdf-access": _api(OBJ_OWN, OBJ_OTHER, pk("partner", "partner_id")),
        "mdf-fund-list": _api(ANY_USER),
        "mdf-fund-allocate": _api_post(PROGRAM_ADMIN),
        "mdf-fund-detail": _api(OBJ_OWN, OBJ_OTHER, pk("fund")),
        "mdf-fund-entries": _api(OBJ_OWN, OBJ_OTHER, pk("fund")),
        "mdf-activity-type-list": _api(ANY_USER),
        "mdf-activity-type-detail": _api(ANY_USER, kwargs=shared("activity")),
        "mdf-request-list": _api(ANY_USER),
        "mdf-request-detail": _api(OBJ_OWN, OBJ_OTHER, pk("mdf_request")),
        "mdf-request-approve": _api_post(
            "login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("mdf_request")
        ),
        "mdf-request-reject": _api_post(
            "login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("mdf_request")
        ),
        "mdf-request-sourced-deals": _api_post(OBJ_OWN, OBJ_OTHER, pk("mdf_request")),
        "mdf-claim-list": _api(ANY_USER),
        "mdf-claim-detail": _api(OBJ_OWN, OBJ_OTHER, pk("claim")),
        "mdf-claim-approve": _api_post("login 403 403 403 403 ok 403", "login 404 404 404 403 ok 403", pk("claim")),
        "mdf-claim-pay": _api_post("login 403 403 403 403 ok 403", "login 404 404 404 403 ok 403", pk("claim")),
        "mdf-claim-reject": _api_post("login 403 403 403 403 ok 403", "login 404 404 404 403 ok 403", pk("claim")),
        "mdf-claim-request-info": _api_post(
            "login 403 403 403 403 ok 403", "login 404 404 404 403 ok 403", pk("claim")
        ),
        "commission-statements": _api(
            "login ok 403 ok 403 ok 403", "login 404 404 404 403 ok 403", query=partner_query("period=2026-Q4")
        ),
        "commission-entry-list": _api("login ok 403 ok ok ok ok"),
        "commission-entry-adjustments": _api_post(FINANCE),
        "commission-entry-approve-many": _api_post(FINANCE),
        "commission-entry-detail": _api("login ok 403 ok ok ok ok", "login 404 404 404 ok ok ok", pk("entry")),
        "commission-entry-approve": _api_post(
            "login 403 403 403 403 ok 403", "login 404 404 404 403 ok 403", pk("entry")
        ),
        "commission-payout-list": _api("login 403 403 403 403 ok ok"),
        "commission-payout-detail": _api("login 403 403 403 403 ok ok", "login 404 404 404 403 ok ok", pk("batch")),
        "commission-payout-approve": _api_post(
            "login 403 403 403 403 ok 403", "login 404 404 404 403 ok 403", pk("batch")
        ),
        "commission-payout-release-held": _api_post(FINANCE),
        "commission-payout-pay": _api_post("login 403 403 403 403 ok 403", "login 404 404 404 403 ok 403", pk("batch")),
        "commission-payout-submit": _api_post(
            "login 403 403 403 403 ok 403", "login 404 404 404 403 ok 403", pk("batch")
        ),
        "analytics-kpis": _api(
            "login ok 403 ok ok ok ok", "login 404 404 404 ok ok ok", query=partner_query("period=2026-Q4")
        ),
        "analytics-program": _api(INTERNAL),
        "analytics-scorecards": _api(
            "login ok 403 ok ok ok ok", "login 404 404 404 ok ok ok", query=partner_query("period=2026-Q4")
        ),
        "api-webhook-redeliver": _api_post(HIDDEN_PROGRAM_ADMIN, kwargs=shared("delivery")),
        "api-webhook-delivery-attempts": _api(HIDDEN_PROGRAM_ADMIN, kwargs=shared("delivery")),
        # The catch-all of unknown paths under /api/v1/ (it reverses to /api/v1/ itself): a JSON 404 for everyone.
        "api-not-found": _api("404 404 404 404 404 404 404"),
        "webhook-list": _api(PROGRAM_ADMIN),
        "webhook-detail": _api(HIDDEN_PROGRAM_ADMIN, kwargs=shared("webhook")),
        "webhook-deliveries": _api(HIDDEN_PROGRAM_ADMIN, kwargs=shared("webhook")),
        "webhook-pause": _api_post(HIDDEN_PROGRAM_ADMIN, kwargs=shared("webhook")),
        "webhook-resume": _api_post(HIDDEN_PROGRAM_ADMIN, kwargs=shared("webhook")),
        # --- issue 12: policy (pages and API) ----------------------------------------------------------
        # Internal data: channel managers read, program admins write; finance gets 403, partner roles 404 on a
        # policy (outside their tenancy) and 403 on the pages without one.
        "policy:list": _r("login 403 403 403 ok 403 ok"),
        "policy:new": _r(PROGRAM_ADMIN),
        "policy:detail": _r("login 404 404 404 ok 403 ok", kwargs=shared("policy_draft")),
        "policy:edit": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("policy_draft")),
        "policy:simulate": _r("login 404 404 404 ok 403 ok", kwargs=shared("policy_draft")),
        "policy:simulation_progress": _r(
            "login 404 404 404 ok 403 ok",
            kwargs=lambda w, r, o: {
                "pk": w.shared["policy_draft"].pk,
                "simulation_pk": w.shared["policy_simulation"].pk,
            },
        ),
        "policy:publish": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("policy_draft")),
        "policy-list": _api(INTERNAL),
        "policy-detail": _api(HIDDEN_INTERNAL, kwargs=shared("policy_draft")),
        "policy-simulate": _api_post(HIDDEN_PROGRAM_ADMIN, kwargs=shared("policy_draft")),
        "policy-publish": _api_post(HIDDEN_PROGRAM_ADMIN, kwargs=shared("policy_draft")),
        # --- issue 12: receipts and credentials (pages and API) -----------------------------------------
        # Anyone may check a receipt (page and API) and read the published keys; downloads follow the deal.
        "receipts:verify": _r(PUBLIC),
        "receipts:json": _r(OBJ_OWN, OBJ_OTHER, lambda w, r, o: {"uuid": w.of("receipt", r, o).uuid}),
        "receipts:pdf": _r(OBJ_OWN, OBJ_OTHER, lambda w, r, o: {"uuid": w.of("receipt", r, o).uuid}),
        "receipts:jwks": _r(PUBLIC),
        "receipts:did": _r(PUBLIC),
        # Public like /verify/<code>/: the holder shares the code; the credential hashes the e-mail.
        "receipts:credential": _r(
            PUBLIC, PUBLIC, lambda w, r, o: {"code": w.of("certificate", r, o).verification_code}
        ),
        "receipt-verify": _api_post(PUBLIC),
        "receipt-list": _api(ANY_USER),
        "receipt-detail": _api(OBJ_OWN, OBJ_OTHER, lambda w, r, o: {"uuid": w.of("receipt", r, o).uuid}),
        # A partner user sees only their own certificates (the admin holds these).
        "certificate-credential": _api("login ok 404 ok ok ok ok", OBJ_OTHER, pk("certificate")),
        # --- issue 12: sla (pages and API) -------------------------------------------------------------
        # Open items and breach history are internal (scoped to the channel manager's book / finance's kinds);
        # the summary (medians, and a partner user's own open items) is for anyone logged in.
        "sla:items": _r(INTERNAL),
        "sla:breaches": _r(INTERNAL),
        "sla-items": _api(INTERNAL),
        "sla-summary": _api(ANY_USER),
        # --- issue 12: disputes (pages and API) --------------------------------------------------------
        # Partner users see their own organisation's disputes; channel managers and program admins decide
        # (the partner's channel manager: the world's other partner has none, so any manager may). Finance: 403.
        "disputes:list": _r("login ok ok ok ok 403 ok"),
        "disputes:detail": _r("login ok ok ok ok 403 ok", "login 404 404 404 ok 403 ok", pk("dispute")),
        # Deciding is internal-only: 403 on the partner's own dispute, 404 on another partner's.
        "disputes:action": _post(
            "login 403 403 403 ok 403 ok", "login 404 404 404 ok 403 ok", with_pk("dispute", verb="uphold")
        ),
        "disputes:file": _r(OBJ_OWN, OBJ_OTHER, pk("dispute_file")),
        # The partner's admin or the deal's registrant (the admins registered these; Bob did not): 403 for Bob.
        "disputes:open": _r("login ok 403 ok 403 403 403", "login 404 404 404 403 403 403", pk("disputed_deal")),
        "dispute-list": _api("login ok ok ok ok 403 ok"),
        "dispute-detail": _api("login ok ok ok ok 403 ok", "login 404 404 404 ok 403 ok", pk("dispute")),
        "dispute-uphold": _api_post("login 403 403 403 ok 403 ok", "login 404 404 404 ok 403 ok", pk("dispute")),
        "dispute-reverse": _api_post("login 403 403 403 ok 403 ok", "login 404 404 404 ok 403 ok", pk("dispute")),
        "api-dispute-file": _api(OBJ_OWN, OBJ_OTHER, pk("dispute_file")),
        # --- issue 12: fx (pages and API) --------------------------------------------------------------
        # Rates are program configuration: internal roles read them, only finance records one.
        "fx:rates": _r(INTERNAL),
        "fx:rate_new": _r(FINANCE),
        "fx-rate-list": _api(INTERNAL),
        # --- issue 12: i18n ----------------------------------------------------------------------------
        "set_language": _post(PUBLIC),
        # --- the partner directory (docs/directory.md) ---------------------------------------------------
        # Public, no login: search, profiles of listed partners, the request forms, the signed statement.
        "directory:search": _r(PUBLIC),
        "directory:match": _r(PUBLIC),
        "directory:thanks": _r(PUBLIC),
        "directory:verify": _r(PUBLIC),
        "directory:sitemap": _r(PUBLIC),
        "directory:profile": _r(PUBLIC, PUBLIC, lambda w, r, o: {"slug": w.of("listing", r, o).slug}),
        "receipts:listing_statement": _r(PUBLIC, PUBLIC, lambda w, r, o: {"slug": w.of("listing", r, o).slug}),
        # A partner's admins edit their own listing (no object in the URL: their own partner's).
        "directory:listing": _r("login ok 403 ok 403 403 403"),
        # Routing rules: the program admin; a rule is internal, outside every partner's tenancy (404).
        "directory:rules": _r(PROGRAM_ADMIN),
        "directory:rule_new": _r(PROGRAM_ADMIN),
        "directory:rule": _r(HIDDEN_PROGRAM_ADMIN, kwargs=shared("routing_rule")),
        "directory-partners": _api(PUBLIC),
        # Routing a lead by the rules is assigning it: the channel manager (partners: 403 own, 404 another's).
        "lead-route": _api_post("login 403 403 403 ok 403 403", "login 404 404 404 ok 403 403", pk("lead")),
        "directory:rule_status": _post(
            HIDDEN_PROGRAM_ADMIN, kwargs=lambda w, r, o: {"pk": w.shared["routing_rule"].pk, "status": "active"}
        ),
        # --- private availability checks (docs/private-check.md) ---------------------------------------------
        # The world's availability policy lets every partner user check; the policy page is the program admin's.
        "availability:check": _r(PARTNER_ONLY),
        "availability:policy": _r(PROGRAM_ADMIN),
        "availability-spec": _api(PARTNER_ONLY),
        "availability-check": _api_post(PARTNER_ONLY),
    }
)


# --- the fixture world and one client per role ------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end; each test runs in
    a savepoint of it (pytest-django's `db`), so a POST that succeeds changes nothing for the next cell."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            w = build_world()
            w.clients = {}
            for role in ROLES:
                page, api = Client(), APIClient()
                user = w.users.get(role)
                if user is not None:
                    page.force_login(user)  # internal users have TOTP set up (InternalUserFactory)
                    api.force_authenticate(user)
                w.clients[role] = (page, api)
            yield w
            transaction.set_rollback(True)


def outcome(response, api: bool) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith("/accounts/login/") or "/accounts/login/?" in location:
            return LOGIN
        if location.startswith("/accounts/2fa/"):
            return "mfa-setup"
        return OK
    if api and code == 401:
        return LOGIN
    if 200 <= code < 300 or code in (400, 405, 409):
        return OK
    return str(code)


def request(world: World, name: str, route: Route, role: str, own: bool):
    kwargs = route.kwargs(world, role, own) if route.kwargs else None
    url = reverse(name, kwargs=kwargs)
    if route.query:
        url = f"{url}?{route.query(world, role, own)}"
    page, api = world.clients[role]
    client = api if route.api else page
    if route.method == "get":
        return client.get(url)
    if route.api:
        return getattr(client, route.method)(url, {}, format="json")
    return getattr(client, route.method)(url, {})


def _cells():
    for name, route in ROUTES.items():
        for role in ROLES:
            if route.expect_other is None:
                yield pytest.param(name, role, True, id=f"{name}-{role}")
            else:
                yield pytest.param(name, role, True, id=f"{name}-{role}-own")
                yield pytest.param(name, role, False, id=f"{name}-{role}-other")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "own"), list(_cells()))
def test_isolation_matrix(world, name, role, own):
    route = ROUTES[name]
    expected = route.outcomes(own)[role]
    response = request(world, name, route, role, own)
    actual = outcome(response, route.api)
    where = f"{route.method.upper()} {response.request['PATH_INFO']} as {role} ({'own' if own else 'other'} object)"
    assert actual == expected, f"{where}: expected {expected}, got {actual} (HTTP {response.status_code})"


def test_every_route_is_in_the_matrix():
    uncovered = sorted(
        name for name, route in project_routes().items() if name not in ROUTES and not is_ignored(name, route)
    )
    assert not uncovered, f"routes missing from the isolation matrix (add them to ROUTES): {uncovered}"


def test_the_matrix_names_only_existing_routes():
    """A renamed or removed route must leave the table too, or its cells would test nothing real."""
    routes = project_routes()
    stale = sorted(name for name in ROUTES if name not in routes)
    stale += sorted(name for name in IGNORED if name not in routes)
    assert not stale, f"the matrix names routes that no longer exist: {stale}"


def test_every_api_route_is_tested_through_the_api_client():
    """/api/v1/ routes answer 401 (not a login redirect) to anonymous callers: they must be marked api=True."""
    routes = project_routes()
    wrong = sorted(name for name, route in ROUTES.items() if routes[name].startswith("api/v1/") != route.api)
    assert not wrong, f"set api=True exactly for the /api/v1/ routes: {wrong}"


# Shared objects partner users may see (the catalogue, contests, the MDF activity menu, tiers): refusing them an
# action on one is a 403. Every other shared object is internal-only, outside every partner's tenancy.
PARTNER_VISIBLE_SHARED = frozenset(
    {"course", "lesson", "quiz", "certification", "path", "asset", "version", "activity", "contest", "tier"}
)
PARTNER_ROLES = ("partner_admin", "partner_user", "other_admin")


class _Anything:
    """Any attribute a route's kwargs read from a world object (pk, verification_code, uuid, ...)."""

    def __getattr__(self, name):
        return 1


class _NamingWorld:
    """Stands in for the world while a route's kwargs and query are built, to learn which objects it names."""

    def __init__(self):
        self.named: list[tuple[str, str]] = []
        named = self.named

        class Shared:
            def __getitem__(self, name):
                named.append(("shared", name))
                return _Anything()

        self.shared = Shared()

    def of(self, name, role, own):
        self.named.append(("partner", name))
        return _Anything()

    def mine(self, name, role, own):
        self.named.append(("user", name))
        return _Anything()


def outside_tenancy(route: Route, role: str, own: bool) -> list[str]:
    """The objects a partner role's cell names that lie outside its tenancy: another partner's object,
    someone else's personal object, or an internal-only shared object (the world gives every role its own
    per-user objects, so an "own" per-user object is the caller's)."""
    world = _NamingWorld()
    if route.kwargs:
        route.kwargs(world, role, own)
    if route.query:
        route.query(world, role, own)
    return [
        name
        for kind, name in world.named
        if (kind in ("partner", "user") and not own) or (kind == "shared" and name not in PARTNER_VISIBLE_SHARED)
    ]


def test_partner_roles_get_404_never_403_for_objects_outside_their_tenancy():
    """docs/api.md, Errors: an object outside the caller's tenancy is a 404 whatever the action (ids leak nothing); a
    403 is only for an object the caller can see. The matrix proves each route answers its expectation; this
    proves no expectation of a partner role on such an object is a 403."""
    wrong = []
    for name, route in ROUTES.items():
        for own in (True, False) if route.expect_other is not None else (True,):
            outcomes = route.outcomes(own)
            for role in PARTNER_ROLES:
                hidden = outside_tenancy(route, role, own)
                if hidden and outcomes[role] == "403":
                    wrong.append(f"{name} as {role} ({'own' if own else 'other'}: {', '.join(hidden)})")
    assert not wrong, f"403 for objects outside the caller's tenancy (must be 404): {wrong}"


@pytest.mark.django_db
def test_admin_sends_anonymous_visitors_to_its_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
