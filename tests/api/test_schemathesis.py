"""Schema-driven testing: schemathesis calls every operation of the live /api/schema/ as each role.

It runs against pytest-django's live server on PostgreSQL (marked `postgres`: skipped locally without
DATABASE_URL, run in CI) with a read_write API token per role, and runs every check schemathesis has (its
`--checks all`, see CHECKS): no server error; every status code, content type, header and body as documented;
undocumented methods (with their Allow header), missing required headers and calls without credentials
refused; and every schema-valid request accepted (positive_data_acceptance) or refused only by a documented
role, tenancy or state rule (401, 403, 404, 409, 429), or by a 400 on the operations that declare
`x-rules-beyond-schema` (prm/api_schema.py; docs/api.md: What the schema declares).

Path ids are drawn from the objects made here (visible and invisible to the role), not only at random, so
the operations act on real deals, funds, claims, entries and payouts, and their transitions run.

A second pass sends malformed requests (schemathesis's negative mode) and checks that none is a 500 and that
every request the schema forbids is rejected (the schema says what validation does, and no more).

The stateful run follows the schema's explicit OpenAPI links (a create's `id`, a list's first `id`, a call's
own path id, to the calls on that object; prm/api_schema.py) and those schemathesis infers, as the partner
admin, the channel manager and finance, with every check too (use_after_free and ensure_resource_availability
read the recorded sequence).

Knobs: SCHEMATHESIS_MAX_EXAMPLES (valid examples per operation and role, default 4: 20 per operation over the
five roles), SCHEMATHESIS_NEGATIVE_EXAMPLES (default 2), SCHEMATHESIS_ROLES (comma-separated),
SCHEMATHESIS_STATEFUL_ROLES and SCHEMATHESIS_STATEFUL_EXAMPLES (default 25 sequences of up to 6 calls per
role). With every check, the positive, negative and stateful tests took about 10, 10 and 3 minutes on two
cores shared with other suites (load ~10); the positive pass alone took 2.3 minutes on lightly loaded cores.
"""

import os
import re
import time
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.utils import timezone

pytest.importorskip("schemathesis")

import schemathesis  # noqa: E402
from hypothesis import HealthCheck, Phase, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402

from accounts.models import Role, TokenScope  # noqa: E402
from accounts.services import create_api_token  # noqa: E402
from commissions import services as commission_services  # noqa: E402
from commissions.models import EntryStatus  # noqa: E402
from deals import services as deal_services  # noqa: E402
from deals.models import DealStatus  # noqa: E402
from enablement import services as enablement_services  # noqa: E402
from tests.commissions.factories import EntryFactory  # noqa: E402
from tests.deals.factories import DealFactory  # noqa: E402
from tests.enablement.factories import CertificationFactory, CourseFactory, LessonFactory, QuizFactory  # noqa: E402
from tests.factories import InternalUserFactory, PartnerAdminFactory, PartnerFactory, UserFactory, tier  # noqa: E402
from tests.mdf import factories as mdf_factories  # noqa: E402
from tests.partners.factories import ApplicationFactory  # noqa: E402

# A safety net, not the budget (timings in the docstring): on a loaded runner the positive pass passed 600 s.
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(1200)]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
NEGATIVE_EXAMPLES = int(os.environ.get("SCHEMATHESIS_NEGATIVE_EXAMPLES", "2"))
ROLES = [r for r in os.environ.get("SCHEMATHESIS_ROLES", ",".join(Role.values)).split(",") if r]
# Every check schemathesis has (its `--checks all`): status codes, bodies, content types and headers as
# documented; schema-valid requests accepted (positive_data_acceptance: 2xx, or a refusal the schema documents:
# 401, 403, 404, 409, 429, and 400 only where the operation declares `x-rules-beyond-schema`); a missing
# required header, an undocumented method (and its Allow header) and a call without credentials refused; a
# created object available and a deleted one gone (stateful); object-level authorization; and (negative pass)
# every schema-violating request rejected. object_level_authorization compares identities schemathesis itself
# manages (auth config), which this test does not use: cross-tenant reads are tests/security/test_isolation_matrix.py's.
schemathesis.checks.load_all_checks()
CHECKS = [getattr(schemathesis.checks, name) for name in schemathesis.checks.CHECKS.get_all_names()]
NEGATIVE_CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.negative_data_rejection]
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
# Operations not run, each with why. Throttled token logins are documented (429) and covered by
# tests/accounts/test_token_api.py; fuzzing them would lock the e-mail addresses of the users below.
EXCLUDED = {("POST", "/api/v1/auth/token/")}


