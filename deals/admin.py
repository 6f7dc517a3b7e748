from django.contrib import admin

from deals.models import Account, AccountImport, DealRegistration, Influence, Lead


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "country", "kind", "direct_owner"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "normalised_name", "domain"]
    raw_id_fields = ["direct_owner"]


@admin.register(DealRegistration)
class DealRegistrationAdmin(admin.ModelAdmin):
    list_display = ["id", "customer_name", "partner", "status", "reason", "amount", "currency", "protected_until"]
    list_filter = ["status", "reason", "source"]
    search_fields = ["customer_name", "customer_domain", "partner__name"]
    raw_id_fields = ["partner", "account", "registered_by", "duplicate_of", "conflict_with", "decided_by"]
    # Status changes go through deals.services (audit rows, events): the admin shows them read-only.
    readonly_fields = ["status", "reason", "protected_until", "extension_status", "match_evidence"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["id", "customer_name", "partner", "status", "accept_by"]
    list_filter = ["status"]
    raw_id_fields = ["partner", "created_by", "deal"]
    readonly_fields = ["status"]


@admin.register(Influence)
class InfluenceAdmin(admin.ModelAdmin):
    list_display = ["deal", "partner", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["deal", "partner", "created_by"]


@admin.register(AccountImport)
class AccountImportAdmin(admin.ModelAdmin):
    list_display = ["id", "file_name", "status", "dry_run", "created", "updated", "created_at"]
    readonly_fields = ["content", "errors"]
