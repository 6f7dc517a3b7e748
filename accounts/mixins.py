"""Page views that need a named permission (accounts/access.py)."""

from django.contrib.auth.mixins import LoginRequiredMixin

from accounts import access


class AccessRequiredMixin(LoginRequiredMixin):
    """Anonymous visitors go to the login page; a signed-in user without `access_required` gets 403 with
    the permission's refusal."""

    access_required: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.access_required and not access.can(request.user, self.access_required):
            raise access.get(self.access_required).refuse()
        return super().dispatch(request, *args, **kwargs)
