"""The shared export writer (prm/exports.py, docs/exports.md): numbers stay numbers, text that could run as a
formula is guarded, moments to the second with their offset, the Excel CSV dialect and XLSX."""

import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation
from openpyxl import load_workbook

from prm import exports

COLUMNS = [("Name", "name"), ("Amount", "amount"), ("When", "when"), ("Day", "day"), ("Note", "note")]
MOMENT = timezone.make_aware(datetime.datetime(2026, 3, 1, 14, 5, 9, 123456), datetime.UTC)
ROWS = [
    SimpleNamespace(
        name='=HYPERLINK("http://evil")',
        amount=Decimal("-1234.50"),
        when=MOMENT,
        day=datetime.date(2026, 3, 1),
        note="-1234.50",
    ),
    SimpleNamespace(name="@SUM(A1)", amount=Decimal("99.99"), when=None, day=None, note="+cmd|' /C calc'!A0"),
    SimpleNamespace(name="\tTab", amount=7, when=MOMENT, day=None, note="-x"),
]


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8")


def rows(text: str, delimiter=","):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_negative_numbers_stay_numbers_and_formula_text_is_still_guarded():
    table = rows(body(exports.csv_response("x.csv", COLUMNS, ROWS)))
    assert table[1][1] == "-1234.50"
    assert table[1][4] == "-1234.50"  # text that is a valid number is not prefixed either
    assert table[1][0] == '\'=HYPERLINK("http://evil")'
    assert table[2][0] == "'@SUM(A1)"
    assert table[2][4] == "'+cmd|' /C calc'!A0"
    assert table[3][0] == "'\tTab"
    assert table[3][4] == "'-x"
    assert exports.guard("-12e3") == "-12e3"
    assert exports.guard("-") == "'-"


def test_moments_have_no_microseconds_and_carry_their_offset(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    with timezone.override("Europe/Berlin"):
        table = rows(body(exports.csv_response("x.csv", COLUMNS, ROWS)))
    assert table[1][2] == "2026-03-01T15:05:09+01:00"
    assert table[1][3] == "2026-03-01"
    assert "." not in table[1][2]


def test_the_excel_dialect_writes_a_bom_semicolons_and_decimal_commas():
    text = body(exports.csv_response("x.csv", COLUMNS, ROWS, dialect="excel"))
    assert text.startswith("\ufeffName;Amount;When;Day;Note\r\n")
    table = rows(text, delimiter=";")
    assert table[1][1] == "-1234,50"
    assert table[1][0].startswith("'=")


@pytest.mark.parametrize(("language", "delimiter", "bom"), [("en", ",", False), ("es", ";", True), ("de", ";", True)])
def test_the_csv_dialect_follows_the_readers_language_and_can_be_chosen(language, delimiter, bom):
    factory = RequestFactory()
    with translation.override(language):
        default = body(exports.export_response(factory.get("/", {"export": "csv"}), "x.csv", COLUMNS, ROWS))
        chosen = body(
            exports.export_response(factory.get("/", {"export": "csv", "dialect": "comma"}), "x.csv", COLUMNS, ROWS)
        )
    assert default.startswith("\ufeff") is bom
    assert default.lstrip("\ufeff").startswith(f"Name{delimiter}Amount")
    assert chosen.startswith("Name,Amount")


def test_xlsx_opens_with_openpyxl_with_numbers_as_numbers_and_formulas_as_text():
    response = exports.export_response(RequestFactory().get("/", {"export": "xlsx"}), "list-2026.csv", COLUMNS, ROWS)
    assert response["Content-Disposition"] == 'attachment; filename="list-2026.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Name", "Amount", "When", "Day", "Note"]
    assert values[1][1] == -1234.5 and isinstance(values[1][1], int | float)
    assert values[1][4] == -1234.5  # a number written as text is a number cell too
    assert values[3][1] == 7
    assert values[1][0] == '=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=1).data_type == "s"  # a literal string, not a formula
    assert values[1][2] == datetime.datetime(2026, 3, 1, 14, 5, 9)  # portal time (UTC here), no microseconds
    assert values[1][3] == datetime.datetime(2026, 3, 1)
