"""Organisation data export (issue 11): everything the portal holds about one partner, as a ZIP of CSV files.

A partner admin downloads their own organisation's data; a program admin may export any partner. Every data
set is read through `Model.objects.visible_to(user)` and then narrowed to the one partner along the model's
TENANT_PATH, so the export can never contain a row the requesting user could not already see. Notifications
and API tokens are personal (their `visible_to` returns only the caller's own rows), so they are read through
the organisation's users as `User.objects.visible_to(user)` returns them.

Secrets never leave: no password hashes, invitation token hashes, API token hashes or webhook secrets
(webhooks are vendor-side and not exported at all). Fields the portal shows only to internal users (CRM id,
match evidence, conflicting deal, internal decision notes) are left out for partner users too.

Size: the ZIP is built in memory (deflated CSV is small: ~10 MB for 100,000 deals). MDF proof files are
included up to ORG_EXPORT_MAX_FILE_BYTES in total (default 50 MB); beyond that they are listed in
mdf_proof_files.csv only and the README says so. If exports grow past that, move `export_organisation` into
a Celery task that writes the ZIP to private storage and notify the user (the service is already pure).
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Invitation, Role, User
from analytics.models import KpiSnapshot, Scorecard
from commissions.models import CommissionEntry, PayoutBatch
from deals.models import DealRegistration, Influence, Lead, LeadReturn
from disputes.models import Dispute
from enablement.models import Certificate, Enrolment, LessonCompletion, QuizAttempt
from mdf.models import Fund, FundEntry, MdfClaim, MdfRequest, ProofFile
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
from prm.models import AuditEntry, Notification
from prm.tenancy import get_visible_or_404
from receipts.models import Receipt

DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class DataSet:
    filename: str
    model: type[models.Model]
    columns: tuple[str, ...]  # lookups for values_list(); the CSV header uses the same names
    internal_columns: tuple[str, ...] = ()  # only in exports made by internal users
    order_by: tuple[str, ...] = ("pk",)


PARTNER_DATA_SETS = (
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
    DataSet(
        "deals.csv",
        DealRegistration,
        (
            "id",
            "source",
            "registered_by__email",
            "customer_name",
            "customer_domain",
            "customer_country",
            "contact_name",
            "contact_email",
            "product",
            "deal_type",
            "amount",
            "currency",
            "expected_close_date",
            "close_date",
            "status",
            "reason",
            "lost_reason",
            "protected_until",
            "duplicate_of_id",
            "extension_status",
            "mdf_request_id",
            "submitted_at",
            "decided_at",
            "created_at",
            "updated_at",
            "external_id",
        ),
        internal_columns=("account_id", "conflict_with_id", "match_evidence", "decision_note"),
    ),
    DataSet(
        "leads.csv",
        Lead,
        (
            "id",
            "customer_name",
            "customer_domain",
            "customer_country",
            "contact_name",
            "contact_email",
            "product",
            "amount",
            "currency",
            "notes",
            "status",
            "assigned_at",
            "accept_by",
            "decline_reason",
            "deal_id",
            "created_at",
        ),
    ),
    DataSet("influences.csv", Influence, ("id", "deal_id", "kind", "note", "created_by__email", "created_at")),
    DataSet(
        "enrolments.csv",
        Enrolment,
        ("id", "user__email", "course_id", "course__title", "status", "enrolled_at", "completed_at"),
    ),
    DataSet(
        "lesson_completions.csv",
        LessonCompletion,
        ("id", "enrolment_id", "lesson_id", "lesson__title", "completed_at"),
    ),
    DataSet(
        "exam_attempts.csv",
        QuizAttempt,
        (
            "id",
            "enrolment_id",
            "enrolment__user__email",
            "quiz__title",
            "attempt_number",
            "started_at",
            "submitted_at",
            "score",
            "passed",
            "timed_out",
        ),
    ),
    DataSet(
        "certificates.csv",
        Certificate,
        (
            "id",
            "certification__name",
            "certification__kind",
            "user__email",
            "verification_code",
            "issued_at",
            "expires_at",
            "status",
            "renewals",
        ),
    ),
    DataSet(
        "mdf_funds.csv",
        Fund,
        (
            "id",
            "period",
            "period_start",
            "period_end",
            "expires_at",
            "currency",
            "status",
            "accrued",
            "allocated",
            "committed",
            "claimed",
            "paid",
            "expired",
            "available",
            "created_at",
        ),
    ),
    DataSet(
        "mdf_fund_entries.csv",
        FundEntry,
        (
            "id",
            "fund_id",
            "kind",
            "amount",
            "currency",
            "reference",
            "note",
            "deal_id",
            "request_id",
            "claim_id",
            "created_by__email",
            "created_at",
        ),
    ),
    DataSet(
        "mdf_requests.csv",
        MdfRequest,
        (
            "id",
            "activity_type__name",
            "title",
            "description",
            "start_date",
            "end_date",
            "total_cost",
            "requested_amount",
            "approved_amount",
            "currency",
            "expected_leads",
            "status",
            "decision_reason",
            "requested_by__email",
            "decided_at",
            "created_at",
        ),
    ),
    DataSet(
        "mdf_claims.csv",
        MdfClaim,
        (
            "id",
            "request_id",
            "actual_cost",
            "claimed_amount",
            "approved_amount",
            "currency",
            "results",
            "leads",
            "attendees",
            "status",
            "decision_reason",
            "payment_reference",
            "submitted_by__email",
            "decided_at",
            "paid_at",
            "created_at",
        ),
    ),
    DataSet(
        "mdf_proof_files.csv",
        ProofFile,
        ("id", "claim_id", "name", "content_type", "size", "uploaded_by__email", "created_at"),
    ),
    DataSet(
        "commission_entries.csv",
        CommissionEntry,
        (
            "id",
            "deal_id",
            "kind",
            "status",
            "rule__name",
            "spiff__name",
            "contest__name",
            "original_id",
            "cycle",
            "period_key",
            "earned_on",
            "base_amount",
            "rate",
            "amount",
            "currency",
            "description",
            "reason",
            "batch_id",
            "approved_at",
            "paid_at",
            "created_at",
        ),
    ),
    DataSet(
        "commission_statements.csv",
        PayoutBatch,
        ("id", "status", "total", "currency", "approved_at", "paid_at", "payment_reference", "created_at"),
    ),
    DataSet(
        "kpi_snapshots.csv",
        KpiSnapshot,
        tuple(
            field.attname
            for field in KpiSnapshot._meta.concrete_fields
            if field.name not in ("partner", "tier", "channel_manager")
        )
        + ("tier__name",),
    ),
    DataSet("scorecards.csv", Scorecard, ("id", "period", "period_start", "total", "criteria", "computed_at")),
    # Issue 12: signed registration receipts (the body and signature verify with the published keys),
    # disputes, and the leads the organisation did not accept in time.
    DataSet("receipts.csv", Receipt, ("uuid", "deal_id", "kind", "body", "kid", "signature", "created_at")),
    DataSet(
        "disputes.csv",
        Dispute,
        ("id", "deal_id", "opened_by__email", "reason", "status", "opened_at", "due_at", "decided_at", "decision_note"),
    ),
    DataSet("lead_returns.csv", LeadReturn, ("id", "lead_id", "assigned_at", "returned_at")),
)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, date | Decimal):
        text = str(value)
    elif isinstance(value, dict | list | tuple):
        text = json.dumps(value, default=str, sort_keys=True)
    else:
        text = str(value)
    # Cells starting with these characters would run as formulas in spreadsheets (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header, rows) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_cell(value) for value in row])
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def _scoped(model, user, partner):
    """The model's rows the user may see (`visible_to`), narrowed to this one partner."""
    return model.objects.visible_to(user).filter(**{model.TENANT_PATH: partner.pk})


