"""Admin: read-mostly views of funds and their ledgers; every write goes through mdf.services."""

from django.contrib import admin

from mdf.models import ActivityType, Fund, FundEntry, MdfAccrualRate, MdfClaim, MdfRequest, ProofFile
from prm.admin import ReadOnlyAdmin


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["partner", "period", "currency", "status", "accrued", "allocated", "committed", "paid", "available"]
    list_filter = ["status", "period", "currency"]
    search_fields = ["partner__name"]
    list_select_related = ["partner"]


@admin.register(FundEntry)
class FundEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "fund", "kind", "amount", "currency", "reference"]
    list_filter = ["kind"]
    list_select_related = ["fund"]
    raw_id_fields = ["fund", "deal", "request", "claim"]


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "reimbursement_rate", "preapproval_required", "active"]


@admin.register(MdfRequest)
class MdfRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "partner", "title", "status", "requested_amount", "approved_amount", "currency"]
    list_filter = ["status"]
    list_select_related = ["partner"]


@admin.register(MdfClaim)
class MdfClaimAdmin(ReadOnlyAdmin):
    list_display = ["pk", "partner", "status", "claimed_amount", "approved_amount", "currency", "created_at"]
    list_filter = ["status"]
    list_select_related = ["partner"]


@admin.register(ProofFile)
class ProofFileAdmin(ReadOnlyAdmin):
    list_display = ["pk", "claim", "name", "content_type", "size"]


@admin.register(MdfAccrualRate)
class MdfAccrualRateAdmin(admin.ModelAdmin):
    """The MDF accrual rate per tier: what won deals accrue and what the program pages show
    (docs/program-terms.md)."""

    list_display = ["tier", "rate"]
    ordering = ["tier__rank"]
