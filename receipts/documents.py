"""The PDF of a registration receipt (reportlab): the decision in words, the signed JSON, and a QR code of the
public verification page."""

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


def verify_page_url() -> str:
    return settings.SITE_URL + reverse("receipts:verify")


def _qr(pdf, value: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(value)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def receipt_pdf(receipt) -> bytes:
    """One A4 page (more if the JSON is long): readable fields first, then the exact JSON to verify."""
    body = receipt.body
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Registration receipt %(id)s") % {"id": body.get("id", "")})
    pdf.setAuthor(settings.VENDOR_NAME)
    navy = colors.HexColor("#1f3a5f")
    pdf.setFillColor(navy)
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(2 * cm, height - 2.5 * cm, _("Signed registration receipt"))
    pdf.setFont("Helvetica", 10)
    pdf.setFillColor(colors.black)
    pdf.drawString(2 * cm, height - 3.2 * cm, f"{settings.VENDOR_NAME} · {body.get('issuer', '')}")
    partner = body.get("partner") or {}
    rows = [
        (_("Receipt"), body.get("id")),
        (_("Deal"), f"#{body.get('deal_id')}"),
        (_("Partner"), f"{partner.get('name', '')} (#{partner.get('id', '')})"),
        (_("Decision"), body.get("decision")),
        (_("Outcome"), body.get("outcome") + (f" ({body['reason']})" if body.get("reason") else "")),
        (_("Decided at"), body.get("decided_at")),
        (_("Protected until"), body.get("protected_until") or "—"),
        (_("Rules of engagement version"), body.get("policy_version") or "—"),
        (_("Customer key (SHA-256)"), body.get("customer_key_sha256")),
        (_("Signing key"), receipt.kid),
    ]
    y = height - 4.5 * cm
    for label, value in rows:
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(2 * cm, y, str(label))
        pdf.setFont("Helvetica", 10)
        pdf.drawString(7 * cm, y, str(value))
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
