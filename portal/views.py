"""The pages that join the apps: the landing page, each role's home, the language picker and the audit log."""

import django_filters
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import access
from accounts.mixins import FilteredListView
from accounts.services import set_preferred_language
from partners import program_terms
from partners.models import Tier
from portal import selectors
from prm import inputs, labels
from prm.models import AuditEntry


def landing(request):
    if request.user.is_authenticated:
        return home(request)
    return render(request, "portal/landing.html", program_terms.page_context(Tier.objects.ranked()))


def home(request):
    """Each role's home page, with the panels of the apps it joins."""
    user = request.user
    if access.is_partner_user(user):
        return render(request, "portal/home_partner.html", selectors.partner_home(user))
    if access.is_finance(user):
        return render(request, "portal/home_finance.html", selectors.program_overview(user))
    if access.is_internal(user):
        return render(request, "portal/home_internal.html", selectors.program_overview(user))
    raise PermissionDenied


@require_POST
def set_language(request):
    """The language picker: Django's set_language (cookie, safe `next`), and for a logged-in user the
    choice is saved on the account so notifications and e-mails follow it."""
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        set_preferred_language(user=request.user, language=language)
    return response


# --- Audit log ------------------------------------------------------------------------------------


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        field_name="actor_label", lookup_expr="icontains", label=gettext_lazy("Actor e-mail")
    )
    action = django_filters.CharFilter(lookup_expr="iexact", label=gettext_lazy("Action"))
    object = django_filters.CharFilter(field_name="object_label", lookup_expr="icontains", label=gettext_lazy("Object"))
    content_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.filter(
            app_label__in=[
                "accounts",
                "partners",
                "deals",
                "enablement",
                "mdf",
                "commissions",
                "analytics",
                "prm",
                "integrations",
                "policy",
                "receipts",
                "sla",
                "disputes",
                "fx",
            ]
        ),  # fmt: skip
        label=gettext_lazy("Kind"),
    )
    partner = django_filters.NumberFilter(field_name="partner_id", label=gettext_lazy("Partner id"))
    since = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte", label=gettext_lazy("From"))
    until = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte", label=gettext_lazy("To"))

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "object", "content_type", "partner", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A kind reads as its model's name, not as "app | model" in English (docs/i18n.md).
        self.form.fields["content_type"].label_from_instance = lambda kind: capfirst(labels.model_label(kind))


class AuditLogView(FilteredListView):
    permission_required = "portal.read_audit_log"
    template_name = "portal/audit_log.html"
    filterset_class = AuditFilter
    sort_fields = {"time": "created_at", "action": "action"}
    paginate_by = 50
    export_filename = "audit-log.csv"
    export_columns = [
        ("Time", "created_at"),
        ("Actor", "actor_label"),
        ("Action", "action"),
        ("Kind", "content_type.model"),
        ("Object", "object_label"),
        ("Object id", "object_id"),
        ("From", "from_state"),
        ("To", "to_state"),
        ("Reason", "reason"),
        ("Partner id", "partner_id"),
    ]

    def get_base_queryset(self):
        return AuditEntry.objects.visible_to(self.request.user).select_related("content_type")
