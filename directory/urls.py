"""Directory pages: the public partner locator under /partners/find/ and the pages behind login under /directory/."""

from django.urls import path

from directory import manage_views, views

app_name = "directory"

urlpatterns = [
    path("partners/find/", views.search, name="search"),
    path("partners/find/match/", views.MatchView.as_view(), name="match"),
    path("partners/find/thanks/", views.thanks, name="thanks"),
    path("partners/find/verify/", views.VerifyStatementView.as_view(), name="verify"),
    path("partners/find/sitemap.xml", views.sitemap, name="sitemap"),
    path("partners/find/<slug:slug>/", views.ProfileView.as_view(), name="profile"),
    path("directory/listing/", manage_views.ListingEditView.as_view(), name="listing"),
    path("directory/routing/", manage_views.RuleListView.as_view(), name="rules"),
    path("directory/routing/new/", manage_views.RuleEditView.as_view(), name="rule_new"),
    path("directory/routing/<int:pk>/", manage_views.RuleEditView.as_view(), name="rule"),
    path("directory/routing/<int:pk>/<slug:status>/", manage_views.RuleStatusView.as_view(), name="rule_status"),
]
