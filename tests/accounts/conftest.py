"""Helpers for the accounts tests: verified e-mail addresses and current TOTP codes."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt


def verify_email(user):
    """Every real account has a verified primary address (invitations create it); factories do not."""
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def totp_code(user) -> str:
    """The code the user's authenticator app shows right now (allauth stores the secret encrypted)."""
    # Stay clear of the end of a TOTP period so the code is still current when the server checks it.
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < 2:
        time.sleep(left + 0.05)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.wrap().instance.data["secret"])
    counter = list(yield_hotp_counters_from_time())[mfa_settings.TOTP_TOLERANCE]  # the current period
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def verified():
    return verify_email
