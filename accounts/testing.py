"""Logins for tests and benchmarks: a test client's `force_login` that counts as a finished login.

A session of a role that needs the second factor counts only once it passed it in that session
(accounts.middleware.SecondFactorMiddleware, docs/login.md). Test clients skip the login pages, so this
records the password and MFA steps in the client's session the way allauth's login does. Never used by the
portal's own request handling.
"""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def record_second_factor(client, user) -> None:
    """Mark `client`'s (already logged-in) session as having passed the password and TOTP steps."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return  # a user without an authenticator stays where a real login leaves them: sent to set it up
    session = client.session
    request = type("SessionOnly", (), {"session": session})()
    record_authentication(request, user, "password", email=user.email)
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    session.save()


def force_full_login(client, user) -> None:
    """`client.force_login(user)` followed by a completed second factor."""
    client.force_login(user)
    record_second_factor(client, user)
