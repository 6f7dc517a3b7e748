"""Enablement: the partner learning system (DESIGN.md: Enablement).

Aggregate roots: Course (draft -> published; ordered Lessons and Quizzes of Questions and Choices),
Enrolment (in_progress -> completed; one per person and course, with LessonCompletions and QuizAttempts:
an attempt is open while its random draw is being answered, then submitted and scored once),
Certification (required courses plus an exam quiz) and Certificate (valid -> expired | revoked;
renewed in place by a recertification; CertificateReminder rows make the expiry reminders idempotent),
LearningPath (ordered steps of courses and certifications, by partner type and tier) and LibraryAsset
(collateral gated by tier and partner type, with numbered LibraryAssetVersions and a download count).

Partner types of an audience are stored as ",reseller,msp," (empty: every type) so that one `contains`
lookup filters them on every database.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.models import PartnerType
from prm.tenancy import TenantQuerySet


def encode_types(types) -> str:
    values = [t for t in PartnerType.values if t in set(types or [])]
    return f",{','.join(values)}," if values else ""


def decode_types(stored: str) -> list[str]:
    return [t for t in (stored or "").strip(",").split(",") if t]


def audience_q(user, *, types_field="audience_types", tier_field="min_tier"):
    """Rows a partner user's organisation may see: any type or theirs, no minimum tier or one at or below theirs."""
    partner = user.partner
    return (Q(**{types_field: ""}) | Q(**{f"{types_field}__contains": f",{partner.partner_type},"})) & (
        Q(**{f"{tier_field}__isnull": True}) | Q(**{f"{tier_field}__rank__lte": partner.tier.rank})
    )


def _partner_ready(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.partner_id)


class CourseKind(models.TextChoices):
    SALES = "sales", _("Sales")
    TECHNICAL = "technical", _("Technical")
    SPECIALTY = "specialty", _("Specialty")
    DEVELOPER = "developer", _("Developer")
    ONBOARDING = "onboarding", _("Onboarding")


class CertificationKind(models.TextChoices):
    SALES = "sales", _("Sales")
    TECHNICAL = "technical", _("Technical")
    SPECIALTY = "specialty", _("Specialty")
    DEVELOPER = "developer", _("Developer")


