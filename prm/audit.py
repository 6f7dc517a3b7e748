"""Audit rows, written by services inside their transaction (never by signals)."""

from django.contrib.contenttypes.models import ContentType

from prm.models import AuditEntry


def partner_id_of(obj):
    """The Partner id an object belongs to, following its TENANT_PATH ("pk" for Partner itself)."""
    path = getattr(type(obj), "TENANT_PATH", None)
    if not path:
        return None
    if path == "pk":
        return obj.pk
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def record_audit(*, actor, obj, action, from_state="", to_state="", reason="", changes=None, partner_id=None):
    """Append one audit row for `obj`: who did `action`, from which state to which, and why."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=getattr(actor, "email", "") or "system",
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_label=str(obj)[:255],
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        changes=changes or {},
        partner_id=partner_id if partner_id is not None else partner_id_of(obj),
    )


def history_of(obj):
    """The audit rows of one object, newest first (a deal's or partner's timeline)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), object_id=obj.pk
    ).select_related("actor")
