"""What every enablement page shares: the login check (private files go out through prm.files)."""

from django.core.exceptions import PermissionDenied


def login_required(request):
    if not request.user.is_authenticated:
        raise PermissionDenied
