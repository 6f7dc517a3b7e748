"""People and access.

Aggregate roots: User (logs in by e-mail; one role; partner roles belong to exactly one Partner),
Invitation (pending -> accepted | expired | revoked), ApiToken (active -> revoked).
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.tenancy import TenantQuerySet


class Role(models.TextChoices):
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_USER = "partner_user", _("Partner user")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    FINANCE = "finance", _("Finance")
    PROGRAM_ADMIN = "program_admin", _("Program admin")


PARTNER_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_USER})
INTERNAL_ROLES = frozenset({Role.CHANNEL_MANAGER, Role.FINANCE, Role.PROGRAM_ADMIN})


class PartnerFunction(models.TextChoices):
    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    TECHNICAL = "technical", _("Technical / pre-sales")
    EXECUTIVE = "executive", _("Executive")
    OTHER = "other", _("Other")


class UserQuerySet(TenantQuerySet):
    def partner_admins_of(self, partner_id):
        return self.filter(partner_id=partner_id, role=Role.PARTNER_ADMIN, is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("role", Role.PROGRAM_ADMIN)
        return self._create(email, password, **fields)


class User(AbstractUser):
    TENANT_PATH = "partner_id"

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER_USER)
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    partner_function = models.CharField(
        max_length=20, choices=PartnerFunction.choices, default=PartnerFunction.SALES, blank=True
    )
    job_title = models.CharField(max_length=120, blank=True)
    # The language the user picked (the picker in the footer); notifications and e-mails use it too.
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    phone = models.CharField(max_length=40, blank=True)
    mfa_waived = models.BooleanField(
        default=False, help_text=_("Demo accounts only: honoured when DEBUG is on, ignored in production.")
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=sorted(PARTNER_ROLES)) & Q(partner__isnull=False))
                | (Q(role__in=sorted(INTERNAL_ROLES)) & Q(partner__isnull=True)),
                name="user_partner_matches_role",
                violation_error_message=_("Partner users belong to exactly one partner; internal users to none."),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    # Kept for templates (`user.is_internal`...); the rule is the access predicate of the same name.
    # accounts.access imports this module (Role), so it is imported when asked.
    @property
    def is_internal(self) -> bool:
        from accounts import access  # accounts.access imports this module

        return access.is_internal(self)

    @property
    def is_partner_user(self) -> bool:
        from accounts import access  # accounts.access imports this module

        return access.is_partner_user(self)

    @property
    def is_partner_admin(self) -> bool:
        from accounts import access  # accounts.access imports this module

        return access.is_partner_admin(self)

    @property
    def mfa_required(self) -> bool:
        """Internal roles must use MFA; the demo's waiver counts only while DEBUG is on."""
        return self.is_internal and not (self.mfa_waived and settings.DEBUG)

    def save(self, *args, **kwargs):
        # set_password() keeps the new password in _password until the next save; a hash upgrade at login
        # clears it first. So this is a real change of an existing account's password, on any path.
        password_changed = self.pk is not None and self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            from accounts import services  # accounts.services imports this module

            # Read by accounts.signals to say so on the page that changed it.
            self.api_tokens_revoked = services.revoke_api_tokens_after_password_change(self)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class InvitationQuerySet(TenantQuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An e-mailed link that lets a new person set a password and join with a given role."""

    TENANT_PATH = "partner_id"

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    partner_function = models.CharField(max_length=20, choices=PartnerFunction.choices, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"], name="invitation_email_idx")]

    def __str__(self):
        return f"Invitation of {self.email} as {self.get_role_display()}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tokens are personal: each user sees only their own."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its hash is stored; the secret is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=20, choices=TokenScope.choices, default=TokenScope.READ_WRITE)
    prefix = models.CharField(max_length=8, help_text=_("First characters of the token, to recognise it."))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
