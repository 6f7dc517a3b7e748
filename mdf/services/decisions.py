"""One decision on an MDF request or claim, inside the caller's transaction: who decided when (and the
values decided), the workflow step (checked and audited by the workflow) and the event that tells people."""

from django.utils import timezone

from prm.events import record_event


def decide(workflow, obj, status, *, actor, action, event, partner, payload_of, reason="", stamp=True, **values):
    """Set `values` on `obj` (and who decided when, if `stamp`), move it to `status` saving
    them, then record `event` with `payload_of(obj)` (plus the reason, when there is one)."""
    if stamp:
        values |= {"decided_by": actor, "decided_at": timezone.now()}
    for name, value in values.items():
        setattr(obj, name, value)
    workflow.apply(obj, status, actor=actor, action=action, reason=reason, extra_fields=list(values))
    payload = payload_of(obj, reason=reason) if reason else payload_of(obj)
    record_event(event, actor=actor, partner=partner, subject=obj, payload=payload)
    return obj


# The event each decision publishes: mdf.<kind>.<event>.
DECISION_EVENTS = {"approve": "approved", "reject": "rejected", "request_info": "info_requested"}


def decider(workflow, kind: str, payload_of):
    """`decide` for one kind of object (request, claim): its workflow, its events (mdf.<kind>.approved, ...)
    and their payload; a reason given is also kept as the decision's reason."""

    def decide_on(obj, status, action, *, actor, partner, reason="", **values):
        if reason:
            values.setdefault("decision_reason", reason)
        event = f"mdf.{kind}.{DECISION_EVENTS[action]}"
        return decide(
            workflow, obj, status, actor=actor, action=action, event=event, partner=partner, payload_of=payload_of,
            reason=reason, **values,
        )  # fmt: skip

    return decide_on