class AudienceQuerySet(models.QuerySet):
    """Catalogue objects: internal users see all of them, partner users what is published for their org."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_internal:
            return self
        if not _partner_ready(user):
            return self.none()
        return self.filter(audience_q(user), published=True)


class Course(models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=CourseKind.choices, default=CourseKind.SALES)
    audience_types = models.CharField(max_length=300, blank=True, default="", help_text=_("Empty: every partner type."))
    min_tier = models.ForeignKey(
        "partners.Tier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("minimum tier"),
    )
    estimated_minutes = models.PositiveIntegerField(default=30, validators=[MaxValueValidator(100_000)])
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AudienceQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["published", "kind"], name="course_published_kind_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("enablement:course", args=[self.pk])

    @property
    def audience_type_list(self) -> list[str]:
        return decode_types(self.audience_types)

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(PartnerType.choices)
        return [labels[t] for t in self.audience_type_list if t in labels]


class ChildOfCourseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(course__in=Course.objects.visible_to(user))


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text=_("Markdown."))
    video_url = models.URLField(blank=True)
    attachment = models.FileField(upload_to="enablement/lessons/%Y/%m/", blank=True, max_length=300)

    objects = ChildOfCourseQuerySet.as_manager()

    class Meta:
        ordering = ["course", "position", "id"]

    def __str__(self):
        return self.title

    @property
    def attachment_name(self) -> str:
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""


class Quiz(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    pass_mark = models.PositiveSmallIntegerField(
        default=70, validators=[MinValueValidator(0), MaxValueValidator(100)], help_text=_("Percent needed to pass.")
    )
    attempt_limit = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(100)], help_text=_("Submitted attempts allowed; 0 means no limit.")
    )
    cooldown_minutes = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(525_600)])
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(1440)])
    questions_per_attempt = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Questions drawn at random from the pool per attempt; empty: all of them.")
    )

    objects = ChildOfCourseQuerySet.as_manager()

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="quiz_pass_mark_percent"),
        ]

    def __str__(self):
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE)

    class Meta:
        ordering = ["quiz", "position", "id"]

    def __str__(self):
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self):
        return self.text[:80]


class EnrolmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class LearnerQuerySet(TenantQuerySet):
    """A person's learning records: their own; a partner admin's whole org; internal users all."""

    def visible_to(self, user):
        if _partner_ready(user) and not user.is_partner_admin and not user.is_internal:
            return self.filter(user=user)
        return super().visible_to(user)


class Enrolment(models.Model):
    TENANT_PATH = "partner_id"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.IN_PROGRESS)
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = LearnerQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="enrolment_once_per_course")]
        indexes = [models.Index(fields=["partner", "status"], name="enrolment_partner_status_idx")]

    def __str__(self):
        return f"{self.user} in {self.course}"


class ViaEnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(enrolment__in=Enrolment.objects.visible_to(user))


class LessonCompletion(models.Model):
    TENANT_PATH = "enrolment__partner_id"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    objects = ViaEnrolmentQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_completed_once")]

    def __str__(self):
        return f"{self.enrolment_id}: lesson {self.lesson_id}"


class AttemptQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(enrolment__in=Enrolment.objects.visible_to(user))


class QuizAttempt(models.Model):
    """One try at a quiz: the draw is fixed when it opens; answers, score and result are set once on submit."""

    TENANT_PATH = "enrolment__partner_id"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    attempt_number = models.PositiveSmallIntegerField()
    question_ids = models.JSONField(default=list, help_text=_("The questions drawn for this attempt, in order."))
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(default=False)
    timed_out = models.BooleanField(default=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "quiz", "attempt_number"], name="attempt_number_once"),
            models.UniqueConstraint(
                fields=["enrolment", "quiz"], condition=Q(submitted_at__isnull=True), name="one_open_attempt"
            ),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.attempt_number}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    @property
    def deadline(self):
        if self.quiz.time_limit_minutes:
            return self.started_at + timedelta(minutes=self.quiz.time_limit_minutes)
        return None


def default_validity_months() -> int:
    return getattr(settings, "CERTIFICATE_VALIDITY_MONTHS", 12)


class CertificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_internal:
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


class LearningPath(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    audience_types = models.CharField(max_length=300, blank=True, default="", help_text=_("Empty: every partner type."))
    min_tier = models.ForeignKey(
        "partners.Tier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("minimum tier"),
    )
    published = models.BooleanField(default=True)

    objects = AudienceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enablement:path", args=[self.pk])

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(PartnerType.choices)
        return [labels[t] for t in decode_types(self.audience_types) if t in labels]


class LearningPathStep(models.Model):
    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="path_steps")
    certification = models.ForeignKey(
        Certification, null=True, blank=True, on_delete=models.CASCADE, related_name="path_steps"
    )

    class Meta:
        ordering = ["path", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(course__isnull=False) & Q(certification__isnull=True))
                | (Q(course__isnull=True) & Q(certification__isnull=False)),
                name="path_step_is_course_or_certification",
            )
        ]

    def __str__(self):
        return str(self.course or self.certification)

    @property
    def title(self) -> str:
        return (
            self.course.title
            if self.course_id
            else gettext("Certification: %(name)s") % {"name": self.certification.name}
        )

    @property
    def url(self) -> str:
        if self.course_id:
            return reverse("enablement:course", args=[self.course_id])
        return reverse("enablement:course", args=[self.certification.exam.course_id])


class AssetCategory(models.TextChoices):
    PITCH_DECK = "pitch_deck", _("Pitch deck")
    BATTLE_CARD = "battle_card", _("Battle card")
    CASE_STUDY = "case_study", _("Case study")
    PRICE_SHEET = "price_sheet", _("Price sheet")
    WHITE_PAPER = "white_paper", _("White paper")
    CAMPAIGN = "campaign", _("Campaign-in-a-box")


class LibraryAsset(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=AssetCategory.choices)
    audience_types = models.CharField(max_length=300, blank=True, default="", help_text=_("Empty: every partner type."))
    min_tier = models.ForeignKey(
        "partners.Tier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("minimum tier"),
    )
    published = models.BooleanField(default=True)
    download_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AudienceQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["published", "category"], name="asset_published_category_idx")]

    def __str__(self):
        return self.title

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(PartnerType.choices)
        return [labels[t] for t in decode_types(self.audience_types) if t in labels]


class LibraryAssetVersion(models.Model):
    asset = models.ForeignKey(LibraryAsset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to="enablement/library/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    notes = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["asset", "-number"]
        constraints = [models.UniqueConstraint(fields=["asset", "number"], name="asset_version_number_once")]

    def __str__(self):
        return f"{self.asset} v{self.number}"
