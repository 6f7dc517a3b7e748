"""A partner's statement as CSV and PDF (reportlab): the same lines and totals as the page."""

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from prm.views import csv_response

COLUMNS = [
    ("Entry", "pk"),
    ("Earned on", "earned_on"),
    ("Deal", lambda e: e.deal.customer_name if e.deal_id else ""),
    ("Kind", "kind"),
    ("Description", "description"),
    ("Amount", "amount"),
    ("Currency", "currency"),
    ("Status", "status"),
    ("Paid at", "paid_at"),
]


def statement_csv(statement):
    name = f"statement-{statement.partner.pk}-{statement.period.key}.csv"
    return csv_response(name, COLUMNS, statement.lines)


def statement_pdf(statement, *, portal_name: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title="Statement")
    styles = getSampleStyleSheet()
    story = [
        Paragraph(f"{portal_name}: commission statement", styles["Title"]),
        Paragraph(
            f"{_escape(statement.partner.name)} · period {statement.period.key} · {statement.currency}",
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    rows = [["Entry", "Earned", "Deal", "Kind", "Amount", "Status", "Paid"]]
    for line in statement.lines:
        rows.append(
            [
                str(line.pk),
                line.earned_on.isoformat(),
                Paragraph(_escape(line.deal.customer_name if line.deal_id else line.description), styles["BodyText"]),
                line.kind,
                f"{line.amount}",
                line.status,
                line.paid_at.date().isoformat() if line.paid_at else "",
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
            [[label.capitalize(), f"{totals[label]} {statement.currency}"] for label in totals],
            colWidths=[40 * mm, 40 * mm],
            style=[("ALIGN", (1, 0), (1, -1), "RIGHT"), ("FONTSIZE", (0, 0), (-1, -1), 9)],
        )
    )
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
