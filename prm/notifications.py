"""In-portal notifications and e-mail, fanned out from domain events after commit (docs/notifications.md).

One table says who hears about which event: each app declares its `NoticeKind`s (event, audience, title and
body templates, link) with `notices.register(...)`, and the one generic builder here turns a kind and an event
into `Notice`s. A notice whose logic does not fit the table (its body is computed, say) is a small function
registered in the same table with `@notices.builder("name")`. The `create_notifications` subscriber writes one
Notification per user and event, then e-mails those who want it.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from prm import messages
from prm.events import EVENT_TYPES, on_event
from prm.models import (
    DomainEvent,
    Notification,
    NotificationCategory,
    NotificationDefault,
    NotificationPreference,
)


@dataclass
class Notice:
    users: Iterable
    title: str
    body: str = ""
    url: str = ""
    email: bool = True  # e-mailed unless the user switched the category's e-mail off
    key: dict | None = None  # {"title": msgid key, "body": msgid key or verbatim text}: rendered per reader
    params: dict = field(default_factory=dict)


log = logging.getLogger(__name__)

Builder = Callable[[DomainEvent], Iterable[Notice]]
Audience = Callable[[DomainEvent], Iterable]


@dataclass(frozen=True)
class Either:
    """One of two templates, chosen by a test of the event (a promotion or a move, approved or declined)."""

    test: Callable[[DomainEvent], bool]
    then: object
    otherwise: object

    def pick(self, event):
        return self.then if self.test(event) else self.otherwise


def either(test: Callable[[DomainEvent], bool], then, otherwise) -> Either:
    return Either(test, then, otherwise)


def optional(key: str, default=""):
    """A value read from the payload that may be missing (`payload.get(key, default)`)."""
    return lambda event: (event.payload or {}).get(key, default)


def payload_text(key: str):
    """Text people typed, carried in the payload (a reason, a note): shown as it is, never used as a template."""
    return lambda event: (event.payload or {}).get(key) or ""


def payload_money(amount: str, currency: str = "currency"):
    """A money amount of the payload with its currency, shown per the reader's locale (`$1,200.00`)."""
    return lambda event: messages.money((event.payload or {}).get(amount), (event.payload or {}).get(currency))


def link(view: str, arg=None, *, optional: bool = False):
    """The url of `view`, with the payload value `arg` (a key, or a function of the event) as its argument; with
    `optional`, no link when that value is empty."""

    def url(event) -> str:
        if arg is None:
            return reverse(view)
        value = arg(event) if callable(arg) else event.payload[arg]
        if optional and not value:
            return ""
        return reverse(view, args=[value])

    return url


class _Values(dict):
    """The placeholders of a kind's templates, each resolved when a template uses it: a name of `values` maps to
    a payload key or a function of the event; any other name is read from the payload as it is."""

    def __init__(self, event, spec: Mapping):
        super().__init__()
        self.event, self.spec = event, spec

    def __missing__(self, name):
        source = self.spec.get(name, name)
        value = source(self.event) if callable(source) else (self.event.payload or {})[source]
        self[name] = value
        return value


@dataclass(frozen=True)
class NoticeKind:
    """One row of the notification table: who hears about `event`, and what they read.

    `title` and `body` are templates (gettext_lazy / ngettext_lazy, rendered in each recipient's language),
    an `either(...)` of two templates, or a function of the event returning finished text; `values` names
    where their placeholders come from; `url` is a string or a function of the event; `when`, if given,
    decides whether the event notifies anyone at all; `email` is whether it is e-mailed by default (the
    preference category is the event type's)."""

    event: str
    audience: Audience
    title: object
    body: object = ""
    url: str | Callable[[DomainEvent], str] = ""
    values: Mapping = field(default_factory=dict)
    when: Callable[[DomainEvent], bool] | None = None
    email: bool = True

    def __call__(self, event) -> list[Notice]:
        if self.when is not None and not self.when(event):
            return []
        values = _Values(event, self.values)
        title, body = message_of(self.title, event), message_of(self.body, event)
        for key in (title, body):  # resolve the placeholders each template uses (and a plural's number)
            for template in (key.get("msgid"), key.get("plural")):
                if template:
                    _ = template % values
            if isinstance(key.get("number"), str):
                _ = values[key["number"]]
        params = messages.params_of(values)
        return [
            Notice(
                users=self.audience(event),
                title=show(title, params),
                body=show(body, params),
                url=self.url(event) if callable(self.url) else self.url,
                email=self.email,
                key={"title": title, "body": body},
                params=params,
            )
        ]


