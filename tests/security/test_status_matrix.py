"""The partner-standing matrix (docs/partner-status.md): every route x partner role x suspended / terminated.

Routes come from the URL resolver, with the world and request helpers of test_isolation_matrix.py.

Suspended: every write (POST/PUT/PATCH/DELETE that the view accepts) is first sent as the partner's users
while the partner is active ("baseline", rolled back), then while it is suspended. A write the role may
make when active must be refused with 403 `partner_suspended` (pages: the sentence on the 403 page; API:
`{"code": "partner_suspended"}`) and must change no row. A write the role may not make anyway (403, 404,
401 or a login redirect when active) must still be refused. For the refusal to prove the gate (and not
just a form that rejects an empty body), a write that answers 400 to the baseline needs a valid body in
BODIES; a write missing there fails the test. PERSONAL lists the writes that stay open, with the reason.

Terminated: every route, read or write, answers 403 `partner_terminated` and ends the session.
"""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partners.models import Partner, PartnerStatus
from tests.factories import PASSWORD
from tests.mdf.factories import pdf
from tests.security.test_isolation_matrix import ROUTES, _walk, is_ignored, world  # noqa: F401 (fixture)

PARTNER_ROLES = ("partner_admin", "partner_user")
WRITE_METHODS = ("post", "put", "patch", "delete")

# Writes that stay open to a suspended partner's users: personal housekeeping, public forms, reads by POST.
PERSONAL = {
    "notifications_read_all": "marks the user's own notifications read",
    "notification_read": "marks one of the user's own notifications read",
    "notification_settings": "the user's own e-mail preferences",
    "set_language": "the user's own language",
    "accounts:token_revoke": "revoking a token only reduces access",
    "token-detail": "revoking (DELETE) a token only reduces access",
    "account_logout": "logging out",
    "account_login": "a suspended partner's users may log in and read",
    "account_email": "the user's own e-mail addresses (allauth)",
    "account_change_password": "the user's own password (allauth)",
    "account_reset_password": "password reset by e-mail (allauth, no session needed)",
    "mfa_index": "the user's own second factor (allauth)",
    "account_signup": "sign-up is closed for everyone",
    "partners:export": "an export of the organisation's own data writes nothing",
    "receipt-verify": "checking a receipt is public and writes nothing",
    "receipts:verify": "checking a receipt is public and writes nothing",
    "partners_public:partner_with_us": "the public application form, open to anyone",
    "application-list": "the public application form (API), open to anyone",
    "directory:match": "the public directory's request form, open to anyone (docs/directory.md)",
    "directory:profile": "the public directory's contact form, open to anyone (docs/directory.md)",
    "directory:verify": "checking a listing statement is public and writes nothing",
    "accounts:accept_invitation": "needs an invitation token; joining a suspended partner is refused by the service",
}


# Views that answer any method with a read (besides those that answer 200 and, for the active caller, write
# nothing: recognised by the test itself).
READS = {
    "partners:directory": "sends a partner user to their own profile",
    "deals:hint": "the registration form's hint: a read, audited (the audit row is its only write)",
    "enablement:library_download": "a download of collateral (counts the download)",
    "enablement:library_version": "a download of collateral (counts the download)",
}


def _today():
    return timezone.localdate().isoformat()


def _registration():
    return {
        "customer_name": "Standing Matrix Customer",
        "customer_domain": "standing-matrix.example",
        "customer_country": "US",
        "amount": "5000.00",
        "currency": "USD",
        "deal_type": "new_business",
    }


# Valid input for the writes a partner role may make, so the refusal comes from the gate, not a form.
# name -> (world, role) -> {"data": ..., "kwargs": ... (default: the isolation matrix's), "format": ...}
def _plan(w, r):
    return {
        "period": f"{timezone.localdate().year + 1}-Q1",
        "sourced_bookings_target": "10000.00",
        "registered_deals_target": 3,
        "certified_people_target": 2,
        "co_marketing_activities_target": 1,
        "partner_owner": w.users["partner_admin"].pk,
        "vendor_owner": w.users["channel_manager"].pk,
    }


def _mdf_request(w, r):
    return {
        "activity_type": w.shared["activity"].pk,
        "title": "Standing matrix webinar",
        "start_date": _today(),
        "end_date": _today(),
        "total_cost": "1000.00",
        "requested_amount": "500.00",
    }


