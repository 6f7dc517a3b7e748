"""Organisation data export: everything the portal holds about one partner, as a ZIP of CSV files.

A partner admin downloads their own organisation's data; a program admin may export any partner. Every data
set is read through `Model.objects.visible_to(user)` and then narrowed to the one partner along the model's
TENANT_PATH, so the export can never contain a row the requesting user could not already see. Notifications
and API tokens are personal (their `visible_to` returns only the caller's own rows), so they are read through
the organisation's users as `User.objects.visible_to(user)` returns them.

Secrets never leave: no password hashes, invitation token hashes, API token hashes or webhook secrets
(webhooks are vendor-side and not exported at all). Fields the portal shows only to internal users (CRM id,
match evidence, conflicting deal, internal decision notes) are left out for partner users too.

This module is the framework: the archive, its README and manifest, and the partner's own sections (the
organisation, its users, its lifecycle). Every other app contributes its data sets from its own `exports.py`
with `register_section(name, builder, order=...)`, imported by its AppConfig.ready(); `order` keeps the files
in the archive (and the README's list) in a stable order whatever the order the apps load in.

Size: the ZIP is built in memory (deflated CSV is small: ~10 MB for 100,000 deals). MDF proof files are
included up to ORG_EXPORT_MAX_FILE_BYTES in total (mdf/exports.py); beyond that they are listed in
mdf_proof_files.csv only and the README says so. If exports grow past that, move `export_organisation` into
a Celery task that writes the ZIP to private storage and notify the user (the service is already pure).
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import ApiToken, Invitation, User
from partners.models import (
    AgreementAcceptance,
    JointBusinessPlan,
    OnboardingCompletion,
    Partner,
    PlanCheckIn,
    ReferenceImplementation,
    TierChange,
)
from prm.audit import record_audit
from prm.exports import cell_text, guard
from prm.models import Notification
from prm.tenancy import get_visible_or_404


@dataclass(frozen=True)
class DataSet:
    filename: str
    model: type[models.Model]
    columns: tuple[str, ...]  # lookups for values_list(); the CSV header uses the same names
    internal_columns: tuple[str, ...] = ()  # only in exports made by internal users
    order_by: tuple[str, ...] = ("pk",)


@dataclass
class Export:
    """One export being built: sections write their files through it."""

    user: User
    partner: Partner
    archive: zipfile.ZipFile
    counts: dict[str, int] = field(default_factory=dict)
    skipped_files: int = 0  # files listed in a CSV but not included (size limit or missing from storage)

    def scoped(self, model):
        """The model's rows the user may see (`visible_to`), narrowed to this one partner."""
        return model.objects.visible_to(self.user).filter(**{model.TENANT_PATH: self.partner.pk})

    def write_csv(self, filename: str, header: Iterable[str], rows: Iterable) -> None:
        content, self.counts[filename] = _csv(header, rows)
        self.archive.writestr(filename, content)

    def write_data_sets(self, data_sets: Iterable[DataSet]) -> None:
        for data_set in data_sets:
            columns = data_set.columns + (data_set.internal_columns if access.is_internal(self.user) else ())
            queryset = self.scoped(data_set.model).order_by(*data_set.order_by)
            self.write_csv(data_set.filename, columns, queryset.values_list(*columns).iterator(2000))


Builder = Callable[[Export], None]
_SECTIONS: dict[str, tuple[int, Builder]] = {}


def register_section(name: str, builder: Builder, *, order: int) -> Builder:
    """Add a section to every organisation export: `builder(export)` writes its files through `export`.
    Sections run by ascending `order` (the partner's own sections use 10 and 90)."""
    _SECTIONS[name] = (order, builder)
    return builder


def data_sets_section(*data_sets: DataSet) -> Builder:
    """A section that is only a list of data sets."""

    def build(export: Export) -> None:
        export.write_data_sets(data_sets)

    return build


def sections() -> list[str]:
    return [name for name, _entry in sorted(_SECTIONS.items(), key=lambda item: item[1][0])]


ORGANISATION_DATA_SETS = (
    DataSet(
        "partner.csv",
        Partner,
        (
            "id",
            "name",
            "legal_name",
            "website_domain",
            "partner_type",
            "tier__name",
            "status",
            "country",
            "region",
            "verticals",
            "channel_manager__email",
            "description",
            "phone",
            "address",
            "employee_count",
            "onboarding_progress",
            "joined_at",
            "created_at",
            "updated_at",
        ),
        internal_columns=("external_crm_id", "at_risk_since"),
    ),
    DataSet(
        "users.csv",
        User,
        (
            "id",
            "email",
            "first_name",
            "last_name",
            "role",
            "partner_function",
            "job_title",
            "phone",
            "is_active",
            "date_joined",
            "last_login",
        ),
    ),
    DataSet(
        "invitations.csv",
        Invitation,
        (
            "id",
            "email",
            "role",
            "partner_function",
            "invited_by__email",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ),
    ),
    DataSet(
        "tier_changes.csv",
        TierChange,
        ("id", "from_tier__name", "to_tier__name", "kind", "reason", "changed_by__email", "created_at"),
    ),
    DataSet(
        "agreement_acceptances.csv",
        AgreementAcceptance,
        ("id", "agreement__version", "agreement__title", "user__email", "accepted_at", "ip_address"),
    ),
    DataSet(
        "onboarding.csv",
        OnboardingCompletion,
        ("id", "step__kind", "step__title", "completed_at", "completed_by__email", "source"),
    ),
    DataSet(
        "business_plans.csv",
        JointBusinessPlan,
        (
            "id",
            "period",
            "status",
            "sourced_bookings_target",
            "currency",
            "registered_deals_target",
            "certified_people_target",
            "co_marketing_activities_target",
            "partner_owner__email",
            "vendor_owner__email",
            "notes",
            "created_at",
            "updated_at",
        ),
    ),
    DataSet(
        "business_plan_check_ins.csv",
        PlanCheckIn,
        ("id", "plan_id", "author__email", "note", "co_marketing_activities_done", "created_at"),
    ),
    DataSet(
        "reference_implementations.csv",
        ReferenceImplementation,
        ("id", "customer_name", "description", "completed_on", "recorded_by__email", "created_at"),
    ),
)


