"""CSV imports shared by every app: upload checks, parsing, row validation, Celery run, error report.

An app describes one kind of import with an `ImportSpec` (its columns with aliases, a Django form that
validates one row, and `import_row`, which calls the app's service for one row). The framework:

- checks the upload (".csv", UTF-8 with or without BOM, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS) with clear messages;
- parses with tablib (the library django-import-export is built on); headers are matched case-insensitively,
  ignoring spaces, hyphens and underscores, against each column's name and documented aliases;
- runs in Celery (`prm.tasks.run_import`): chunks of IMPORT_PROGRESS_EVERY rows, one transaction per chunk
  and one savepoint per row, so a bad row leaves nothing half-written while good rows go in;
- a dry run does the same work inside one transaction that is rolled back, so cross-row uniqueness is
  checked for real and nothing is written (progress then lives in the cache only);
- records every problem as {"row", "field", "message"}; `row` is the spreadsheet row (the header is row 1);
- serves the report of bad rows as CSV: row, field, message and the row's original cells.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import tablib
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from prm.audit import record_audit
from prm.exceptions import DomainError
from prm.inputs import NUL
from prm.models import ImportJob

log = logging.getLogger(__name__)

# Where each kind's spec lives; imported lazily so a Celery worker finds it without importing views.
SPEC_MODULES = {
    "partners": "partners.imports",
    "deal_history": "deals.history_import",
}
_SPECS: dict[str, ImportSpec] = {}

CREATED, UPDATED, SKIPPED = "created", "updated", "skipped"


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 50_000)


def progress_every() -> int:
    return max(1, getattr(settings, "IMPORT_PROGRESS_EVERY", 200))


# --- describing an import ----------------------------------------------------------------------------


def header_key(text) -> str:
    """'Website Domain', 'website-domain' and 'WEBSITE_DOMAIN' all become 'website_domain'."""
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")


@dataclass(frozen=True)
class Column:
    name: str
    help: str = ""
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be in the header (values are checked by the row form)

    def keys(self) -> set[str]:
        return {header_key(self.name), *(header_key(alias) for alias in self.aliases)}


class ImportRowForm(forms.Form):
    """Validates one row; `context` carries lookups the spec loaded once per job (tiers, managers...)."""

    def __init__(self, *args, context: dict | None = None, **kwargs):
        self.context = context if context is not None else {}
        super().__init__(*args, **kwargs)


@dataclass
class ImportSpec:
    kind: str
    title: str
    columns: tuple[Column, ...]
    row_form: type[ImportRowForm]
    # The named permission an importer needs (e.g. "partners.import"), and the permission layer's
    # `require(user, name, *, standing=True)` that checks it (accounts.access.require: prm sits below accounts).
    permission: str
    require: Callable[..., None]
    sample_rows: list[dict] = field(default_factory=list)

    def prepare(self, *, job: ImportJob) -> dict:
        """Lookups loaded once per run, handed to every row form and `import_row`."""
        return {}

    def import_row(self, *, actor, data: dict, context: dict, row: int) -> str:
        """Write one validated row through the app's service; return CREATED, UPDATED or SKIPPED."""
        raise NotImplementedError

    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def register_import(spec: ImportSpec) -> ImportSpec:
    _SPECS[spec.kind] = spec
    return spec


def get_spec(kind: str) -> ImportSpec:
    if kind not in _SPECS and kind in SPEC_MODULES:
        importlib.import_module(SPEC_MODULES[kind])
    try:
        return _SPECS[kind]
    except KeyError:
        raise ValueError(f"Unknown import kind {kind!r}.") from None


# --- reading the file -----------------------------------------------------------------------------------


def size_label(count: int) -> str:
    if count >= 1_048_576:
        return _("%(size)s MB") % {"size": formats.number_format(round(count / 1_048_576, 1), 1)}
    return _("%(size)s KB") % {"size": max(1, round(count / 1024))}


def _count(number: int) -> str:
    return formats.number_format(number, force_grouping=True)


def read_upload(uploaded) -> str:
    """The uploaded file's text, or a ValidationError that says exactly what is wrong with it."""
    name = getattr(uploaded, "name", "") or ""
    if not name.lower().endswith(".csv"):
        suffix = name.rsplit(".", 1)[-1] if "." in name else ""
        if suffix:
            raise ValidationError(
                _("Upload a .csv file (this is a .%(suffix)s file). In a spreadsheet, use Save as > CSV UTF-8.")
                % {"suffix": suffix}
            )
        raise ValidationError(_("Upload a .csv file. In a spreadsheet, use Save as > CSV UTF-8."))
    limit = max_bytes()
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
            % {"size": size_label(uploaded.size), "limit": size_label(limit)}
        )
    raw = uploaded.read()
    if not raw.strip():
        raise ValidationError(_("The file is empty."))
    return decode_csv(raw)


