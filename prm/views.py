"""Shared page machinery (list pages, CSV export, service calls from pages), the 403 handler, the health check
and the notification pages."""

import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from prm import inputs, lists, notifications
from prm.exceptions import DomainError
from prm.exports import export_response, wants_export
from prm.models import Notification, NotificationCategory


class AccessMixin(LoginRequiredMixin):
    """Anonymous visitors go to the login page; a logged-in user then passes `check_access`, which raises
    PermissionDenied (403) for a user the page is not for. The permission layer's mixins
    (accounts/mixins.py) fill it in."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.check_access(request)
        return super().dispatch(request, *args, **kwargs)

    def check_access(self, request) -> None:
        """Every logged-in user may open the page unless a subclass says otherwise."""


class ObjectActionView(AccessMixin, View):
    """POST <object>/<action>/: load the object the user may see (404 otherwise), run `do_<action>`, and
    go back to the object's page. Each handler calls one service."""

    http_method_names = ["post"]
    model = None

    def post(self, request, pk, action):
        from prm.tenancy import get_visible_or_404

        obj = get_visible_or_404(self.model, request.user, pk=pk)
        handler = getattr(self, f"do_{action.replace('-', '_')}", None)
        if handler is None:
            raise PermissionDenied
        handler(request, obj)
        return redirect(obj)


class FilteredListView(AccessMixin, ListView):
    """A list page: scoped queryset, django-filter form, pagination, and `?export=csv|xlsx` of the filtered rows
    (prm/exports.py)."""

    paginate_by = 25
    filterset_class = None
    export_columns: list = []
    export_filename = "export.csv"
    # Sortable columns: {"?sort= name": "ORM field"}; `{% sort_header "name" label %}` links them (docs/pages.md).
    sort_fields: dict[str, str] = {}

    def get_base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.sorted(self.filtered(self.get_base_queryset()))

    def filtered(self, queryset):
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        lists.dress_filter_form(self.filterset.form)
        if not self.filterset.is_bound:
            return queryset
        # An invalid filter shows its error beside the field and no rows (never silently all of them).
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()

    def sorted(self, queryset):
        chosen = lists.sort_param(self.request.GET.get("sort", ""), self.sort_fields)
        self.sort = chosen[0] if chosen else ""
        if chosen is None:
            return queryset
        return queryset.order_by(chosen[1], "-pk" if chosen[1].startswith("-") else "pk")

    def get(self, request, *args, **kwargs):
        if wants_export(request) and self.export_columns:
            stamp = timezone.localdate().isoformat()
            name = self.export_filename.replace(".csv", f"-{stamp}.csv")
            return export_response(request, name, self.export_columns, self.get_queryset().iterator(chunk_size=2000))
        response = super().get(request, *args, **kwargs)
        if self.filterset is not None and self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400  # bad input: the page shows the message beside the field (docs/inputs.md)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter"] = self.filterset
        context["querystring"] = query.urlencode()
        context["sort"] = getattr(self, "sort", "")
        return context


def run_service(request, service, *args, success: str = "", **kwargs):
    """Call a service from a page; turn domain and validation errors into a message. Returns (ok, result)."""
    try:
        result = service(*args, **kwargs)
    except DomainError as error:
        messages.error(request, error.message)
        return False, None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False, None
    if success:
        messages.success(request, success)
    return True, result


def run_form_service(form, service, **kwargs):
    """Call a service with a validated form's input; its errors land next to the form's fields.

    Returns the service's result, or None when it refused (the form then carries the messages).
    """
    try:
        return service(**kwargs)
    except DomainError as error:
        form.add_error(None, error.message)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            form.add_error(None, error.messages)
    return None


def healthz(request):
    """Liveness and database reachability for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


# --- Notifications --------------------------------------------------------------------------------


class NotificationFilter(django_filters.FilterSet):
    state = inputs.TimestampStateFilter(
        timestamp="read_at",
        unset=("unread", gettext_lazy("Unread")),
        done=("read", gettext_lazy("Read")),
        label=gettext_lazy("Show"),
    )
    category = django_filters.ChoiceFilter(choices=NotificationCategory.choices, label=gettext_lazy("Category"))

    class Meta:
        model = Notification
        fields = ["state", "category"]


class NotificationListView(FilteredListView):
    template_name = "prm/notifications.html"
    filterset_class = NotificationFilter
    export_filename = "notifications.csv"
    export_columns = [
        ("Time", "created_at"),
        ("Category", "category"),
        ("Title", "title"),
        ("Details", "body"),
        ("Read at", "read_at"),
    ]

    def get_base_queryset(self):
        return Notification.objects.visible_to(self.request.user)


@require_POST
def notification_read(request, pk):
    if not request.user.is_authenticated:
        raise PermissionDenied
    notifications.mark_read(user=request.user, notification_id=pk)
    target = Notification.objects.visible_to(request.user).filter(pk=pk).values_list("url", flat=True).first()
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Trigger": "notifications-changed"})
    return redirect(target or "notifications")


@require_POST
def notifications_read_all(request):
    if not request.user.is_authenticated:
        raise PermissionDenied
    count = notifications.mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("Marked %(count)s notification as read.", "Marked %(count)s notifications as read.", count)
        % {"count": count},
    )
    return redirect("notifications")


def notification_badge(request):
    """The navbar's unread count, refreshed by htmx."""
    if not request.user.is_authenticated:
        return HttpResponse("")
    count = Notification.objects.visible_to(request.user).unread().count()
    return render(request, "prm/partials/notification_badge.html", {"unread_count": count})


class NotificationSettingsView(LoginRequiredMixin, View):
    def get(self, request):
        preferences = notifications.email_preferences(request.user)
        rows = [(value, label, preferences[value]) for value, label in NotificationCategory.choices]
        return render(request, "prm/notification_settings.html", {"rows": rows})

    def post(self, request):
        chosen = [c for c in request.POST.getlist("email") if c in NotificationCategory.values]
        notifications.set_email_preferences(user=request.user, emailed_categories=chosen)
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notification_settings")


def permission_denied(request, exception=None):
    """403 handler: an anonymous visitor is sent to log in (and back); a logged-in user sees the 403 page.

    Views refuse anonymous callers in several ways (role mixins, `PermissionDenied` from a service); this is the
    one place that turns all of them into the login redirect pages need (docs/login.md). The API keeps its 401.
    """
    from django.contrib.auth.views import redirect_to_login
    from django.views.defaults import permission_denied as default_permission_denied

    from prm.guards import PartnerStandingDenied, Refusal

    if isinstance(exception, PartnerStandingDenied):
        # The partner's standing refused the request (docs/partner-status.md): say why, logged in or not
        # (a terminated partner's session has just ended and its login is refused).
        return _refusal_page(request, exception)
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated and not request.path.startswith("/api/"):
        return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
    if _refused_object_is_hidden(request, user):
        from django.views.defaults import page_not_found

        return page_not_found(request, Http404())
    if isinstance(exception, Refusal):  # a named permission (accounts/access.py) says who may do it
        return _refusal_page(request, exception)
    return default_permission_denied(request, exception)


def _refusal_page(request, refusal):
    response = render(request, "403.html", {"standing_message": refusal.message}, status=403)
    response["X-Refusal-Code"] = refusal.code
    return response


def _refused_object_is_hidden(request, user) -> bool:
    """the API doc, Errors: an object outside the caller's tenancy is a 404 on pages too (prm.tenancy)."""
    from prm.tenancy import hides_refused_object

    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    view = getattr(match.func, "view_class", match.func)
    return hides_refused_object(user, view, match.kwargs, request.GET)
