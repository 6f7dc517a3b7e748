"""Who may do what in enablement (accounts/access.py: named permissions)."""

from django.utils.translation import gettext_lazy

from accounts import access

access.permission(
    "enablement.learn",
    access.is_partner_user | access.is_internal,
    gettext_lazy("Only partner users and internal users use the learning pages."),
)
access.permission(
    "enablement.enrol",
    access.is_partner_user,
    gettext_lazy("Only partner users enrol in courses."),
)
access.permission(
    "enablement.take_quiz",
    access.is_partner_user,
    gettext_lazy("Only partner users take quizzes."),
)
access.permission(
    "enablement.see_people",
    access.is_partner_admin | access.is_internal,
    gettext_lazy("Only partner admins and internal users see who is certified."),
)
access.permission(
    "enablement.see_partners",
    access.is_internal,
    gettext_lazy("Only internal users see every partner's learners."),
)
access.permission(
    "enablement.author",
    access.is_program_admin,
    gettext_lazy("Only program admins author enablement content."),
)
access.permission(
    "enablement.revoke_certificate",
    access.is_program_admin,
    gettext_lazy("Only program admins revoke certificates."),
)
