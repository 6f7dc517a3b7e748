from django.urls import path

from accounts import settings_views, token_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/invitations/<str:token>/", views.AcceptInvitationView.as_view(), name="accept_invitation"),
    path("staff/", views.StaffView.as_view(), name="staff"),
    path("staff/<int:pk>/", settings_views.StaffMemberEditView.as_view(), name="staff_edit"),
    path("settings/notifications/", settings_views.NotificationDefaultsView.as_view(), name="notification_defaults"),
    path("accounts/tokens/", token_views.ApiTokenListView.as_view(), name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.ApiTokenRevokeView.as_view(), name="token_revoke"),
]
