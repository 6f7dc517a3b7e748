"""Partner lifecycle pages: the onboarding, tier and reference actions, OPP scoring and joint business plans."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts import access
from accounts.mixins import ObjectActionView, PermissionRequiredMixin
from partners import business_plans, onboarding, recruiting, services, tier_review
from partners.forms import (
    BusinessPlanForm,
    CheckInForm,
    ReferenceImplementationForm,
    ScoreForm,
    TierOverrideForm,
)
from partners.models import (
    JointBusinessPlan,
    OnboardingStep,
    OppScore,
    Partner,
    PartnerOppAssessment,
)
from partners.views.profile import run_partner_form
from prm.clientip import client_ip
from prm.periods import quarter_of
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service, run_service


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
        access.require(request.user, "partners.manage", standing=False)
        run_partner_form(
            request,
            partner,
            ReferenceImplementationForm(request.POST),
            services.record_reference_implementation,
            invalid=_("Give the customer's name and the date the implementation went live."),
            success=lambda data: _("Reference implementation recorded."),
        )

    def do_override(self, request, partner):
        run_partner_form(
            request,
            partner,
            TierOverrideForm(request.POST),
            tier_review.override_tier,
            invalid=_("Choose a decision and give the reason."),
            success=lambda data: _("Override recorded."),
        )


class PartnerOppView(PermissionRequiredMixin, View):
    """OPP scoring of an existing partner (the same criteria as applications)."""

    permission_required = "partners.recruit"
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


class BusinessPlanListView(PermissionRequiredMixin, View):
    def get(self, request, pk, form=None, status=200):
        partner = get_visible_or_404(Partner, request.user, pk=pk)
        plans = (
            JointBusinessPlan.objects.visible_to(request.user)
            .filter(partner=partner)
            .select_related("partner_owner", "vendor_owner")
        )
        may_write = access.can(request.user, "partners.write_business_plan", partner)
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


class BusinessPlanDetailView(PermissionRequiredMixin, View):
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
            "can_agree": access.can(request.user, "partners.agree_business_plan", plan) and plan.status == "submitted",
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
