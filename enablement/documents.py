"""The files a certificate comes with: a PNG badge (Pillow) and a PDF certificate (reportlab)."""

import io
import textwrap

from django.conf import settings
from django.utils import translation
from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

KIND_COLOURS = {
    "sales": (31, 58, 95),
    "technical": (47, 102, 144),
    "specialty": (91, 94, 166),
    "developer": (88, 129, 87),
}


def _font(size: int):
    for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _centred(draw, y, text, font, fill):
    width = draw.textlength(text, font=font)
    draw.text(((600 - width) / 2, y), text, font=font, fill=fill)


def badge_png(certificate) -> bytes:
    """A 600 x 600 round badge naming the certification, the vendor and the validity."""
    colour = KIND_COLOURS.get(certificate.certification.kind, (31, 58, 95))
    image = Image.new("RGBA", (600, 600), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 590, 590), fill=(212, 160, 23))
    draw.ellipse((34, 34, 566, 566), fill=colour)
    draw.ellipse((52, 52, 548, 548), outline=(255, 255, 255), width=3)
    white = (255, 255, 255)
    _centred(draw, 110, settings.VENDOR_NAME.upper(), _font(30), white)
    _centred(draw, 150, "CERTIFIED", _font(26), (212, 160, 23))
    lines = textwrap.wrap(certificate.certification.name, width=18)[:3]
    y = 245 - 25 * (len(lines) - 1)
    for line in lines:
        _centred(draw, y, line, _font(40), white)
        y += 52
    valid_until = certificate.expires_at.strftime("%b %Y")
    _centred(draw, 420, f"Valid until {valid_until}", _font(24), white)
    # The badge and the PDF are documents for third parties: always in English, whatever the portal language.
    with translation.override("en"):
        status = certificate.get_current_status_display_text()
    _centred(draw, 460, status, _font(20), (212, 160, 23))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def certificate_pdf(certificate) -> bytes:
    """A landscape A4 certificate with the holder, the dates and a QR code of the public verification page."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{certificate.certification.name} - {certificate.user}")
    pdf.setAuthor(settings.VENDOR_NAME)
    pdf.setStrokeColor(colors.HexColor("#1f3a5f"))
    pdf.setLineWidth(6)
    pdf.rect(1 * cm, 1 * cm, width - 2 * cm, height - 2 * cm)
    pdf.setFillColor(colors.HexColor("#1f3a5f"))
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawCentredString(width / 2, height - 3 * cm, f"{settings.VENDOR_NAME} partner program")
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 5 * cm, "This certifies that")
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 6.7 * cm, str(certificate.user.get_full_name() or certificate.user.email))
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 8 * cm, f"of {certificate.partner.name} has earned the")
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawCentredString(width / 2, height - 9.6 * cm, certificate.certification.name)
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(
        width / 2,
        height - 11.2 * cm,
        f"Issued {certificate.issued_at:%d %B %Y} · valid until {certificate.expires_at:%d %B %Y}",
    )
    pdf.setFont("Helvetica", 10)
    pdf.drawString(2 * cm, 2.4 * cm, f"Verify at {certificate.verify_url}")
    pdf.drawString(2 * cm, 1.8 * cm, f"Verification code {certificate.verification_code}")
    qr = QrCodeWidget(certificate.verify_url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 3.5 * cm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, width - 2 * cm - size, 1.6 * cm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def simple_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A short text PDF (the demo library's collateral)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(2 * cm, height - 2.5 * cm, title[:70])
    y = height - 4 * cm
    pdf.setFont("Helvetica", 11)
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, 95):
            pdf.drawString(2 * cm, y, line)
            y -= 0.55 * cm
        y -= 0.4 * cm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
