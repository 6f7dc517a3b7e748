"""The PDF of a registration receipt (reportlab): the receipt in words (customer, amount, decision, protected
until, policy version, issued at, partner, receipt id), a QR code of the public verification page, and the
signed JSON, unchanged, for machines (docs/receipts.md)."""

import datetime
import io
import json
import textwrap

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from deals.models import DealStatus
from prm import formatting
from receipts.models import ReceiptKind


def verify_page_url() -> str:
    return settings.SITE_URL + reverse("receipts:verify")


def _qr(pdf, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def _issued_at(body):
    try:
        return datetime.datetime.fromisoformat(body.get("issued_at", "").replace("Z", "+00:00"))
    except ValueError:
        return None


def receipt_fields(receipt) -> list[tuple[str, str]]:
    """The receipt as a person reads it: (label, value) in the reader's language, money and dates through
    prm.formatting. The signed JSON below them in the PDF stays the machine-readable record."""
    body, deal = receipt.body, receipt.deal
    partner = body.get("partner") or {}
    decision = dict(ReceiptKind.choices).get(body.get("decision"), body.get("decision") or "")
    outcome = dict(DealStatus.choices).get(body.get("outcome"), body.get("outcome") or "")
    if body.get("reason"):
        outcome = f"{outcome} ({body['reason']})"
    protected = body.get("protected_until")
    try:
        protected = formatting.day(datetime.date.fromisoformat(protected)) if protected else None
    except ValueError:
        pass
    return [
        (_("Customer"), deal.customer_name),
        (_("Amount"), formatting.money(deal.amount, deal.currency)),
        (_("Decision"), f"{decision}: {outcome}" if outcome else decision),
        (_("Protected until"), protected or formatting.DASH),
        (_("Rules of engagement version"), str(body.get("policy_version") or formatting.DASH)),
        (_("Issued at"), formatting.moment(_issued_at(body)) if _issued_at(body) else formatting.DASH),
        (_("Partner"), partner.get("name", "")),
        (_("Deal"), f"#{body.get('deal_id')}"),
        (_("Receipt ID"), str(body.get("id", ""))),
        (_("Signing key"), receipt.kid),
    ]


def receipt_pdf(receipt) -> bytes:
    """One A4 page (more if the JSON is long): the receipt in words and a QR code of the verification page
    first, then the exact signed JSON to verify."""
    body = receipt.body
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Registration receipt %(id)s") % {"id": body.get("id", "")})
    pdf.setAuthor(settings.VENDOR_NAME)
    navy = colors.HexColor("#1f3a5f")
    pdf.setFillColor(navy)
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(2 * cm, height - 2.5 * cm, _("Deal registration receipt"))
    pdf.setFont("Helvetica", 10)
    pdf.setFillColor(colors.black)
    pdf.drawString(2 * cm, height - 3.2 * cm, f"{settings.VENDOR_NAME} · {body.get('issuer', '')}")
    y = height - 4.5 * cm
    for label, value in receipt_fields(receipt):
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(2 * cm, y, str(label))
        pdf.setFont("Helvetica", 10)
        pdf.drawString(6.5 * cm, y, str(value)[:60])
        y -= 0.6 * cm
    url = verify_page_url()
    _qr(pdf, url, width - 6 * cm, height - 8.5 * cm, 4 * cm)
    y -= 0.4 * cm
    pdf.setFont("Helvetica", 9)
    for line in textwrap.wrap(
        _(
            "Check this receipt at %(url)s (paste the JSON below or upload the .json file), or offline against "
            "the public keys at %(jwks)s."
        )
        % {"url": url, "jwks": settings.SITE_URL + reverse("receipts:jwks")},
        width=100,
    ):
        pdf.drawString(2 * cm, y, line)
        y -= 0.45 * cm
    y -= 0.3 * cm
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(2 * cm, y, _("Signed JSON"))
    y -= 0.5 * cm
    text = json.dumps(receipt.envelope, indent=2, sort_keys=True, ensure_ascii=False)
    pdf.setFont("Courier", 7.5)
    for raw_line in text.splitlines():
        for line in textwrap.wrap(raw_line, width=110, subsequent_indent="    ", drop_whitespace=False) or [""]:
            if y < 1.5 * cm:
                pdf.showPage()
                pdf.setFont("Courier", 7.5)
                y = height - 2 * cm
            pdf.drawString(2 * cm, y, line)
            y -= 0.32 * cm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
