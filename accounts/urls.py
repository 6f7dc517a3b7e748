from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/invitations/<str:token>/", views.AcceptInvitationView.as_view(), name="accept_invitation"),
    path("staff/", views.StaffView.as_view(), name="staff"),
]
