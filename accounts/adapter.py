"""allauth adapter: no open sign-up; people arrive through invitations or the partner application."""

from allauth.account.adapter import DefaultAccountAdapter


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False
