"""Analytics pages: the program dashboard (snapshots only), its CSV exports, on-demand rollups."""

from operator import itemgetter

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views import View

from accounts.mixins import PermissionRequiredMixin
from analytics import selectors, services
from analytics.forms import ProgramFilterForm
from analytics.models import RollupRun
from fx import selectors as fx_selectors
from prm.exports import export_response
from prm.views import run_service
from sla.selectors import program_panel as sla_program_panel

# /analytics/ is for internal users; finance follows MDF utilisation and commissions paid and owed here.


# Columns of every exported table: (header, key); money and counts as stored, rates as fractions.
KPI_COLUMNS = [
    (gettext_lazy("Partners"), "partners"),
    (gettext_lazy("Sourced bookings"), "sourced_bookings"),
    (gettext_lazy("Influenced bookings"), "influenced_bookings"),
    (gettext_lazy("Sourced pipeline"), "sourced_pipeline"),
    (gettext_lazy("Influenced pipeline"), "influenced_pipeline"),
    (gettext_lazy("New bookings"), "new_bookings"),
    (gettext_lazy("Expansion bookings"), "expansion_bookings"),
    (gettext_lazy("Registered deals"), "registered_deals"),
    (gettext_lazy("Registered value"), "registered_value"),
    (gettext_lazy("Won deals"), "won_deals"),
    (gettext_lazy("Lost deals"), "lost_deals"),
    (gettext_lazy("Win rate"), "win_rate"),
    (gettext_lazy("Sales cycle days"), "sales_cycle_days"),
    (gettext_lazy("Average deal size"), "average_deal_size"),
    (gettext_lazy("Certified people"), "certified_people"),
    (gettext_lazy("MDF committed"), "mdf_committed"),
    (gettext_lazy("MDF spent"), "mdf_spent"),
    (gettext_lazy("MDF utilisation"), "mdf_utilisation"),
    (gettext_lazy("MDF pipeline"), "mdf_pipeline"),
    (gettext_lazy("Pipeline per MDF dollar"), "pipeline_per_mdf_dollar"),
    (gettext_lazy("Commission paid"), "commission_paid"),
    (gettext_lazy("Commission owed"), "commission_owed"),
    (gettext_lazy("Leads assigned"), "leads_assigned"),
    (gettext_lazy("Leads accepted"), "leads_accepted"),
    (gettext_lazy("Records in other currencies"), "other_currency_records"),
]
TABLES = {
    "trend": (gettext_lazy("Quarter"), "trend"),
    "tier": (gettext_lazy("Tier"), "by_tier"),
    "partner_type": (gettext_lazy("Partner type"), "by_type"),
    "region": (gettext_lazy("Region"), "by_region"),
    "certifications": (gettext_lazy("Certified people"), "by_certs"),
    "top_partners": (gettext_lazy("Partner"), "top"),
    "cohorts": (gettext_lazy("Joined in"), "cohorts"),
}


