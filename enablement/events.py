"""Enablement's domain events and the notifications people get from them."""

from django.urls import reverse
from django.utils.translation import gettext

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
    if payload.get("renewed"):
        title = gettext("You renewed the %(certification)s certificate")
    else:
        title = gettext("You earned the %(certification)s certificate")
    yield Notice(
        users=_holder(event),
        title=title % {"certification": payload.get("certification", gettext("certification"))},
        body=gettext("Download your badge and PDF certificate, and share the public verification link."),
        url=_certificate_url(event),
    )


@notice_for("certification.expiring")
def certificate_expiring_notice(event):
    payload = event.payload or {}
    days = 7 if payload.get("reminder") == "7d" else 30
    yield Notice(
        users=_holder(event),
        title=gettext("Your %(certification)s certificate expires in %(days)s days")
        % {"certification": payload.get("certification", ""), "days": days},
        body=gettext("Pass the exam again to renew it for another period."),
        url=_certificate_url(event),
    )


@notice_for("certification.expired")
def certificate_expired_notice(event):
    payload = event.payload or {}
    yield Notice(
        users=_holder(event),
        title=gettext("Your %(certification)s certificate has expired")
        % {"certification": payload.get("certification", "")},
        body=gettext("Recertify by passing the exam again."),
        url=_certificate_url(event),
    )


@notice_for("learning_path.step_completed")
def path_step_notice(event):
    payload = event.payload or {}
    if payload.get("next_step"):
        title = gettext("Well done! Next on %(path)s: %(step)s") % {
            "path": payload.get("path"),
            "step": payload["next_step"],
        }
        body = gettext("You finished %(step)s. Your path is %(percent)s %% done.") % {
            "step": payload.get("step"),
            "percent": payload.get("percent", 0),
        }
    else:
        title = gettext("Well done! You finished the %(path)s learning path") % {"path": payload.get("path")}
        body = gettext("You finished %(step)s, the last step.") % {"step": payload.get("step")}
    yield Notice(users=_holder(event), title=title, body=body, url=payload.get("next_url", ""))
