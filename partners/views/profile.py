"""Partner pages: the directory for internal users and each partner's profile and team."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts import access
from accounts import services as account_services
from accounts.mixins import FilteredListView, ObjectActionView, PermissionRequiredMixin
from accounts.models import Role, User
from partners import selectors, services
from partners.filters import PartnerFilter
from partners.forms import (
    ChannelManagerForm,
    InviteForm,
    MemberRoleForm,
    PartnerProfileForm,
    ReferenceImplementationForm,
    StatusForm,
    TierChangeForm,
    TierOverrideForm,
)
from partners.models import (
    Partner,
)
from prm.tenancy import get_visible_or_404
from prm.views import run_service


def _permissions(user, partner) -> dict:
    """What the partner page and its panels show the user (partners/access.py)."""
    return {
        "can_edit": access.can(user, "partners.edit_profile", partner),
        "is_staff_role": access.can(user, "partners.manage"),
    }


def run_partner_form(request, partner, form, service, *, invalid=None, success) -> None:
    """A POST action on one partner: an invalid form says `invalid` (if given); a valid one runs `service`
    with its cleaned data and says `success(cleaned_data)`."""
    if not form.is_valid():
        if invalid is not None:
            messages.error(request, invalid)
        return
    run_service(
        request,
        service,
        actor=request.user,
        partner=partner,
        success=success(form.cleaned_data),
        **form.cleaned_data,
    )


class PartnerDirectoryView(FilteredListView):
    permission_required = "partners.view_as_staff"
    template_name = "partners/directory.html"
    filterset_class = PartnerFilter
    sort_fields = {
        "name": "name",
        "type": "partner_type",
        "tier": "tier__rank",
        "status": "status",
        "country": "country",
    }
    export_filename = "partners.csv"
    export_columns = [
        ("Id", "pk"),
        ("Name", "name"),
        ("Legal name", "legal_name"),
        ("Domain", "website_domain"),
        ("Type", "get_partner_type_display"),
        ("Tier", "tier.name"),
        ("Status", "status"),
        ("Country", "country.code"),
        ("Region", "region"),
        ("Channel manager", "channel_manager.email"),
        ("Onboarding %", "onboarding_progress"),
        ("CRM id", "external_crm_id"),
        ("Joined", "joined_at"),
    ]

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if access.is_partner_user(user):
            return redirect("partners:detail", user.partner_id)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return (
            Partner.objects.visible_to(self.request.user)
            .select_related("tier", "channel_manager")
            .order_by("name", "id")
        )


class PartnerDetailView(PermissionRequiredMixin, View):
    def get(self, request, pk):
        partner = get_visible_or_404(Partner.objects.select_related("tier", "channel_manager"), request.user, pk=pk)
        context = selectors.partner_profile(request.user, partner)
        user = request.user
        context.update(
            can_manage_team=access.can(user, "partners.manage_team", partner),
            **_permissions(user, partner),
            invite_form=InviteForm(),
            member_role_form=MemberRoleForm(),
            tier_form=TierChangeForm(initial={"tier": partner.tier_id}),
            manager_form=ChannelManagerForm(initial={"channel_manager": partner.channel_manager_id}),
            status_form=StatusForm(initial={"status": partner.status}),
            override_form=TierOverrideForm(),
            reference_form=ReferenceImplementationForm(),
            **selectors.profile_extras(user, partner),
        )
        return render(request, "partners/detail.html", context)


class PartnerPanelView(PermissionRequiredMixin, View):
    """The profile page's lifecycle panels, loaded by htmx so the page itself stays a few queries."""

    panels = {
        "onboarding": ("partners/partials/onboarding_panel.html", lambda user, p: selectors.onboarding_panel(p)),
        "tier-progress": ("partners/partials/tier_progress.html", lambda user, p: selectors.tier_panel(p)),
        "plan": ("partners/partials/plan_panel.html", lambda user, p: selectors.plan_panel(p)),
    }

    def get(self, request, pk, name):
        if name not in self.panels:
            raise Http404
        partner = get_visible_or_404(Partner.objects.select_related("tier"), request.user, pk=pk)
        template, build = self.panels[name]
        user = request.user
        context = {
            "partner": partner,
            **_permissions(user, partner),
            **build(user, partner),
        }
        return render(request, template, context)


