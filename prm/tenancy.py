"""Tenancy: one choke point for partner-facing reads (docs/architecture.md: Cross-cutting controls).

Each model a partner may see declares `TENANT_PATH`, the lookup from the model to its Partner's id
("partner_id", "deal__partner_id", or "pk" for Partner itself), and uses `TenantQuerySet` so that
`Model.objects.visible_to(user)` returns everything for internal users, the user's own
organisation's rows for partner users, and nothing for anyone else.

Refusals (the API doc, Errors): an object outside the caller's tenancy is a 404 whatever the action, never a
403, so ids leak nothing; 403 is only for an object the caller can see but may not act on. Views refuse by
role in many ways (role mixins, DRF permission classes, services), so the rule is applied where a refusal
becomes a response: `hides_refused_object` decides, and the 403 handler for pages
(prm.views.permission_denied) and the API's exception handler (prm.api.exception_handler) answer 404 when
it says so. A route names its object by the view's `tenancy_model` (or `model`, or a DRF view's queryset)
and the URL kwarg `tenancy_url_kwarg` (default: the DRF lookup kwarg, else "pk"); a `?partner=` query
names a Partner the same way.
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


def outside_tenancy(user, model, pk) -> bool:
    """Whether the `model` row `pk` is outside a partner user's tenancy (a missing row is, too).

    A model with a TENANT_PATH is inside when it belongs to the user's partner (whatever the role may do with
    it); otherwise its `visible_to(user)` decides; a model with neither is program data only internal users
    see. Internal users' tenancy is the whole program, so nothing is outside it for them.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_partner_user", False):
        return False
    manager = model._default_manager
    try:
        path = getattr(model, "TENANT_PATH", None)
        if path:
            return not manager.filter(pk=pk).filter(**{path: user.partner_id}).exists()
        queryset = manager.all()
        if hasattr(queryset, "visible_to"):
            return not queryset.visible_to(user).filter(pk=pk).exists()
    except (ValueError, TypeError, ValidationError):
        return True
    return True


def _route_object(view, kwargs):
    """(model, pk) of the object a route names in its URL, or None."""
    kwarg = getattr(view, "tenancy_url_kwarg", None)
    if kwarg is None:
        kwarg = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None) or "pk"
    if kwarg not in kwargs:
        return None
    model = getattr(view, "tenancy_model", None)
    if model is None:
        candidate = getattr(view, "model", None)
        if isinstance(candidate, type) and issubclass(candidate, models.Model):
            model = candidate
    if model is None and hasattr(view, "get_queryset") and hasattr(view, "lookup_field"):  # a DRF view
        queryset = getattr(view, "queryset", None)
        if queryset is None and getattr(view, "request", None) is not None:
            try:
                queryset = view.get_queryset()
            except Exception:  # a queryset that refuses the caller names no model: the refusal stays as it is
                queryset = None
        model = getattr(queryset, "model", None)
    return (model, kwargs[kwarg]) if model is not None else None


def hides_refused_object(user, view, kwargs, query) -> bool:
    """A refusal (403) of `user` on this route must read 404: the route's object (URL kwargs of `view`, a
    class, function or DRF view instance) or its `?partner=` filter lies outside the user's tenancy."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_partner_user", False):
        return False
    named = _route_object(view, kwargs or {}) if view is not None else None
    if named is not None and outside_tenancy(user, *named):
        return True
    partner = (query or {}).get("partner")
    if partner not in (None, ""):
        return outside_tenancy(user, partner_model(user), partner)
    return False


def partner_model(user) -> type[models.Model]:
    """The partner organisation model, read from the user's `partner` relation (prm sits below partners)."""
    return user._meta.get_field("partner").related_model
