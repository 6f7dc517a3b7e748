"""Pages of analytics (included at the site root)."""

from django.urls import path  # noqa: F401

from analytics import views
from analytics.scorecards import views as scorecard_views

app_name = "analytics"

urlpatterns = []

# Program dashboard and KPI rollups.
urlpatterns += [
    path("analytics/", views.ProgramDashboardView.as_view(), name="program"),
    path("analytics/rollups/", views.RollupRequestView.as_view(), name="rollup_request"),
    path("analytics/rollups/<int:pk>/", views.RollupProgressView.as_view(), name="rollup_progress"),
]

# Scorecards, the joint partner dashboard and alerts.
urlpatterns += [
    path("analytics/scorecards/", scorecard_views.ScorecardListView.as_view(), name="scorecards"),
    path("analytics/scorecards/rate/", scorecard_views.RatingGridView.as_view(), name="scorecard_rate"),
    path("analytics/scorecards/weights/", scorecard_views.WeightsView.as_view(), name="scorecard_weights"),
    path(
        "analytics/scorecards/<int:partner_id>/",
        scorecard_views.ScorecardDetailView.as_view(),
        name="scorecard_detail",
    ),
    path("partners/<int:pk>/dashboard/", scorecard_views.JointDashboardView.as_view(), name="joint_dashboard"),
    path("analytics/alerts/", scorecard_views.AlertRulesView.as_view(), name="alert_rules"),
    path("analytics/at-risk/", scorecard_views.AtRiskView.as_view(), name="at_risk"),
]