def _people(export: Export) -> None:
    """Personal data sets (notifications, API tokens) of the organisation's users."""
    members = export.scoped(User).values("pk")
    notifications = Notification.objects.filter(user__in=members).order_by("pk")
    columns = ("id", "user__email", "category", "title", "body", "url", "created_at", "read_at")
    export.write_csv("notifications.csv", columns, notifications.values_list(*columns).iterator(2000))
    tokens = ApiToken.objects.filter(user__in=members).order_by("pk")
    columns = ("id", "user__email", "name", "scope", "created_at", "last_used_at", "revoked_at")
    export.write_csv("api_tokens.csv", columns, tokens.values_list(*columns).iterator(2000))


register_section("partners", data_sets_section(*ORGANISATION_DATA_SETS), order=10)
register_section("partners.people", _people, order=90)


def _cell(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, dict | list | tuple):
        return guard(json.dumps(value, default=str, sort_keys=True))
    return cell_text(value)  # numbers stay numbers; text that could run as a formula is guarded


def _csv(header, rows) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_cell(value) for value in row])
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def can_export(user, partner) -> bool:
    return access.can(user, "partners.export_organisation", partner)


def export_organisation(*, user, partner=None) -> tuple[str, bytes]:
    """Build the ZIP of `partner` (default: the user's own organisation) and audit the export.

    A partner outside the user's tenancy is a 404 (Http404 from get_visible_or_404); a user who sees the
    partner but may not export it (partner user, channel manager, finance) gets PermissionDenied.
    """
    partner_id = partner.pk if partner is not None else user.partner_id
    partner = get_visible_or_404(Partner, user, pk=partner_id)
    if not can_export(user, partner):
        raise PermissionDenied(_("Only the organisation's partner admin or a program admin can export its data."))

    now = timezone.now()
    archive_buffer = io.BytesIO()
    with zipfile.ZipFile(archive_buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        export = Export(user=user, partner=partner, archive=archive)
        for name in sections():
            _SECTIONS[name][1](export)
        counts, skipped_files = export.counts, export.skipped_files
        archive.writestr("README.txt", _readme(partner, user, now, counts, skipped_files))
        archive.writestr(
            "manifest.json",
            json.dumps(
                {
                    "partner": {"id": partner.pk, "name": partner.name},
                    "generated_at": now.isoformat(),
                    "generated_by": user.email,
                    "row_counts": counts,
                    "proof_files_not_included": skipped_files,
                },
                indent=2,
                sort_keys=True,
            ),
        )

    record_audit(
        actor=user,
        obj=partner,
        action="data_export",
        reason=f"Organisation data export by {user.email}",
        changes={"row_counts": counts, "proof_files_not_included": skipped_files},
    )
    filename = f"{slugify(partner.name) or 'partner'}-{partner.pk}-export-{now:%Y%m%d-%H%M%S}.zip"
    return filename, archive_buffer.getvalue()


def _readme(partner, user, now, counts, skipped_files) -> str:
    lines = [
        _("Data export of %(partner)s (partner #%(id)s)") % {"partner": partner.name, "id": partner.pk},
        _("Generated %(when)s UTC for %(email)s.") % {"when": f"{now:%Y-%m-%d %H:%M}", "email": user.email},
        "",
        _(
            "One CSV file per data set (UTF-8, comma separated, header row). Amounts are decimals with their "
            "currency in a separate column; times are ISO 8601 in UTC. Cells that start with = + - @ are prefixed "
            "with ' so spreadsheets do not run them as formulas."
        ),
        _("Not included: passwords, invitation and API token secrets, and webhook subscriptions (vendor-side)."),
        "",
        _("Rows per file:"),
        *(f"  {name}: {count}" for name, count in counts.items()),
    ]
    if skipped_files:
        lines += [
            "",
            _(
                "%(count)s MDF proof file(s) are listed in mdf_proof_files.csv but not included (size limit "
                "of the export or missing from storage); download them from the claim pages."
            )
            % {"count": skipped_files},
        ]
    return "\n".join(lines) + "\n"
