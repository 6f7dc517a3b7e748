"""Learning paths: ordered steps of courses and certifications, by partner type and tier."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from enablement.models.audience import AudienceModel
from enablement.models.certifications import Certification
from enablement.models.courses import Course


class LearningPath(AudienceModel):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enablement:path", args=[self.pk])


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