CHARTS = [
    ("bookings", gettext_lazy("Sourced vs influenced bookings"), "line"),
    ("pipeline", gettext_lazy("Sourced vs influenced pipeline"), "line"),
    ("win_rate", gettext_lazy("Win rate"), "line"),
    ("cycle", gettext_lazy("Sales cycle (days)"), "bar"),
    ("deal_size", gettext_lazy("Average deal size"), "line"),
    ("commissions", gettext_lazy("Commissions paid and owed"), "bar"),
    ("tier", gettext_lazy("By tier"), "bar"),
    ("partner_type", gettext_lazy("By partner type"), "bar"),
    ("region", gettext_lazy("By region"), "bar"),
    ("certs_volume", gettext_lazy("Won deals by certifications held"), "bar"),
    ("certs_size", gettext_lazy("Average deal size by certifications held"), "bar"),
    ("mdf", gettext_lazy("MDF utilisation by tier"), "bar"),
    ("mdf_return", gettext_lazy("Pipeline per MDF dollar by tier"), "bar"),
    ("top", gettext_lazy("Top partners"), "bar"),
    ("cohorts", gettext_lazy("Cohorts by join quarter"), "bar"),
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
            "datasets": _series(
                trend, (gettext("Sourced"), "sourced_bookings"), (gettext("Influenced"), "influenced_bookings")
            ),
        },
        "pipeline": {
            "labels": labels,
            "datasets": _series(
                trend, (gettext("Sourced"), "sourced_pipeline"), (gettext("Influenced"), "influenced_pipeline")
            ),
        },
        "win_rate": {"labels": labels, "datasets": _series(trend, (gettext("Win rate %"), "win_rate"), scale=100)},
        "cycle": {"labels": labels, "datasets": _series(trend, (gettext("Sales cycle days"), "sales_cycle_days"))},
        "deal_size": {
            "labels": labels,
            "datasets": _series(trend, (gettext("Average deal size"), "average_deal_size")),
        },
        "commissions": {
            "labels": labels,
            "datasets": _series(trend, (gettext("Paid"), "commission_paid"), (gettext("Owed"), "commission_owed")),
        },
        "tier": chart(
            data["by_tier"],
            (gettext("Sourced"), "sourced_bookings"),
            (gettext("Influenced"), "influenced_bookings"),
            (gettext("Pipeline"), "sourced_pipeline"),
        ),
        "partner_type": chart(
            data["by_type"],
            (gettext("Sourced"), "sourced_bookings"),
            (gettext("Influenced"), "influenced_bookings"),
            (gettext("Pipeline"), "sourced_pipeline"),
        ),
        "region": chart(
            data["by_region"],
            (gettext("Sourced"), "sourced_bookings"),
            (gettext("Influenced"), "influenced_bookings"),
            (gettext("Pipeline"), "sourced_pipeline"),
        ),
        "certs_volume": chart(data["by_certs"], (gettext("Won deals"), "won_deals")),
        "certs_size": chart(data["by_certs"], (gettext("Average deal size"), "average_deal_size")),
        "mdf": chart(data["by_tier"], (gettext("Utilisation %"), "mdf_utilisation"), scale=100),
        "mdf_return": chart(data["by_tier"], (gettext("Pipeline per MDF dollar"), "pipeline_per_mdf_dollar")),
        "top": chart(data["top"], (gettext("Sourced bookings"), "sourced_bookings")),
        "cohorts": chart(
            data["cohorts"], (gettext("Sourced"), "sourced_bookings"), (gettext("Influenced"), "influenced_bookings")
        ),
    }


class ProgramDashboardView(PermissionRequiredMixin, View):
    """/analytics/: the program's KPIs for a quarter and the 8 quarters ending there, from snapshots."""

    permission_required = "analytics.view_program"

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
            return export_response(request, name, columns, data[key])
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
            "sla": sla_program_panel(request.user),  # the vendor's own service levels
            # The rates other currencies were converted at in the period, from finance's table.
            "fx_rates": fx_selectors.rates_during(data["period"].start, data["period"].end),
        }
        bad_input = form.is_bound and not form.is_valid()  # the page shows the message beside the field
        return render(request, "analytics/program.html", context, status=400 if bad_input else 200)


class RollupRequestView(PermissionRequiredMixin, View):
    """POST: a program admin queues a full rebuild; the page then polls its progress."""

    permission_required = "analytics.rebuild_rollups"

    def post(self, request):
        ok, run = run_service(request, services.request_rollup, user=request.user)
        if request.htmx:
            run = run or RollupRun.objects.first()
            return render(request, "analytics/partials/rollup_status.html", {"last_run": run, "user": request.user})
        return redirect("analytics:program")


class RollupProgressView(PermissionRequiredMixin, View):
    """GET: the run's status (htmx polls it every second while it is queued or running)."""

    permission_required = "analytics.view_program"
    tenancy_model = RollupRun  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)

    def get(self, request, pk):
        run = get_object_or_404(RollupRun.objects.select_related("requested_by"), pk=pk)
        if not request.htmx:
            return redirect(reverse("analytics:program"))
        return render(request, "analytics/partials/rollup_status.html", {"last_run": run})
