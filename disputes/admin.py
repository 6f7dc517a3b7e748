from django.contrib import admin

from disputes.models import Dispute, DisputeFile
from prm.admin import ReadOnlyAdmin


class DisputeFileInline(admin.TabularInline):
    model = DisputeFile
    extra = 0
    fields = ["name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    """Read-only: disputes change through disputes.services (audited), never here."""

    list_display = ["id", "partner", "deal", "status", "opened_at", "due_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["partner__name", "deal__customer_name"]
    inlines = [DisputeFileInline]
