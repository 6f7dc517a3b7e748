"""Deals' sections of the organisation export (partners/data_export.py): deals, leads, influences,
returned leads and the deals' timelines."""

from deals.models import CUSTOMER_FIELDS, DealRegistration, Influence, Lead, LeadReturn
from partners.data_export import DataSet, Export, data_sets_section, register_section
from prm.models import AuditEntry

DEAL_DATA_SETS = (
    DataSet(
        "deals.csv",
        DealRegistration,
        (
            "id",
            "source",
            "registered_by__email",
            *CUSTOMER_FIELDS,
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
            *CUSTOMER_FIELDS,
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
)
LEAD_RETURN_DATA_SETS = (DataSet("lead_returns.csv", LeadReturn, ("id", "lead_id", "assigned_at", "returned_at")),)


def _timeline(export: Export) -> None:
    """Deal timelines: the audit rows the deal page shows, for this partner's deals only."""
    deal_ids = export.scoped(DealRegistration).values("pk")
    timeline = (
        AuditEntry.objects.visible_to(export.user)
        .filter(partner_id=export.partner.pk, content_type__app_label="deals", content_type__model="dealregistration")
        .filter(object_id__in=deal_ids)
        .order_by("object_id", "created_at", "pk")
    )
    columns = ("object_id", "created_at", "actor_label", "action", "from_state", "to_state", "reason")
    export.write_csv("deal_timeline.csv", ("deal_id", *columns[1:]), timeline.values_list(*columns).iterator(2000))


register_section("deals", data_sets_section(*DEAL_DATA_SETS), order=20)
register_section("deals.lead_returns", data_sets_section(*LEAD_RETURN_DATA_SETS), order=80)
register_section("deals.timeline", _timeline, order=85)