def _make_world():
    """Demo-ish data: two partners with deals, leads, MDF, commissions, courses; one user of each role."""
    acme = PartnerFactory(name="Acme Cloud Partners", tier=tier("Gold"), website_domain="acme.example")
    globex = PartnerFactory(name="Globex Integrators", tier=tier("Silver"), website_domain="globex.example")
    users = {
        Role.PARTNER_ADMIN: PartnerAdminFactory(partner=acme, email="alice@acme.example"),
        Role.PARTNER_USER: UserFactory(partner=acme, email="bob@acme.example"),
        Role.CHANNEL_MANAGER: InternalUserFactory(role=Role.CHANNEL_MANAGER, email="manager@example.com"),
        Role.FINANCE: InternalUserFactory(role=Role.FINANCE, email="finance@example.com"),
        Role.PROGRAM_ADMIN: InternalUserFactory(role=Role.PROGRAM_ADMIN, email="admin@example.com"),
    }
    globex_admin = PartnerAdminFactory(partner=globex, email="carol@globex.example")
    manager, finance, admin = users[Role.CHANNEL_MANAGER], users[Role.FINANCE], users[Role.PROGRAM_ADMIN]

    deals = [
        DealFactory(partner=acme, registered_by=users[Role.PARTNER_ADMIN]),
        DealFactory(partner=acme, registered_by=users[Role.PARTNER_USER], status=DealStatus.SUBMITTED),
        DealFactory(
            partner=acme,
            registered_by=users[Role.PARTNER_ADMIN],
            status=DealStatus.WON,
            close_date=timezone.localdate() - timedelta(days=2),
        ),
        DealFactory(partner=globex, registered_by=globex_admin),
    ]
    leads = [
        deal_services.create_lead(
            actor=manager,
            partner=acme,
            customer_name="Hooli Inc",
            customer_domain="hooli.example",
            customer_country="US",
        ),
        deal_services.create_lead(
            actor=manager,
            partner=globex,
            customer_name="Umbrella Corp",
            customer_domain="umbrella.example",
            customer_country="DE",
        ),
    ]

    activity = mdf_factories.ActivityTypeFactory()
    mdf_factories.allocate(acme, "20000.00", admin=admin)
    mdf_factories.allocate(globex, "5000.00", admin=admin)
    approved = mdf_factories.approved_request(acme, manager=manager, activity=activity)
    submitted = mdf_factories.submitted_request(acme, requester=users[Role.PARTNER_ADMIN], activity=activity)
    other_request = mdf_factories.approved_request(globex, manager=manager, activity=activity)
    claims = [
        mdf_factories.submitted_claim(approved, user=users[Role.PARTNER_ADMIN]),
        mdf_factories.submitted_claim(other_request, user=globex_admin),
    ]

    entries = [
        EntryFactory(partner=acme, deal=deals[2], amount=Decimal("1250.00")),
        EntryFactory(partner=acme, amount=Decimal("300.00"), status=EntryStatus.APPROVED),
        EntryFactory(partner=acme, amount=Decimal("200.00"), status=EntryStatus.APPROVED),
        EntryFactory(partner=globex, amount=Decimal("80.00"), status=EntryStatus.APPROVED),
    ]
    batch = commission_services.create_payout_batch(partner=globex, actor=finance)

    course = CourseFactory()
    LessonFactory(course=course)
    lesson = LessonFactory(course=course)
    quiz = QuizFactory(course=course)
    certification = CertificationFactory(exam=quiz)
    enablement_services.enrol(user=users[Role.PARTNER_USER], course=course)
    applications = [ApplicationFactory(), ApplicationFactory()]

    from mdf.models import Fund

    ids = {
        "applications": [a.pk for a in applications],
        "partners": [acme.pk, globex.pk],
        "tiers": [tier("Gold").pk, tier("Silver").pk],
        "deals": [d.pk for d in deals],
        "leads": [lead.pk for lead in leads],
        "courses": [course.pk],
        "lessons": [lesson.pk],
        "quizzes": [quiz.pk],
        "certifications": [certification.pk],
        "certificates": [],
        "mdf/funds": list(Fund.objects.values_list("pk", flat=True)),
        "mdf/activity-types": [activity.pk],
        "mdf/requests": [approved.pk, submitted.pk, other_request.pk],
        "mdf/claims": [c.pk for c in claims],
        "mdf/proofs": [p.pk for c in claims for p in c.proofs.all()],
        "commissions/entries": [e.pk for e in entries],
        "commissions/payouts": [batch.pk],
    }
    return users, ids


