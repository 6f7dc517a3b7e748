"""Account pages beyond allauth's: accepting an invitation, and the internal staff list."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from accounts import services
from accounts.forms import AcceptInvitationForm, StaffInviteForm
from accounts.models import INTERNAL_ROLES, Invitation, Role, User
from prm.exceptions import DomainError
from prm.views import FilteredListView, run_service

BACKEND = "django.contrib.auth.backends.ModelBackend"


class AcceptInvitationView(View):
    """The e-mailed link: set a name and password, then land in the portal logged in."""

    def _invitation(self, token):
        invitation = services.invitation_for_token(token)
        problem = None
        if invitation is None:
            problem = "This invitation link is not valid. Check that you copied the whole link."
        elif invitation.status == "accepted":
            problem = "This invitation has already been used. Log in with your e-mail and password."
        elif invitation.status in ("expired", "revoked"):
            problem = "This invitation has expired. Ask the person who invited you to send a new one."
        return invitation, problem

    def get(self, request, token):
        invitation, problem = self._invitation(token)
        status = 410 if problem and invitation else 404 if problem else 200
        return render(request, "accounts/accept_invitation.html",
                      {"invitation": invitation, "problem": problem, "form": AcceptInvitationForm()}, status=status)

    def post(self, request, token):
        invitation, problem = self._invitation(token)
        form = AcceptInvitationForm(request.POST)
        if not problem and form.is_valid():
            try:
                user = services.accept_invitation(
                    token=token, password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"], last_name=form.cleaned_data["last_name"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except DomainError as error:
                problem = error.message
            else:
                login(request, user, backend=BACKEND)
                messages.success(request, "Welcome! Your account is ready.")
                return redirect("home")
        return render(request, "accounts/accept_invitation.html",
                      {"invitation": invitation, "problem": problem, "form": form}, status=400)


class StaffView(FilteredListView):
    """Program admins see the internal team and invite channel managers, finance and admins."""

    allowed_roles = {Role.PROGRAM_ADMIN}
    template_name = "accounts/staff.html"
    export_filename = "staff.csv"
    export_columns = [("E-mail", "email"), ("First name", "first_name"), ("Last name", "last_name"),
                      ("Role", "role"), ("Active", "is_active"), ("Last login", "last_login")]

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
            ok, _ = run_service(request, services.invite_user, inviter=request.user, email=form.cleaned_data["email"],
                                role=form.cleaned_data["role"], partner=None,
                                success=f"Invitation sent to {form.cleaned_data['email']}.")
            if ok:
                return redirect("accounts:staff")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)
