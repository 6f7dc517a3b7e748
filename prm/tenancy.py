"""Tenancy: one choke point for partner-facing reads (DESIGN.md: Tenancy).

Each model a partner may see declares `TENANT_PATH`, the lookup from the model to its Partner's id
("partner_id", "deal__partner_id", or "pk" for Partner itself), and uses `TenantQuerySet` so that
`Model.objects.visible_to(user)` returns everything for internal users, the user's own
organisation's rows for partner users, and nothing for anyone else.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404


class TenantQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_internal:
            return self
        if not user.partner_id:
            return self.none()
        path = getattr(self.model, "TENANT_PATH", None)
        if not path:
            raise NotImplementedError(f"{self.model.__name__} declares no TENANT_PATH")
        return self.filter(**{path: user.partner_id})


TenantManager = models.Manager.from_queryset(TenantQuerySet)


def get_visible_or_404(queryset_or_model, user, **lookup):
    """Fetch one object the user may see; anything outside their tenancy is a 404, never a 403."""
    queryset = queryset_or_model
    if isinstance(queryset_or_model, type):
        queryset = queryset_or_model._default_manager.all()
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        # Garbage in a lookup (a malformed id, date or UUID from the URL or a form) is "not found", never a 500.
        raise Http404 from None
