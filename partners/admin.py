from django.contrib import admin

from partners.models import Partner, Tier, TierChange, TierRequirement


class TierRequirementInline(admin.TabularInline):
    model = TierRequirement
    extra = 0


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "rank", "advisory_board_eligible"]
    inlines = [TierRequirementInline]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "tier", "status", "country", "region", "channel_manager"]
    list_filter = ["partner_type", "tier", "status", "region"]
    search_fields = ["name", "legal_name", "website_domain", "external_crm_id"]
    list_select_related = ["tier", "channel_manager"]
    raw_id_fields = ["channel_manager"]


@admin.register(TierChange)
class TierChangeAdmin(admin.ModelAdmin):
    list_display = ["partner", "from_tier", "to_tier", "kind", "created_at", "changed_by"]
    list_filter = ["kind"]
    raw_id_fields = ["partner", "changed_by"]
    list_select_related = ["partner", "from_tier", "to_tier", "changed_by"]
