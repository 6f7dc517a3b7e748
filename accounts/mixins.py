"""Page mixins of the permission layer (accounts/access.py): a page names the permission it needs.

`permission_required = "deals.review"` refuses (403, the permission's own sentence) a logged-in user without
it; anonymous visitors are sent to log in. A page without `permission_required` needs only a login.
"""

from accounts import access
from prm import views as prm_views


class PermissionRequiredMixin(prm_views.AccessMixin):
    permission_required: str = ""

    def check_access(self, request) -> None:
        super().check_access(request)
        user = request.user
        if self.permission_required and not access.can(user, self.permission_required):
            raise access.get(self.permission_required).refuse()


class FilteredListView(PermissionRequiredMixin, prm_views.FilteredListView):
    """prm's list page (filters, pagination, CSV export) behind the page's permission."""


class ObjectActionView(PermissionRequiredMixin, prm_views.ObjectActionView):
    """prm's POST <object>/<action>/ page behind the page's permission."""
