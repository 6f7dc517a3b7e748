"""Read-only admin of policy versions and simulations: every write goes through policy.services (pages, API)."""

from django.contrib import admin

from policy.models import PolicySimulation, RoePolicy
from prm.admin import ReadOnlyAdmin


@admin.register(RoePolicy)
class RoePolicyAdmin(ReadOnlyAdmin):
    list_display = ["version", "status", "effective_from", "match_threshold", "possible_match_threshold"]
    list_filter = ["status"]


@admin.register(PolicySimulation)
class PolicySimulationAdmin(ReadOnlyAdmin):
    list_display = ["id", "policy", "status", "done", "total", "changed", "created_at"]
    list_filter = ["status"]
