"""Certificates: issuing and renewing, revoking, expiry and the expiry reminders."""

from calendar import monthrange
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts import access
from enablement.models import (
    Certificate,
    CertificateReminder,
    CertificateStatus,
    Certification,
    Enrolment,
    EnrolmentStatus,
    ReminderKind,
)
from enablement.services.progress import record_learner_event, record_path_steps
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


# --- Certificates ------------------------------------------------------------------------------------


def issue_if_eligible(*, user, certification: Certification, attempt) -> Certificate | None:
    required = set(certification.required_courses.values_list("pk", flat=True))
    completed = set(
        Enrolment.objects.filter(user=user, course_id__in=required, status=EnrolmentStatus.COMPLETED).values_list(
            "course_id", flat=True
        )
    )
    if required - completed:
        return None
    if Certificate.objects.filter(user=user, certification=certification, status=CertificateStatus.REVOKED).exists():
        return None  # a revoked certificate is not renewed by passing again; the program admin decides
    return issue_certificate(user=user, certification=certification, attempt=attempt, actor=user)


def issue_certificate(*, user, certification: Certification, attempt=None, actor=None, now=None) -> Certificate:
    """Issue the certificate, or renew the person's existing one (recertification) from now on."""
    now = now or timezone.now()
    expires_at = add_months(now, certification.validity_months)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(user=user, certification=certification).first()
        renewed = certificate is not None
        if certificate is None:
            certificate = Certificate.objects.create(
                certification=certification,
                user=user,
                partner_id=user.partner_id,
                issued_at=now,
                expires_at=expires_at,
                attempt=attempt,
            )
            from_state = ""
        else:
            from_state = certificate.status
            certificate.issued_at, certificate.expires_at = now, expires_at
            certificate.status = CertificateStatus.VALID
            certificate.renewals = F("renewals") + 1
            certificate.attempt = attempt
            certificate.save(update_fields=["issued_at", "expires_at", "status", "renewals", "attempt"])
            certificate.refresh_from_db()
        record_audit(
            actor=actor,
            obj=certificate,
            action="renew" if renewed else "issue",
            from_state=from_state,
            to_state="valid",
        )
        record_learner_event(
            "certification.issued",
            record=certificate,
            actor=actor,
            certificate_id=certificate.pk,
            user=user.email,
            certification=certification.name,
            certification_id=certification.pk,
            kind=certification.kind,
            renewed=renewed,
            expires_at=certificate.expires_at.isoformat(),
        )
        record_path_steps(user=user, course=None, certification=certification)
    return certificate


def revoke_certificate(*, certificate: Certificate, actor, reason: str) -> Certificate:
    access.require(actor, "enablement.revoke_certificate")
    if not reason.strip():
        raise ValidationError({"reason": [gettext("Say why the certificate is revoked.")]})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status == CertificateStatus.REVOKED:
            raise Conflict(gettext("The certificate is already revoked."), code="already_revoked")
        from_state = certificate.status
        certificate.status = CertificateStatus.REVOKED
        certificate.save(update_fields=["status"])
        record_audit(
            actor=actor, obj=certificate, action="revoke", from_state=from_state, to_state="revoked", reason=reason
        )
    return certificate


def _claim_reminder(certificate: Certificate, kind: str) -> bool:
    """Record that a reminder for this expiry date is sent; False when it already was (idempotent)."""
    try:
        with transaction.atomic():
            CertificateReminder.objects.create(certificate=certificate, kind=kind, expires_at=certificate.expires_at)
    except IntegrityError:
        return False
    return True


def expire_certificates(*, now=None) -> int:
    """Mark valid certificates past their expiry as expired, once each, with the `certification.expired` event."""
    now = now or timezone.now()
    count = 0
    for pk in (
        Certificate.objects.filter(status=CertificateStatus.VALID, expires_at__lte=now)
        .values_list("pk", flat=True)
        .iterator(chunk_size=500)
    ):
        with transaction.atomic():
            # The conditional update claims the row: a second run (or a second worker) changes nothing.
            if not Certificate.objects.filter(pk=pk, status=CertificateStatus.VALID, expires_at__lte=now).update(
                status=CertificateStatus.EXPIRED
            ):
                continue
            certificate = Certificate.objects.select_related("certification", "user", "partner").get(pk=pk)
            _claim_reminder(certificate, ReminderKind.EXPIRED)
            record_audit(actor=None, obj=certificate, action="expire", from_state="valid", to_state="expired")
            record_event(
                "certification.expired",
                partner=certificate.partner,
                subject=certificate,
                payload=_reminder_payload(certificate, ReminderKind.EXPIRED),
            )
            count += 1
    return count


def _reminder_payload(certificate: Certificate, kind: str) -> dict:
    return {
        "certificate_id": certificate.pk,
        "user_id": certificate.user_id,
        "certification": certificate.certification.name,
        "expires_at": certificate.expires_at.isoformat(),
        "reminder": kind,
    }


def send_expiry_reminders(*, now=None) -> int:
    """Reminders 30 and 7 days before expiry; each (certificate, kind, expiry date) is sent once."""
    now = now or timezone.now()
    sent = 0
    for kind, days in ((ReminderKind.DAYS_7, 7), (ReminderKind.DAYS_30, 30)):
        due = (
            Certificate.objects.filter(
                status=CertificateStatus.VALID, expires_at__gt=now, expires_at__lte=now + timedelta(days=days)
            )
            .exclude(reminders__kind=kind, reminders__expires_at=F("expires_at"))
            .select_related("certification", "user", "partner")
        )
        for certificate in due.iterator(chunk_size=500):
            if kind == ReminderKind.DAYS_30 and certificate.expires_at <= now + timedelta(days=7):
                continue  # inside 7 days the 7-day reminder speaks; never both at once
            with transaction.atomic():
                if not _claim_reminder(certificate, kind):
                    continue
                record_event(
                    "certification.expiring",
                    partner=certificate.partner,
                    subject=certificate,
                    payload=_reminder_payload(certificate, kind),
                )
                sent += 1
    return sent
