"""A person's learning: Enrolments (in_progress -> completed), LessonCompletions and QuizAttempts."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from enablement.models.audience import partner_ready
from enablement.models.courses import Course, Lesson, Quiz
from prm.tenancy import TenantQuerySet


class EnrolmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class LearnerQuerySet(TenantQuerySet):
    """A person's learning records: their own; a partner admin's whole org; internal users all."""

    def visible_to(self, user):
        if partner_ready(user) and not access.is_partner_admin(user) and not access.is_internal(user):
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
    """Rows of an enrolment (lesson completions, quiz attempts): visible with the enrolment."""

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

    objects = ViaEnrolmentQuerySet.as_manager()

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