def _claim(w, r, api):
    data = {"actual_cost": "1000.00", "claimed_amount": "100.00", "proof": [pdf()]}
    return {"data": data | ({"request": w.of("mdf_request", r, True).pk} if api else {}), "format": "multipart"}


def _psi_check() -> dict:
    """A valid private availability check of one prospect (two blinded keys, docs/private-check.md)."""
    import base64  # noqa: PLC0415

    import private_set_intersection.python as psi  # noqa: PLC0415

    request = psi.client.CreateWithNewKey(True).CreateRequest(["d:status.example", "n:US:status"])
    return {"data": {"prospects": 1, "request": base64.b64encode(request.SerializeToString()).decode()}}


BODIES = {
    "availability-check": lambda w, r: _psi_check(),
    "deals:register": lambda w, r: {"data": _registration()},
    "deal-list": lambda w, r: {"data": _registration()},
    "deal-won": lambda w, r: {"data": {"amount": "1000.00", "close_date": _today()}},
    "deal-lost": lambda w, r: {"data": {"reason": "Budget cut"}},
    "lead-decline": lambda w, r: {"data": {"reason": "Not our region"}},
    "lead-list": lambda w, r: {"data": {"customer_name": "Lead Co", "customer_country": "US"}},
    "accounts:tokens": lambda w, r: {"data": {"name": "CRM", "scope": "read"}},
    "token-list": lambda w, r: {"data": {"name": "CRM", "scope": "read"}},
    "mdf:access": lambda w, r: {"data": {"requesters": "everyone"}},
    "api-mdf-access": lambda w, r: {"data": {"requesters": "everyone"}},
    "auth-token": lambda w, r: {"data": {"email": w.users[r].email, "password": PASSWORD}},
    "dispute-list": lambda w, r: {"data": {"deal": w.of("disputed_deal", r, True).pk, "reason": "We met them first."}},
    "disputes:open": lambda w, r: {"data": {"reason": "We met them first."}},
    "mdf-request-list": lambda w, r: {"data": _mdf_request(w, r)},
    "mdf:request_new": lambda w, r: {"data": _mdf_request(w, r)},
    "mdf-claim-list": lambda w, r: _claim(w, r, True),
    "mdf:claim_new": lambda w, r: _claim(w, r, False),
    "mdf-request-sourced-deals": lambda w, r: {"data": {"deal": w.of("deal", r, True).pk}},
    "partners:plans": lambda w, r: {"data": _plan(w, r)},
    "partners:plan": lambda w, r: {"data": {"note": "Met the partner."}},
    "partners:action": lambda w, r: {"data": {"email": "new.colleague@acme.example", "role": "partner_user"}},
    # The service scores the draw after the gate: an empty answer sheet is enough to reach it.
    "quiz-attempts": lambda w, r: {"data": {"answers": {}}},
}


def _routes():
    """name -> (route, view callback) for every route of the project that the matrices do not ignore."""
    found = {}
    for route, name, _kwargs in _walk(get_resolver().url_patterns):
        if (name or route) in found or is_ignored(name or route, route):
            continue
        found[name or route] = route
    return found


def _set_status(w, status):
    Partner.objects.filter(pk=w.partner["acme"].pk).update(status=status)


def _client(w, role, api):
    client = APIClient() if api else Client()
    client.force_login(w.users[role])
    return client


def _send(w, name, role, method, *, body=None, client=None):
    route = ROUTES[name]
    body = body or {}
    kwargs = body.get("kwargs") or (route.kwargs(w, role, True) if route.kwargs else None)
    url = reverse(name, kwargs=kwargs)
    if route.query:
        url = f"{url}?{route.query(w, role, True)}"
    client = client or _client(w, role, route.api)
    data = body.get("data") or {}
    if route.api:
        return getattr(client, method)(url, data, format=body.get("format", "json"))
    return getattr(client, method)(url, data)


