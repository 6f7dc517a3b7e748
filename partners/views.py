"""Partner pages: the directory for internal users and each partner's profile and team."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts import services as account_services
from accounts.mixins import FilteredListView, ObjectActionView, RoleRequiredMixin
from accounts.models import INTERNAL_ROLES, Role, User
from partners import business_plans, onboarding, recruiting, selectors, services, tier_review
from partners.filters import PartnerFilter, TierReviewOutcomeFilter
from partners.forms import (
    BusinessPlanForm,
    ChannelManagerForm,
    CheckInForm,
    InviteForm,
    MemberRoleForm,
    OnboardingStepForm,
    OppCriterionForm,
    PartnerProfileForm,
    ReferenceImplementationForm,
    ScoreForm,
    StatusForm,
    TierChangeForm,
    TierOverrideForm,
    TierReviewForm,
)
from partners.models import (
    JointBusinessPlan,
    OnboardingStep,
    OppCriterion,
    OppScore,
    Partner,
    PartnerOppAssessment,
    ReviewAction,
    TierReview,
    TierReviewOutcome,
)
from prm.clientip import client_ip
from prm.periods import quarter_of
from prm.tenancy import get_visible_or_404
from prm.views import csv_response, run_form_service, run_service

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
            override_form=TierOverrideForm(),
            reference_form=ReferenceImplementationForm(),
            **selectors.profile_extras(user, partner),
        )
        return render(request, "partners/detail.html", context)


class PartnerPanelView(RoleRequiredMixin, View):
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
            "can_edit": user.role in STAFF_ROLES or (user.is_partner_admin and user.partner_id == partner.pk),
            "is_staff_role": user.role in STAFF_ROLES,
            **build(user, partner),
        }
        return render(request, template, context)


class PartnerEditView(RoleRequiredMixin, View):
    def _setup(self, request, pk):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        user = request.user
        if user.role in STAFF_ROLES:
            fields = services.PROFILE_FIELDS_FOR_STAFF
        elif user.is_partner_admin:
            fields = services.PROFILE_FIELDS_FOR_PARTNERS
        else:
            raise PermissionDenied(_("Only the partner's admins and channel staff may edit this profile."))
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
        member = self._member(request, partner)
        run_service(
            request,
            services.set_partner_user_active,
            actor=request.user,
            user=member,
            active=False,
            success=_("%(user)s can no longer log in.") % {"user": member},
        )

    def do_reactivate(self, request, partner):
        member = self._member(request, partner)
        run_service(
            request,
            services.set_partner_user_active,
            actor=request.user,
            user=member,
            active=True,
            success=_("%(user)s can log in again.") % {"user": member},
        )

    def _staff_only(self, request):
        if request.user.role not in STAFF_ROLES:
            raise PermissionDenied(_("Only channel managers and program admins may do this."))

    def do_tier(self, request, partner):
        self._staff_only(request)
        form = TierChangeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a tier and give the reason the partner will see."))
            return
        run_service(
            request,
            services.change_partner_tier,
            actor=request.user,
            partner=partner,
            tier=form.cleaned_data["tier"],
            reason=form.cleaned_data["reason"],
            success=_("%(partner)s is now %(tier)s.") % {"partner": partner, "tier": form.cleaned_data["tier"]},
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
        form = StatusForm(request.POST)
        if form.is_valid():
            run_service(
                request,
                services.change_partner_status,
                actor=request.user,
                partner=partner,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                success=_("Status updated."),
            )


# --- Lifecycle actions on one partner -----------------------------------------------------------------


class PartnerLifecycleActionView(ObjectActionView):
    """POST actions of the onboarding, tier and reference panels on the partner page."""

    model = Partner

    def do_accept_agreement(self, request, partner):
        run_service(
            request,
            onboarding.accept_agreement,
            user=request.user,
            partner=partner,
            ip_address=client_ip(request),
            success=_("Thank you: the agreement is accepted for your organisation."),
        )

    def do_tick_step(self, request, partner):
        step = OnboardingStep.objects.filter(pk=request.POST.get("step", "0") or 0).first()
        if step is None:
            messages.error(request, _("Choose a step of the checklist."))
            return
        run_service(
            request,
            onboarding.complete_manual_step,
            actor=request.user,
            partner=partner,
            step=step,
            success=_("Step done."),
        )

    def do_reference(self, request, partner):
        if request.user.role not in STAFF_ROLES:
            raise PermissionDenied(_("Channel managers record reference implementations."))
        form = ReferenceImplementationForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the customer's name and the date the implementation went live."))
            return
        run_service(
            request,
            services.record_reference_implementation,
            actor=request.user,
            partner=partner,
            success=_("Reference implementation recorded."),
            **form.cleaned_data,
        )

    def do_override(self, request, partner):
        form = TierOverrideForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a decision and give the reason."))
            return
        run_service(
            request,
            tier_review.override_tier,
            actor=request.user,
            partner=partner,
            decision=form.cleaned_data["decision"],
            to_tier=form.cleaned_data["to_tier"],
            reason=form.cleaned_data["reason"],
            success=_("Override recorded."),
        )


class PartnerOppView(RoleRequiredMixin, View):
    """OPP scoring of an existing partner (the same criteria as applications)."""

    allowed_roles = STAFF_ROLES
    tenancy_model = Partner  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)

    def get(self, request, pk, form=None, status=200):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        existing = dict(OppScore.objects.filter(partner=partner).values_list("criterion_id", "value"))
        form = form or ScoreForm(criteria=recruiting.active_criteria(), initial_values=existing)
        assessment = PartnerOppAssessment.objects.filter(partner=partner).first()
        context = {"partner": partner, "score_form": form, "assessment": assessment}
        return render(request, "partners/partner_opp.html", context, status=status)

    def post(self, request, pk):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        form = ScoreForm(request.POST, criteria=recruiting.active_criteria())
        if form.is_valid() and run_form_service(
            form, recruiting.score_partner, actor=request.user, partner=partner, values=form.values()
        ):
            messages.success(request, _("OPP scores saved."))
            return redirect("partners:opp", partner.pk)
        return self.get(request, pk, form=form, status=400)


# --- Joint business plans -------------------------------------------------------------------------------


class BusinessPlanListView(RoleRequiredMixin, View):
    def get(self, request, pk, form=None, status=200):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        plans = (
            JointBusinessPlan.objects.visible_to(request.user)
            .filter(partner=partner)
            .select_related("partner_owner", "vendor_owner")
        )
        may_write = request.user.role in STAFF_ROLES or (
            request.user.is_partner_admin and request.user.partner_id == partner.pk
        )
        if form is None and may_write:
            form = BusinessPlanForm(
                partner=partner,
                initial={
                    "period": quarter_of(timezone.localdate()).key,
                    "vendor_owner": partner.channel_manager_id,
                    "partner_owner": request.user.pk if request.user.partner_id == partner.pk else None,
                },
            )
        context = {"partner": partner, "plans": plans, "form": form if may_write else None}
        return render(request, "partners/plans.html", context, status=status)

    def post(self, request, pk):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        form = BusinessPlanForm(request.POST, partner=partner)
        if form.is_valid():
            plan = run_form_service(
                form, business_plans.submit_business_plan, actor=request.user, partner=partner, **form.cleaned_data
            )
            if plan is not None:
                messages.success(request, _("Business plan for %(period)s submitted.") % {"period": plan.period})
                return redirect(plan)
        return self.get(request, pk, form=form, status=400)


class BusinessPlanDetailView(RoleRequiredMixin, View):
    def _plan(self, request, pk, plan_id):
        return get_visible_or_404(
            JointBusinessPlan.objects.filter(partner_id=pk).select_related("partner", "partner_owner", "vendor_owner"),
            request.user,
            pk=plan_id,
        )

    def get(self, request, pk, plan_id, form=None, status=200):
        plan = self._plan(request, pk, plan_id)
        context = {
            "plan": plan,
            "partner": plan.partner,
            "progress": business_plans.plan_progress(plan),
            "check_ins": plan.check_ins.select_related("author"),
            "form": form or CheckInForm(),
            "can_agree": request.user.role in STAFF_ROLES and plan.status == "submitted",
        }
        return render(request, "partners/plan_detail.html", context, status=status)

    def post(self, request, pk, plan_id):
        plan = self._plan(request, pk, plan_id)
        if request.POST.get("action") == "agree":
            run_service(
                request, business_plans.agree_business_plan, actor=request.user, plan=plan, success=_("Agreed.")
            )
            return redirect(plan)
        form = CheckInForm(request.POST)
        if form.is_valid() and run_form_service(
            form, business_plans.add_check_in, actor=request.user, plan=plan, **form.cleaned_data
        ):
            messages.success(request, _("Check-in added."))
            return redirect(plan)
        return self.get(request, pk, plan_id, form=form, status=400)


# --- Tier reviews (program admins) -----------------------------------------------------------------------


class TierReviewPreviewView(RoleRequiredMixin, View):
    """Every change the quarter's review would make, then the button that applies it."""

    allowed_roles = {Role.PROGRAM_ADMIN}
    export_columns = [
        ("Partner id", "partner.pk"),
        ("Partner", "partner.name"),
        ("Tier now", "from_tier.name"),
        ("Qualifies for", "qualified_tier.name"),
        ("Proposed", "get_action_display"),
        ("Tier after", "to_tier.name"),
    ]

    def get(self, request):
        form = TierReviewForm(request.GET or None, initial={"period": tier_review.default_preview_period()})
        period = form.cleaned_data["period"] if form.is_bound and form.is_valid() else None
        try:
            preview = tier_review.preview_tier_review(period=period)
        except ValidationError as error:
            form.add_error("period", error.messages)
            preview = tier_review.preview_tier_review()
        changes = [p for p in preview["proposals"] if p.action != ReviewAction.KEEP]
        if request.GET.get("export") == "csv":
            return csv_response(f"tier-review-preview-{preview['period']}.csv", self.export_columns, changes)
        page = Paginator(changes, 50).get_page(request.GET.get("page"))
        counts = {
            label: sum(1 for p in preview["proposals"] if p.action == value) for value, label in ReviewAction.choices
        }
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "preview": preview,
            "page_obj": page,
            "counts": counts,
            "querystring": query.urlencode(),
            "reviews": TierReview.objects.visible_to(request.user)[:12],
        }
        return render(request, "partners/tier_review_preview.html", context)

    def post(self, request):
        form = TierReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the quarter to review, e.g. 2026-Q4."))
            return redirect("partners:tier_review_preview")
        ok, review = run_service(
            request, tier_review.run_tier_review, period=form.cleaned_data["period"], actor=request.user
        )
        if ok:
            messages.success(request, _("Tier review %(period)s applied.") % {"period": review.period})
            return redirect(review)
        return redirect("partners:tier_review_preview")


