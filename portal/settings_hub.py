"""The Settings hub (docs/settings.md): one page listing each settings area of the program, each with a line
saying what it holds, and only the areas the user may open (each page still checks its own permission)."""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts import access
from accounts.mixins import PermissionRequiredMixin


@dataclass(frozen=True)
class Area:
    key: str
    title: Promise
    description: Promise
    url_name: str
    permission: str


AREAS = [
    Area(
        "tiers",
        _("Tiers"),
        _("The program's tiers, the requirements a partner must meet for each, and their benefits."),
        "partners:tiers",
        "partners.edit_tiers",
    ),
    Area(
        "tier_review",
        _("Tier review"),
        _("What the quarter's tier review would change, before a program admin applies it."),
        "partners:tier_review_preview",
        "partners.view_tier_review",
    ),
    Area(
        "program",
        _("Recruiting and onboarding"),
        _("The criteria that score applicants and the onboarding checklist of new partners."),
        "partners:program_settings",
        "partners.edit_program_settings",
    ),
    Area(
        "commissions",
        _("Commission plans"),
        _("Plans per partner type with their rules and rates, spiffs and sales contests."),
        "commissions:plans",
        "commissions.view_payouts",
    ),
    Area(
        "mdf",
        _("MDF activity menu"),
        _("The marketing activities partners may fund, how much is reimbursed and what proof is needed."),
        "mdf:activity_menu",
        "mdf.view_program",
    ),
    Area(
        "courses",
        _("Courses"),
        _("Courses, lessons, quizzes, certifications, learning paths and library assets."),
        "enablement:manage_courses",
        "enablement.author",
    ),
    Area(
        "staff",
        _("Users and roles"),
        _("The vendor's staff: invite people, change their role, switch accounts off."),
        "accounts:staff",
        "accounts.view_staff",
    ),
    Area(
        "notifications",
        _("Notification defaults"),
        _("Which kinds of notification reach people by e-mail until they choose for themselves."),
        "accounts:notification_defaults",
        "accounts.edit_notification_defaults",
    ),
]


def areas_for(user) -> list[dict]:
    return [
        {"key": a.key, "title": a.title, "description": a.description, "url": reverse(a.url_name)}
        for a in AREAS
        if access.can(user, a.permission)
    ]


class SettingsHubView(PermissionRequiredMixin, View):
    permission_required = "portal.open_settings"

    def get(self, request):
        return render(request, "portal/settings.html", {"areas": areas_for(request.user)})