def _load_schema(base_url: str):
    """The live schema, with schemathesis configured from what it declares: positive_data_acceptance takes a 400
    only on the operations that say rules beyond the schema may refuse a valid request (prm/api_schema.py), and
    strings carry no NUL (U+0000), which every text input refuses (docs/api.md: Errors)."""
    url = f"{base_url}/api/schema/?format=json"
    raw = requests.get(url, timeout=60).json()
    operations = [
        {
            "include-path": path,
            "include-method": method.upper(),
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        }
        for path, item in raw["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "x-rules-beyond-schema" in operation
    ]
    config = SchemathesisConfig.from_dict(
        {
            "generation": {"allow-x00": False},
            "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
            "operations": operations,
        }
    )
    return schemathesis.openapi.from_url(url, config=config)


def _fresh_idempotency_key(case) -> None:
    """A generated Idempotency-Key is drawn from few values: one reused with another body is a 422 by design
    (docs/api.md: Idempotency), so each call that sends one gets its own."""
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = uuid.uuid4().hex


def _ids_for(path: str, ids: dict) -> list[int]:
    """The known ids of the resource a path's `{id}` names, e.g. /api/v1/mdf/claims/{id}/pay/ → claims."""
    match = re.match(r"^/api/v1/(.+?)/\{[a-z_]+\}", path)
    if not match:
        return []
    return ids.get(match.group(1), [])


def _fuzzer(operation, id_strategy, *, mode, examples: int, checks: list, base_url: str, headers: dict):
    """A Hypothesis test that calls one operation with generated cases and validates each response."""

    @given(case=operation.as_strategy(generation_mode=mode), known_id=st.one_of(st.none(), id_strategy))
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, known_id):
        if known_id is not None and case.path_parameters and "id" in case.path_parameters:
            case.path_parameters["id"] = known_id
        _fresh_idempotency_key(case)
        case.call_and_validate(base_url=base_url, headers=headers, checks=checks)

    return run


