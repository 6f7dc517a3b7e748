"""In-portal notifications and e-mail, fanned out from domain events after commit.

Each event type that people should hear about registers a builder with `@notice_for("name")`: a
function of the event that returns `Notice`s (who, title, body, link). The `create_notifications`
subscriber writes one Notification per user and event, then e-mails those who want it.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from prm.events import EVENT_TYPES, on_event
from prm.models import DomainEvent, Notification, NotificationCategory, NotificationPreference


@dataclass
class Notice:
    users: Iterable
    title: str
    body: str = ""
    url: str = ""


log = logging.getLogger(__name__)

_BUILDERS: dict[str, Callable[[DomainEvent], Iterable[Notice]]] = {}


def notice_for(name: str):
    def register(builder):
        _BUILDERS[name] = builder
        return builder

    return register


@on_event("*")
def create_notifications(event: DomainEvent) -> None:
    """One Notification per user and event, written in the user's language (User.language): the builder
    runs once in the default language and once more for each other language its recipients chose."""
    builder = _BUILDERS.get(event.name)
    if builder is None:
        return
    category = EVENT_TYPES[event.name].category
    default = settings.LANGUAGE_CODE
    with translation.override(default):
        notices = list(builder(event))
    languages = {
        user.language for notice in notices for user in notice.users if user.language and user.language != default
    }
    _write(event, category, notices, default, lambda user: not user.language or user.language == default)
    for language in sorted(languages):
        with translation.override(language):
            _write(event, category, list(builder(event)), language, lambda user, lang=language: user.language == lang)


def _write(event, category, notices, language, wanted) -> None:
    with translation.override(language):
        for notice in notices:
            for user in notice.users:
                if not user.is_active or not wanted(user):
                    continue
                notification, created = Notification.objects.get_or_create(
                    user=user,
                    event=event,
                    defaults={
                        "category": category,
                        "title": str(notice.title)[:200],
                        "body": str(notice.body),
                        "url": notice.url,
                    },
                )
                if created and wants_email(user, category):
                    transaction.on_commit(lambda pk=notification.pk: queue_email(pk))


def queue_email(notification_id: int) -> None:
    from prm.tasks import send_notification_email

    try:
        send_notification_email.delay(notification_id)
    except Exception:  # broker down: the notification is in the portal; the e-mail is best effort
        log.warning("could not queue the e-mail of notification %s", notification_id, exc_info=True)


def wants_email(user, category: str) -> bool:
    preference = NotificationPreference.objects.filter(user=user, category=category).first()
    return preference.email if preference else True


def one_line(text) -> str:
    """A header value on one line: CR, LF and every other line break or run of spaces become one space. A subject
    quotes what people typed (a customer's name); Django refuses a header holding a line break (BadHeaderError)."""
    return " ".join(str(text).split())


def send_email(*, subject, body: str, to: Iterable[str]) -> None:
    """The one place the portal sends e-mail (docs/hardening.md): the subject is flattened to one line, and a
    failure is logged with its subject before it is raised to the caller (a task retries, a hook logs)."""
    subject = one_line(subject)
    recipients = list(to)
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
    except Exception:
        log.exception("could not send the e-mail %r to %d recipient(s)", subject, len(recipients))
        raise


def email_notification(*, notification_id: int) -> bool:
    """E-mail one notification once: the row is claimed before the mail is sent, so two workers never both
    send it, and released again if sending fails, so a retry can."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    context = {"notification": notification, "site_url": settings.SITE_URL, "portal_name": settings.PORTAL_NAME}
    try:
        with translation.override(notification.user.language or settings.LANGUAGE_CODE):
            message = render_to_string("prm/email/notification.txt", context)
        send_email(subject=f"[{settings.PORTAL_NAME}] {notification.title}", body=message, to=[notification.user.email])
    except Exception:
        # Not sent: release the claim so the task's retry (or a later run) can send it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def mark_read(*, user, notification_id: int) -> None:
    Notification.objects.visible_to(user).filter(pk=notification_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, user) -> int:
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())


def set_email_preferences(*, user, emailed_categories: Iterable[str]) -> None:
    """Keep e-mail on for the given categories and off for the others."""
    emailed = set(emailed_categories)
    with transaction.atomic():
        for category in NotificationCategory.values:
            NotificationPreference.objects.update_or_create(
                user=user, category=category, defaults={"email": category in emailed}
            )


def email_preferences(user) -> dict[str, bool]:
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("category", "email"))
    return {category: stored.get(category, True) for category in NotificationCategory.values}
