"""Certificates as Open Badges 3.0 credentials (docs/receipts.md).

An OpenBadgeCredential is a W3C Verifiable Credential (data model 2.0) secured with a Data Integrity proof
of the `eddsa-jcs-2022` cryptosuite, signed with the portal's Ed25519 key (receipts.signing). Anyone can
verify it offline: the issuer is `did:web:<portal host>`, whose did.json (and /.well-known/jwks.json) publish
every key that ever signed.

Proof (W3C vc-di-eddsa, eddsa-jcs-2022, "Create Proof" and "Verify Proof"; docs/receipts.md):
    proof         = {type, cryptosuite, created, verificationMethod, proofPurpose, "@context": the credential's}
    hash data     = sha256(JCS(proof without proofValue)) + sha256(JCS(credential without proof))
    proofValue    = "z" + base58btc(Ed25519 signature of the hash data)
The embedded proof keeps its "@context": a verifier hashes the proof exactly as it finds it.
"""

import hashlib
import hmac
import uuid
from datetime import UTC
from urllib.parse import urlencode

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from receipts import signing

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CRYPTOSUITE = "eddsa-jcs-2022"
LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"


def _utc(moment) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def verification_method(kid: str) -> str:
    return f"{signing.portal_did()}#{kid}"


def credential_url(certificate) -> str:
    return settings.SITE_URL + reverse("receipts:credential", args=[certificate.verification_code])


def _identity_salt(certificate) -> str:
    """Stable per certificate, unguessable without the server's secret (so the hash cannot be brute-forced
    from a list of e-mail addresses without the salt printed in the credential itself)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"ob-salt:{certificate.pk}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def unsigned_credential(certificate) -> dict:
    certification = certificate.certification
    salt = _identity_salt(certificate)
    verify_url = certificate.verify_url
    # A stable URI per certification (the portal has no public page per certification).
    achievement_id = "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/certifications/{certification.pk}")
    )
    return {
        "@context": list(CONTEXTS),
        "id": credential_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": signing.portal_did(),
            "type": ["Profile"],
            "name": settings.VENDOR_NAME,
            "url": settings.SITE_URL + "/",
        },
        "validFrom": _utc(certificate.issued_at),
        "validUntil": _utc(certificate.expires_at),
        "name": certification.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(certificate.user.email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "name": certification.name,
                "description": certification.description
                or f"{settings.VENDOR_NAME} {certification.get_kind_display().lower()} certification.",
                "criteria": {
                    "narrative": (
                        "Complete the certification's required courses and pass its exam; valid for "
                        f"{certification.validity_months} months, renewed by recertification."
                    )
                },
                "image": {
                    "id": settings.SITE_URL + reverse("enablement:verify_badge", args=[certificate.verification_code]),
                    "type": "Image",
                },
            },
        },
        "evidence": [{"id": verify_url, "type": ["Evidence"], "name": "Public verification page"}],
    }


def proof_hash_data(proof: dict, document: dict) -> bytes:
    """eddsa-jcs-2022 hash data of a document and its proof (either may carry "proof"/"proofValue"; they are
    left out): sha256(JCS(proof options)) + sha256(JCS(unsecured document)). When the proof has an
    "@context", the document's @context must start with it and the unsecured document takes it (Verify
    Proof, step 4); a ValueError says the two do not match."""
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if "@context" in options:
        expected = options["@context"] if isinstance(options["@context"], list) else [options["@context"]]
        actual = unsecured.get("@context")
        actual = actual if isinstance(actual, list) else [actual]
        if actual[: len(expected)] != expected:
            raise ValueError("the document's @context does not start with the proof's @context")
        unsecured["@context"] = options["@context"]
    return (
        hashlib.sha256(signing.canonical_json(options)).digest()
        + hashlib.sha256(signing.canonical_json(unsecured)).digest()
    )


def sign_credential(document: dict, *, created=None) -> dict:
    """The document with a DataIntegrityProof by the portal's active key (Create Proof: the proof carries the
    document's @context)."""
    pair = signing.active_key()
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _utc(created or timezone.now()),
        "verificationMethod": verification_method(pair.kid),
        "proofPurpose": "assertionMethod",
    }
    if "@context" in document:
        proof["@context"] = document["@context"]
    signature = pair.private.sign(proof_hash_data(proof, document))
    return {**document, "proof": {**proof, "proofValue": "z" + signing.base58btc(signature)}}


def open_badge_credential(certificate) -> dict:
    """The certificate as a signed OpenBadgeCredential (signed on every request, never stored)."""
    return sign_credential(unsigned_credential(certificate))


def verify_credential(credential) -> bool:
    """Check a credential's proof as a standard eddsa-jcs-2022 verifier does, against the portal's published
    keys (retired ones included)."""
    if not isinstance(credential, dict) or not isinstance(credential.get("proof"), dict):
        return False
    proof = credential["proof"]
    method, value = proof.get("verificationMethod"), proof.get("proofValue")
    if (
        proof.get("type") != "DataIntegrityProof"
        or proof.get("cryptosuite") != CRYPTOSUITE
        or proof.get("proofPurpose") != "assertionMethod"
        or not isinstance(method, str)
        or not isinstance(value, str)
    ):
        return False
    did, _, kid = method.partition("#")
    if did != signing.portal_did() or not value.startswith("z"):
        return False
    key = signing.public_key(kid)
    if key is None:
        return False
    try:
        key.verify(signing.base58btc_decode(value[1:]), proof_hash_data(proof, credential))
    except (InvalidSignature, ValueError, TypeError, RecursionError):
        return False
    return True


def linkedin_add_url(certificate) -> str:
    """LinkedIn's "add license or certification" link, pre-filled."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.certification.name,
        "organizationName": settings.VENDOR_NAME,
        "issueYear": certificate.issued_at.year,
        "issueMonth": certificate.issued_at.month,
        "expirationYear": certificate.expires_at.year,
        "expirationMonth": certificate.expires_at.month,
        "certUrl": certificate.verify_url,
        "certId": certificate.verification_code,
    }
    return f"{LINKEDIN_ADD_URL}?{urlencode(params)}"
