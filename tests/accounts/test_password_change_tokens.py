"""A new password revokes the user's API tokens, on every path, and tells them (docs/login.md)."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import create_api_token
from prm.models import AuditEntry, DomainEvent, Notification
from tests.accounts.conftest import verify_email
from tests.factories import PASSWORD, InternalUserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Velvet-otter-2026"


@pytest.fixture
def tokens(partner_user):
    verify_email(partner_user)
    return [create_api_token(user=partner_user, name=name)[1] for name in ("CRM sync", "Reporting")]


def answers(secret) -> int:
    return APIClient(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/v1/me/").status_code


def assert_revoked_and_told(user, secrets):
    assert [answers(secret) for secret in secrets] == [401] * len(secrets)
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="token_revoked", reason="Password changed.").count() == len(secrets)
    notification = Notification.objects.get(user=user, event__name="user.api_tokens_revoked")
    assert notification.title == f"Your password changed: {len(secrets)} API tokens were revoked"
    assert notification.url == reverse("accounts:tokens")
    assert any(notification.title in message.subject and user.email in message.to for message in mail.outbox)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_changing_the_password_revokes_the_tokens_and_says_so(
    client_for, partner_user, tokens, django_capture_on_commit_callbacks
):
    client = client_for(partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    page = client.get(response.url)
    assert any("Your 2 API tokens were revoked with the old password" in m for m in messages_of(page))
    assert_revoked_and_told(partner_user, tokens)


def test_resetting_the_password_by_email_revokes_the_tokens(
    client, partner_user, tokens, django_capture_on_commit_callbacks
):
    client.post(reverse("account_reset_password"), {"email": partner_user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert any("Your 2 API tokens were revoked" in m for m in messages_of(response))
    assert_revoked_and_told(partner_user, tokens)


def test_the_admin_setting_a_password_revokes_the_tokens(
    client_for, partner_user, tokens, django_capture_on_commit_callbacks
):
    root = InternalUserFactory(role="program_admin", email="root@example.com", is_staff=True, is_superuser=True)
    client = client_for(root)
    url = reverse("admin:auth_user_password_change", args=[partner_user.pk])  # Django's UserAdmin names it so
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    partner_user.refresh_from_db()
    assert partner_user.check_password(NEW_PASSWORD)
    assert_revoked_and_told(partner_user, tokens)


def test_a_password_hash_upgrade_at_login_keeps_the_tokens(partner_user, tokens, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    User.objects.filter(pk=partner_user.pk).update(password=make_password(PASSWORD, hasher="md5"))
    user = User.objects.get(pk=partner_user.pk)
    assert user.check_password(PASSWORD)  # re-hashed with the preferred hasher and saved
    assert User.objects.get(pk=user.pk).password.startswith("pbkdf2_")
    assert [answers(secret) for secret in tokens] == [200, 200]
    assert not DomainEvent.objects.filter(name="user.api_tokens_revoked").exists()


def test_saving_a_user_without_a_new_password_keeps_the_tokens(partner_user, tokens):
    partner_user.job_title = "Sales engineer"
    partner_user.save()
    assert [answers(secret) for secret in tokens] == [200, 200]


def test_a_password_change_without_tokens_tells_no_one(client_for, partner_user, django_capture_on_commit_callbacks):
    verify_email(partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(partner_user).post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert not DomainEvent.objects.filter(name="user.api_tokens_revoked").exists()
