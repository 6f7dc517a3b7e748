"""Enablement's domain events and the notifications people get from them."""

from django.urls import reverse

from accounts.models import User
from prm.events import register_event_type
from prm.notifications import Notice, notice_for

register_event_type(
    "course.completed",
    category="enablement",
    description="A partner user finished a course (payload: partner_id, user_id, course_id, course_kind).",
)
register_event_type(
    "certification.issued",
    category="enablement",
    description="A certificate was issued or renewed (payload: certificate id, user, partner, certification, kind).",
)
register_event_type(
    "certification.expiring",
    category="enablement",
    description="A certificate expires in 30 or 7 days.",
)
register_event_type(
    "certification.expired",
    category="enablement",
    description="A certificate reached its expiry date.",
)
register_event_type(
    "learning_path.step_completed",
    category="enablement",
    description="A learner finished a step of a learning path; the payload names the next step.",
    public=False,
)


def _holder(event):
    return User.objects.filter(pk=(event.payload or {}).get("user_id"))


def _certificate_url(event) -> str:
    certificate_id = (event.payload or {}).get("certificate_id")
    return reverse("enablement:certificate", args=[certificate_id]) if certificate_id else ""


@notice_for("certification.issued")
def certificate_issued_notice(event):
    payload = event.payload or {}
    verb = "renewed" if payload.get("renewed") else "earned"
    yield Notice(
        users=_holder(event),
        title=f"You {verb} the {payload.get('certification', 'certification')} certificate",
        body="Download your badge and PDF certificate, and share the public verification link.",
        url=_certificate_url(event),
    )


@notice_for("certification.expiring")
def certificate_expiring_notice(event):
    payload = event.payload or {}
    days = "7" if payload.get("reminder") == "7d" else "30"
    yield Notice(
        users=_holder(event),
        title=f"Your {payload.get('certification', '')} certificate expires in {days} days",
        body="Pass the exam again to renew it for another period.",
        url=_certificate_url(event),
    )


@notice_for("certification.expired")
def certificate_expired_notice(event):
    payload = event.payload or {}
    yield Notice(
        users=_holder(event),
        title=f"Your {payload.get('certification', '')} certificate has expired",
        body="Recertify by passing the exam again.",
        url=_certificate_url(event),
    )


@notice_for("learning_path.step_completed")
def path_step_notice(event):
    payload = event.payload or {}
    if payload.get("next_step"):
        title = f"Well done! Next on {payload.get('path')}: {payload['next_step']}"
        body = f"You finished {payload.get('step')}. Your path is {payload.get('percent', 0)} % done."
    else:
        title = f"Well done! You finished the {payload.get('path')} learning path"
        body = f"You finished {payload.get('step')}, the last step."
    yield Notice(users=_holder(event), title=title, body=body, url=payload.get("next_url", ""))
