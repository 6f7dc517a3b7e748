from django.contrib import admin

from prm.models import (
    AuditEntry,
    DomainEvent,
    EventHandlerRun,
    IdempotencyRecord,
    Notification,
    NotificationPreference,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model written only by its services (audited, with their checks): the admin shows it, nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):  # the audit trail is append-only
    list_display = ["created_at", "actor_label", "action", "object_label", "from_state", "to_state"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_label", "object_label", "reason"]
    date_hierarchy = "created_at"


# The plain admins of the other shared records, as a table: model -> ModelAdmin options.
PLAIN_ADMINS = {
    DomainEvent: {
        "list_display": ["name", "created_at", "partner", "dispatched_at", "attempts"],
        "list_filter": ["name"],
        "raw_id_fields": ["actor", "partner"],
    },
    EventHandlerRun: {"list_display": ["event", "handler", "completed_at"], "raw_id_fields": ["event"]},
    Notification: {
        "list_display": ["user", "title", "category", "created_at", "read_at", "emailed_at"],
        "list_filter": ["category"],
        "raw_id_fields": ["user", "event"],
    },
    NotificationPreference: {"list_display": ["user", "category", "email"], "raw_id_fields": ["user"]},
    IdempotencyRecord: {
        "list_display": ["user", "key", "method", "path", "status_code", "created_at"],
        "raw_id_fields": ["user"],
        "exclude": ["response_body"],
    },
}
for model, options in PLAIN_ADMINS.items():
    admin.site.register(model, **options)