class TierReviewDetailView(FilteredListView):
    allowed_roles = INTERNAL_ROLES
    tenancy_model = TierReview  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    template_name = "partners/tier_review_detail.html"
    filterset_class = TierReviewOutcomeFilter
    paginate_by = 50
    export_filename = "tier-review.csv"
    export_columns = [
        ("Partner id", "partner_id"),
        ("Partner", "partner.name"),
        ("From", "from_tier.name"),
        ("Qualifies for", "qualified_tier.name"),
        ("To", "to_tier.name"),
        ("Outcome", "get_action_display"),
    ]

    def get_base_queryset(self):
        self.review = get_visible_or_404(TierReview, self.request.user, pk=self.kwargs["pk"])
        return (
            TierReviewOutcome.objects.visible_to(self.request.user)
            .filter(review=self.review)
            .select_related("partner", "from_tier", "to_tier", "qualified_tier")
            .order_by("partner__name", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review"] = self.review
        return context


# --- Program settings: OPP criteria and the onboarding checklist ---------------------------------------


class ProgramSettingsView(RoleRequiredMixin, View):
    allowed_roles = {Role.PROGRAM_ADMIN}
    forms_by_kind = {"criterion": (OppCriterion, OppCriterionForm), "step": (OnboardingStep, OnboardingStepForm)}

    def get(self, request, bound=None, status=200):
        bound = bound or {}
        criteria = OppCriterion.objects.all()
        steps = OnboardingStep.objects.all()
        context = {
            "criteria": [(c, OppCriterionForm(instance=c, prefix=f"criterion-{c.pk}")) for c in criteria],
            "steps": [(s, OnboardingStepForm(instance=s, prefix=f"step-{s.pk}")) for s in steps],
            "new_criterion": bound.get("criterion") or OppCriterionForm(prefix="criterion-new"),
            "new_step": bound.get("step") or OnboardingStepForm(prefix="step-new"),
        }
        return render(request, "partners/program_settings.html", context, status=status)

    def post(self, request):
        kind = request.POST.get("kind")
        if kind not in self.forms_by_kind:
            raise PermissionDenied
        model, form_class = self.forms_by_kind[kind]
        object_id = request.POST.get("id") or ""
        instance = model.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        prefix = f"{kind}-{instance.pk}" if instance else f"{kind}-new"
        form = form_class(request.POST, instance=instance, prefix=prefix)
        if form.is_valid():
            saved = run_form_service(form, services.save_program_setting, actor=request.user, setting_form=form)
            if saved is not None:
                messages.success(request, _("Saved “%(name)s”.") % {"name": saved})
                return redirect("partners:program_settings")
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''} {' '.join(errors)}")
        return self.get(request, bound={kind: form} if instance is None else None, status=400)
