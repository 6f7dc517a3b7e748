"""A partner's statement as CSV and PDF (reportlab): the same lines and totals as the page."""

import io

from django.utils.translation import gettext, gettext_lazy
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from prm import formatting
from prm.exports import csv_response

COLUMNS = [
    (gettext_lazy("Entry"), "pk"),
    (gettext_lazy("Earned on"), "earned_on"),
    (gettext_lazy("Deal"), lambda e: e.deal.customer_name if e.deal_id else ""),
    (gettext_lazy("Kind"), "kind"),
    (gettext_lazy("Description"), "description"),
    (gettext_lazy("Amount"), "amount"),
    (gettext_lazy("Currency"), "currency"),
    (gettext_lazy("Status"), "status"),
    (gettext_lazy("Paid at"), "paid_at"),
]

# gettext cannot see the headers of the PDF table above through a loop: list them for the catalogue.
_PDF_HEADERS = (
    gettext_lazy("Entry"),
    gettext_lazy("Earned"),
    gettext_lazy("Deal"),
    gettext_lazy("Kind"),
    gettext_lazy("Amount"),
    gettext_lazy("Status"),
    gettext_lazy("Paid"),
)
TOTAL_LABELS = {
    "earned": gettext_lazy("Earned"),
    "approved": gettext_lazy("Approved"),
    "paid": gettext_lazy("Paid"),
    "outstanding": gettext_lazy("Outstanding"),
}


def statement_csv(statement):
    name = f"statement-{statement.partner.pk}-{statement.period.key}.csv"
    return csv_response(name, COLUMNS, statement.lines)


def statement_pdf(statement, *, portal_name: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=gettext("Statement"))
    styles = getSampleStyleSheet()
    story = [
        Paragraph(gettext("%(portal)s: commission statement") % {"portal": portal_name}, styles["Title"]),
        Paragraph(
            gettext("%(partner)s · period %(period)s · %(currency)s")
            % {
                "partner": _escape(statement.partner.name),
                "period": statement.period.key,
                "currency": statement.currency,
            },
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    rows = [[gettext(h) for h in ("Entry", "Earned", "Deal", "Kind", "Amount", "Status", "Paid")]]
    for line in statement.lines:
        rows.append(
            [
                str(line.pk),
                formatting.day(line.earned_on),
                Paragraph(
                    _escape(line.deal.customer_name if line.deal_id else line.shown_description), styles["BodyText"]
                ),
                line.get_kind_display(),
                formatting.money(line.amount, line.currency),
                line.get_status_display(),
                formatting.day(line.paid_at) if line.paid_at else "",
            ]
        )
    table = Table(rows, repeatRows=1, colWidths=[14 * mm, 22 * mm, 60 * mm, 22 * mm, 24 * mm, 18 * mm, 22 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("ALIGN", (4, 1), (4, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    totals = statement.totals
    story.append(
        Table(
            [
                [str(TOTAL_LABELS.get(label, label.capitalize())), formatting.money(totals[label], statement.currency)]
                for label in totals
            ],
            colWidths=[40 * mm, 40 * mm],
            style=[("ALIGN", (1, 0), (1, -1), "RIGHT"), ("FONTSIZE", (0, 0), (-1, -1), 9)],
        )
    )
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
