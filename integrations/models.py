"""Webhook subscriptions and deliveries (docs/webhooks.md; the API doc: Webhooks).

Aggregate roots:
- WebhookSubscription (active <-> paused): a program admin's URL listening to some public events, with
  the secret its deliveries are signed with. A subscription failing for WEBHOOK_PAUSE_AFTER is paused.
- WebhookDelivery (pending -> succeeded | retrying -> ... -> succeeded | failed | abandoned): one event
  sent to one subscription. Automatic retries re-use the row (attempt, next_attempt_at, last status code);
  a manual redelivery creates a new row pointing at the original (`redelivery_of`), so the log keeps
  what happened to every send. The original delivery of an event is unique per subscription, so a
  fan-out handler that runs twice creates nothing twice.
- WebhookDeliveryAttempt: one try of a delivery (status code, duration, error), appended and never
  changed, so a 500 before the 200 stays in the log (docs/webhooks.md: The delivery log).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import access


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("state of a user, token or webhook", "Active")
    PAUSED = "paused", _("Paused")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    ABANDONED = "abandoned", _("Abandoned")


OUTSTANDING = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class ProgramAdminQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Webhooks are program configuration: program admins see all of them, everyone else none."""
        return self if access.is_program_admin(user) else self.none()


class WebhookSubscription(models.Model):
    url = models.URLField("URL", max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text=_("Names of the public events sent to this URL."))
    # Kept in clear: every delivery is signed with it (HMAC), so it cannot be stored as a one-way hash.
    secret = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE)
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text=_("First failed attempt since the last success; cleared by a success.")
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgramAdminQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SubscriptionStatus.values), name="webhook_subscription_status_valid"
            )
        ]

    def __str__(self):
        return f"Webhook {self.pk} → {self.url}"

    def get_absolute_url(self):
        return reverse("integrations:webhook_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == SubscriptionStatus.ACTIVE


class WebhookDeliveryQuerySet(ProgramAdminQuerySet):
    def due(self, now):
        return self.filter(
            status__in=OUTSTANDING,
            next_attempt_at__lte=now,
            subscription__status=SubscriptionStatus.ACTIVE,
        )


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("prm.DomainEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event_name = models.CharField(max_length=64)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redeliveries"
    )
    # The exact text that is POSTed and signed; the payload snapshot {id, event, created_at, data}.
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt = models.PositiveIntegerField(default=0, help_text=_("Attempts made so far."))
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The fan-out creates the original delivery of an event once per subscription (idempotent handler).
            models.UniqueConstraint(
                fields=["subscription", "event"],
                condition=Q(redelivery_of__isnull=True, event__isnull=False),
                name="webhook_delivery_once_per_event",
            ),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status__in=OUTSTANDING), name="webhook_delivery_due_idx"
            ),
            models.Index(fields=["subscription", "created_at"], name="webhook_delivery_log_idx"),
        ]

    def __str__(self):
        return f"Delivery {self.pk} of {self.event_name}"

    @property
    def is_outstanding(self) -> bool:
        return self.status in OUTSTANDING


class WebhookDeliveryAttempt(models.Model):
    """One POST of a delivery: what the receiver answered (or why nothing was sent), kept as it happened."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()  # 1 for the first try, 2 for the first retry ...
    started_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    objects = ProgramAdminQuerySet.as_manager()

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once_per_number"),
        ]

    def __str__(self):
        return f"Attempt {self.number} of delivery {self.delivery_id}"
