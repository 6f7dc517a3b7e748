"""Read-only admin of policy versions and simulations: every write goes through policy.services (pages, API)."""

from django.contrib import admin

from policy.models import PolicySimulation, RoePolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoePolicy)
class RoePolicyAdmin(ReadOnlyAdmin):
    list_display = ["version", "status", "effective_from", "match_threshold", "possible_match_threshold"]
    list_filter = ["status"]


@admin.register(PolicySimulation)
class PolicySimulationAdmin(ReadOnlyAdmin):
    list_display = ["id", "policy", "status", "done", "total", "changed", "created_at"]
    list_filter = ["status"]
