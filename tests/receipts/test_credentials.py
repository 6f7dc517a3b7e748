"""Certificates as Open Badges 3.0 credentials: checked here by an independent verifier that knows only the
spec (W3C vc-di-eddsa, eddsa-jcs-2022 "Verify Proof"), `rfc8785`, `cryptography` and the portal's published
did.json / JWKS. (tests/verifiers runs Digital Bazaar's reference verifier on the same credentials.)"""

import base64
import hashlib
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from enablement import credentials
from enablement.models import Certificate, CertificateStatus
from receipts import signing
from tests.enablement.factories import CertificationFactory

pytestmark = pytest.mark.django_db
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@pytest.fixture(autouse=True)
def _fresh_keys():
    signing.reset_cache()
    yield
    signing.reset_cache()


@pytest.fixture
def certificate(partner_admin, partner):
    now = timezone.now()
    return Certificate.objects.create(
        certification=CertificationFactory(name="Northwind Certified Sales Professional"),
        user=partner_admin,
        partner=partner,
        issued_at=now,
        expires_at=now + timedelta(days=365),
    )


# --- an independent verifier ----------------------------------------------------------------------------


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def independent_verify(credential: dict, did_document: dict) -> bool:
    proof = dict(credential["proof"])
    if proof["type"] != "DataIntegrityProof" or proof["cryptosuite"] != "eddsa-jcs-2022":
        return False
    method = next(m for m in did_document["verificationMethod"] if m["id"] == proof["verificationMethod"])
    multikey = b58decode(method["publicKeyMultibase"][1:])
    assert multikey[:2] == b"\xed\x01"
    key = Ed25519PublicKey.from_public_bytes(multikey[2:])
    signature = b58decode(proof.pop("proofValue")[1:])
    document = {k: v for k, v in credential.items() if k != "proof"}
    if "@context" in proof:  # the document's @context must start with the proof's, and takes it
        if document["@context"][: len(proof["@context"])] != proof["@context"]:
            return False
        document["@context"] = proof["@context"]
    data = hashlib.sha256(rfc8785.dumps(proof)).digest() + hashlib.sha256(rfc8785.dumps(document)).digest()
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


# --- tests --------------------------------------------------------------------------------------------


def test_an_open_badges_credential_verifies_offline_with_the_published_key(certificate, client):
    credential = client.get(f"/certificates/{certificate.verification_code}/credential.json").json()
    did_document = client.get("/.well-known/did.json").json()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == did_document["id"] == "did:web:127.0.0.1%3A8000"
    assert credential["proof"]["proofPurpose"] == "assertionMethod"
    # The embedded proof keeps the @context its options were signed with (W3C vc-di-eddsa test vectors).
    assert credential["proof"]["@context"] == credential["@context"]
    assert credential["proof"]["verificationMethod"] in did_document["assertionMethod"]
    assert independent_verify(credential, did_document)
    assert credentials.verify_credential(credential)


def test_a_one_character_change_is_rejected(certificate, client):
    credential = client.get(f"/certificates/{certificate.verification_code}/credential.json").json()
    did_document = client.get("/.well-known/did.json").json()
    credential["credentialSubject"]["achievement"]["name"] = (
        credential["credentialSubject"]["achievement"]["name"][:-1] + "X"
    )
    assert not independent_verify(credential, did_document)
    assert not credentials.verify_credential(credential)


def test_the_jwks_key_is_the_did_key(certificate, client):
    jwks = client.get("/.well-known/jwks.json").json()
    did_document = client.get("/.well-known/did.json").json()
    jwk = jwks["keys"][0]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
    assert b58decode(did_document["verificationMethod"][0]["publicKeyMultibase"][1:])[2:] == raw


def test_the_subject_is_a_salted_hash_of_the_email(certificate, client):
    credential = client.get(f"/certificates/{certificate.verification_code}/credential.json").json()
    identity = credential["credentialSubject"]["identifier"][0]
    assert identity["type"] == "IdentityObject" and identity["hashed"] is True
    expected = hashlib.sha256((certificate.user.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == "sha256$" + expected
    assert certificate.user.email not in json.dumps(credential)


def test_a_credential_of_an_old_key_still_verifies_after_rotation(certificate, client, settings):
    credential = client.get(f"/certificates/{certificate.verification_code}/credential.json").json()
    settings.SIGNING_KEYS = ["test-2:" + signing.b64url(bytes(range(32)))]
    signing.reset_cache()
    did_document = client.get("/.well-known/did.json").json()
    assert {m["id"].split("#")[1] for m in did_document["verificationMethod"]} == {"test-1", "test-2"}
    assert independent_verify(credential, did_document)
    fresh = client.get(f"/certificates/{certificate.verification_code}/credential.json").json()
    assert fresh["proof"]["verificationMethod"].endswith("#test-2")
    assert independent_verify(fresh, did_document)


def test_unknown_or_revoked_certificates_have_no_credential(certificate, client):
    assert client.get("/certificates/no-such-code/credential.json").status_code == 404
    certificate.status = CertificateStatus.REVOKED
    certificate.save()
    assert client.get(f"/certificates/{certificate.verification_code}/credential.json").status_code == 404


def test_the_api_gives_the_credential_to_its_holder_only(
    certificate, api_for, partner_admin, partner_user, other_partner_user, program_admin, api_client
):
    url = f"/api/v1/certificates/{certificate.pk}/credential/"
    response = api_for(partner_admin).get(url)
    assert response.status_code == 200
    assert credentials.verify_credential(response.json())
    assert api_for(program_admin).get(url).status_code == 200
    assert api_for(partner_user).get(url).status_code == 404  # a colleague's certificate is not theirs
    assert api_for(other_partner_user).get(url).status_code == 404
    assert api_client.get(url).status_code == 401


def test_the_certificate_page_offers_the_credential_and_linkedin(
    certificate, client_for, partner_admin, django_assert_max_num_queries
):
    client = client_for(partner_admin)
    with django_assert_max_num_queries(12):
        response = client.get(f"/learn/certificates/{certificate.pk}/")
    assert response.status_code == 200
    assert b'data-testid="download-credential"' in response.content
    link = credentials.linkedin_add_url(certificate)
    query = parse_qs(urlsplit(link).query)
    assert link.startswith("https://www.linkedin.com/profile/add?")
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [certificate.certification.name]
    assert query["certId"] == [certificate.verification_code]
    assert query["certUrl"] == [certificate.verify_url]
    assert query["issueYear"] == [str(certificate.issued_at.year)]
    assert query["expirationMonth"] == [str(certificate.expires_at.month)]
    assert b"linkedin.com/profile/add" in response.content
