"""Django admin of commissions. Rates, ledger and payouts change through commissions.services (audit rows,
events, four-eyes), so the admin shows them read-only: a rate change closes the rule and adds its successor,
and a ledger correction is a new entry (clawback or adjustment), never an edit."""

from django.contrib import admin

from commissions.models import (
    CommissionEntry,
    CommissionPlan,
    CommissionRule,
    Contest,
    ContestWinner,
    PayoutBatch,
    Spiff,
)
from prm.admin import ReadOnlyAdmin

# What makes a rule's terms: fixed once the rule exists (effective dating; see services.change_rule_rate).
RULE_TERMS = [
    "kind",
    "rate",
    "flat_amount",
    "currency",
    "billing_months",
    "term_months",
    "min_tier",
    "max_tier",
    "valid_from",
]


class CommissionRuleInline(admin.TabularInline):
    model = CommissionRule
    extra = 0
    fields = ["name", "kind", "rate", "flat_amount", "currency", "min_tier", "max_tier", "valid_from", "valid_to"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CommissionPlan)
class CommissionPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "active", "created_at"]
    list_filter = ["active", "partner_type"]
    search_fields = ["name"]
    inlines = [CommissionRuleInline]


@admin.register(CommissionRule)
class CommissionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "plan",
        "kind",
        "rate",
        "flat_amount",
        "currency",
        "min_tier",
        "max_tier",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["plan", "kind", "currency"]
    search_fields = ["name", "plan__name"]
    list_select_related = ["plan", "min_tier", "max_tier"]
    date_hierarchy = "valid_from"

    def get_readonly_fields(self, request, obj=None):
        # Entries already made point at this rule: its terms never change (the rate page adds a successor).
        return RULE_TERMS if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.entries.exists()


@admin.register(Spiff)
class SpiffAdmin(admin.ModelAdmin):
    list_display = [*Spiff.TERMS, "min_deal_amount", "active"]
    list_filter = ["active", "kind", "currency"]
    search_fields = ["name"]
    date_hierarchy = "starts_on"


class ContestWinnerInline(admin.TabularInline):
    model = ContestWinner
    extra = 0
    raw_id_fields = ["partner"]
    readonly_fields = ["partner", "deals"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "min_deal_amount", "bonus_rate", "currency", "status", "resolved_at"]
    list_filter = ["status", "currency"]
    search_fields = ["name", "period"]
    readonly_fields = ["status", "resolved_at"]  # resolved by the beat job (services.resolve_contest)
    inlines = [ContestWinnerInline]


@admin.register(ContestWinner)
class ContestWinnerAdmin(ReadOnlyAdmin):
    list_display = ["contest", "partner", "deals"]
    list_filter = ["contest"]
    search_fields = ["partner__name", "contest__name"]
    raw_id_fields = ["contest", "partner"]


@admin.register(CommissionEntry)
class CommissionEntryAdmin(ReadOnlyAdmin):
    """The ledger, read-only: corrections are new entries (clawbacks, adjustments on the adjustment page)."""

    list_display = ["id", "partner", "deal", "kind", "status", "earned_on", "amount", "currency", "batch"]
    list_filter = ["status", "kind", "currency", "earned_on"]
    search_fields = ["=id", "partner__name", "deal__customer_name", "description", "reason"]
    raw_id_fields = [
        "partner",
        "deal",
        "rule",
        "spiff",
        "contest",
        "original",
        "batch",
        "created_by",
        "approved_by",
    ]
    list_select_related = ["partner", "deal"]
    date_hierarchy = "earned_on"
    show_full_result_count = False  # the ledger grows to millions of rows


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    """Batches are created, submitted, approved (by a second finance user) and paid on the commission pages."""

    list_display = [
        "id",
        "partner",
        "status",
        "total",
        "currency",
        "created_by",
        "submitted_by",
        "approved_by",
        "paid_at",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["=id", "partner__name", "payment_reference"]
    raw_id_fields = ["partner", "created_by", "submitted_by", "approved_by"]
    list_select_related = ["partner", "created_by", "submitted_by", "approved_by"]
    date_hierarchy = "created_at"
