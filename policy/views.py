"""Rules-of-engagement policy pages: versions, drafts, simulations and publication (docs/policy.md).

Program admins write; channel managers may read. Everything else is 403 (the policy is internal data).
"""

import django_filters
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from partners.models import Partner, Tier
from policy import outcomes, selectors, services
from policy.forms import PolicyForm, PublishForm
from policy.models import PolicySimulation, PolicySimulationChange, PolicyStatus, RoePolicy
from prm.views import run_form_service, run_service


def _policy(pk) -> RoePolicy:
    return get_object_or_404(RoePolicy.objects.select_related("created_by", "published_by"), pk=pk)


def _require_editor(request):
    access.require(request.user, "policy.edit", standing=False)


class PolicyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PolicyStatus.choices, label=gettext_lazy("Status"))

    class Meta:
        model = RoePolicy
        fields = ["status"]


class PolicyListView(FilteredListView):
    permission_required = "policy.view_pages"
    template_name = "policy/list.html"
    filterset_class = PolicyFilter
    sort_fields = {
        "version": "version",
        "status": "status",
        "effective": "effective_from",
        "created_by": "created_by__email",
        "published_by": "published_by__email",
    }
    export_filename = "rules-of-engagement.csv"
    export_columns = [
        ("Version", "version"),
        ("Status", "status"),
        ("Effective from", "effective_from"),
        ("Created by", lambda p: p.created_by.email if p.created_by else ""),
        ("Created at", "created_at"),
        ("Published by", lambda p: p.published_by.email if p.published_by else ""),
        ("Published at", "published_at"),
        ("Default protection days", "default_protection_days"),
        (
            "Protection days by tier",
            lambda p: " ".join(f"{k}:{v}" for k, v in sorted(p.protection_days_by_tier.items())),
        ),
        ("Extension days", "extension_days"),
        ("Match threshold", "match_threshold"),
        ("Possible-match threshold", "possible_match_threshold"),
        ("Direct accounts", "direct_account_handling"),
        ("Approval SLA (business days)", "approval_sla_business_days"),
        ("Incumbency days", "incumbency_days"),
        ("Notes", "notes"),
    ]

    def get_base_queryset(self):
        return selectors.versions()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        in_force = selectors.current_policy()
        context["in_force"] = in_force
        context["rows"] = [(p, selectors.state_of(p, in_force)) for p in context["object_list"]]
        context["may_edit"] = access.can(self.request.user, "policy.edit")
        return context


class PolicyNewView(PermissionRequiredMixin, View):
    """GET: what a new draft starts from; POST: create it (copied from the version in force)."""

    permission_required = "policy.edit"

    def get(self, request):
        drafts = RoePolicy.objects.filter(status=PolicyStatus.DRAFT).order_by("-version")
        return render(request, "policy/new.html", {"in_force": selectors.current_policy(), "drafts": drafts})

    def post(self, request):
        ok, policy = run_service(request, services.create_draft, actor=request.user)
        if not ok:
            return redirect("policy:list")
        messages.success(request, _("Draft v%(version)s created.") % {"version": policy.version})
        return redirect("policy:edit", pk=policy.pk)


class PolicyDetailView(PermissionRequiredMixin, View):
    permission_required = "policy.view_pages"
    tenancy_model = RoePolicy  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)

    def get(self, request, pk):
        policy = _policy(pk)
        in_force = selectors.current_policy()
        tiers = list(Tier.objects.order_by("rank"))
        context = {
            "policy": policy,
            "in_force": in_force,
            "state": selectors.state_of(policy, in_force),
            "tiers": [(tier, policy.protection_days_for(tier.pk)) for tier in tiers],
            "diff": selectors.diff(policy, in_force) if in_force and in_force.pk != policy.pk else [],
            "tier_names": {f"protection_days_{t.pk}": t.name for t in tiers},
            "simulation": selectors.latest_simulation(policy),
            "may_edit": access.can(request.user, "policy.edit"),
            "decisions": policy.decisions.count(),
        }
        return render(request, "policy/detail.html", context)


class PolicyEditView(PermissionRequiredMixin, View):
    permission_required = "policy.edit"
    tenancy_model = RoePolicy  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)

    def _tiers(self):
        return list(Tier.objects.order_by("rank"))

    def _render(self, request, policy, form, status=200):
        return render(request, "policy/edit.html", {"policy": policy, "form": form}, status=status)

    def get(self, request, pk):
        policy = _policy(pk)
        if not policy.is_draft:
            messages.error(request, _("Published versions cannot be changed; create a new draft."))
            return redirect(policy)
        tiers = self._tiers()
        return self._render(request, policy, PolicyForm(initial=PolicyForm.initial_for(policy, tiers), tiers=tiers))

    def post(self, request, pk):
        policy = _policy(pk)
        form = PolicyForm(request.POST, tiers=self._tiers())
        if form.is_valid():
            updated = run_form_service(
                form, services.update_draft, policy=policy, actor=request.user, data=form.service_data()
            )
            if updated is not None:
                messages.success(request, _("Draft saved. Simulate it to see which decisions would change."))
                return redirect(updated)
        return self._render(request, policy, form, status=400)


