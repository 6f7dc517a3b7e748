"""Account pages beyond allauth's: accepting an invitation, and the internal staff list."""

from allauth.account.utils import perform_login
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import services
from accounts.forms import AcceptInvitationForm, StaffInviteForm
from accounts.mixins import FilteredListView
from accounts.models import INTERNAL_ROLES, Invitation, User
from prm.exceptions import DomainError
from prm.views import run_form_service

INVITATION_PROBLEMS = {
    "accepted": gettext_lazy("This invitation has already been used. Log in with your e-mail and password."),
    "expired": gettext_lazy("This invitation has expired. Ask the person who invited you to send a new one."),
    "revoked": gettext_lazy("This invitation was withdrawn. Ask the person who invited you to send a new one."),
}
INVALID_LINK = gettext_lazy("This invitation link is not valid. Check that you copied the whole link.")


class AcceptInvitationView(View):
    """The e-mailed link: set a name and password, then land in the portal logged in (an internal role on the
    set-up of its authenticator app first)."""

    template_name = "accounts/accept_invitation.html"

    def _invitation(self, token):
        """(invitation, problem, status): a link that cannot be used is refused on GET and POST alike,
        404 when unknown, 410 once used, expired or withdrawn."""
        invitation = services.invitation_for_token(token)
        if invitation is None:
            return None, INVALID_LINK, 404
        problem = INVITATION_PROBLEMS.get(invitation.status)
        return invitation, problem, 410 if problem else 200

    def _render(self, request, invitation, problem, form, status):
        return render(
            request, self.template_name, {"invitation": invitation, "problem": problem, "form": form}, status=status
        )

    def get(self, request, token):
        invitation, problem, status = self._invitation(token)
        return self._render(request, invitation, problem, AcceptInvitationForm(), status)

    def post(self, request, token):
        invitation, problem, status = self._invitation(token)
        form = AcceptInvitationForm(request.POST)
        if problem:
            return self._render(request, invitation, problem, form, status)
        if form.is_valid():
            try:
                user = services.accept_invitation(
                    token=token,
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except DomainError as error:  # used meanwhile (410) or the address has an account (409)
                status = 410 if error.code.startswith("invitation_") else 409
                return self._render(request, invitation, error.message, form, status)
            else:
                # Logged in by allauth's login flow, like every login (docs/login.md): its checks run, and a
                # role that needs a second factor is sent to set one up before it reaches any page.
                response = perform_login(request, user, redirect_url=reverse("home"))
                if request.user.is_authenticated:
                    messages.success(request, _("Welcome! Your account is ready."))
                return response
        return self._render(request, invitation, None, form, 400)


class StaffView(FilteredListView):
    """Program admins see the internal team and invite channel managers, finance and admins."""

    permission_required = "accounts.view_staff"
    template_name = "accounts/staff.html"
    sort_fields = {"name": "first_name", "email": "email", "role": "role", "status": "is_active", "login": "last_login"}
    export_filename = "staff.csv"
    export_columns = [
        ("E-mail", "email"),
        ("First name", "first_name"),
        ("Last name", "last_name"),
        ("Role", "role"),
        ("Active", "is_active"),
        ("Last login", "last_login"),
    ]

    def get_base_queryset(self):
        return User.objects.filter(role__in=list(INTERNAL_ROLES)).order_by("role", "email")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or StaffInviteForm()
        context["invitations"] = Invitation.objects.pending().filter(partner__isnull=True).select_related("invited_by")
        return context

    def post(self, request):
        form = StaffInviteForm(request.POST)
        if form.is_valid():
            invitation = run_form_service(
                form,
                services.invite_user,
                inviter=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                partner=None,
            )
            if invitation is not None:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("accounts:staff")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)
