"""Partners' influence on deals (endorsement, integration requirement, active in sale)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import access
from deals.models import DealRegistration, Influence, InfluenceKind
from prm.audit import record_audit
from prm.events import record_event


def record_influence(*, deal, partner, kind, actor, note="") -> Influence:
    """Record the influence once (an audit row and deal.influence_recorded); no permission check."""
    influence, created = Influence.objects.get_or_create(
        deal=deal, partner=partner, kind=kind, defaults={"created_by": actor, "note": note or ""}
    )
    if created:
        record_audit(
            actor=actor,
            obj=deal,
            action="record_influence",
            changes={"partner": partner.pk, "kind": kind},
            partner_id=deal.partner_id,
        )
        record_event(
            "deal.influence_recorded",
            actor=actor,
            partner=partner,
            subject=influence,
            payload={"deal_id": deal.pk, "partner_id": partner.pk, "kind": kind, "source": deal.source},
        )
    return influence


def add_influence(*, deal: DealRegistration, actor, partner, kind: str, note: str = "") -> Influence:
    """Record that a partner influenced a deal (endorsement, integration requirement, active in sale)."""
    access.require(actor, "deals.record_influence")
    if kind not in InfluenceKind.values:
        raise ValidationError(
            {"kind": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(InfluenceKind.values)}]}
        )
    with transaction.atomic():
        return record_influence(deal=deal, partner=partner, kind=kind, actor=actor, note=note)
