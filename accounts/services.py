"""Writes about people and access: invitations, team membership and API tokens."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import ApiToken, Invitation, TokenScope, User, hash_secret
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict, TransitionNotAllowed
from prm.guards import refusal_for, require_standing
from prm.notifications import send_email


def can_invite(inviter: User, *, role: str, partner) -> bool:
    """Partner admins invite colleagues into their own partner; channel managers and program admins
    invite a partner's admin (and users); program admins also invite internal staff (accounts/account_access.py).
    `role` is the invitation's role: partner roles need a partner, internal roles none."""
    if access.is_partner_role(role):
        return partner is not None and access.can(inviter, "accounts.invite_partner_people", partner)
    if access.is_internal_role(role):
        return partner is None and access.can(inviter, "accounts.invite_staff")
    return False


def invite_user(*, inviter: User, email: str, role: str, partner=None, partner_function: str = "") -> tuple:
    """Create an invitation and e-mail its link. Returns (invitation, raw_token); the raw token is
    never stored, only its hash."""
    require_standing(inviter)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    email = User.objects.normalize_email(email).lower()
    if not access.is_role(role):
        raise ValidationError({"role": _("Choose one of the roles offered.")})
    if access.is_partner_role(role) != (partner is not None):
        raise ValidationError({"role": _("Partner roles need a partner; internal roles must have none.")})
    if not can_invite(inviter, role=role, partner=partner):
        raise PermissionDenied(_("You may not invite someone with this role here."))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and (access.is_internal(inviter) or existing.partner_id == getattr(partner, "pk", None)):
        # Internal staff see every account anyway, and a partner admin sees its own team: a clear answer leaks nothing.
        raise ValidationError({"email": _("Someone with this e-mail address already has an account.")})
    # A partner admin inviting an address that has an account elsewhere gets the same answer, the same pending
    # invitation and the same audit row as for a new address, so the form tells nothing about who has an account
    # (docs/hardening.md); the account holder is e-mailed a note instead of a link, and the invitation's token is
    # never sent, so it can only expire or be withdrawn.
    token = Invitation.new_token()
    with transaction.atomic():
        # A new invitation replaces a pending one for the same address into the same organisation; another
        # partner's invitations are theirs to withdraw (tenancy), whoever accepts first gets the account.
        replaced = Invitation.objects.select_for_update().pending().filter(email__iexact=email, partner=partner)
        for old in replaced:
            old.revoked_at = timezone.now()
            old.save(update_fields=["revoked_at"])
            record_audit(
                actor=inviter,
                obj=old,
                action="revoked",
                from_state="pending",
                to_state="revoked",
                reason="Replaced by a new invitation.",
            )
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            partner=partner,
            partner_function=partner_function or "",
            invited_by=inviter,
            token_hash=hash_secret(token),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS),
        )
        record_audit(
            actor=inviter, obj=invitation, action="invited", to_state="pending", partner_id=partner and partner.pk
        )
        # robust: a mail server that is down is logged; it must not turn a saved invitation into a 500.
        if existing is None:
            transaction.on_commit(lambda: _send_invitation_email(invitation, token), robust=True)
        else:
            transaction.on_commit(lambda: _send_existing_account_note(invitation, existing), robust=True)
    return invitation, (token if existing is None else None)


def _send_invitation_email(invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "link": settings.SITE_URL + reverse("accounts:accept_invitation", args=[token]),
        "portal_name": settings.PORTAL_NAME,
        "vendor_name": settings.VENDOR_NAME,
    }
    send_email(
        subject=_("You are invited to the %(portal)s") % {"portal": settings.PORTAL_NAME},
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[invitation.email],
    )


def _send_existing_account_note(invitation: Invitation, holder: User) -> None:
    """Tell an account holder that someone tried to invite their address, in their language, with no link."""
    from django.utils import translation

    context = {
        "invitation": invitation,
        "login_link": settings.SITE_URL + reverse("account_login"),
        "portal_name": settings.PORTAL_NAME,
        "vendor_name": settings.VENDOR_NAME,
    }
    with translation.override(holder.language or settings.LANGUAGE_CODE):
        send_email(
            subject=_("Someone tried to invite you to the %(portal)s") % {"portal": settings.PORTAL_NAME},
            body=render_to_string("accounts/email/already_registered.txt", context),
            to=[holder.email],
        )


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("partner", "invited_by").filter(token_hash=hash_secret(token)).first()


