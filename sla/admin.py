"""Admin: a read-only view of the escalations; they are written only by sla.services."""

from django.contrib import admin

from prm.admin import ReadOnlyAdmin
from sla.models import SlaEscalation


@admin.register(SlaEscalation)
class SlaEscalationAdmin(ReadOnlyAdmin):
    list_display = ["escalated_at", "kind", "title", "partner", "due_at", "resolved_at"]
    list_filter = ["kind", "resolved_at"]
    search_fields = ["title", "partner__name"]
    list_select_related = ["partner"]
