"""Internal roles keep their two-factor authentication; partner users may remove theirs."""

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

pytestmark = pytest.mark.django_db


def test_an_internal_user_may_not_remove_their_authenticator(channel_manager):
    authenticator = Authenticator.objects.get(user=channel_manager, type=Authenticator.Type.TOTP)
    assert get_adapter().can_delete_authenticator(authenticator) is False


def test_a_partner_user_may_remove_the_authenticator_they_chose_to_add(partner_user):
    authenticator = TOTP.activate(partner_user, generate_totp_secret()).instance
    assert get_adapter().can_delete_authenticator(authenticator) is True
