"""Analytics pages: the program dashboard (snapshots only), its CSV exports, on-demand rollups."""

from operator import itemgetter

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.models import Role
from analytics import selectors, services
from analytics.forms import ProgramFilterForm
from analytics.models import RollupRun
from prm.views import RoleRequiredMixin, csv_response, run_service

# DESIGN.md: /analytics/ is for internal users; finance follows MDF utilisation and commissions paid and owed here.
DASHBOARD_ROLES = {Role.CHANNEL_MANAGER, Role.FINANCE, Role.PROGRAM_ADMIN}

# Columns of every exported table: (header, key); money and counts as stored, rates as fractions.
KPI_COLUMNS = [
    ("Partners", "partners"),
    ("Sourced bookings", "sourced_bookings"),
    ("Influenced bookings", "influenced_bookings"),
    ("Sourced pipeline", "sourced_pipeline"),
    ("Influenced pipeline", "influenced_pipeline"),
    ("New bookings", "new_bookings"),
    ("Expansion bookings", "expansion_bookings"),
    ("Registered deals", "registered_deals"),
    ("Registered value", "registered_value"),
    ("Won deals", "won_deals"),
    ("Lost deals", "lost_deals"),
    ("Win rate", "win_rate"),
    ("Sales cycle days", "sales_cycle_days"),
    ("Average deal size", "average_deal_size"),
    ("Certified people", "certified_people"),
    ("MDF committed", "mdf_committed"),
    ("MDF spent", "mdf_spent"),
    ("MDF utilisation", "mdf_utilisation"),
    ("MDF pipeline", "mdf_pipeline"),
    ("Pipeline per MDF dollar", "pipeline_per_mdf_dollar"),
    ("Commission paid", "commission_paid"),
    ("Commission owed", "commission_owed"),
    ("Leads assigned", "leads_assigned"),
    ("Leads accepted", "leads_accepted"),
    ("Records in other currencies", "other_currency_records"),
]
TABLES = {
    "trend": ("Quarter", "trend"),
    "tier": ("Tier", "by_tier"),
    "partner_type": ("Partner type", "by_type"),
    "region": ("Region", "by_region"),
    "certifications": ("Certified people", "by_certs"),
    "top_partners": ("Partner", "top"),
    "cohorts": ("Joined in", "cohorts"),
}


CHARTS = [
    ("bookings", "Sourced vs influenced bookings", "line"),
    ("pipeline", "Sourced vs influenced pipeline", "line"),
    ("win_rate", "Win rate", "line"),
    ("cycle", "Sales cycle (days)", "bar"),
    ("deal_size", "Average deal size", "line"),
    ("commissions", "Commissions paid and owed", "bar"),
    ("tier", "By tier", "bar"),
    ("partner_type", "By partner type", "bar"),
    ("region", "By region", "bar"),
    ("certs_volume", "Won deals by certifications held", "bar"),
    ("certs_size", "Average deal size by certifications held", "bar"),
    ("mdf", "MDF utilisation by tier", "bar"),
    ("mdf_return", "Pipeline per MDF dollar by tier", "bar"),
    ("top", "Top partners", "bar"),
    ("cohorts", "Cohorts by join quarter", "bar"),
]


def _number(value) -> float:
    return float(value or 0)  # chart display only; the tables and exports keep Decimals


def _series(rows, *fields, scale=1):
    return [{"label": label, "data": [_number(row[field]) * scale for row in rows]} for label, field in fields]


