"""Pages: scorecards, the rating grid, weights, the joint partner dashboard, alert rules and at-risk partners."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from analytics import alerts
from analytics.models import AlertRule
from analytics.scorecards import selectors, services
from analytics.scorecards.forms import (
    AlertRuleForm,
    AtRiskFilter,
    RatingGridForm,
    RatingPeriodForm,
    ScorecardFilter,
    WeightsForm,
)
from analytics.scorecards.scoring import current_quarter, previous_quarter, quarter, quarters_ending
from partners.models import Partner
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service

GRID_PAGE = 20  # partners per page of the rating grid
GRID_MAX = 100  # partners one POST may rate


def period_from(request, name: str = "period") -> str:
    """The requested quarter, or the current one when missing or malformed (the filter shows the error)."""
    try:
        return quarter(request.GET.get(name, "")).key
    except ValueError:
        return current_quarter().key


def recent_quarters() -> list[str]:
    return [q.key for q in reversed(quarters_ending(current_quarter().key, 8))]


class ScorecardListView(FilteredListView):
    permission_required = "analytics.view_scorecards"
    template_name = "analytics/scorecards.html"
    filterset_class = ScorecardFilter
    export_filename = "scorecards.csv"
    export_columns = [
        ("Partner id", "pk"),
        ("Partner", "name"),
        ("Tier", "tier.name"),
        ("Type", "get_partner_type_display"),
        ("Region", "region"),
        ("Channel manager", "channel_manager.email"),
        ("Score", "score"),
        ("Previous quarter", "previous"),
        ("Change", "delta"),
    ]

    def get_base_queryset(self):
        self.period = period_from(self.request)
        return selectors.scorecard_partners(self.request.user, self.period)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            period=self.period,
            previous_period=previous_quarter(self.period).key,
            quarters=recent_quarters(),
            distribution=selectors.score_distribution(self.object_list, self.period),
        )
        return context


class ScorecardDetailView(PermissionRequiredMixin, View):
    permission_required = "analytics.view_scorecards"
    tenancy_model = Partner  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    tenancy_url_kwarg = "partner_id"

    def get(self, request, partner_id):
        partner = get_object_or_404(Partner.objects.select_related("tier", "channel_manager"), pk=partner_id)
        period = period_from(request)
        context = selectors.partner_scorecard(partner, period)
        context.update(quarters=recent_quarters(), may_rate=access.can(request.user, "analytics.rate_partner", partner))
        return render(request, "analytics/scorecard_detail.html", context)


class RatingGridView(PermissionRequiredMixin, View):
    """The one page where a channel manager rates the qualitative criteria of their book for a quarter."""

    permission_required = "analytics.rate_partners"

    def get(self, request):
        period_form = RatingPeriodForm(request.GET or {"period": current_quarter().key})
        if not period_form.is_valid():
            return render(request, "analytics/scorecard_rate.html", {"period_form": period_form, "grid": None})
        period = quarter(period_form.cleaned_data["period"]).key
        book = selectors.rating_book(request.user)
        page = Paginator(book, GRID_PAGE).get_page(request.GET.get("page"))
        return self.render_grid(request, period_form, period, page, list(page.object_list))

    def post(self, request):
        period_form = RatingPeriodForm(request.POST)
        if not period_form.is_valid():
            return render(request, "analytics/scorecard_rate.html", {"period_form": period_form, "grid": None})
        period = quarter(period_form.cleaned_data["period"]).key
        ids = [int(pk) for pk in request.POST.getlist("partner") if pk.isdigit()][:GRID_MAX]
        # The partners posted, not the page recomputed: the service refuses those outside the user's book.
        partners = list(Partner.objects.filter(pk__in=ids).select_related("tier").order_by("name", "pk"))
        grid = selectors.rating_grid(partners, period)
        form = RatingGridForm(request.POST, partners=partners, criteria=grid["criteria"])
        if form.is_valid():
            saved = run_form_service(
                form, services.rate_partners, user=request.user, period=period, ratings=form.ratings()
            )
            if saved is not None:
                messages.success(
                    request,
                    _("Ratings for %(period)s saved (%(count)s changed); scorecards recomputed.")
                    % {"period": period, "count": saved},
                )
                query = f"?period={period}"
                if request.POST.get("page", "").isdigit():
                    query += f"&page={request.POST['page']}"
                return redirect(reverse("analytics:scorecard_rate") + query)
        return self.render_page(
            request, period_form, period, form, grid, status=400, page_number=request.POST.get("page", "")
        )

    def render_grid(self, request, period_form, period, page, partners):
        grid = selectors.rating_grid(partners, period)
        form = RatingGridForm(partners=partners, criteria=grid["criteria"], initial_ratings=grid["current"])
        return self.render_page(
            request,
            period_form,
            period,
            form,
            grid,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            querystring=f"period={period}",
            page_number=page.number,
            quarters=recent_quarters(),
        )

    def render_page(self, request, period_form, period, form, grid, *, status=200, **context):
        context.update(period_form=period_form, period=period, form=form, grid=grid)
        return render(request, "analytics/scorecard_rate.html", context, status=status)


class WeightsView(PermissionRequiredMixin, View):
    permission_required = "analytics.edit_weights"

    def get(self, request):
        form = WeightsForm(criteria=selectors.criteria())
        return render(request, "analytics/scorecard_weights.html", {"form": form})

    def post(self, request):
        form = WeightsForm(request.POST, criteria=selectors.criteria())
        if form.is_valid():
            done = run_form_service(form, services.update_criteria, user=request.user, changes=form.changes())
            if done is not None:
                messages.success(request, _("Weights saved; this quarter's scorecards are being recomputed."))
                return redirect("analytics:scorecard_weights")
        return render(request, "analytics/scorecard_weights.html", {"form": form}, status=400)


class JointDashboardView(PermissionRequiredMixin, View):
    """The partner's users and internal users; any other partner's users get 404."""

    def get(self, request, pk):
        partner = get_visible_or_404(Partner.objects.select_related("tier", "channel_manager"), request.user, pk=pk)
        context = selectors.joint_dashboard(request.user, partner)
        return render(request, "analytics/joint_dashboard.html", context)


class AlertRulesView(PermissionRequiredMixin, View):
    permission_required = "analytics.edit_alert_rules"

    def rows(self, bound=None):
        rows = []
        for rule in AlertRule.objects.select_related("updated_by").annotate(
            open_count=Count("alerts", filter=Q(alerts__resolved_at__isnull=True))
        ):
            form = bound if bound is not None and bound.prefix == f"rule{rule.pk}" else None
            form = form or AlertRuleForm(
                initial={"threshold": rule.threshold, "active": rule.active}, prefix=f"rule{rule.pk}"
            )
            rows.append((rule, form))
        return rows

    def get(self, request):
        return render(request, "analytics/alert_rules.html", {"rows": self.rows()})

    def post(self, request):
        rule_id = request.POST.get("rule", "")
        rule = get_object_or_404(AlertRule, pk=rule_id) if rule_id.isdigit() else None
        if rule is None:
            messages.error(request, _("Choose a rule to change."))
            return redirect("analytics:alert_rules")
        form = AlertRuleForm(request.POST, prefix=f"rule{rule.pk}")
        if form.is_valid():
            done = run_form_service(
                form,
                alerts.update_alert_rule,
                user=request.user,
                rule=rule,
                threshold=form.cleaned_data["threshold"],
                active=form.cleaned_data["active"],
            )
            if done is not None:
                messages.success(request, f"“{rule.get_kind_display()}” saved.")
                return redirect("analytics:alert_rules")
        return render(request, "analytics/alert_rules.html", {"rows": self.rows(bound=form)}, status=400)


class AtRiskView(FilteredListView):
    permission_required = "analytics.view_scorecards"
    template_name = "analytics/at_risk.html"
    filterset_class = AtRiskFilter
    export_filename = "at-risk-partners.csv"
    export_columns = [
        ("Partner id", "pk"),
        ("Partner", "name"),
        ("Tier", "tier.name"),
        ("Channel manager", "channel_manager.email"),
        ("Latest score", "latest_score"),
        ("Score quarter", "latest_period"),
        ("Open alerts", "alert_count"),
        (
            "Alerts",
            lambda p: "; ".join(f"{a.rule.get_kind_display()}: {a.detail}" for a in p.open_alerts),
        ),
    ]

    def get_base_queryset(self):
        partners = selectors.at_risk_partners(self.request.user)
        if self.book_default():
            partners = partners.filter(channel_manager=self.request.user)
        return partners

    def book_default(self) -> bool:
        """Channel managers start with their own book; "Book: all partners" widens it."""
        return access.is_channel_manager(self.request.user) and "book" not in self.request.GET

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["book_default"] = self.book_default()
        return context
