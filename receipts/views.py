"""Receipt downloads (the deal's partner and internal users), the public verification page and the published
keys (/.well-known/jwks.json, /.well-known/did.json)."""

import json
import math

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import access
from accounts.mixins import PermissionRequiredMixin
from prm.tenancy import get_visible_or_404
from receipts import documents, signing
from receipts.models import Receipt
from receipts.services import verify_envelope
from receipts.throttles import ReceiptVerifyThrottle

MAX_RECEIPT_BYTES = 64 * 1024
PUBLIC_CACHE = "public, max-age=3600"


def attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ReceiptDownloadView(PermissionRequiredMixin, View):
    """/receipts/<uuid>.json and .pdf: the deal's partner's users and internal users; others get 404."""

    as_pdf = False

    def get(self, request, uuid):
        access.require(request.user, "receipts.download", standing=False)
        receipt = get_visible_or_404(Receipt.objects.select_related("deal"), request.user, uuid=uuid)
        name = f"receipt-{receipt.deal_id}-{receipt.kind}-{str(receipt.uuid)[:8]}"
        if self.as_pdf:
            return attachment(
                HttpResponse(documents.receipt_pdf(receipt), content_type="application/pdf"), f"{name}.pdf"
            )
        text = json.dumps(receipt.envelope, indent=2, sort_keys=True, ensure_ascii=False)
        return attachment(HttpResponse(text, content_type="application/json; charset=utf-8"), f"{name}.json")


class VerifyForm(forms.Form):
    receipt = forms.CharField(
        label=gettext_lazy("Receipt JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace", "spellcheck": "false"}),
        max_length=MAX_RECEIPT_BYTES,
    )
    file = forms.FileField(
        label=gettext_lazy("…or upload the .json file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".json,application/json"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("receipt") or ""
        if upload is not None:
            if upload.size > MAX_RECEIPT_BYTES:
                raise forms.ValidationError(_("The file is too large to be a receipt."))
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not a JSON receipt.")) from None
        if not text.strip():
            raise forms.ValidationError(_("Paste a receipt or upload its .json file."))
        try:
            cleaned["envelope"] = json.loads(text)
        except (ValueError, RecursionError):
            raise forms.ValidationError(_("This is not JSON: paste the whole receipt file.")) from None
        return cleaned


class VerifyReceiptView(View):
    """Public: anyone holding a receipt learns whether it is valid or tampered, and nothing more."""

    template_name = "receipts/verify.html"

    def get(self, request):
        return render(request, self.template_name, {"form": VerifyForm()})

    def post(self, request):
        form = VerifyForm(request.POST, request.FILES)
        throttle = ReceiptVerifyThrottle()
        if not throttle.allow_request(request, None):
            response = render(request, self.template_name, {"form": form, "throttled": True}, status=429)
            response["Retry-After"] = str(math.ceil(throttle.wait() or 1))
            return response
        result = None
        if form.is_valid():
            result = "valid" if verify_envelope(form.cleaned_data["envelope"]) else "tampered"
        return render(request, self.template_name, {"form": form, "result": result})


def _public_json(data, content_type="application/json"):
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"indent": 2})
    response["Cache-Control"] = PUBLIC_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def jwks(request):
    """Every key that ever signed a receipt or credential (retired ones too: old documents stay verifiable)."""
    keys = [signing.jwk(kid, raw) for kid, raw, _retired in signing.published_keys()]
    return _public_json({"keys": keys}, content_type="application/jwk-set+json")


def did_document(request):
    """did:web document of the portal: one Multikey verification method per published key."""
    did = signing.portal_did()
    methods = [
        {
            "id": f"{did}#{kid}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": signing.public_key_multibase(raw),
        }
        for kid, raw, _retired in signing.published_keys()
    ]
    ids = [m["id"] for m in methods]
    return _public_json(
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": methods,
            "assertionMethod": ids,
            "authentication": ids,
        },
        content_type="application/did+json",
    )
