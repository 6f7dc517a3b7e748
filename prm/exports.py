"""The one writer behind every list export (docs/exports.md): CSV in two dialects and an Excel workbook.

- CSV: UTF-8, comma separated (the default in English).
- CSV for Excel: UTF-8 with a byte-order mark, `;` between cells and a decimal comma in numbers, which
  Excel in Spanish and German opens in columns, numbers as numbers (the default for es/de readers; both
  dialects are offered on every list).
- XLSX (openpyxl): numbers are numeric cells, dates and moments are date cells.

Every format guards against formula injection: a text cell starting with = + - @, tab or carriage return is
prefixed with ' (CSV) or stored as a literal string (XLSX). A valid number, `-1234.50` included, is a number
and never prefixed. Moments are ISO 8601 to the second with their offset (`2026-03-01T14:05:09+01:00`).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from operator import attrgetter

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# Languages whose spreadsheets expect `;` between cells (the decimal sign is a comma there).
EXCEL_CSV_LANGUAGES = ("es", "de")
FORMATS = ("csv", "xlsx")
DIALECTS = ("comma", "excel")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_number_text(text: str) -> bool:
    return bool(NUMBER.match(text))


def guard(text: str) -> str:
    """Text a spreadsheet could run as a formula gets a leading '; numbers stay as they are."""
    if text[:1] in FORMULA_STARTS and not is_number_text(text):
        return "'" + text
    return text


def moment_text(value: datetime.datetime) -> str:
    """An aware moment to the second with its offset, in the portal's time zone."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value).isoformat(timespec="seconds")


def cell_text(value, *, decimal_comma: bool = False) -> str:
    """One CSV cell: empty for None, numbers and dates as they are, text guarded. With `decimal_comma` a
    number is written `-1234,50` (what Excel in Spanish and German reads as a number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return str(value).replace(".", ",") if decimal_comma else str(value)
    if isinstance(value, datetime.datetime):
        return moment_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return guard(str(value))


def default_dialect(language: str | None = None) -> str:
    code = (language or translation.get_language() or "en").split("-")[0].lower()
    return "excel" if code in EXCEL_CSV_LANGUAGES else "comma"


def _getters(columns):
    return [(str(header), accessor if callable(accessor) else attrgetter(accessor)) for header, accessor in columns]


def _value(getter, row):
    try:
        value = getter(row)
        if callable(value):
            value = value()
    except AttributeError:
        return None
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, columns, rows, *, dialect: str = "comma") -> StreamingHttpResponse:
    """Stream rows as CSV. `columns` is a list of (header, accessor): a dotted attribute or a callable.
    `dialect` "excel" writes a byte-order mark, `;` between cells and a decimal comma in numbers."""
    getters = _getters(columns)
    excel = dialect == "excel"

    def generate():
        writer = csv.writer(_Echo(), delimiter=";" if excel else ",")
        if excel:
            yield "\ufeff"
        yield writer.writerow([header for header, _ in getters])
        for row in rows:
            yield writer.writerow([cell_text(_value(getter, row), decimal_comma=excel) for _, getter in getters])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_value(value):
    """(value, number format or None, literal text?) of one workbook cell."""
    if value is None:
        return None, None, False
    if isinstance(value, bool):
        return str(value), None, False
    if isinstance(value, int | float | Decimal):
        return value, None, False
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.replace(microsecond=0), "yyyy-mm-dd hh:mm:ss", False
    if isinstance(value, datetime.date):
        return value, "yyyy-mm-dd", False
    text = str(value)
    if is_number_text(text):
        return Decimal(text), None, False
    return text, None, True


def xlsx_bytes(columns, rows, *, title: str = "Export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    getters = _getters(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    sheet.append([header for header, _ in getters])
    for row in rows:
        cells = []
        for _, getter in getters:
            value, number_format, literal = _xlsx_value(_value(getter, row))
            cell = WriteOnlyCell(sheet, value=value)
            if literal:
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if number_format:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, columns, rows) -> HttpResponse:
    name = filename.rsplit(".", 1)[0] + ".xlsx"
    response = HttpResponse(xlsx_bytes(columns, rows, title=name.rsplit(".", 1)[0][:31]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def wants_export(request) -> bool:
    return request.GET.get("export") in FORMATS


def export_response(request, filename: str, columns, rows):
    """`?export=csv` (dialect per the reader's language, `&dialect=comma|excel` to choose) or `?export=xlsx`
    (pages whose `export` names a table take `&format=xlsx`)."""
    if "xlsx" in (request.GET.get("export"), request.GET.get("format")):
        return xlsx_response(filename, columns, rows)
    dialect = request.GET.get("dialect")
    if dialect not in DIALECTS:
        dialect = default_dialect()
    return csv_response(filename, columns, rows, dialect=dialect)
