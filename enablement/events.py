"""Enablement's domain events and the notifications people get from them."""

from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

from accounts.audiences import payload_user
from prm import messages
from prm.events import register_event_type
from prm.notifications import NoticeKind, either, link, notices, optional

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


holder = payload_user("user_id")  # the learner, the certificate's holder
certificate_url = link("enablement:certificate", "certificate_id", optional=True)


def _renewed(event) -> bool:
    return bool(event.payload.get("renewed"))


def _expiring_days(event) -> int:
    return 7 if event.payload.get("reminder") == "7d" else 30


CERTIFICATE = {"certification": optional("certification")}

notices.register(
    NoticeKind(
        event="certification.issued",
        audience=holder,
        title=either(
            _renewed,
            gettext_lazy("You renewed the %(certification)s certificate"),
            gettext_lazy("You earned the %(certification)s certificate"),
        ),
        body=gettext_lazy("Download your badge and PDF certificate, and share the public verification link."),
        values={"certification": lambda event: event.payload.get("certification", gettext("certification"))},
        url=certificate_url,
    ),
    NoticeKind(
        event="certification.expiring",
        audience=holder,
        title=gettext_lazy("Your %(certification)s certificate expires in %(days)s days"),
        body=gettext_lazy("Pass the exam again to renew it for another period."),
        values={**CERTIFICATE, "days": _expiring_days},
        url=certificate_url,
    ),
    NoticeKind(
        event="certification.expired",
        audience=holder,
        title=gettext_lazy("Your %(certification)s certificate has expired"),
        body=gettext_lazy("Recertify by passing the exam again."),
        values=CERTIFICATE,
        url=certificate_url,
    ),
)


def _has_next_step(event) -> bool:
    return bool((event.payload or {}).get("next_step"))


def _typed(key: str):
    """A name people typed (a path's or step's title), shown as it is in every language."""
    return lambda event: messages.verbatim((event.payload or {}).get(key) or "")


def _path_done(event):
    return messages.rate_param(Decimal(str((event.payload or {}).get("percent") or 0)) / 100)


# The title names the next step and the body the finished one.
notices.register(
    NoticeKind(
        event="learning_path.step_completed",
        audience=holder,
        title=either(
            _has_next_step,
            gettext_lazy("Well done! Next on %(path)s: %(next_step)s"),
            gettext_lazy("Well done! You finished the %(path)s learning path"),
        ),
        body=either(
            _has_next_step,
            gettext_lazy("You finished %(step)s. Your path is %(done)s done."),
            gettext_lazy("You finished %(step)s, the last step."),
        ),
        values={"path": _typed("path"), "step": _typed("step"), "next_step": _typed("next_step"), "done": _path_done},
        url=optional("next_url"),
    ),
)
