"""Settings pages of the accounts app (docs/settings.md): notification defaults and an internal user's role."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import program_settings
from accounts.forms import NotificationDefaultsForm, StaffMemberForm
from accounts.mixins import PermissionRequiredMixin
from accounts.models import INTERNAL_ROLES, User
from prm.notifications import program_email_defaults
from prm.views import run_form_service


def form_page(request, form, *, title, submit, back_url, back_label, intro="", status=200):
    """The Settings area's one form page (templates/settings/form.html)."""
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "intro": intro,
        "back_url": back_url,
        "back_label": back_label,
    }
    return render(request, "settings/form.html", context, status=status)


class NotificationDefaultsView(PermissionRequiredMixin, View):
    permission_required = "accounts.edit_notification_defaults"
    INTRO = gettext_lazy(
        "Everything always appears in the portal. These defaults decide which categories also reach people by "
        "e-mail until they choose for themselves on their own notification settings."
    )

    def _page(self, request, form, status=200):
        title = _("Notification defaults")
        return form_page(
            request,
            form,
            title=title,
            submit=_("Save"),
            back_url=reverse("settings"),
            back_label=_("Settings"),
            intro=self.INTRO,
            status=status,
        )

    def get(self, request):
        defaults = program_email_defaults()
        form = NotificationDefaultsForm(initial={"email": [c for c, on in defaults.items() if on]})
        return self._page(request, form)

    def post(self, request):
        form = NotificationDefaultsForm(request.POST)
        if form.is_valid():
            changed = run_form_service(
                form,
                program_settings.set_notification_defaults,
                actor=request.user,
                emailed_categories=form.cleaned_data["email"],
            )
            if changed is not None:
                messages.success(request, _("Notification defaults saved."))
                return redirect("accounts:notification_defaults")
        return self._page(request, form, status=400)


class StaffMemberEditView(PermissionRequiredMixin, View):
    """A program admin changes an internal user's role or switches the account off."""

    permission_required = "accounts.manage_staff"
    tenancy_model = User  # staff belong to no partner: a partner role's refusal reads 404 (prm.tenancy)

    def _member(self, pk):
        return get_object_or_404(User.objects.filter(role__in=list(INTERNAL_ROLES)), pk=pk)

    def _page(self, request, member, form, status=200):
        title = _("Role of %(email)s") % {"email": member.email}
        return form_page(
            request,
            form,
            title=title,
            submit=_("Save"),
            back_url=reverse("accounts:staff"),
            back_label=_("Internal staff"),
            status=status,
        )

    def get(self, request, pk):
        member = self._member(pk)
        form = StaffMemberForm(initial={"role": member.role, "active": member.is_active})
        return self._page(request, member, form)

    def post(self, request, pk):
        member = self._member(pk)
        form = StaffMemberForm(request.POST)
        if form.is_valid():
            saved = run_form_service(
                form,
                program_settings.change_staff_member,
                actor=request.user,
                member=member,
                role=form.cleaned_data["role"],
                active=form.cleaned_data["active"],
            )
            if saved is not None:
                messages.success(request, _("%(email)s saved.") % {"email": saved.email})
                return redirect("accounts:staff")
        return self._page(request, member, form, status=400)