def accept_invitation(*, token: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Create the invited user with the chosen password; the link works once and not after expiry."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=hash_secret(token)).first()
        if invitation is None:
            raise TransitionNotAllowed(_("This invitation link is not valid."), code="invitation_invalid")
        if invitation.partner_id:  # nobody joins a suspended or terminated partner (docs/partner-status.md)
            refusal = refusal_for(invitation.partner.status)
            if refusal is not None:
                raise refusal
        status = invitation.status
        if status != "pending":
            raise TransitionNotAllowed(
                {
                    "accepted": _("This invitation has already been used. Log in instead."),
                    "expired": _("This invitation has expired. Ask the person who invited you for a new one."),
                    "revoked": _("This invitation was withdrawn. Ask the person who invited you for a new one."),
                }[status],
                code=f"invitation_{status}",
            )
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise Conflict(_("An account with this e-mail address already exists. Log in instead."), code="user_exists")
        user = User(
            email=invitation.email,
            role=invitation.role,
            partner=invitation.partner,
            partner_function=invitation.partner_function or "",
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password1": error.messages}) from error
        user.set_password(password)
        user.save()
        # The link arrived by e-mail, so the address is verified.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        record_audit(actor=user, obj=invitation, action="accepted", from_state="pending", to_state="accepted")
        record_event(
            "user.joined",
            actor=user,
            partner=invitation.partner,
            subject=user,
            payload={
                "user_id": user.pk,
                "email": user.email,
                "role": user.role,
                "invited_by": invitation.invited_by_id,
            },
        )
    return user


def revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    require_standing(actor)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    if not can_invite(actor, role=invitation.role, partner=invitation.partner):
        raise PermissionDenied(_("You may not withdraw this invitation."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != "pending":
            raise TransitionNotAllowed(_("Only a pending invitation can be withdrawn."), code="invitation_not_pending")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_audit(actor=actor, obj=invitation, action="revoked", from_state="pending", to_state="revoked")
    return invitation


def create_api_token(*, user: User, name: str, scope: str = TokenScope.READ_WRITE) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns (token, secret). The secret is shown to the caller once."""
    require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    if not user.is_active:
        raise PermissionDenied(_("This account is inactive."))
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _('Use "read" or "read_write".')})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the integration that uses it.")})
    secret = "prm_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], scope=scope, prefix=secret[4:12], key_hash=hash_secret(secret)
        )
        record_audit(actor=user, obj=token, action="token_created", to_state="active", partner_id=user.partner_id)
    return token, secret


def revoke_api_token(*, user: User, token: ApiToken) -> ApiToken:
    access.require(user, "accounts.revoke_api_token", token, standing=False)
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            record_audit(
                actor=user,
                obj=token,
                action="token_revoked",
                from_state="active",
                to_state="revoked",
                partner_id=user.partner_id,
            )
    token.refresh_from_db()
    return token


def revoke_api_tokens_after_password_change(user: User) -> int:
    """A new password ends every API token of the user, whoever set it (the user, a reset link, the admin):
    a token taken with the old password must not outlive it (docs/login.md). Called by User.save; the user
    hears of it (notification and e-mail) when any token was active. Returns how many were revoked."""
    with transaction.atomic():
        tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).order_by("pk"))
        if not tokens:
            return 0
        ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(revoked_at=timezone.now())
        for token in tokens:
            record_audit(
                actor=None,
                obj=token,
                action="token_revoked",
                from_state="active",
                to_state="revoked",
                reason="Password changed.",
                partner_id=user.partner_id,
            )
        record_event(
            "user.api_tokens_revoked",
            partner=user.partner,
            subject=user,
            payload={"user_id": user.pk, "count": len(tokens), "tokens": [token.name for token in tokens]},
        )
    return len(tokens)


def user_has_mfa(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def verify_mfa_code(user: User, code: str) -> bool:
    """Check a TOTP or recovery code of `user` (used by the token endpoint)."""
    from allauth.mfa.models import Authenticator

    code = (code or "").strip()
    if not code:
        return False
    for authenticator in Authenticator.objects.filter(user=user):
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False


def set_preferred_language(*, user, language: str) -> None:
    """Any user may choose the language of their pages, notifications and e-mails (settings.LANGUAGES)."""
    from django.conf import settings as django_settings

    if language not in dict(django_settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose one of the portal's languages.")]})
    if user.language != language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)