def _rows_written() -> int:
    """Rows inserted, updated or deleted in this transaction so far (PostgreSQL's per-transaction counters)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables "
            "WHERE relname NOT IN ('django_session', 'account_emailaddress')"
        )
        return int(cursor.fetchone()[0])


def _refusal_code(response, api: bool) -> str | None:
    """The refusal's code: JSON `code` (the API, and any /api/ path), else the 403 page's X-Refusal-Code."""
    if response.status_code != 403:
        return None
    if api or response.get("Content-Type", "").startswith("application/json"):
        try:
            return response.json().get("code")
        except ValueError:
            return None
    return response.get("X-Refusal-Code")


def _reachable(response, api) -> bool:
    """The baseline: may the role make this write when its partner is active (whatever the input)?"""
    code = response.status_code
    if code in (401, 403, 404, 405):
        return False
    if code in (301, 302, 303, 307, 308) and "/accounts/login/" in response["Location"]:
        return False
    return True


def _cells():
    for name in sorted(ROUTES):
        for role in PARTNER_ROLES:
            yield pytest.param(name, role, id=f"{name}-{role}")


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), list(_cells()))
def test_a_suspended_partners_users_cannot_write(world, name, role):  # noqa: F811
    route = ROUTES[name]
    make_body = BODIES.get(name)
    for method in WRITE_METHODS:
        body = make_body(world, role) if make_body else None  # fresh uploads each time
        client = _client(world, role, route.api)
        with transaction.atomic():
            before = _rows_written()
            baseline = _send(world, name, role, method, body=body, client=client)
            baseline_wrote = _rows_written() - before
            transaction.set_rollback(True)
        where = f"{method.upper()} {name} as {role} of a suspended partner"
        if baseline.status_code == 405 or name in PERSONAL:
            continue
        if not _reachable(baseline, route.api):
            _set_status(world, PartnerStatus.SUSPENDED)
            refused = _send(world, name, role, method, body=body, client=client)
            _set_status(world, PartnerStatus.ACTIVE)
            assert not _reachable(refused, route.api), (
                f"{where}: refused when active ({baseline.status_code}) but not now ({refused.status_code})"
            )
            continue
        if name in READS or (baseline.status_code == 200 and baseline_wrote == 0):
            continue  # a read that answers any method (the active caller wrote nothing)
        assert baseline.status_code != 400 or body is not None, (
            f"{method.upper()} {name} as {role}: the empty body is refused by its form (400) before any service "
            "runs, so the gate is not proven: add a valid body to BODIES"
        )
        body = make_body(world, role) if make_body else None  # uploads are read once: build them again
        _set_status(world, PartnerStatus.SUSPENDED)
        before = _rows_written()
        refused = _send(world, name, role, method, body=body, client=client)
        written = _rows_written() - before
        _set_status(world, PartnerStatus.ACTIVE)
        assert _refusal_code(refused, route.api) == "partner_suspended", (
            f"{where}: expected 403 partner_suspended, got {refused.status_code} (active: {baseline.status_code}, "
            f"which wrote {baseline_wrote} rows)"
        )
        if not route.api:
            assert "partnership is suspended" in refused.content.decode(), f"{where}: the page does not say why"
        assert written == 0, f"{where}: the refused request wrote {written} rows"


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), list(_cells()))
def test_a_terminated_partners_users_are_refused_everywhere(world, name, role):  # noqa: F811
    route = ROUTES[name]
    client = _client(world, role, route.api)
    _set_status(world, PartnerStatus.TERMINATED)
    before = _rows_written()
    response = _send(world, name, role, route.method, client=client)
    assert _refusal_code(response, route.api) == "partner_terminated", (
        f"{route.method.upper()} {name} as {role} of a terminated partner: got {response.status_code}"
    )
    assert "partnership has ended" in response.content.decode()
    # Nothing but the end of the session (not counted) was written, and the session is over.
    assert _rows_written() - before == 0
    assert "_auth_user_id" not in client.session


def test_every_route_of_the_project_is_in_the_matrix():
    """The routes come from the isolation matrix's table, which fails on any route it lacks; here we check
    that every route the resolver knows is tested (a new route joins both matrices by joining ROUTES)."""
    missing = sorted(name for name in _routes() if name not in ROUTES)
    assert not missing, f"routes the standing matrix would not test (add them to ROUTES): {missing}"


def test_personal_routes_name_existing_routes():
    stale = sorted(name for name in PERSONAL if name not in _routes())
    assert not stale, stale
