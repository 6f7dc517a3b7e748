"""Credentials the portal issues, checked by other people's software: Digital Bazaar's @digitalbazaar/vc with
the eddsa-jcs-2022 cryptosuite (pinned in tests/verifiers/package-lock.json, installed with `npm ci`), fed the
did:web document exactly as the portal serves it. Valid credentials verify; tampered ones, and ones signed the
way the portal used to sign them (proof without its "@context"), fail."""

import copy
import hashlib
import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from enablement import credentials
from enablement.models import Certificate
from receipts import signing
from tests.enablement.factories import CertificationFactory

HERE = Path(__file__).resolve().parent
pytestmark = [pytest.mark.django_db, pytest.mark.node]


@pytest.fixture(scope="session")
def node_verifier():
    """`npm ci` from the lock file (once, and again when the lock file changes), then a function that runs
    verify-credentials.mjs on credentials and returns its per-credential results."""
    node, npm = shutil.which("node"), shutil.which("npm")  # the `node` marker makes sure both exist
    lock, installed = HERE / "package-lock.json", HERE / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(  # noqa: S603 - npm from PATH, fixed arguments
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
            timeout=240,
            env={**os.environ, "NO_UPDATE_NOTIFIER": "1"},
        )

    def verify(did_document: dict, *items: dict) -> list[dict]:
        completed = subprocess.run(  # noqa: S603 - node from PATH, our own script, JSON on stdin
            [node, str(HERE / "verify-credentials.mjs")],
            input=json.dumps({"didDocument": did_document, "credentials": list(items)}),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=HERE,
        )
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout)

    return verify


@pytest.fixture(autouse=True)
def _fresh_keys():
    signing.reset_cache()
    yield
    signing.reset_cache()


@pytest.fixture
def certificate(partner_admin, partner):
    now = timezone.now()
    return Certificate.objects.create(
        certification=CertificationFactory(name="Northwind Certified Sales Professional — Ünïcode"),
        user=partner_admin,
        partner=partner,
        issued_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=365),
    )


def _served(client, certificate):
    credential = client.get(f"/certificates/{certificate.verification_code}/credential.json")
    did_document = client.get("/.well-known/did.json")
    assert credential.status_code == did_document.status_code == 200
    return credential.json(), did_document.json()


def _signed_the_old_way(credential: dict) -> dict:
    """What the portal issued before: the proof options were hashed with the credential's @context, but the
    embedded proof left it out, so no standard verifier can rebuild what was signed."""
    document = {k: v for k, v in credential.items() if k != "proof"}
    proof = {k: v for k, v in credential["proof"].items() if k not in ("proofValue", "@context")}
    data = hashlib.sha256(signing.canonical_json({**proof, "@context": document["@context"]})).digest()
    data += hashlib.sha256(signing.canonical_json(document)).digest()
    signature = signing.active_key().private.sign(data)
    return {**document, "proof": {**proof, "proofValue": "z" + signing.base58btc(signature)}}


def test_the_reference_verifier_accepts_issued_credentials_and_rejects_tampered_ones(
    certificate, client, api_for, partner_admin, node_verifier
):
    credential, did_document = _served(client, certificate)
    from_api = api_for(partner_admin).get(f"/api/v1/certificates/{certificate.pk}/credential/").json()
    assert credential["proof"]["@context"] == credential["@context"]

    renamed = copy.deepcopy(credential)
    renamed["credentialSubject"]["achievement"]["name"] += "!"
    extended = copy.deepcopy(credential)
    extended["validUntil"] = "2099-01-01T00:00:00Z"
    backdated_proof = copy.deepcopy(credential)
    backdated_proof["proof"]["created"] = "2020-01-01T00:00:00Z"
    old_form = _signed_the_old_way(credential)

    results = node_verifier(did_document, credential, from_api, renamed, extended, backdated_proof, old_form)
    assert [r["verified"] for r in results] == [True, True, False, False, False, False], results
    assert results[2]["error"] == "Invalid signature."
    assert results[5]["error"] == "Invalid signature."
    # The portal's own check agrees with the reference verifier on every one of them.
    assert [credentials.verify_credential(c) for c in (credential, from_api, renamed, extended)] == [
        True,
        True,
        False,
        False,
    ]
    assert not credentials.verify_credential(backdated_proof)
    assert not credentials.verify_credential(old_form)


def test_a_credential_of_a_rotated_key_verifies_against_the_did_document_served_after_rotation(
    certificate, client, settings, node_verifier
):
    old, _ = _served(client, certificate)
    settings.SIGNING_KEYS = ["test-2:" + signing.b64url(bytes(range(32)))]
    signing.reset_cache()
    new, did_document = _served(client, certificate)
    assert old["proof"]["verificationMethod"].endswith("#test-1")
    assert new["proof"]["verificationMethod"].endswith("#test-2")
    # A key the DID document does not list is not trusted.
    stranger = copy.deepcopy(new)
    stranger["proof"]["verificationMethod"] = did_document["id"] + "#nobody"
    results = node_verifier(did_document, old, new, stranger)
    assert [r["verified"] for r in results] == [True, True, False], results