class PartnerEditView(PermissionRequiredMixin, View):
    def _setup(self, request, pk):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        access.require(request.user, "partners.edit_profile", partner, standing=False)
        if access.can(request.user, "partners.manage"):
            return partner, services.PROFILE_FIELDS_FOR_STAFF
        return partner, services.PROFILE_FIELDS_FOR_PARTNERS

    def get(self, request, pk):
        partner, fields = self._setup(request, pk)
        form = PartnerProfileForm(instance=partner, editable_fields=fields)
        return render(request, "partners/edit.html", {"partner": partner, "form": form})

    def post(self, request, pk):
        partner, fields = self._setup(request, pk)
        form = PartnerProfileForm(request.POST, instance=Partner.objects.get(pk=partner.pk), editable_fields=fields)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.fields}
            ok, _result = run_service(
                request,
                services.update_partner_profile,
                actor=request.user,
                partner=partner,
                changes=changes,
                success=_("The profile is saved."),
            )
            if ok:
                return redirect(partner)
        return render(request, "partners/edit.html", {"partner": partner, "form": form}, status=400)


class PartnerActionView(ObjectActionView):
    """POST-only actions on one partner; each one calls one service."""

    model = Partner

    def do_invite(self, request, partner):
        form = InviteForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
            return
        if not account_services.can_invite(request.user, role=form.cleaned_data["role"], partner=partner):
            raise PermissionDenied(_("You may not invite people to this partner."))
        run_service(
            request,
            account_services.invite_user,
            inviter=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            partner=partner,
            partner_function=form.cleaned_data["partner_function"],
            success=_("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )

    def do_revoke_invitation(self, request, partner):
        invitation = get_visible_or_404(partner.invitations.all(), request.user, pk=request.POST.get("invitation"))
        run_service(
            request,
            account_services.revoke_invitation,
            actor=request.user,
            invitation=invitation,
            success=_("Invitation withdrawn."),
        )

    def _member(self, request, partner):
        return get_visible_or_404(User.objects.filter(partner=partner), request.user, pk=request.POST.get("user"))

    def do_member_role(self, request, partner):
        member = self._member(request, partner)
        form = MemberRoleForm(request.POST)
        if form.is_valid():
            run_service(
                request,
                services.set_partner_user_role,
                actor=request.user,
                user=member,
                role=form.cleaned_data["role"],
                success=_("%(user)s is now %(role)s.")
                % {"user": member, "role": str(Role(form.cleaned_data["role"]).label).lower()},
            )

    def do_deactivate(self, request, partner):
        self._set_active(request, partner, False, _("%(user)s can no longer log in."))

    def do_reactivate(self, request, partner):
        self._set_active(request, partner, True, _("%(user)s can log in again."))

    def _set_active(self, request, partner, active: bool, success: str):
        member = self._member(request, partner)
        run_service(
            request,
            services.set_partner_user_active,
            actor=request.user,
            user=member,
            active=active,
            success=success % {"user": member},
        )

    def _staff_only(self, request):
        access.require(request.user, "partners.manage", standing=False)

    def do_tier(self, request, partner):
        self._staff_only(request)
        form = TierChangeForm(request.POST)
        run_partner_form(
            request,
            partner,
            form,
            services.change_partner_tier,
            invalid=_("Choose a tier and give the reason the partner will see."),
            success=lambda data: _("%(partner)s is now %(tier)s.") % {"partner": partner, "tier": data["tier"]},
        )

    def do_channel_manager(self, request, partner):
        self._staff_only(request)
        form = ChannelManagerForm(request.POST)
        if form.is_valid():
            run_service(
                request,
                services.assign_channel_manager,
                actor=request.user,
                partner=partner,
                manager=form.cleaned_data["channel_manager"],
                success=_("Channel manager updated."),
            )

    def do_status(self, request, partner):
        self._staff_only(request)
        run_partner_form(
            request,
            partner,
            StatusForm(request.POST),
            services.change_partner_status,
            success=lambda data: _("Status updated."),
        )
