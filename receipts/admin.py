from django.contrib import admin

from receipts.models import Receipt, SigningKey


class ReadOnlyAdmin(admin.ModelAdmin):
    """Signed records: never edited or deleted by hand (a deleted SigningKey would unverify its receipts)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "deal", "partner", "kind", "kid", "created_at"]
    list_filter = ["kind", "kid"]
    search_fields = ["uuid", "deal__id", "partner__name"]
    raw_id_fields = ["deal", "partner"]
    date_hierarchy = "created_at"


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["kid", "algorithm", "public_key", "created_at", "retired_at"]