def can_export(user, partner) -> bool:
    return user.role == Role.PROGRAM_ADMIN or (
        user.role == Role.PARTNER_ADMIN and user.partner_id is not None and user.partner_id == partner.pk
    )


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
    counts: dict[str, int] = {}
    archive_buffer = io.BytesIO()
    with zipfile.ZipFile(archive_buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for data_set in PARTNER_DATA_SETS:
            columns = data_set.columns + (data_set.internal_columns if user.is_internal else ())
            queryset = _scoped(data_set.model, user, partner).order_by(*data_set.order_by)
            content, counts[data_set.filename] = _csv(columns, queryset.values_list(*columns).iterator(2000))
            archive.writestr(data_set.filename, content)

        # Deal timelines: the audit rows the deal page shows, for this partner's deals only.
        deal_ids = _scoped(DealRegistration, user, partner).values("pk")
        timeline = (
            AuditEntry.objects.visible_to(user)
            .filter(partner_id=partner.pk, content_type__app_label="deals", content_type__model="dealregistration")
            .filter(object_id__in=deal_ids)
            .order_by("object_id", "created_at", "pk")
        )
        columns = ("object_id", "created_at", "actor_label", "action", "from_state", "to_state", "reason")
        content, counts["deal_timeline.csv"] = _csv(
            ("deal_id", *columns[1:]), timeline.values_list(*columns).iterator(2000)
        )
        archive.writestr("deal_timeline.csv", content)

        # Personal data sets (notifications, API tokens) of the organisation's users.
        members = _scoped(User, user, partner).values("pk")
        notifications = Notification.objects.filter(user__in=members).order_by("pk")
        columns = ("id", "user__email", "category", "title", "body", "url", "created_at", "read_at")
        content, counts["notifications.csv"] = _csv(columns, notifications.values_list(*columns).iterator(2000))
        archive.writestr("notifications.csv", content)
        tokens = ApiToken.objects.filter(user__in=members).order_by("pk")
        columns = ("id", "user__email", "name", "scope", "created_at", "last_used_at", "revoked_at")
        content, counts["api_tokens.csv"] = _csv(columns, tokens.values_list(*columns).iterator(2000))
        archive.writestr("api_tokens.csv", content)

        included_files, skipped_files = _add_proof_files(archive, _scoped(ProofFile, user, partner))
        counts["files/mdf_proofs"] = included_files

        readme = _readme(partner, user, now, counts, skipped_files)
        archive.writestr("README.txt", readme)
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


def _add_proof_files(archive, proof_files) -> tuple[int, int]:
    budget = getattr(settings, "ORG_EXPORT_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)
    included = skipped = 0
    for proof in proof_files.order_by("pk").iterator(500):
        if not proof.file or proof.size > budget:
            skipped += 1
            continue
        try:
            with proof.file.open("rb") as handle:
                data = handle.read(budget + 1)
        except OSError:  # the file vanished from storage: listed in the CSV, not in the ZIP
            skipped += 1
            continue
        if len(data) > budget:
            skipped += 1
            continue
        budget -= len(data)
        safe_name = slugify(proof.name.rsplit(".", 1)[0]) or "file"
        extension = proof.name.rsplit(".", 1)[1].lower() if "." in proof.name else "bin"
        archive.writestr(f"files/mdf_proofs/claim-{proof.claim_id}/{proof.pk}-{safe_name}.{slugify(extension)}", data)
        included += 1
    return included, skipped


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
