"""docs/api.md: Conventions that hold for every endpoint: JSON 404s, strict list parameters, the public receipt
check's empty body, Idempotency-Key for anonymous callers, and a schema that says what validation does."""

import json
import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from partners.models import Application
from tests.partners.factories import application_data

pytestmark = pytest.mark.django_db


# --- unknown paths ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/"),
        ("get", "/api/v1/no-such-thing/"),
        ("get", "/api/v1/deals/1/no-such-action/"),
        ("post", "/api/v1/no-such-thing/"),
        ("delete", "/api/v1/webhooks/1/deliveries/2/"),
        ("put", "/api/v1/nothing"),
    ],
)
def test_unknown_api_paths_answer_a_json_404(api_for, program_admin, method, path):
    for client in (APIClient(), api_for(program_admin)):
        response = getattr(client, method)(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


def test_a_known_endpoint_without_its_slash_is_still_redirected(api_for, program_admin):
    response = api_for(program_admin).get("/api/v1/deals?status=submitted")
    assert response.status_code == 301 and response["Location"] == "/api/v1/deals/?status=submitted"


def test_pages_outside_the_api_keep_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


# --- list parameters -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "٣", " 5"])
def test_an_invalid_page_size_is_a_400_on_the_field(api_for, program_admin, value):
    response = api_for(program_admin).get("/api/v1/deals/", {"page_size": value})
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


def test_a_large_page_size_is_capped_and_a_blank_one_is_the_default(api_for, program_admin):
    from tests.deals.factories import DealFactory

    for _ in range(3):
        DealFactory()
    api = api_for(program_admin)
    assert api.get("/api/v1/deals/", {"page_size": "100000"}).json()["count"] == 3
    assert len(api.get("/api/v1/deals/", {"page_size": "2"}).json()["results"]) == 2
    assert len(api.get("/api/v1/deals/", {"page_size": ""}).json()["results"]) == 3


@pytest.mark.parametrize("value", ["maybe", "yes", "2", "truee"])
def test_an_invalid_boolean_filter_is_a_400_not_ignored(api_for, program_admin, value):
    response = api_for(program_admin).get("/api/v1/mdf/activity-types/", {"active": value})
    assert response.status_code == 400
    assert list(response.json()) == ["active"]


@pytest.mark.parametrize("value", ["true", "false", "True", "1", "0", ""])
def test_valid_boolean_filters_work(api_for, program_admin, value):
    assert api_for(program_admin).get("/api/v1/mdf/activity-types/", {"active": value}).status_code == 200


# --- the public receipt check ----------------------------------------------------------------------------


@pytest.mark.parametrize("body", [None, ""])
def test_verifying_no_receipt_is_a_400(body):
    client = APIClient()
    if body is None:
        response = client.post("/api/v1/receipts/verify/")
    else:
        response = client.post("/api/v1/receipts/verify/", body, content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_form_bodies_are_refused_where_json_is_expected(api_for, program_admin):
    response = api_for(program_admin).post(
        "/api/v1/webhooks/",
        "url=https%3A%2F%2Fx.example.com&events=deal.won",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415


# --- Idempotency-Key for anonymous callers ---------------------------------------------------------------


def _apply(client, key, address="203.0.113.10", **overrides):
    return client.post(
        "/api/v1/applications/",
        data=json.dumps(application_data(**overrides)),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        REMOTE_ADDR=address,
    )


def test_the_same_application_sent_twice_with_one_key_makes_one_application():
    client = Client()
    first = _apply(client, "apply-1")
    again = _apply(client, "apply-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert Application.objects.count() == 1


def test_an_anonymous_key_reused_with_another_body_is_a_422():
    client = Client()
    assert _apply(client, "apply-2").status_code == 201
    reused = _apply(client, "apply-2", company_name="Another Company Ltd")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert Application.objects.count() == 1


def test_anonymous_keys_are_scoped_per_client_address():
    client = Client()
    assert _apply(client, "apply-3", address="203.0.113.10").status_code == 201
    other = _apply(client, "apply-3", address="198.51.100.7", company_name="Globex Corporation")
    assert other.status_code == 201 and not other.has_header("Idempotent-Replayed")
    assert Application.objects.count() == 2


def test_an_anonymous_failure_is_not_replayed():
    client = Client()
    bad = _apply(client, "apply-4", contact_email="not-an-email")
    assert bad.status_code == 400
    assert _apply(client, "apply-4", contact_email="not-an-email")["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 0


# --- the schema says what validation does ---------------------------------------------------------------


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def _has_binary(node, schemas, seen=()):
    if isinstance(node, list):
        return any(_has_binary(n, schemas, seen) for n in node)
    if not isinstance(node, dict):
        return False
    ref = node.get("$ref", "")
    if ref:
        name = ref.rsplit("/", 1)[1]
        return name not in seen and _has_binary(schemas[name], schemas, (*seen, name))
    return node.get("format") == "binary" or any(_has_binary(v, schemas, seen) for v in node.values())


def test_request_bodies_are_json_and_multipart_only_for_uploads(schema):
    schemas = schema["components"]["schemas"]
    uploads = []
    for path, method, operation in _operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        assert set(content) <= {"application/json", "multipart/form-data"}, f"{method} {path}: {sorted(content)}"
        for media_type, body in content.items():
            binary = _has_binary(body["schema"], schemas)
            assert binary == (media_type == "multipart/form-data"), f"{method} {path} {media_type}"
        if "multipart/form-data" in content:
            uploads.append(path)
    assert "/api/v1/mdf/claims/" in uploads and "/api/v1/accounts/import/" in uploads


def test_path_ids_are_integers(schema):
    for path, method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] == "id":
                assert parameter["schema"] == {"type": "integer"}, f"{method} {path}"


def test_periods_have_their_pattern(schema):
    pattern = None
    seen = 0
    for _path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "period":
                pattern = re.compile(parameter["schema"]["pattern"])
                seen += 1
                for good in ("2026-Q4", "2026-11", "2026-01"):
                    assert pattern.search(good)
                for bad in ("", "2026", "2026-13", "2026-Q5", "2026-1", "Q4-2026"):
                    assert not pattern.search(bad)
    assert seen >= 5


def test_decimal_patterns_need_a_digit_and_a_minus_only_where_allowed(schema):
    patterns = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("format") == "decimal" and "pattern" in node:
                patterns.add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert patterns
    for pattern in patterns:
        compiled = re.compile(pattern)
        for bad in ("", "-", ".", "-.", "1.2.3", "1e5"):
            assert not compiled.search(bad), (pattern, bad)
        assert compiled.search("1.5") and compiled.search("0")
    # The money a partner registers is never negative, so its pattern has no minus sign.
    amount = schema["components"]["schemas"]["RegistrationRequest"]["properties"]["amount"]["pattern"]
    assert not re.search(amount, "-5.00") and re.search(amount, "1250.00")


def test_idempotent_posts_document_422_and_every_operation_414(schema):
    from prm.idempotency import EXEMPT_PATHS

    for path, method, operation in _operations(schema):
        assert "414" in operation["responses"], f"{method} {path}"
        if method == "post" and path not in EXEMPT_PATHS:
            assert "422" in operation["responses"], f"{method} {path}"
            assert any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", [])), f"{method} {path}"
    assert "422" in schema["paths"]["/api/v1/applications/"]["post"]["responses"]


def test_an_upload_with_an_idempotency_key_is_compared_by_its_fields_and_files(partner, partner_admin):
    """A multipart body is parsed before the idempotency check (prm.middleware reads the form), so Django keeps
    no raw copy: the key is checked against the parsed fields and the files' bytes instead of a 500."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mdf.models import MdfClaim
    from tests.mdf.factories import PDF, allocate, approved_request

    allocate(partner, "5000")
    mdf_request = approved_request(partner)
    client = APIClient()
    client.force_login(partner_admin)

    def claim(content=PDF, key="upload-1"):
        body = {
            "request": mdf_request.pk,
            "actual_cost": "4000.00",
            "claimed_amount": "2000.00",
            "proof": [SimpleUploadedFile("invoice.pdf", content, content_type="application/pdf")],
        }
        return client.post("/api/v1/mdf/claims/", body, format="multipart", HTTP_IDEMPOTENCY_KEY=key)

    first = claim()
    assert first.status_code == 201, first.content
    again = claim()
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    other_file = claim(content=PDF + b"\n% another page")
    assert other_file.status_code == 422 and other_file.json()["code"] == "idempotency_key_reused"
    assert MdfClaim.objects.count() == 1


def test_a_throttled_request_is_not_kept_under_its_key():
    """A 429 is not the answer to the request, only to its timing: the same key runs again later."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import override_settings

    framework = settings.REST_FRAMEWORK
    rates = {**framework["DEFAULT_THROTTLE_RATES"], "anon_form": "1/hour"}
    client = Client()
    with override_settings(REST_FRAMEWORK={**framework, "DEFAULT_THROTTLE_RATES": rates}):
        assert _apply(client, "apply-5").status_code == 201
        throttled = _apply(client, "apply-6", company_name="Globex Corporation")
        assert throttled.status_code == 429
        cache.delete("throttle_anon_form_203.0.113.10")  # the hour has passed (DRF's throttle cache key)
        later = _apply(client, "apply-6", company_name="Globex Corporation")
    assert later.status_code == 201 and not later.has_header("Idempotent-Replayed")
    assert Application.objects.count() == 2
