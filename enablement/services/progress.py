"""What a learner's progress announces: the domain events of learning records and the steps of learning paths."""

from accounts import access
from enablement import selectors
from enablement.models import (
    LearningPath,
    LearningPathStep,
)
from prm.events import record_event


def record_learner_event(name: str, *, record, actor, **payload) -> None:
    """A domain event about a learner's record (an enrolment, a certificate): its partner and person, and more."""
    payload = {"partner_id": record.partner_id, "user_id": record.user_id, **payload}
    record_event(name, actor=actor, partner=record.partner, subject=record, payload=payload)


def record_path_steps(*, user, course, certification) -> None:
    """A finished step of a path the learner follows: the "well done, here is your next step" event."""
    if not access.is_partner_user(user):
        return
    steps = LearningPathStep.objects.filter(path__in=LearningPath.objects.visible_to(user))
    steps = steps.filter(course=course) if course is not None else steps.filter(certification=certification)
    for step in steps.select_related("path"):
        progress = selectors.path_progress(step.path, user)
        upcoming = progress["next_step"]
        record_event(
            "learning_path.step_completed",
            actor=user,
            partner=user.partner,
            subject=step.path,
            payload={
                "user_id": user.pk,
                "path_id": step.path_id,
                "path": step.path.name,
                "step": step.title,
                "next_step": upcoming.title if upcoming else "",
                "next_url": upcoming.url if upcoming else step.path.get_absolute_url(),
                "percent": progress["percent"],
            },
        )
