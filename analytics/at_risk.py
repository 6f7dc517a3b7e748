"""At-risk episodes (docs/analytics.md, "At-risk partners"): a partner is at risk while it has an open alert
(analytics/alerts.py). Its episode starts with its first open alert and ends when none is open; when one
starts, the partner's admins and its channel manager are told once (`analytics.partner_at_risk`) what is below
the program's thresholds and by when to act. Running the daily evaluation twice tells nobody twice: at most one
open episode per partner (a database constraint), and only the run that opens it records the event.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from analytics.models import Alert, AlertKind, AtRiskEpisode
from enablement.models import Certificate, CertificateStatus
from partners.models import Partner
from prm.events import record_event
from prm.periods import quarter_of


def act_by(partner_id: int, alerts, now):
    """By when the partner should act: the last day of the running quarter (its scorecard and the next tier
    review measure it), or the first expiry of a certification when an expiring one comes sooner."""
    day = quarter_of(timezone.localtime(now).date()).end - timedelta(days=1)
    if any(alert.rule.kind == AlertKind.CERTS_EXPIRING for alert in alerts):
        first = Certificate.objects.filter(
            partner_id=partner_id, status=CertificateStatus.VALID, expires_at__gt=now
        ).aggregate(first=Min("expires_at"))["first"]
        if first is not None:
            day = min(day, timezone.localtime(first).date())
    return day


def update_episodes(now=None) -> dict[str, int]:
    """Start an episode (and tell) for each partner newly at risk; end those of partners with no open alert."""
    now = now or timezone.now()
    open_alerts = list(Alert.objects.filter(resolved_at__isnull=True).select_related("rule").order_by("rule__kind"))
    by_partner: dict[int, list] = {}
    for alert in open_alerts:
        by_partner.setdefault(alert.partner_id, []).append(alert)
    ended = AtRiskEpisode.objects.filter(ended_at__isnull=True).exclude(partner_id__in=by_partner).update(ended_at=now)
    running = set(AtRiskEpisode.objects.filter(ended_at__isnull=True).values_list("partner_id", flat=True))
    started = 0
    for partner_id in sorted(set(by_partner) - running):
        started += _start(partner_id, by_partner[partner_id], now)
    return {"started": started, "ended": ended}


def _start(partner_id: int, alerts, now) -> int:
    partner = Partner.objects.only("pk", "name", "channel_manager_id").get(pk=partner_id)
    try:
        with transaction.atomic():
            episode = AtRiskEpisode.objects.create(partner=partner, started_at=now)
            record_event(
                "analytics.partner_at_risk",
                partner=partner,
                subject=episode,
                payload={
                    "episode_id": episode.pk,
                    "partner_id": partner.pk,
                    "partner_name": partner.name,
                    "channel_manager_id": partner.channel_manager_id,
                    "alerts": [
                        {"kind": alert.rule.kind, "threshold": alert.rule.threshold, "detail": alert.detail}
                        for alert in alerts
                    ],
                    "act_by": act_by(partner.pk, alerts, now).isoformat(),
                },
            )
    except IntegrityError:  # another run opened the episode first: it told them
        return 0
    return 1
