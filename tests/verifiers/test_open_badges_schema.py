"""Issued credentials against 1EdTech's Open Badges 3.0 AchievementCredential JSON Schema, vendored in
tests/verifiers/schemas (provenance and licence in tests/verifiers/README.md)."""

import copy
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from jsonschema import Draft201909Validator

from enablement.models import Certificate
from receipts import signing
from tests.enablement.factories import CertificationFactory

SCHEMA = json.loads(
    (Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential_schema.json").read_text()
)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_keys():
    signing.reset_cache()
    yield
    signing.reset_cache()


def schema_errors(credential: dict) -> list[str]:
    """Validation errors of the credential. The vendored schema text predates OB 3.0.3's move to the VC 2.0
    data model and still names the validity dates `issuanceDate`/`expirationDate`; where it does, the VC 2.0
    names `validFrom`/`validUntil` are checked under those names (the only adaptation, made here and not in
    the vendored file, so a newer schema text drops it by itself)."""
    document = copy.deepcopy(credential)
    if "issuanceDate" in SCHEMA["required"] and "issuanceDate" not in document:
        renames = {"validFrom": "issuanceDate", "validUntil": "expirationDate"}
        document = {renames.get(k, k): v for k, v in document.items()}
    validator = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document))


@pytest.fixture
def credential(partner_admin, partner, client):
    now = timezone.now()
    certificate = Certificate.objects.create(
        certification=CertificationFactory(name="Northwind Certified Sales Professional", description=""),
        user=partner_admin,
        partner=partner,
        issued_at=now,
        expires_at=now + timedelta(days=365),
    )
    response = client.get(f"/certificates/{certificate.verification_code}/credential.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_1edtechs_achievement_credential_schema():
    Draft201909Validator.check_schema(SCHEMA)
    assert (
        SCHEMA["$id"] == "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
    )


def test_an_issued_credential_conforms_to_the_open_badges_schema(credential):
    assert schema_errors(credential) == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("credentialSubject", "achievement", "criteria"), "'criteria' is a required property"),
        (("credentialSubject", "achievement", "description"), "'description' is a required property"),
        (("issuer", "id"), "'id' is a required property"),
        (("validFrom",), "is a required property"),
    ],
)
def test_a_credential_missing_what_the_schema_requires_fails_it(credential, path, expected):
    broken = copy.deepcopy(credential)
    parent = broken
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    assert any(expected in error for error in schema_errors(broken))


def test_an_identity_object_takes_no_unknown_properties(credential):
    broken = copy.deepcopy(credential)
    broken["credentialSubject"]["identifier"][0]["email"] = "alice@acme.example"
    assert any("Additional properties are not allowed" in error for error in schema_errors(broken))
