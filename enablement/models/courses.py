"""Courses (draft -> published) with ordered Lessons, and Quizzes of Questions and Choices."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enablement.models.audience import AudienceModel, decode_types


class CourseKind(models.TextChoices):
    SALES = "sales", _("Sales")
    TECHNICAL = "technical", _("Technical")
    SPECIALTY = "specialty", _("Specialty")
    DEVELOPER = "developer", _("Developer")
    ONBOARDING = "onboarding", _("Onboarding")


class Course(AudienceModel):
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=CourseKind.choices, default=CourseKind.SALES)
    estimated_minutes = models.PositiveIntegerField(default=30, validators=[MaxValueValidator(100_000)])
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    # A quiz's terms, in the order its form, the API and the authoring service list them.
    TERMS = ("title", "pass_mark", "attempt_limit", "cooldown_minutes", "time_limit_minutes", "questions_per_attempt")

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
