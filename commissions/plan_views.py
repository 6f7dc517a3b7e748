"""Settings > Commission plans (docs/settings.md): create and change plans, add rules, end a rule. The plan
list, spiffs and contests stay on /commissions/plans/; a rate change is the rule-rate page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.mixins import PermissionRequiredMixin
from accounts.settings_views import form_page
from commissions.models import CommissionPlan, CommissionRule
from commissions.plan_forms import EndRuleForm, PlanForm, RuleForm
from commissions.services import plan_settings
from prm.views import run_form_service


def _back():
    return {"back_url": reverse("commissions:plans"), "back_label": _("Plans, spiffs, contests")}


class PlanEditView(PermissionRequiredMixin, View):
    """New plan (no pk) or change one; the page lists the plan's rules with their add and end actions."""

    permission_required = "commissions.manage_plans"
    tenancy_model = CommissionPlan  # program data: a partner role's refusal reads 404 (prm.tenancy)

    def _page(self, request, plan, form, status=200):
        context = {
            "form": form,
            "plan": plan,
            "rules": plan.rules.select_related("min_tier", "max_tier") if plan else [],
            "today": timezone.localdate(),
            "title": _("Plan %(name)s") % {"name": plan.name} if plan else _("New commission plan"),
            "submit": _("Save plan"),
            **_back(),
        }
        return render(request, "commissions/plan_settings.html", context, status=status)

    def get(self, request, pk=None):
        plan = get_object_or_404(CommissionPlan, pk=pk) if pk else None
        return self._page(request, plan, PlanForm(instance=plan))

    def post(self, request, pk=None):
        plan = get_object_or_404(CommissionPlan, pk=pk) if pk else None
        form = PlanForm(request.POST, instance=CommissionPlan.objects.get(pk=plan.pk) if plan else None)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in plan_settings.PLAN_FIELDS}
            saved = run_form_service(form, plan_settings.save_plan, actor=request.user, plan=plan, values=values)
            if saved is not None:
                messages.success(request, _("Plan %(name)s saved.") % {"name": saved.name})
                return redirect("commissions:plan_edit", pk=saved.pk)
        return self._page(request, plan, form, status=400)


class RuleNewView(PermissionRequiredMixin, View):
    permission_required = "commissions.manage_plans"
    tenancy_model = CommissionPlan
    tenancy_url_kwarg = "plan_pk"

    def _page(self, request, plan, form, status=200):
        title = _("New rule of %(plan)s") % {"plan": plan.name}
        back = {"back_url": reverse("commissions:plan_edit", args=[plan.pk]), "back_label": plan.name}
        return form_page(request, form, title=title, submit=_("Add rule"), status=status, **back)

    def get(self, request, plan_pk):
        plan = get_object_or_404(CommissionPlan, pk=plan_pk)
        return self._page(request, plan, RuleForm(initial={"valid_from": timezone.localdate()}))

    def post(self, request, plan_pk):
        plan = get_object_or_404(CommissionPlan, pk=plan_pk)
        form = RuleForm(request.POST, instance=CommissionRule(plan=plan))
        if form.is_valid():
            rule = form.save(commit=False)
            saved = run_form_service(form, plan_settings.add_rule, actor=request.user, plan=plan, rule=rule)
            if saved is not None:
                messages.success(request, _("Rule %(name)s added.") % {"name": saved.name})
                return redirect("commissions:plan_edit", pk=plan.pk)
        return self._page(request, plan, form, status=400)


class RuleEndView(PermissionRequiredMixin, View):
    """Retire a rule (never deleted: entries point at it)."""

    permission_required = "commissions.manage_plans"
    tenancy_model = CommissionRule

    def _page(self, request, rule, form, status=200):
        title = _("End %(plan)s: %(rule)s") % {"plan": rule.plan.name, "rule": rule.name}
        back = {"back_url": reverse("commissions:plan_edit", args=[rule.plan_id]), "back_label": rule.plan.name}
        return form_page(request, form, title=title, submit=_("End rule"), status=status, **back)

    def get(self, request, pk):
        rule = get_object_or_404(CommissionRule.objects.select_related("plan"), pk=pk)
        return self._page(request, rule, EndRuleForm(initial={"last_day": timezone.localdate()}))

    def post(self, request, pk):
        rule = get_object_or_404(CommissionRule.objects.select_related("plan"), pk=pk)
        form = EndRuleForm(request.POST)
        if form.is_valid():
            saved = run_form_service(
                form, plan_settings.end_rule, actor=request.user, rule=rule, last_day=form.cleaned_data["last_day"]
            )
            if saved is not None:
                messages.success(request, _("Rule %(name)s ends on the given day.") % {"name": saved.name})
                return redirect("commissions:plan_edit", pk=rule.plan_id)
        return self._page(request, rule, form, status=400)
