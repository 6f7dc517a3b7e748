from django.contrib import admin

from prm.admin import ReadOnlyAdmin
from receipts.models import Receipt, SigningKey


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