def message_of(text, event) -> dict:
    """A kind's title or body for this event as a message key, or {"text": ...} when it is finished text."""
    if isinstance(text, Either):
        return message_of(text.pick(event), event)
    if callable(text) and not isinstance(text, Promise):
        return messages.verbatim(text(event))
    return dict(messages.key_of(text) or messages.verbatim(text or ""))


def show(key: dict | None, params: dict, language: str | None = None) -> str:
    if not key:
        return ""
    if "msgid" not in key:
        return key.get("text", "")
    return messages.render(key, params, language)


class NoticeTable:
    """Event name -> the kinds (and special builders) that notify about it, in registration order."""

    def __init__(self):
        self._builders: dict[str, list[Builder]] = {}

    def register(self, *kinds: NoticeKind) -> None:
        for kind in kinds:
            self._add(kind.event, kind)

    def builder(self, name: str):
        def register(function: Builder) -> Builder:
            self._add(name, function)
            return function

        return register

    def _add(self, name: str, builder: Builder) -> None:
        builders = self._builders.setdefault(name, [])
        if builder not in builders:
            builders.append(builder)

    def __contains__(self, name: str) -> bool:
        return name in self._builders

    def build(self, event) -> list[Notice]:
        return [notice for builder in self._builders.get(event.name, ()) for notice in builder(event)]


notices = NoticeTable()


@on_event("*")
def create_notifications(event: DomainEvent) -> None:
    """One Notification per user and event, written in the user's language (User.language): the builder
    runs once in the default language and once more for each other language its recipients chose."""
    if event.name not in notices:
        return
    category = EVENT_TYPES[event.name].category
    default = settings.LANGUAGE_CODE
    with translation.override(default):
        built = notices.build(event)
    languages = {
        user.language for notice in built for user in notice.users if user.language and user.language != default
    }
    _write(event, category, built, default, lambda user: not user.language or user.language == default)
    for language in sorted(languages):
        with translation.override(language):
            _write(event, category, notices.build(event), language, lambda user, lang=language: user.language == lang)


def _write(event, category, built, language, wanted) -> None:
    with translation.override(language):
        for notice in built:
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
                        "message_key": notice.key,
                        "params": notice.params,
                    },
                )
                if created and wants_email(user, category, default=notice.email):
                    transaction.on_commit(lambda pk=notification.pk: queue_email(pk))


def queue_email(notification_id: int) -> None:
    from prm.tasks import send_notification_email  # prm.tasks imports this module

    try:
        send_notification_email.delay(notification_id)
    except Exception:  # broker down: the notification is in the portal; the e-mail is best effort
        log.warning("could not queue the e-mail of notification %s", notification_id, exc_info=True)


def wants_email(user, category: str, *, default: bool = True) -> bool:
    """The user's own choice for the category; without one, the notice's default unless the program's default
    for the category (Settings > Notification defaults) turns e-mail off."""
    preference = NotificationPreference.objects.filter(user=user, category=category).first()
    if preference is not None:
        return preference.email
    if not default:
        return False
    program_default = NotificationDefault.objects.filter(category=category).values_list("email", flat=True).first()
    return program_default is not False


def program_email_defaults() -> dict[str, bool]:
    """category -> whether users without their own preference get e-mail (no row: yes)."""
    stored = dict(NotificationDefault.objects.values_list("category", "email"))
    return {category: stored.get(category, True) for category in NotificationCategory.values}


def store_program_email_defaults(*, emailed_categories: Iterable[str]) -> list[tuple[str, bool, bool]]:
    """Write the program's defaults (callers check the permission and audit); answers (category, before,
    after) for every category whose default changed."""
    emailed = set(emailed_categories)
    before = program_email_defaults()
    changed = []
    for category in NotificationCategory.values:
        NotificationDefault.objects.update_or_create(category=category, defaults={"email": category in emailed})
        if before[category] != (category in emailed):
            changed.append((category, before[category], category in emailed))
    return changed


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
            title = notification.shown_title
        send_email(subject=f"[{settings.PORTAL_NAME}] {title}", body=message, to=[notification.user.email])
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
    defaults = program_email_defaults()
    return {category: stored.get(category, defaults[category]) for category in NotificationCategory.values}
