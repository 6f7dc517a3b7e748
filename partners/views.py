"""Partner pages: the directory for internal users and each partner's profile and team."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views import View

from accounts import services as account_services
from accounts.models import INTERNAL_ROLES, Role, User
from partners import selectors, services
from partners.filters import PartnerFilter
from partners.forms import (
    ChannelManagerForm,
    InviteForm,
    MemberRoleForm,
    PartnerProfileForm,
    StatusForm,
    TierChangeForm,
)
from partners.models import Partner
from prm.tenancy import get_visible_or_404
from prm.views import FilteredListView, RoleRequiredMixin, run_service

STAFF_ROLES = {Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN}


class PartnerDirectoryView(FilteredListView):
    allowed_roles = INTERNAL_ROLES
    template_name = "partners/directory.html"
    filterset_class = PartnerFilter
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
        if user.is_authenticated and user.is_partner_user:
            return redirect("partners:detail", user.partner_id)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return (
            Partner.objects.visible_to(self.request.user)
            .select_related("tier", "channel_manager")
            .order_by("name", "id")
        )


class PartnerDetailView(RoleRequiredMixin, View):
    def get(self, request, pk):
        partner = get_visible_or_404(Partner.objects.select_related("tier", "channel_manager"), request.user, pk=pk)
        context = selectors.partner_profile(request.user, partner)
        user = request.user
        context.update(
            can_edit=user.role in STAFF_ROLES or (user.is_partner_admin and user.partner_id == partner.pk),
            can_manage_team=user.role in STAFF_ROLES or (user.is_partner_admin and user.partner_id == partner.pk),
            is_staff_role=user.role in STAFF_ROLES,
            invite_form=InviteForm(),
            tier_form=TierChangeForm(initial={"tier": partner.tier_id}),
            manager_form=ChannelManagerForm(initial={"channel_manager": partner.channel_manager_id}),
            status_form=StatusForm(initial={"status": partner.status}),
        )
        return render(request, "partners/detail.html", context)


class PartnerEditView(RoleRequiredMixin, View):
    def _setup(self, request, pk):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        user = request.user
        if user.role in STAFF_ROLES:
            fields = services.PROFILE_FIELDS_FOR_STAFF
        elif user.is_partner_admin:
            fields = services.PROFILE_FIELDS_FOR_PARTNERS
        else:
            raise PermissionDenied("Only the partner's admins and channel staff may edit this profile.")
        return partner, fields

    def get(self, request, pk):
        partner, fields = self._setup(request, pk)
        form = PartnerProfileForm(instance=partner, editable_fields=fields)
        return render(request, "partners/edit.html", {"partner": partner, "form": form})

    def post(self, request, pk):
        partner, fields = self._setup(request, pk)
        form = PartnerProfileForm(request.POST, instance=Partner.objects.get(pk=partner.pk), editable_fields=fields)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.fields}
            ok, _ = run_service(
                request,
                services.update_partner_profile,
                actor=request.user,
                partner=partner,
                changes=changes,
                success="The profile is saved.",
            )
            if ok:
                return redirect(partner)
        return render(request, "partners/edit.html", {"partner": partner, "form": form}, status=400)


class PartnerActionView(RoleRequiredMixin, View):
    """POST-only actions on one partner; each one calls one service."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        handler = getattr(self, f"do_{action.replace('-', '_')}", None)
        if handler is None:
            raise PermissionDenied
        handler(request, partner)
        return redirect(partner)

    def do_invite(self, request, partner):
        form = InviteForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
            return
        if not account_services.can_invite(request.user, role=form.cleaned_data["role"], partner=partner):
            raise PermissionDenied("You may not invite people to this partner.")
        run_service(
            request,
            account_services.invite_user,
            inviter=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            partner=partner,
            partner_function=form.cleaned_data["partner_function"],
            success=f"Invitation sent to {form.cleaned_data['email']}.",
        )

    def do_revoke_invitation(self, request, partner):
        invitation = get_visible_or_404(partner.invitations.all(), request.user, pk=request.POST.get("invitation"))
        run_service(
            request,
            account_services.revoke_invitation,
            actor=request.user,
            invitation=invitation,
            success="Invitation withdrawn.",
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
                success=f"{member} is now {form.cleaned_data['role'].replace('_', ' ')}.",
            )

    def do_deactivate(self, request, partner):
        member = self._member(request, partner)
        run_service(
            request,
            services.set_partner_user_active,
            actor=request.user,
            user=member,
            active=False,
            success=f"{member} can no longer log in.",
        )

    def do_reactivate(self, request, partner):
        member = self._member(request, partner)
        run_service(
            request,
            services.set_partner_user_active,
            actor=request.user,
            user=member,
            active=True,
            success=f"{member} can log in again.",
        )

    def _staff_only(self, request):
        if request.user.role not in STAFF_ROLES:
            raise PermissionDenied("Only channel managers and program admins may do this.")

    def do_tier(self, request, partner):
        self._staff_only(request)
        form = TierChangeForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a tier and give the reason the partner will see.")
            return
        run_service(
            request,
            services.change_partner_tier,
            actor=request.user,
            partner=partner,
            tier=form.cleaned_data["tier"],
            reason=form.cleaned_data["reason"],
            success=f"{partner} is now {form.cleaned_data['tier']}.",
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
                success="Channel manager updated.",
            )

    def do_status(self, request, partner):
        self._staff_only(request)
        form = StatusForm(request.POST)
        if form.is_valid():
            run_service(
                request,
                services.change_partner_status,
                actor=request.user,
                partner=partner,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                success="Status updated.",
            )