def charts(data: dict) -> dict:
    """Chart.js data (static/js/portal.js) for each chart of the dashboard."""
    trend, labels = data["trend"], [row["name"] for row in data["trend"]]

    def chart(rows, *fields, scale=1):
        return {"labels": [str(row["name"]) for row in rows], "datasets": _series(rows, *fields, scale=scale)}

    return {
        "bookings": {
            "labels": labels,
            "datasets": _series(trend, ("Sourced", "sourced_bookings"), ("Influenced", "influenced_bookings")),
        },
        "pipeline": {
            "labels": labels,
            "datasets": _series(trend, ("Sourced", "sourced_pipeline"), ("Influenced", "influenced_pipeline")),
        },
        "win_rate": {"labels": labels, "datasets": _series(trend, ("Win rate %", "win_rate"), scale=100)},
        "cycle": {"labels": labels, "datasets": _series(trend, ("Sales cycle days", "sales_cycle_days"))},
        "deal_size": {"labels": labels, "datasets": _series(trend, ("Average deal size", "average_deal_size"))},
        "commissions": {
            "labels": labels,
            "datasets": _series(trend, ("Paid", "commission_paid"), ("Owed", "commission_owed")),
        },
        "tier": chart(
            data["by_tier"],
            ("Sourced", "sourced_bookings"),
            ("Influenced", "influenced_bookings"),
            ("Pipeline", "sourced_pipeline"),
        ),
        "partner_type": chart(
            data["by_type"],
            ("Sourced", "sourced_bookings"),
            ("Influenced", "influenced_bookings"),
            ("Pipeline", "sourced_pipeline"),
        ),
        "region": chart(
            data["by_region"],
            ("Sourced", "sourced_bookings"),
            ("Influenced", "influenced_bookings"),
            ("Pipeline", "sourced_pipeline"),
        ),
        "certs_volume": chart(data["by_certs"], ("Won deals", "won_deals")),
        "certs_size": chart(data["by_certs"], ("Average deal size", "average_deal_size")),
        "mdf": chart(data["by_tier"], ("Utilisation %", "mdf_utilisation"), scale=100),
        "mdf_return": chart(data["by_tier"], ("Pipeline per MDF dollar", "pipeline_per_mdf_dollar")),
        "top": chart(data["top"], ("Sourced bookings", "sourced_bookings")),
        "cohorts": chart(data["cohorts"], ("Sourced", "sourced_bookings"), ("Influenced", "influenced_bookings")),
    }


class ProgramDashboardView(RoleRequiredMixin, View):
    """/analytics/: the program's KPIs for a quarter and the 8 quarters ending there, from snapshots."""

    allowed_roles = DASHBOARD_ROLES

    def get(self, request):
        form = ProgramFilterForm(request.GET or None, user=request.user)
        data = selectors.program_dashboard(**form.filters())
        export = request.GET.get("export")
        if export:
            if export not in TABLES:
                raise Http404("No such table.")
            first, key = TABLES[export]
            name = f"program-{export}-{data['period'].key}-{timezone.localdate().isoformat()}.csv"
            columns = [(first, itemgetter("name")), *((header, itemgetter(k)) for header, k in KPI_COLUMNS)]
            return csv_response(name, columns, data[key])
        query = request.GET.copy()
        query.pop("export", None)
        data_by_key = charts(data)
        context = {
            **data,
            "form": form,
            "chart_list": [
                {"id": f"chart-{key}", "title": title, "kind": kind, "data": data_by_key[key]}
                for key, title, kind in CHARTS
            ],
            "querystring": query.urlencode(),
            "tables": TABLES,
        }
        return render(request, "analytics/program.html", context)


class RollupRequestView(RoleRequiredMixin, View):
    """POST: a program admin queues a full rebuild; the page then polls its progress."""

    allowed_roles = {Role.PROGRAM_ADMIN}

    def post(self, request):
        ok, run = run_service(request, services.request_rollup, user=request.user)
        if request.htmx:
            run = run or RollupRun.objects.first()
            return render(request, "analytics/partials/rollup_status.html", {"last_run": run, "user": request.user})
        return redirect("analytics:program")


class RollupProgressView(RoleRequiredMixin, View):
    """GET: the run's status (htmx polls it every second while it is queued or running)."""

    allowed_roles = DASHBOARD_ROLES

    def get(self, request, pk):
        run = get_object_or_404(RollupRun.objects.select_related("requested_by"), pk=pk)
        if not request.htmx:
            return redirect(reverse("analytics:program"))
        return render(request, "analytics/partials/rollup_status.html", {"last_run": run})
