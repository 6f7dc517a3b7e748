"""Partner alerts (docs/analytics.md): thresholds a program admin sets; a breach opens one Alert and notifies once.

`evaluate_alerts` measures every active rule for all partners with one set-based query per rule, then
opens alerts for new breaches (one `analytics.alert_opened` event each: the channel manager, or the
program admins when the partner has none, hear about it once), leaves open alerts alone while the
condition holds, and resolves them when it clears. A condition that comes back later opens a new alert.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from analytics import at_risk
from analytics.models import Alert, AlertKind, AlertRule, Scorecard
from analytics.scorecards.scoring import quarters_ending
from deals.models import DealRegistration, Lead, LeadStatus
from enablement.models import Certificate, CertificateStatus
from partners.models import Partner, PartnerStatus
from prm.audit import record_audit
from prm.events import record_event
from prm.periods import quarter_of

LEAD_WINDOW_DAYS = 90  # leads_not_accepted looks at leads passed in the last 90 days


@dataclass(frozen=True)
class Breach:
    value: Decimal
    detail: str


# --- Detectors: one query each, {partner_id: Breach} ------------------------------------------------


def no_deal(threshold: int, now) -> dict[int, Breach]:
    """Active partners with no registration submitted in the last N days (joined at least N days ago)."""
    since = now - timedelta(days=threshold)
    recent = DealRegistration.objects.filter(partner_id=OuterRef("pk"), submitted_at__gte=since)
    rows = (
        Partner.objects.filter(status=PartnerStatus.ACTIVE)
        .filter(Q(joined_at__lte=since.date()) | Q(joined_at__isnull=True, created_at__lte=since))
        .exclude(Exists(recent))
        .annotate(last=Max("deal_registrations__submitted_at"))
        .values_list("pk", "last")
    )
    breaches = {}
    for partner_id, last in rows:
        if last is None:
            breaches[partner_id] = Breach(Decimal(threshold), f"No deal registered in {threshold} days (never).")
        else:
            days = (now - last).days
            breaches[partner_id] = Breach(
                Decimal(days), f"No deal registered in {threshold} days (last {last.date():%d %b %Y}, {days} days ago)."
            )
    return breaches


def certs_expiring(threshold: int, now) -> dict[int, Breach]:
    """Partners with valid certificates expiring within N days."""
    rows = (
        Certificate.objects.filter(
            status=CertificateStatus.VALID, expires_at__gt=now, expires_at__lte=now + timedelta(days=threshold)
        )
        .values("partner_id")
        .annotate(n=Count("id"), first=Min("expires_at"))
        .values_list("partner_id", "n", "first")
    )
    return {
        partner_id: Breach(
            Decimal(n),
            f"{n} certification{'s' if n != 1 else ''} expiring within {threshold} days (first on {first:%d %b %Y}).",
        )
        for partner_id, n, first in rows
    }


def score_drop(threshold: int, now) -> dict[int, Breach]:
    """Partners whose last closed quarter's score is at least N points below the quarter before it.

    The running quarter is left out: its measured criteria are only part-way (bookings so far against a
    whole previous quarter), so comparing it would flag nearly every partner in a quarter's first weeks.
    """
    current = quarter_of(timezone.localtime(now).date())
    previous, latest = (q.key for q in quarters_ending(quarter_of(current.start - timedelta(days=1)).key, 2))
    totals: dict[int, dict[str, Decimal]] = {}
    for partner_id, period, total in Scorecard.objects.filter(period__in=[previous, latest]).values_list(
        "partner_id", "period", "total"
    ):
        totals.setdefault(partner_id, {})[period] = total
    breaches = {}
    for partner_id, by_period in totals.items():
        if latest in by_period and previous in by_period and by_period[latest] <= by_period[previous] - threshold:
            before, after = by_period[previous], by_period[latest]
            drop = before - after
            detail = f"Scorecard fell {drop} points: {before} in {previous}, {after} in {latest}."
            breaches[partner_id] = Breach(drop, detail)
    return breaches


def quarters_ending_key(now) -> str:
    return quarter_of(timezone.localtime(now).date()).key


def leads_not_accepted(threshold: int, now) -> dict[int, Breach]:
    """Partners with N or more leads (passed in the last 90 days) whose acceptance deadline passed unanswered:
    still assigned past `accept_by`, or returned to the channel manager for missing it."""
    rows = (
        Lead.objects.filter(
            partner__isnull=False,
            assigned_at__gte=now - timedelta(days=LEAD_WINDOW_DAYS),
            accept_by__lt=now,
            status__in=[LeadStatus.ASSIGNED, LeadStatus.RETURNED],
        )
        # Leads the partner could not accept (the customer was protected) are not its misses (docs/policy.md).
        .exclude(Q(lapse_excused=True) | Q(status=LeadStatus.ASSIGNED, customer_protected=True))
        .values("partner_id")
        .annotate(n=Count("id"))
        .filter(n__gte=threshold)
        .values_list("partner_id", "n")
    )
    return {
        partner_id: Breach(Decimal(n), f"{n} leads not accepted in time in the last {LEAD_WINDOW_DAYS} days.")
        for partner_id, n in rows
    }


DETECTORS = {
    AlertKind.NO_DEAL: no_deal,
    AlertKind.CERTS_EXPIRING: certs_expiring,
    AlertKind.SCORE_DROP: score_drop,
    AlertKind.LEADS_NOT_ACCEPTED: leads_not_accepted,
}


# --- Evaluation -------------------------------------------------------------------------------------


def evaluate_rule(rule_id: int, now=None) -> dict[str, int]:
    """Open, keep or resolve the alerts of one rule; safe to run twice or concurrently (the rule row is locked)."""
    now = now or timezone.now()
    with transaction.atomic():
        rule = AlertRule.objects.select_for_update().get(pk=rule_id)
        breaches = DETECTORS[rule.kind](rule.threshold, now) if rule.active else {}
        open_alerts = dict(Alert.objects.filter(rule=rule, resolved_at__isnull=True).values_list("partner_id", "pk"))
        cleared = [pk for partner_id, pk in open_alerts.items() if partner_id not in breaches]
        Alert.objects.filter(pk__in=cleared).update(resolved_at=now)
        new_ids = sorted(set(breaches) - set(open_alerts))
        if not new_ids:
            return {"opened": 0, "resolved": len(cleared), "open": len(open_alerts) - len(cleared)}
        alerts = Alert.objects.bulk_create(
            [
                Alert(
                    rule=rule,
                    partner_id=partner_id,
                    detail=breaches[partner_id].detail[:300],
                    value=breaches[partner_id].value,
                    opened_at=now,
                )
                for partner_id in new_ids
            ],
            batch_size=1000,
        )
        if not all(alert.pk for alert in alerts):  # backends that return no ids from bulk inserts
            alerts = list(Alert.objects.filter(rule=rule, resolved_at__isnull=True, partner_id__in=new_ids))
        partners = {p.pk: p for p in Partner.objects.filter(pk__in=new_ids).only("pk", "name", "channel_manager_id")}
        for alert in alerts:
            partner = partners[alert.partner_id]
            record_event(
                "analytics.alert_opened",
                partner=partner,
                subject=alert,
                payload={
                    "alert_id": alert.pk,
                    "kind": rule.kind,
                    "rule": rule.get_kind_display(),
                    "partner_id": partner.pk,
                    "partner_name": partner.name,
                    "detail": alert.detail,
                    "channel_manager_id": partner.channel_manager_id,
                },
            )
    return {"opened": len(new_ids), "resolved": len(cleared), "open": len(open_alerts) - len(cleared) + len(new_ids)}


def evaluate_alerts(now=None) -> dict[str, dict[str, int]]:
    """Evaluate every rule (inactive ones resolve their open alerts)."""
    now = now or timezone.now()
    results = {kind: evaluate_rule(pk, now) for pk, kind in AlertRule.objects.values_list("pk", "kind")}
    at_risk.update_episodes(now)  # the partners newly at risk are told once (analytics/at_risk.py)
    return results


# --- Rules: edited by program admins ------------------------------------------------------------------


def update_alert_rule(*, user, rule: AlertRule, threshold: int, active: bool) -> AlertRule:
    """Change a rule's threshold or switch it on/off (audited); the next evaluation applies it."""
    access.require(user, "analytics.edit_alert_rules")
    try:
        threshold = int(threshold)
    except (TypeError, ValueError):
        raise ValidationError({"threshold": _("Enter a whole number.")}) from None
    if threshold < 1:
        raise ValidationError({"threshold": _("The threshold must be at least 1.")})
    if threshold > 100000:
        raise ValidationError({"threshold": _("The threshold is too large.")})
    with transaction.atomic():
        rule = AlertRule.objects.select_for_update().get(pk=rule.pk)
        changes = {}
        if rule.threshold != threshold:
            changes["threshold"] = [rule.threshold, threshold]
        if rule.active != bool(active):
            changes["active"] = [rule.active, bool(active)]
        if not changes:
            return rule
        rule.threshold, rule.active = threshold, bool(active)
        rule.updated_by, rule.updated_at = user, timezone.now()
        rule.save(update_fields=["threshold", "active", "updated_by", "updated_at"])
        record_audit(actor=user, obj=rule, action="update_alert_rule", changes=changes)
    return rule
