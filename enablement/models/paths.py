"""Learning paths: ordered steps of courses and certifications, by partner type and tier."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enablement.models.audience import AudienceQuerySet, decode_types
from enablement.models.certifications import Certification
from enablement.models.courses import Course
from partners.models import PartnerType


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
