"""Shared records of the portal.

Aggregate roots: AuditEntry (append-only: who moved what from which state to which, and why),
DomainEvent (the outbox: recorded in the service's transaction, dispatched after commit; states
pending -> dispatched), Notification (one per user and event; unread -> read).
StoredFile is the abstract base of every uploaded document kept in private storage (MDF proofs,
dispute evidence).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from prm import messages
from prm.tenancy import TenantManager


class AuditEntry(models.Model):
    """One state change or sensitive action. Never edited or deleted by the portal."""

    TENANT_PATH = "partner_id"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True, help_text=_("E-mail of the actor, or 'system'."))
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    object_label = models.CharField(max_length=255)
    action = models.CharField(max_length=64)
    from_state = models.CharField(max_length=64, blank=True)
    to_state = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="audit_object_idx"),
            models.Index(fields=["partner", "created_at"], name="audit_partner_idx"),
            models.Index(fields=["action", "created_at"], name="audit_action_idx"),
        ]
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.actor_label} {self.action} {self.object_label}"


class DomainEvent(models.Model):
    """A fact another part of the portal reacts to, e.g. deal.won (the transactional outbox)."""

    TENANT_PATH = "partner_id"

    name = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    # Events name a partner and carry its data (webhooks will offer them to partners): scope them too.
    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(dispatched_at__isnull=True), name="event_pending_idx"),
        ]

    def __str__(self):
        return f"{self.name} #{self.pk}"


class EventHandlerRun(models.Model):
    """Marks that one handler finished for one event, so a redelivered event changes nothing."""

    event = models.ForeignKey(DomainEvent, on_delete=models.CASCADE, related_name="handler_runs")
    handler = models.CharField(max_length=200)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="event_handler_once")]

    def __str__(self):
        return f"{self.handler} ran for event #{self.event_id}"


class NotificationCategory(models.TextChoices):
    ACCOUNT = "account", _("Account and team")
    PARTNERS = "partners", _("Partner program and tiers")
    DEALS = "deals", _("Deals and leads")
    ENABLEMENT = "enablement", _("Courses and certifications")
    MDF = "mdf", _("Market development funds")
    COMMISSIONS = "commissions", _("Commissions and payouts")
    ANALYTICS = "analytics", _("Alerts and scorecards")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Notifications are personal: everyone, internal or not, sees only their own."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(DomainEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(max_length=20, choices=NotificationCategory.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # {"title": key, "body": key} (prm/messages.py) and the values of their placeholders: the text is rendered in
    # the reader's language when shown; `title` and `body` keep the text as written, for rows without a key.
    message_key = models.JSONField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"], condition=Q(event__isnull=False), name="notification_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["user", "created_at"], name="notification_user_idx"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self):
        return self.title

    def render(self, language: str | None = None) -> tuple[str, str]:
        """(title, body) in `language` (the active one when None); a row written before keys: its stored text."""
        key = self.message_key or {}
        title, body = key.get("title"), key.get("body")
        if not title or "msgid" not in title:
            return self.title, self.body
        shown_body = (body or {}).get("text", "") if not body or "msgid" not in body else None
        if shown_body is None:
            shown_body = messages.render(body, self.params, language)
        return messages.render(title, self.params, language)[:200], shown_body

    @property
    def shown_title(self) -> str:
        return self.render()[0]

    @property
    def shown_body(self) -> str:
        return self.render()[1]


class NotificationPreference(models.Model):
    """Whether a user gets e-mail for one category; no row means yes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(max_length=20, choices=NotificationCategory.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.user} {self.category}: {'e-mail' if self.email else 'portal only'}"


class NotificationDefault(models.Model):
    """The program's default for one category: whether users without their own preference get e-mail.
    No row means yes (docs/settings.md)."""

    category = models.CharField(max_length=20, choices=NotificationCategory.choices, unique=True)
    email = models.BooleanField(default=True)

    def __str__(self):
        return f"{self.category}: {'e-mail' if self.email else 'portal only'}"


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an Idempotency-Key (the API doc: Idempotency).

    Keys are per user and kept 24 hours. `status_code` is null while the first request is still running.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self):
        return f"{self.user_id}:{self.key} {self.method} {self.path} -> {self.status_code or 'running'}"


class ImportProgress(models.Model):
    """The upload, progress and row errors every CSV import job keeps (ImportJob, deals' AccountImport)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255, blank=True)
    content = models.TextField()
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class ImportJob(ImportProgress):
    """One CSV import (partners, historical deals, ...) run by prm.imports: queued -> running -> done | failed.

    Keeps the uploaded text so the job can run in a Celery worker and the error report can quote each
    bad row. `errors` is a list of {"row", "field", "message"}; `row` is the spreadsheet row (header = 1).
    """

    kind = models.CharField(max_length=40, db_index=True)
    skipped = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True, help_text=_("Why the whole job failed, if it did."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(ImportProgress.Meta):
        indexes = [models.Index(fields=["uploaded_by", "kind", "created_at"], name="importjob_user_kind_idx")]

    def __str__(self):
        return f"{self.kind} import {self.pk} ({self.file_name})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return 0 if not self.total_rows else min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def error_rows(self) -> int:
        return len({error["row"] for error in self.errors})


@deconstructible
class private_upload_to:  # noqa: N801 - used like the function it replaces: upload_to=private_upload_to(...)
    """upload_to of a private file: <prefix>/<year>/<month>/<partner id>/<timestamp>-<name>.

    `partner_path` is the dotted path from the instance to its partner id, e.g. "claim.partner_id".
    Private storage: MEDIA_URL is not served; files go out only through the permission-checked view.
    """

    def __init__(self, prefix: str, partner_path: str):
        self.prefix = prefix
        self.partner_path = partner_path

    def __call__(self, instance, filename):
        partner_id = instance
        for attribute in self.partner_path.split("."):
            partner_id = getattr(partner_id, attribute)
        stamp = timezone.now()
        return f"{self.prefix}/{stamp:%Y/%m}/{partner_id}/{stamp.timestamp():.0f}-{filename}"

    def __eq__(self, other):
        return isinstance(other, private_upload_to) and (self.prefix, self.partner_path) == (
            other.prefix,
            other.partner_path,
        )

    def __hash__(self):
        return hash((self.prefix, self.partner_path))


class StoredFile(models.Model):
    """An uploaded document: its stored file (declared by the subclass with its upload_to), the name it
    was uploaded under, its checked content type and size, who uploaded it and when."""

    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self):
        return self.name