class ChangeFilter(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(queryset=Partner.objects.order_by("name"), label=gettext_lazy("Partner"))
    outcome = django_filters.ChoiceFilter(
        field_name="simulated_outcome",
        choices=[(k, v) for k, v in outcomes.OUTCOME_LABELS.items() if k != outcomes.APPROVED],
        label=gettext_lazy("Simulated outcome"),
    )
    actual = django_filters.ChoiceFilter(
        field_name="actual_outcome",
        choices=[(k, v) for k, v in outcomes.OUTCOME_LABELS.items() if k != outcomes.APPROVED],
        label=gettext_lazy("Actual outcome"),
    )

    class Meta:
        model = PolicySimulationChange
        fields = ["partner", "outcome", "actual"]

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, queryset=queryset, **kwargs)
        # Only the partners this simulation names (a program can have thousands).
        if queryset is not None:
            self.filters["partner"].queryset = Partner.objects.filter(pk__in=queryset.values("partner_id")).order_by(
                "name"
            )


class SimulationView(FilteredListView):
    """GET: the latest simulation of a version (progress, summary, changed decisions); POST: start one."""

    permission_required = "policy.view_pages"
    tenancy_model = RoePolicy  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    template_name = "policy/simulate.html"
    filterset_class = ChangeFilter
    paginate_by = 50
    export_filename = "policy-simulation.csv"
    export_columns = [
        ("Deal", "deal_id"),
        ("Partner", "partner.name"),
        ("Submitted at", "submitted_at"),
        ("Actual outcome", "actual_outcome"),
        ("Actual protection days", "actual_protection_days"),
        ("Simulated outcome", "simulated_outcome"),
        ("Simulated protection days", "simulated_protection_days"),
        ("Why", "why"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if access.can(request.user, "policy.view_pages"):
            self.policy = _policy(kwargs["pk"])
            self.simulation = selectors.latest_simulation(self.policy)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        if self.simulation is None:
            return PolicySimulationChange.objects.none()
        return self.simulation.changes.select_related("partner", "deal").order_by("submitted_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policy"] = self.policy
        context["simulation"] = self.simulation
        context["may_edit"] = access.can(self.request.user, "policy.edit")
        context["rows"] = [
            (c, outcomes.outcome_label(c.actual_outcome), outcomes.outcome_label(c.simulated_outcome))
            for c in context["object_list"]
        ]
        if self.simulation is not None:
            summary = self.simulation.summary or {}
            context["outcomes"] = sorted(
                ((outcomes.outcome_label(k), v) for k, v in (summary.get("outcomes") or {}).items()),
                key=lambda kv: -kv[1],
            )
            context["transitions"] = [
                {
                    **row,
                    "actual_label": outcomes.outcome_label(row["actual"]),
                    "simulated_label": outcomes.outcome_label(row["simulated"]),
                }
                for row in summary.get("transitions") or []
                if isinstance(row, dict)
            ]
            context["replayed"] = summary.get("replayed", self.simulation.done)
        return context

    def post(self, request, pk):
        _require_editor(request)
        ok, simulation = run_service(
            request,
            services.start_simulation,
            policy=self.policy,
            actor=request.user,
            success=_("Simulation started: the last 12 months of registrations are replayed under this draft."),
        )
        return redirect("policy:simulate", pk=self.policy.pk)


class SimulationProgressView(PermissionRequiredMixin, View):
    """GET (htmx): the simulation's progress, polled every second while it runs."""

    permission_required = "policy.view_pages"
    tenancy_model = RoePolicy  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)

    def get(self, request, pk, simulation_pk):
        simulation = get_object_or_404(
            PolicySimulation.objects.select_related("policy"), pk=simulation_pk, policy_id=pk
        )
        if not request.htmx:
            return redirect("policy:simulate", pk=pk)
        return render(request, "policy/partials/progress.html", {"simulation": simulation, "policy": simulation.policy})


class PublishView(PermissionRequiredMixin, View):
    permission_required = "policy.publish"
    tenancy_model = RoePolicy  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)

    def _render(self, request, policy, form, status=200):
        context = {
            "policy": policy,
            "form": form,
            "warning": services.publish_warning(policy) if policy.is_draft else "",
            "in_force": selectors.current_policy(),
        }
        return render(request, "policy/publish.html", context, status=status)

    def get(self, request, pk):
        policy = _policy(pk)
        if not policy.is_draft:
            messages.error(request, _("This version is already published."))
            return redirect(policy)
        return self._render(request, policy, PublishForm())

    def post(self, request, pk):
        policy = _policy(pk)
        form = PublishForm(request.POST)
        if form.is_valid():
            published = run_form_service(
                form,
                services.publish,
                policy=policy,
                actor=request.user,
                effective_from=form.cleaned_data["effective_from"],
                confirm=form.cleaned_data["confirm"],
            )
            if published is not None:
                messages.success(
                    request,
                    _("Version %(version)s is published, in force from %(when)s.")
                    % {"version": published.version, "when": published.effective_from.date().isoformat()},
                )
                return redirect(reverse("policy:list"))
        return self._render(request, policy, form, status=400)
