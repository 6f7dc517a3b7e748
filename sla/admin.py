"""Admin: a read-only view of the escalations; they are written only by sla.services."""

from django.contrib import admin

from sla.models import SlaEscalation


@admin.register(SlaEscalation)
class SlaEscalationAdmin(admin.ModelAdmin):
    list_display = ["escalated_at", "kind", "title", "partner", "due_at", "resolved_at"]
    list_filter = ["kind", "resolved_at"]
    search_fields = ["title", "partner__name"]
    list_select_related = ["partner"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