@pytest.fixture
def fast_throttles(monkeypatch):
    """API calls are throttled at 600 a minute; the fuzzer makes more than that."""
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**SimpleRateThrottle.THROTTLE_RATES, "user": "100000/min", "anon_form": "100000/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def fuzz_api(live_server, fast_throttles, settings):
    """Runs schemathesis over every operation of the live schema as each role; returns the failures."""
    settings.ALLOWED_HOSTS = ["*"]
    users, ids = _make_world()
    tokens = {
        role: create_api_token(user=user, name="schemathesis", scope=TokenScope.READ_WRITE)[1]
        for role, user in users.items()
    }
    # Spare tokens for DELETE /tokens/{id}/ to revoke (never the ones the run authenticates with).
    ids["tokens"] = [create_api_token(user=user, name="spare")[0].pk for user in users.values()]

    def run_all(*, mode, examples: int, checks: list) -> list[str]:
        # Malformed input may hold NUL: only the positive pass is configured from the schema's declarations.
        if mode == GenerationMode.NEGATIVE:
            schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
        else:
            schema = _load_schema(live_server.url)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 60, "the live schema lost its operations"
        failures: list[str] = []
        timings: list[tuple] = []
        for role in ROLES:
            headers = {"Authorization": f"Token {tokens[role]}"}
            for operation in operations:
                if (operation.method.upper(), operation.path) in EXCLUDED:
                    continue
                raw = operation.definition.raw
                if mode == GenerationMode.NEGATIVE and not raw.get("parameters") and "requestBody" not in raw:
                    continue  # no input to make malformed (e.g. GET /me/)
                known = _ids_for(operation.path, ids)
                id_strategy = st.sampled_from(known) if known else st.none()
                run = _fuzzer(
                    operation,
                    id_strategy,
                    mode=mode,
                    examples=examples,
                    checks=checks,
                    base_url=live_server.url,
                    headers=headers,
                )
                started = time.monotonic()
                try:
                    run()
                except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect all, then report
                    failures.append(f"[{role}] {operation.method.upper()} {operation.path}: {error}")
                timings.append((round(time.monotonic() - started, 2), role, operation.method.upper(), operation.path))
        assert timings, "no operation ran"
        print(f"{mode}: slowest operations:", *sorted(timings, reverse=True)[:10], sep="\n  ")
        return failures

    return run_all


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_operation_as_every_role(fuzz_api):
    """Valid requests: no server error, every status code documented, every body as its schema says."""
    failures = fuzz_api(mode=GenerationMode.POSITIVE, examples=MAX_EXAMPLES, checks=CHECKS)
    assert not failures, f"{len(failures)} failing operations:\n\n" + "\n\n".join(failures)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_malformed_input_never_yields_a_server_error(fuzz_api):
    """Invalid requests (wrong types, missing fields, out-of-range values): never a 500 (docs/api.md: Errors)."""
    failures = fuzz_api(mode=GenerationMode.NEGATIVE, examples=NEGATIVE_EXAMPLES, checks=NEGATIVE_CHECKS)
    assert not failures, f"{len(failures)} failing operations:\n\n" + "\n\n".join(failures)


# Stateful runs: sequences of calls linked through the ids one response hands to the next call (links that
# schemathesis infers from the schema: a created object's `id` feeds its detail and action operations).
STATEFUL_ROLES = [
    r
    for r in os.environ.get(
        "SCHEMATHESIS_STATEFUL_ROLES", f"{Role.PARTNER_ADMIN},{Role.CHANNEL_MANAGER},{Role.FINANCE}"
    ).split(",")
    if r
]
STATEFUL_EXAMPLES = int(os.environ.get("SCHEMATHESIS_STATEFUL_EXAMPLES", "25"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_linked_call_sequences_as_partner_manager_and_finance(live_server, fast_throttles, settings):
    """Valid call sequences (create, then read and act on what was created): every response as documented."""
    settings.ALLOWED_HOSTS = ["*"]
    users, _ids = _make_world()
    schema = _load_schema(live_server.url)
    machine = schema.as_state_machine()
    assert machine.bundles, "the schema gives schemathesis no links to follow"
    failures = []
    for role in STATEFUL_ROLES:
        token = create_api_token(user=users[role], name="stateful", scope=TokenScope.READ_WRITE)[1]

        class Workflow(machine):
            headers = {"Authorization": f"Token {token}"}
            calls: list[str] = []

            def before_call(self, case):
                _fresh_idempotency_key(case)

            def get_call_kwargs(self, case):
                return {"base_url": live_server.url, "headers": self.headers}

            def validate_response(self, response, case, additional_checks=None, **kwargs):
                self.calls.append(f"{case.method} {case.formatted_path} -> {response.status_code}")
                # The recorder (a RecordingStateMachine's) lets use_after_free and ensure_resource_availability
                # look up the earlier calls of the sequence.
                case.validate_response(
                    response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=getattr(self, "recorder", None)
                )

        started = time.monotonic()
        try:
            Workflow.run(
                settings=hypothesis_settings(
                    max_examples=STATEFUL_EXAMPLES,
                    stateful_step_count=6,
                    deadline=None,
                    derandomize=True,
                    database=None,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
            )
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect all roles, then report
            failures.append(f"[{role}] {error}")
        calls = Workflow.calls
        linked = [c for c in calls if re.search(r"/\d+/", c) and not c.endswith("-> 404")]
        elapsed = time.monotonic() - started
        print(f"stateful [{role}]: {len(calls)} calls, {len(linked)} on objects that exist, {elapsed:.1f} s")
        assert linked, f"[{role}] no call reached an object a previous response named"
    assert not failures, "\n\n".join(failures)
