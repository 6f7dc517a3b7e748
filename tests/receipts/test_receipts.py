"""Signed registration receipts: issued on every decision, verifiable by anyone, and kept verifiable across
key rotation; downloads and the API are scoped to the deal's partner and internal users."""

import base64
import copy
import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from deals import services as deal_services
from prm.events import dispatch
from prm.models import DomainEvent
from receipts import signing
from receipts.models import Receipt, SigningKey
from receipts.services import customer_key, issue_receipt, verify_envelope
from tests.deals.factories import DealFactory, registration_kwargs

pytestmark = pytest.mark.django_db
VERIFY = "/api/v1/receipts/verify/"
KEY_B = "test-2:" + signing.b64url(bytes(range(32)))


@pytest.fixture(autouse=True)
def _fresh_keys():
    signing.reset_cache()
    yield
    signing.reset_cache()


@pytest.fixture
def managed(partner, channel_manager):
    partner.channel_manager = channel_manager
    partner.save()
    return partner


@pytest.fixture
def submitted(managed, partner_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return deal_services.register_deal(user=partner_user, **registration_kwargs())


@pytest.fixture
def approved(submitted, channel_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return deal_services.approve_deal(deal=submitted, actor=channel_manager)


def _receipt(deal, kind):
    return Receipt.objects.get(deal=deal, kind=kind)


# --- issuing -----------------------------------------------------------------------------------------


def test_submitting_and_approving_a_deal_each_give_a_signed_receipt(approved, partner):
    assert sorted(Receipt.objects.filter(deal=approved).values_list("kind", flat=True)) == ["approved", "submitted"]
    receipt = _receipt(approved, "approved")
    body = receipt.body
    assert body["type"] == "PrmRegistrationReceipt"
    assert body["deal_id"] == approved.pk
    assert body["partner"] == {"id": partner.pk, "name": partner.name}
    assert body["decision"] == "approved" and body["outcome"] == "approved"
    assert body["protected_until"] == approved.protected_until.isoformat()
    assert body["decided_at"].endswith("Z")
    key = customer_key(name="Initech Corporation", domain="https://www.initech.example/about", country="US")
    assert key == "US|initech|initech.example"
    assert body["customer_key_sha256"] == hashlib.sha256(key.encode()).hexdigest()
    assert receipt.kid == "test-1"
    assert verify_envelope(receipt.envelope)
    assert _receipt(approved, "submitted").body["outcome"] == "submitted"


def test_a_conflict_receipt_never_names_the_partner_holding_the_customer(
    approved, other_partner_user, other_partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conflict = deal_services.register_deal(user=other_partner_user, **registration_kwargs(customer_name="INITECH"))
    receipt = _receipt(conflict, "rejected")
    text = json.dumps(receipt.envelope)
    assert receipt.body["reason"] == "conflict"
    assert receipt.body["protected_until"] == approved.protected_until.isoformat()
    assert receipt.partner == other_partner
    assert "Acme" not in text
    assert receipt.body["partner"] == {"id": other_partner.pk, "name": other_partner.name}
    assert receipt.body["deal_id"] == conflict.pk


def test_an_incumbent_registration_gets_a_signed_receipt_of_its_review(
    approved, partner_user, other_partner_user, other_partner, django_capture_on_commit_callbacks
):
    """docs/policy.md, "Incumbency": the receipt records the outcome like any other decision, signed, and
    names no one but the registering partner."""
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.mark_won(
            deal=approved, actor=partner_user, amount=Decimal("1000.00"), close_date=timezone.localdate()
        )
        incumbent = deal_services.register_deal(user=other_partner_user, **registration_kwargs(customer_name="INITECH"))
    assert incumbent.reason == "incumbent"
    receipt = _receipt(incumbent, "submitted")
    assert (receipt.body["outcome"], receipt.body["reason"]) == ("pending_review", "incumbent")
    assert receipt.body["partner"] == {"id": other_partner.pk, "name": other_partner.name}
    assert approved.partner.name not in json.dumps(receipt.envelope)
    assert verify_envelope(receipt.envelope)


def test_a_redelivered_event_issues_no_second_receipt(submitted):
    event = DomainEvent.objects.get(name="deal.submitted", object_id=submitted.pk)
    assert Receipt.objects.filter(source_event_id=event.pk).count() == 1
    DomainEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    from prm.models import EventHandlerRun

    EventHandlerRun.objects.filter(event=event).delete()  # as if the worker died before recording its run
    dispatch(event.pk)
    assert Receipt.objects.filter(deal=submitted).count() == 1


def test_a_deal_decided_again_gets_a_new_receipt(approved, channel_manager, django_capture_on_commit_callbacks):
    # Disputes re-decide deals by recording deal.approved / deal.rejected again: each is a new receipt.
    from prm.events import record_event

    with django_capture_on_commit_callbacks(execute=True):
        payload = deal_services.deal_payload(approved, protected_until="2030-01-31")
        record_event(
            "deal.approved", actor=channel_manager, partner=approved.partner, subject=approved, payload=payload
        )
    receipts = Receipt.objects.filter(deal=approved, kind="approved").order_by("created_at", "id")
    assert receipts.count() == 2
    assert receipts.last().body["protected_until"] == "2030-01-31"


def test_rejection_extension_and_expiry_give_receipts(
    managed, partner_user, channel_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rejected = deal_services.register_deal(
            user=partner_user, **registration_kwargs(customer_name="Umbrella Corp", customer_domain="umbrella.example")
        )
        deal_services.reject_deal(deal=rejected, actor=channel_manager, reason="Not a fit")
        deal = DealFactory(partner=managed, registered_by=partner_user)
        deal_services.request_extension(deal=deal, actor=partner_user)
        deal_services.decide_extension(deal=deal, actor=channel_manager, approve=True)
        deal.refresh_from_db()
        deal.protected_until = timezone.localdate() - timedelta(days=1)
        deal.save()
        deal_services.expire_deal(deal_id=deal.pk)
    assert _receipt(rejected, "rejected").body["reason"] == "review_rejected"
    assert _receipt(deal, "extended").body["outcome"] == "approved"
    assert _receipt(deal, "expired").body["outcome"] == "expired"


def test_a_declined_extension_and_a_direct_deal_get_no_receipt(
    managed, partner_user, channel_manager, django_capture_on_commit_callbacks
):
    deal = DealFactory(partner=managed, registered_by=partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        deal_services.request_extension(deal=deal, actor=partner_user)
        deal_services.decide_extension(deal=deal, actor=channel_manager, approve=False)
    assert not Receipt.objects.filter(deal=deal).exists()
    direct = DealFactory(partner=None, source="direct", registered_by=channel_manager)
    with pytest.raises(ValueError):
        issue_receipt(deal=direct, kind="approved")


# --- verifying ---------------------------------------------------------------------------------------


def test_a_receipt_altered_by_one_byte_fails_verification(approved, api_client):
    envelope = _receipt(approved, "approved").envelope
    assert api_client.post(VERIFY, envelope, format="json").json() == {"valid": True}
    raw = json.dumps(envelope).encode()
    position = raw.index(b'"customer_key_sha256": "') + len(b'"customer_key_sha256": "')
    altered = raw[:position] + bytes([raw[position] ^ 0x01]) + raw[position + 1 :]  # one hex digit, still JSON
    assert len(altered) == len(raw) and altered != raw
    response = api_client.post(VERIFY, altered, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"valid": False}
    # The signature altered by one character fails too.
    forged = copy.deepcopy(envelope)
    value = forged["signature"]["value"]
    forged["signature"]["value"] = ("A" if value[0] != "A" else "B") + value[1:]
    assert api_client.post(VERIFY, forged, format="json").json() == {"valid": False}


def test_the_check_says_nothing_more_than_valid(approved, api_client):
    response = api_client.post(VERIFY, _receipt(approved, "approved").envelope, format="json")
    assert response.json() == {"valid": True}
    for body in ({}, {"receipt": "x"}, {"receipt": {}, "signature": {"alg": "RS256", "kid": "test-1", "value": "x"}}):
        assert api_client.post(VERIFY, body, format="json").json() == {"valid": False}


@pytest.mark.parametrize("body", ['["a list"]', '"text"', "42", "not json", '{"receipt": ' * 5000])
def test_a_body_that_is_not_a_json_object_is_a_400(api_client, body):
    response = api_client.post(VERIFY, body, content_type="application/json")
    assert response.status_code == 400


def test_the_check_is_throttled_per_address(approved, api_client):
    from django.conf import settings

    framework = settings.REST_FRAMEWORK
    rates = {**framework["DEFAULT_THROTTLE_RATES"], "receipt_verify": "2/min"}
    with override_settings(REST_FRAMEWORK={**framework, "DEFAULT_THROTTLE_RATES": rates}):
        codes = [api_client.post(VERIFY, {}, format="json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_receipt_signed_with_a_rotated_key_still_verifies(approved, api_client, channel_manager, settings):
    old = _receipt(approved, "approved")
    assert old.kid == "test-1"
    settings.SIGNING_KEYS = [KEY_B]  # key A's private half is gone from the environment
    signing.reset_cache()
    call_command("signing_keys", "retire", "test-1")
    assert SigningKey.objects.get(kid="test-1").retired_at is not None
    assert api_client.post(VERIFY, old.envelope, format="json").json() == {"valid": True}
    new = issue_receipt(deal=approved, kind="approved")
    assert new.kid == "test-2"
    assert verify_envelope(new.envelope)
    keys = {k["kid"] for k in api_client.get("/.well-known/jwks.json").json()["keys"]}
    assert keys == {"test-1", "test-2"}


def test_a_receipt_verifies_offline_with_the_published_jwk(approved, client):
    jwks = client.get("/.well-known/jwks.json").json()
    receipt = _receipt(approved, "approved").envelope
    jwk = next(k for k in jwks["keys"] if k["kid"] == receipt["signature"]["kid"])
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(pad(jwk["x"])))
    data = rfc8785.dumps(receipt["receipt"])  # RFC 8785 (JCS), as docs/receipts.md's offline check does
    key.verify(base64.urlsafe_b64decode(pad(receipt["signature"]["value"])), data)  # raises if invalid


def test_a_receipt_whose_numbers_are_written_differently_is_still_valid(approved, api_client, client):
    # Under RFC 8785 1069, 1069.0 and 1.069e3 are the same number: a JSON tool that rewrites them has not
    # tampered with anything. Changing the number itself still is tampering.
    envelope = _receipt(approved, "approved").envelope
    raw = json.dumps(envelope)
    deal_id = f'"deal_id": {approved.pk}'
    assert raw.count(deal_id) == 1
    for written in (f"{approved.pk}.0", f"{approved.pk / 1000}e3", f"{approved.pk}.000"):
        body = raw.replace(deal_id, f'"deal_id": {written}')
        assert api_client.post(VERIFY, body, content_type="application/json").json() == {"valid": True}, written
    body = raw.replace(deal_id, f'"deal_id": {approved.pk}.0').replace('"format": 1,', '"format": 1.0,')
    assert '"format": 1.0,' in body
    page = client.post("/receipts/verify/", {"receipt": body})
    assert b"Valid" in page.content and b"Tampered" not in page.content
    changed = raw.replace(deal_id, f'"deal_id": {approved.pk + 1}.0')
    assert api_client.post(VERIFY, changed, content_type="application/json").json() == {"valid": False}


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e400", str(2**53 + 1)])
def test_numbers_jcs_cannot_represent_are_not_valid_and_not_an_error(approved, api_client, client, number):
    envelope = _receipt(approved, "approved").envelope
    raw = json.dumps(envelope).replace(f'"deal_id": {approved.pk}', f'"deal_id": {number}')
    response = api_client.post(VERIFY, raw, content_type="application/json")
    assert response.status_code in (200, 400)
    assert response.status_code == 400 or response.json() == {"valid": False}
    page = client.post("/receipts/verify/", {"receipt": raw})
    assert page.status_code == 200 and b"Tampered" in page.content


# --- pages -------------------------------------------------------------------------------------------


def test_the_public_page_says_valid_or_tampered(approved, client):
    envelope = _receipt(approved, "approved").envelope
    page = client.get("/receipts/verify/")
    assert page.status_code == 200
    response = client.post("/receipts/verify/", {"receipt": json.dumps(envelope)})
    assert b'data-testid="verify-result"' in response.content and b"Valid" in response.content
    envelope["receipt"]["outcome"] = "rejected"
    response = client.post("/receipts/verify/", {"receipt": json.dumps(envelope)})
    assert b"Tampered" in response.content
    assert "Acme" not in response.content.decode().split("<main")[-1].split("</form>")[-1]


def test_the_public_page_takes_an_uploaded_file(approved, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw = json.dumps(_receipt(approved, "approved").envelope).encode()
    upload = SimpleUploadedFile("receipt.json", raw, content_type="application/json")
    response = client.post("/receipts/verify/", {"file": upload})
    assert b"Valid" in response.content


def test_the_partner_downloads_json_and_pdf(approved, client_for, partner_user, django_assert_max_num_queries):
    receipt = _receipt(approved, "approved")
    client = client_for(partner_user)
    with django_assert_max_num_queries(8):
        response = client.get(f"/receipts/{receipt.uuid}.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert verify_envelope(json.loads(response.content))
    pdf = client.get(f"/receipts/{receipt.uuid}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_partner_gets_404_and_anonymous_the_login(approved, client_for, other_partner_user, client):
    receipt = _receipt(approved, "approved")
    assert client.get(f"/receipts/{receipt.uuid}.json").status_code == 302
    other = client_for(other_partner_user)
    assert other.get(f"/receipts/{receipt.uuid}.json").status_code == 404
    assert other.get(f"/receipts/{receipt.uuid}.pdf").status_code == 404


def test_the_deal_page_lists_its_receipts(approved, client_for, partner_user, channel_manager):
    response = client_for(partner_user).get(f"/deals/{approved.pk}/")
    assert response.status_code == 200
    assert response.content.count(b'data-testid="receipt-row"') == 2
    assert client_for(channel_manager).get(f"/deals/{approved.pk}/").content.count(b'data-testid="receipt-row"') == 2


# --- API ---------------------------------------------------------------------------------------------


def test_the_api_lists_a_deals_receipts(approved, api_for, partner_user, finance_user, django_assert_max_num_queries):
    api = api_for(partner_user)
    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/receipts/?deal={approved.pk}")
    assert response.status_code == 200
    assert response.json()["count"] == 2
    item = response.json()["results"][0]
    assert verify_envelope(item["envelope"])
    assert api.get(f"/api/v1/receipts/{item['uuid']}/").status_code == 200
    assert api_for(finance_user).get(f"/api/v1/receipts/?deal={approved.pk}").json()["count"] == 2


def test_the_api_gives_another_partner_404(approved, api_for, other_partner_user, api_client):
    receipt = _receipt(approved, "approved")
    api = api_for(other_partner_user)
    assert api.get(f"/api/v1/receipts/{receipt.uuid}/").status_code == 404
    assert api.get(f"/api/v1/receipts/?deal={approved.pk}").status_code == 404
    assert api.get("/api/v1/receipts/").json()["count"] == 0
    assert api.get("/api/v1/receipts/?deal=abc").status_code == 400
    assert api_client.get("/api/v1/receipts/").status_code == 401


# --- keys --------------------------------------------------------------------------------------------


def test_did_document_publishes_multikeys(client):
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    doc = response.json()
    assert doc["id"] == "did:web:127.0.0.1%3A8000"
    method = doc["verificationMethod"][0]
    assert method["id"] == doc["id"] + "#test-1" and method["type"] == "Multikey"
    raw = signing.base58btc_decode(method["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"
    assert raw[2:] == signing.key_ring()[0].public_bytes


def test_base58btc_round_trips():
    for data in (b"", b"\0\0abc", bytes(range(40)), b"hello world"):
        assert signing.base58btc_decode(signing.base58btc(data)) == data
    assert signing.base58btc(b"hello world") == "StV1DL6CwTryKyV"


def test_signing_keys_command_generates_publishes_and_lists(capsys):
    call_command("signing_keys", "generate", "k-9")
    entry = capsys.readouterr().out.strip()
    assert signing.parse_entry(entry).kid == "k-9"
    call_command("signing_keys", "publish")
    call_command("signing_keys", "list")
    assert "test-1" in capsys.readouterr().out


def test_a_deploy_check_warns_without_signing_keys(settings):
    from receipts.checks import signing_keys_configured

    settings.DEBUG, settings.SIGNING_KEYS = False, []
    assert [w.id for w in signing_keys_configured()] == ["receipts.W001"]
    settings.SIGNING_KEYS = [KEY_B]
    assert signing_keys_configured() == []


def test_the_demo_backfills_receipts_for_the_demo_partners(partner, partner_user):
    import io as _io

    from demo import receipts as receipts_demo

    partner.external_crm_id = "DEMO-ACME"
    partner.save()
    deal = DealFactory(partner=partner, registered_by=partner_user)
    out = _io.StringIO()
    receipts_demo.seed(seed=1, partners=0, stdout=out)
    receipts_demo.seed(seed=1, partners=0, stdout=out)
    receipt = Receipt.objects.get(deal=deal)
    assert receipt.kind == "approved" and verify_envelope(receipt.envelope)


def _pdf_text(content: bytes) -> str:
    """The text drawn on the pages of a reportlab PDF: every content stream, ASCII85 and Flate decoded."""
    import base64
    import re
    import zlib

    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\n?endstream", content, re.S):
        stream = stream.strip()
        if stream.endswith(b"~>"):
            stream = base64.a85decode(stream, adobe=True)
        try:
            stream = zlib.decompress(stream)
        except zlib.error:
            pass
        texts.append(stream.decode("latin-1"))
    return "\n".join(texts).replace("\\(", "(").replace("\\)", ")")


def test_the_pdf_reads_like_a_receipt_and_its_qr_code_opens_the_verification_page(
    approved, client_for, partner_user, settings, monkeypatch
):
    from prm.formatting import money
    from receipts import documents

    settings.SITE_URL = "http://127.0.0.1:8101"
    drawn = []
    real_qr = documents._qr
    monkeypatch.setattr(documents, "_qr", lambda pdf, value, *args: drawn.append(value) or real_qr(pdf, value, *args))
    receipt = _receipt(approved, "approved")
    response = client_for(partner_user).get(f"/receipts/{receipt.uuid}.pdf")
    text = _pdf_text(response.content)
    approved.refresh_from_db()
    for label in ("Customer", "Amount", "Decision", "Protected until", "Rules of engagement version", "Issued at"):
        assert f"({label}) Tj" in text, label
    assert approved.customer_name in text
    assert money(approved.amount, approved.currency) in text
    assert "Approved" in text
    assert str(receipt.uuid) in text
    assert approved.partner.name in text
    assert drawn == ["http://127.0.0.1:8101/receipts/verify/"]
    assert "http://127.0.0.1:8101/receipts/verify/" in text  # and written out beside it
