"""REST API v1 routes of analytics (the API doc), included under /api/v1/."""

from django.urls import path  # noqa: F401

from analytics import api
from analytics.scorecards.api import ScorecardView

urlpatterns = []
urlpatterns += [
    path("analytics/kpis/", api.KpiView.as_view(), name="analytics-kpis"),
    path("analytics/program/", api.ProgramView.as_view(), name="analytics-program"),
]
urlpatterns += [path("analytics/scorecards/", ScorecardView.as_view(), name="analytics-scorecards")]