# A NUL byte in a cell is kept as U+FFFD (the Unicode replacement character): PostgreSQL cannot store NUL in
# the job's text, and the row and column of the bad cell must survive until the row is checked.
NUL_MARK = "\ufffd"


def decode_csv(raw: bytes) -> str:
    """The text of an uploaded CSV (UTF-8, with or without BOM), or a ValidationError. A NUL in the header
    line means the file is not a UTF-8 CSV at all (UTF-16 "Unicode text" has one after every letter); NULs
    further down are cells that `unreadable_cells` reports with their row and column (docs/inputs.md)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text. In a spreadsheet, use Save as > CSV UTF-8.")) from None
    if NUL in text.split("\n", 1)[0]:
        raise ValidationError(_("The file is not text (it contains NUL bytes). Upload a CSV file."))
    return mark_nul_cells(text)


def mark_nul_cells(text: str) -> str:
    """The CSV text with each NUL replaced by NUL_MARK, so it can be stored and its cells reported."""
    return text.replace(NUL, NUL_MARK)


def unreadable_cells(values: dict) -> dict[str, list[str]]:
    """{column: [message]} for each cell that held a NUL byte."""
    message = _("This cell contains a NUL byte (U+0000), which is not allowed. Remove it and upload the row again.")
    return {name: [message] for name, value in values.items() if NUL_MARK in str(value or "")}


@dataclass
class ParsedFile:
    headers: list[str]  # as written in the file
    mapping: dict[int, str]  # header position -> column name
    ignored: list[str]  # headers that match no column
    rows: list[tuple[int, dict, list]]  # (spreadsheet row, {column: value}, original cells)


def _dataset(text: str) -> tablib.Dataset:
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many European locales save CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    dataset = tablib.Dataset()
    try:
        dataset.load(text, format="csv", delimiter=delimiter)
    except tablib.InvalidDimensions:
        raise ValidationError(
            _("Row %(row)s has more cells than the header has columns; quote values that contain the separator.")
            % {"row": len(dataset) + 2}
        ) from None
    except Exception as error:  # the csv module raises several kinds for malformed input
        raise ValidationError(_("Not a readable CSV file: %(error)s") % {"error": error}) from None
    return dataset


def parse_csv(text: str, spec: ImportSpec) -> ParsedFile:
    """Map the header onto the spec's columns and return the data rows (raises ValidationError)."""
    if not text.strip():
        raise ValidationError(_("The file is empty."))
    dataset = _dataset(text)
    headers = [str(h or "").strip() for h in (dataset.headers or [])]
    lookup = {key: column.name for column in spec.columns for key in column.keys()}
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    for position, header in enumerate(headers):
        name = lookup.get(header_key(header))
        if name is None:
            if header:
                ignored.append(header)
        elif name in mapping.values():
            raise ValidationError(_("The column '%(name)s' appears twice in the header.") % {"name": name})
        else:
            mapping[position] = name
    missing = [c.name for c in spec.columns if c.required and c.name not in mapping.values()]
    if missing:
        raise ValidationError(
            _("Missing column(s): %(missing)s. The first row must name the columns: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(spec.column_names())}
        )
    if not len(dataset):
        raise ValidationError(_("The file has a header but no rows."))
    if len(dataset) > max_rows():
        raise ValidationError(
            _("The file has %(count)s rows; the limit is %(limit)s. Split it.")
            % {"count": _count(len(dataset)), "limit": _count(max_rows())}
        )
    rows = []
    for index, cells in enumerate(dataset):
        cells = ["" if value is None else str(value) for value in cells]
        values = {name: "" for name in spec.column_names()}
        values.update({name: cells[position].strip() for position, name in mapping.items()})
        rows.append((index + 2, values, cells))
    return ParsedFile(headers=headers, mapping=mapping, ignored=ignored, rows=rows)


# --- services ---------------------------------------------------------------------------------------------


def start_import(*, actor, kind: str, content: str, file_name: str = "", dry_run: bool = False) -> ImportJob:
    """Check the file (columns, row limit) and queue the job; the caller enqueues `prm.tasks.run_import`."""
    spec = get_spec(kind)
    spec.require(actor, spec.permission)
    parsed = parse_csv(content, spec)
    return ImportJob.objects.create(
        kind=kind,
        uploaded_by=actor,
        file_name=file_name[:255],
        content=content,
        dry_run=dry_run,
        total_rows=len(parsed.rows),
    )


def _progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def live_processed_rows(job: ImportJob) -> int:
    """Rows done so far: a dry run's progress is in the cache only (its transaction is rolled back)."""
    if job.is_finished:
        return job.processed_rows
    return max(job.processed_rows, cache.get(_progress_key(job.pk)) or 0)


@dataclass
class _Outcome:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    processed: int = 0
    errors: list = field(default_factory=list)

    def add_errors(self, row: int, error_dict: dict) -> None:
        for name, messages_ in error_dict.items():
            for message in messages_:
                self.errors.append({"row": row, "field": "" if name == "__all__" else name, "message": str(message)})


def _error_dict(error: Exception) -> dict:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return {name: [str(m) for m in ValidationError(errs).messages] for name, errs in error.error_dict.items()}
        return {"__all__": error.messages}
    if isinstance(error, DomainError):
        return {"__all__": [error.message]}
    if isinstance(error, IntegrityError):
        return {"__all__": [_("This row conflicts with a record that already exists.")]}
    return {"__all__": [str(error) or _("Not allowed.")]}


def _run_rows(job: ImportJob, spec: ImportSpec, parsed: ParsedFile, outcome: _Outcome, *, persist_progress: bool):
    context = spec.prepare(job=job)
    chunk = progress_every()
    actor = job.uploaded_by
    for start in range(0, len(parsed.rows), chunk):
        done = _Outcome()  # counted into `outcome` only once the chunk's transaction committed
        with transaction.atomic():
            for row, values, _cells in parsed.rows[start : start + chunk]:
                if unreadable := unreadable_cells(values):
                    done.add_errors(row, unreadable)
                    continue
                form = spec.row_form(data=values, context=context)
                if not form.is_valid():
                    done.add_errors(row, form.errors)
                    continue
                try:
                    with transaction.atomic():  # one savepoint per row: a bad row leaves nothing behind
                        result = spec.import_row(actor=actor, data=form.cleaned_data, context=context, row=row)
                except (ValidationError, DomainError, PermissionDenied, IntegrityError) as error:
                    done.add_errors(row, _error_dict(error))
                    continue
                setattr(done, result, getattr(done, result) + 1)
        outcome.created += done.created
        outcome.updated += done.updated
        outcome.skipped += done.skipped
        outcome.errors += done.errors
        outcome.processed = min(start + chunk, len(parsed.rows))
        cache.set(_progress_key(job.pk), outcome.processed, timeout=6 * 3600)
        if persist_progress:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=outcome.processed)


