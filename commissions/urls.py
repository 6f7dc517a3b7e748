"""Commission pages: /commissions/ for finance, /commissions/earnings/ for partner admins."""

from django.urls import path

from commissions import plan_views, views

app_name = "commissions"

urlpatterns = [
    path("commissions/", views.EntryListView.as_view(), name="entries"),
    path("commissions/approve/", views.approve_entries, name="approve_entries"),
    path("commissions/adjustments/new/", views.AdjustmentView.as_view(), name="adjustment"),
    path("commissions/batches/", views.BatchListView.as_view(), name="batches"),
    path("commissions/batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch"),
    path("commissions/owed/", views.OwedView.as_view(), name="owed"),
    path("commissions/held/", views.HeldPayoutsView.as_view(), name="held"),
    path("commissions/earnings/", views.EarningsView.as_view(), name="earnings"),
    path("commissions/statements/", views.StatementView.as_view(), name="statement"),
    path("commissions/plans/", views.PlanListView.as_view(), name="plans"),
    path("commissions/contests/<int:pk>/", views.ContestView.as_view(), name="contest"),
    path("commissions/contests/new/", views.ContestFormView.as_view(), name="contest_new"),
    path("commissions/contests/<int:pk>/edit/", views.ContestFormView.as_view(), name="contest_edit"),
    path("commissions/spiffs/new/", views.SpiffFormView.as_view(), name="spiff_new"),
    path("commissions/spiffs/<int:pk>/edit/", views.SpiffFormView.as_view(), name="spiff_edit"),
    path("commissions/plans/new/", plan_views.PlanEditView.as_view(), name="plan_new"),
    path("commissions/plans/<int:pk>/", plan_views.PlanEditView.as_view(), name="plan_edit"),
    path("commissions/plans/<int:plan_pk>/rules/new/", plan_views.RuleNewView.as_view(), name="rule_new"),
    path("commissions/rules/<int:pk>/end/", plan_views.RuleEndView.as_view(), name="rule_end"),
    path("commissions/rules/<int:pk>/rate/", views.RuleRateView.as_view(), name="rule_rate"),
]
