"""The direct-accounts import: a CSV of direct customers and opportunities, upserted by domain or name, in
chunks so progress shows; a dry run writes nothing but the report."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from accounts import access
from accounts.models import Role, User
from deals import matching
from deals.customers import create_account, write_account_keys
from deals.models import DIRECT_KINDS, Account, AccountImport, AccountKind
from prm.audit import record_audit
from prm.imports import unreadable_cells

# The users an imported account may name as its direct owner (a selection of data, not a permission).
OWNER_ROLES = (Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN)


IMPORT_COLUMNS = ("name", "domain", "country", "kind", "owner_email")
IMPORT_CHUNK = 500


def parse_import(content: str):
    """Rows of the CSV as dicts (tablib reads it; headers are matched case-insensitively)."""
    import tablib

    text = content.lstrip("\ufeff")
    if not text.strip():
        raise ValidationError({"file": [_("The file is empty.")]})
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception as error:  # tablib raises several kinds for malformed CSV
        raise ValidationError({"file": [_("Not a readable CSV file: %(error)s") % {"error": error}]}) from None
    headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
    missing = [c for c in ("name", "country", "kind") if c not in headers]
    if missing:
        raise ValidationError(
            {
                "file": [
                    _("Missing column(s): %(missing)s. Expected %(expected)s.")
                    % {"missing": ", ".join(missing), "expected": ", ".join(IMPORT_COLUMNS)}
                ]
            }
        )
    return [dict(zip(headers, (str(v or "").strip() for v in row), strict=False)) for row in dataset]


def start_account_import(*, actor, content: str, file_name: str = "", dry_run: bool = False) -> AccountImport:
    access.require(actor, "deals.import_accounts")
    rows = parse_import(content)
    return AccountImport.objects.create(
        uploaded_by=actor, content=content, file_name=file_name[:255], dry_run=dry_run, total_rows=len(rows)
    )


def run_account_import(*, import_id: int) -> AccountImport:
    """Create or update direct accounts row by row, in chunks so progress shows; a dry run writes nothing
    but the report. Safe to run twice: a finished import is left alone, and rows upsert by domain or name."""
    job = AccountImport.objects.get(pk=import_id)
    if job.status == AccountImport.Status.DONE:
        return job
    AccountImport.objects.filter(pk=job.pk).update(status=AccountImport.Status.RUNNING, processed_rows=0)
    rows = parse_import(job.content)
    owners = {u.email.lower(): u for u in User.objects.filter(is_active=True, role__in=OWNER_ROLES)}
    created = updated = 0
    errors: list[dict] = []
    seen: dict[str, str] = {}
    for start in range(0, len(rows), IMPORT_CHUNK):
        with transaction.atomic():
            for number, row in enumerate(rows[start : start + IMPORT_CHUNK], start=start + 2):
                result = _import_row(row, number, owners, errors, seen, write=not job.dry_run)
                created += result == "created"
                updated += result == "updated"
        AccountImport.objects.filter(pk=job.pk).update(processed_rows=min(start + IMPORT_CHUNK, len(rows)))
    AccountImport.objects.filter(pk=job.pk).update(
        status=AccountImport.Status.DONE,
        created=created,
        updated=updated,
        errors=errors,
        processed_rows=len(rows),
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    if not job.dry_run:
        record_audit(
            actor=job.uploaded_by, obj=job, action="import_accounts", changes={"created": created, "updated": updated}
        )
    return job


def _import_row(row, number, owners, errors, seen, *, write: bool) -> str | None:
    row_errors = [(field, message) for field, messages in unreadable_cells(row).items() for message in messages]
    if row_errors:  # a NUL byte in a cell (prm.imports): nothing of the row reaches the database
        errors.extend({"row": number, "field": f, "message": m} for f, m in row_errors)
        return None
    name = row.get("name", "")
    if not name:
        row_errors.append(("name", _("The name is required.")))
    elif len(name) > 200:
        row_errors.append(("name", _("At most 200 characters.")))
    country = row.get("country", "").upper()
    if country not in dict(countries):
        row_errors.append(("country", _("Use a two-letter ISO 3166 country code, e.g. US.")))
    kind = row.get("kind", "").lower()
    if kind not in DIRECT_KINDS and kind not in ("customer", "opportunity"):
        row_errors.append(("kind", _("Use direct_customer or direct_opportunity.")))
    kind = {"customer": AccountKind.DIRECT_CUSTOMER, "opportunity": AccountKind.DIRECT_OPPORTUNITY}.get(kind, kind)
    raw_domain = row.get("domain", "")
    domain = matching.normalise_domain(raw_domain)
    if raw_domain and not domain and raw_domain.lower().split("@")[-1] not in matching.free_mail_domains():
        row_errors.append(("domain", _("Not a web domain.")))
    owner_email = row.get("owner_email", "").lower()
    owner = owners.get(owner_email) if owner_email else None
    if owner_email and owner is None:
        row_errors.append(("owner_email", _("No channel manager or program admin has this e-mail.")))
    if row_errors:
        errors.extend({"row": number, "field": f, "message": m} for f, m in row_errors)
        return None
    normalised = matching.normalise_company_name(name).value
    identity = f"d:{domain}" if domain else f"n:{country}:{normalised}"
    if identity in seen:
        return "updated"
    existing = (
        Account.objects.filter(domain=domain).order_by("id").first()
        if domain
        else Account.objects.filter(country=country, normalised_name=normalised).order_by("id").first()
    )
    seen[identity] = "updated" if existing else "created"
    if not write:
        return seen[identity]
    if existing:
        existing.name, existing.normalised_name, existing.country = name, normalised, country
        existing.kind, existing.direct_owner = kind, owner or existing.direct_owner
        if domain:
            existing.domain = domain
        existing.save()
        write_account_keys(existing)
        return "updated"
    create_account(name=name, domain=domain, country=country, kind=kind, direct_owner=owner)
    return "created"
