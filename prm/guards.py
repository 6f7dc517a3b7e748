"""Permission guards that services call before they change anything, and the partner-standing gate.

Partner standing (docs/partner-status.md): a suspended partner's users may read but not write; a terminated
partner's users may not use the portal at all. The rule lives here, once:

- `require_standing(user)` refuses a partner user whose organisation is suspended or terminated. Every
  service write a partner user can reach calls it, directly or through `accounts.access.require`;
- `TerminatedPartnerMiddleware` ends the session of a terminated partner's user on any request, and the
  token authentication (accounts/authentication.py) and the login adapter (accounts/adapter.py) ask
  `login_refusal(user)` the same question.

Refusals are `PartnerStandingDenied` (a Django `PermissionDenied`) carrying a `code` and a sentence: pages
show the sentence on the 403 page (prm.views.permission_denied), the API answers 403 `{detail, code}`
(prm.api.exception_handler).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from prm.tenancy import partner_model

SUSPENDED, TERMINATED = "suspended", "terminated"


class Refusal(PermissionDenied):
    """A refused action (403) that says why: `message` for people, `code` for machines. Pages show the
    sentence on the 403 page, the API answers `{detail, code}` (prm.api.exception_handler)."""

    code = "permission_denied"

    def __init__(self, message: str = "", code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class PartnerStandingDenied(Refusal):
    """The caller's partner organisation may not act (403); `code` and `message` say why."""

    code = "partner_standing"

    def __init__(self, message: str = ""):
        super().__init__(message or self.default_message())

    @staticmethod
    def default_message() -> str:  # pragma: no cover - the subclasses say it
        return ""


class PartnerSuspended(PartnerStandingDenied):
    code = "partner_suspended"

    @staticmethod
    def default_message() -> str:
        return _(
            "Your organisation's partnership is suspended: you can still see your data, but you cannot make "
            "changes. Your channel manager can tell you more."
        )


class PartnerTerminated(PartnerStandingDenied):
    code = "partner_terminated"

    @staticmethod
    def default_message() -> str:
        return _("Your organisation's partnership has ended: its users can no longer use the portal or the API.")


def partner_status(user, *, fresh: bool = True) -> str | None:
    """The status of the user's partner organisation, or None for internal users and visitors.

    `fresh` reads it from the database (a service must not trust a partner loaded earlier); otherwise the
    partner already loaded on the user (this request's session or token lookup) is used."""
    partner_id = getattr(user, "partner_id", None)
    if user is None or not getattr(user, "is_authenticated", False) or not partner_id:
        return None
    if not fresh:
        return user.partner.status
    # Read now, through the user's `partner` relation (prm sits below partners): a status changed by another
    # request or a worker is seen at once.
    return partner_model(user)._default_manager.filter(pk=partner_id).values_list("status", flat=True).first()


def refusal_for(status: str | None) -> PartnerStandingDenied | None:
    if status == SUSPENDED:
        return PartnerSuspended()
    if status == TERMINATED:
        return PartnerTerminated()
    return None


def require_standing(user) -> None:
    """Refuse (403 partner_suspended / partner_terminated) a write by a user of a suspended or terminated
    partner. Internal users and users of active or onboarding partners pass."""
    refusal = refusal_for(partner_status(user))
    if refusal is not None:
        raise refusal


def login_refusal(user, *, fresh: bool = True) -> PartnerTerminated | None:
    """Why `user` may not log in or use the portal at all (a terminated partner), or None."""
    if partner_status(user, fresh=fresh) == TERMINATED:
        return PartnerTerminated()
    return None


class TerminatedPartnerMiddleware:
    """A terminated partner's user who still holds a session is logged out on the next request, whatever
    the route, and gets the 403 `partner_terminated` refusal (a page with the sentence, or JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        refusal = login_refusal(user, fresh=False) if user is not None and user.is_authenticated else None
        if refusal is None:
            return self.get_response(request)
        from django.contrib.auth import logout

        logout(request)
        return standing_response(request, refusal)


STANDING_CODES = (PartnerSuspended.code, PartnerTerminated.code)


def standing_refusal_body(exc) -> dict | None:
    """`{detail, code}` when `exc` is a standing refusal: ours, or DRF's PermissionDenied raised with one of
    our codes by the token authentication (DRF only lets its own exceptions out of authentication)."""
    if isinstance(exc, PartnerStandingDenied):
        return {"detail": exc.message, "code": exc.code}
    detail = getattr(exc, "detail", None)
    if isinstance(exc, Exception) and getattr(detail, "code", None) in STANDING_CODES:
        return {"detail": str(detail), "code": detail.code}
    return None


def standing_response(request, refusal: PartnerStandingDenied):
    """The 403 answer to a refused caller: JSON `{detail, code}` under /api/, else the 403 page."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": refusal.message, "code": refusal.code}, status=403)
    from prm.views import permission_denied

    return permission_denied(request, refusal)