def run_import(*, job_id: int) -> ImportJob:
    """Run a queued import. Safe to run twice: a finished job is left alone, and specs upsert rows by a key,
    so a rerun after a worker died mid-way rewrites nothing it already wrote."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    ).update(status=ImportJob.Status.RUNNING, processed_rows=0)
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    if not claimed:
        return job
    outcome = _Outcome()
    finish = {"status": ImportJob.Status.DONE}
    try:
        spec = get_spec(job.kind)
        parsed = parse_csv(job.content, spec)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(parsed.rows))
        if job.dry_run:
            with transaction.atomic():
                _run_rows(job, spec, parsed, outcome, persist_progress=False)
                transaction.set_rollback(True)  # a dry run checks everything and writes nothing
        else:
            _run_rows(job, spec, parsed, outcome, persist_progress=True)
    except ValidationError as error:
        finish = {"status": ImportJob.Status.FAILED, "failure": " ".join(error.messages)}
    except Exception as error:
        log.exception("Import %s failed", job.pk)
        finish = {
            "status": ImportJob.Status.FAILED,
            "failure": _(
                "The import stopped at row %(row)s (%(error)s). Rows before it were imported; fix the file and "
                "upload it again (rows already in are updated)."
            )
            % {"row": outcome.processed + 2, "error": type(error).__name__},
        }
    ImportJob.objects.filter(pk=job.pk).update(
        **finish,
        processed_rows=outcome.processed,
        created=outcome.created,
        updated=outcome.updated,
        skipped=outcome.skipped,
        errors=outcome.errors,
        finished_at=timezone.now(),
    )
    cache.delete(_progress_key(job.pk))
    job.refresh_from_db()
    if not job.dry_run and outcome.processed:
        record_audit(
            actor=job.uploaded_by,
            obj=job,
            action=f"import_{job.kind}",
            to_state=job.status,
            changes={"created": job.created, "updated": job.updated, "skipped": job.skipped, "errors": job.error_rows},
        )
    return job


def error_report_rows(job: ImportJob) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the error report: row, field, message, then the row's original cells."""
    try:
        dataset = _dataset(job.content)
        headers = [str(h or "") for h in (dataset.headers or [])]
        cells_by_row = {index + 2: ["" if v is None else str(v) for v in cells] for index, cells in enumerate(dataset)}
    except ValidationError:
        headers, cells_by_row = [], {}
    rows = [
        [str(error["row"]), error["field"], error["message"], *cells_by_row.get(error["row"], [])]
        for error in job.errors
    ]
    return ["row", "field", "message", *headers], rows
