"""Django admin of analytics' rollup tables: read-only (the rollup writes them, people never do)."""

from django.contrib import admin

from analytics.models import DirtyPartner, KpiSnapshot, RollupRun
from prm import admin as prm_admin


class ReadOnlyAdmin(prm_admin.ReadOnlyAdmin):
    """Rows cannot be added or changed here, but may be deleted: the next rollup writes them again."""

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(ReadOnlyAdmin):
    list_display = (
        "partner",
        "period",
        "sourced_bookings",
        "influenced_bookings",
        "won_deals",
        "win_rate",
        "computed_at",
    )
    list_filter = ("period_kind", "region", "partner_type", "tier")
    search_fields = ("partner__name", "period")
    list_select_related = ("partner",)
    raw_id_fields = ("partner", "channel_manager")


@admin.register(RollupRun)
class RollupRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "status", "percent", "partners", "rows", "created_at", "finished_at")
    list_filter = ("kind", "status")


@admin.register(DirtyPartner)
class DirtyPartnerAdmin(ReadOnlyAdmin):
    list_display = ("partner", "marked_at")
    raw_id_fields = ("partner",)
