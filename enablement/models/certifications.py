"""Certifications (required courses plus an exam quiz), Certificates (valid -> expired | revoked, renewed in
place) and the CertificateReminders that make expiry reminders idempotent."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from enablement.models.courses import Course, Quiz
from enablement.models.learners import LearnerQuerySet, QuizAttempt
from prm import badges


class CertificationKind(models.TextChoices):
    SALES = "sales", _("Sales")
    TECHNICAL = "technical", _("Technical")
    SPECIALTY = "specialty", _("Specialty")
    DEVELOPER = "developer", _("Developer")


def default_validity_months() -> int:
    return getattr(settings, "CERTIFICATE_VALIDITY_MONTHS", 12)


class CertificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if access.is_internal(user):
            return self
        return self.filter(active=True, exam__course__in=Course.objects.visible_to(user))


class Certification(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=CertificationKind.choices, default=CertificationKind.SALES)
    description = models.TextField(blank=True)
    required_courses = models.ManyToManyField(Course, blank=True, related_name="certifications")
    exam = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="certifications")
    validity_months = models.PositiveSmallIntegerField(
        default=default_validity_months, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


def new_verification_code() -> str:
    return secrets.token_urlsafe(18)


class Certificate(models.Model):
    """A person's certification: one per person and certification, renewed in place by recertification."""

    TENANT_PATH = "partner_id"

    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="certificates")
    verification_code = models.CharField(max_length=40, unique=True, default=new_verification_code)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    renewals = models.PositiveSmallIntegerField(default=0)
    attempt = models.ForeignKey(QuizAttempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = LearnerQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "certification"], name="certificate_once_per_person"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("issued_at")), name="certificate_expires_later"),
        ]
        indexes = [
            models.Index(fields=["partner", "status", "expires_at"], name="certificate_partner_idx"),
            models.Index(fields=["status", "expires_at"], name="certificate_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.certification} · {self.user}"

    def get_absolute_url(self):
        return reverse("enablement:certificate", args=[self.pk])

    @property
    def current_status(self) -> str:
        """The status as of now: a valid certificate past its expiry reads as expired before the task runs."""
        if self.status == CertificateStatus.VALID and self.expires_at <= timezone.now():
            return CertificateStatus.EXPIRED
        return self.status

    def get_current_status_display_text(self) -> str:
        return str(dict(CertificateStatus.choices)[self.current_status])

    @property
    def verify_url(self) -> str:
        return settings.SITE_URL + reverse("enablement:verify", args=[self.verification_code])


class ReminderKind(models.TextChoices):
    DAYS_30 = "30d", _("30 days before expiry")
    DAYS_7 = "7d", _("7 days before expiry")
    EXPIRED = "expired", _("Expired")


class ViaCertificateQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(certificate__in=Certificate.objects.visible_to(user))


class CertificateReminder(models.Model):
    """A reminder sent for one expiry date of a certificate: the row makes the beat task idempotent."""

    TENANT_PATH = "certificate__partner_id"

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    objects = ViaCertificateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["certificate", "kind", "expires_at"], name="certificate_reminder_once")
        ]

    def __str__(self):
        return f"{self.certificate_id}: {self.kind}"


badges.register(
    Certificate,
    colours={CertificateStatus.VALID: "text-bg-success", CertificateStatus.EXPIRED: "text-bg-secondary"},
    default="text-bg-danger",
    testid="certificate-status",
    field="current_status",
    label="get_current_status_display_text",
)
