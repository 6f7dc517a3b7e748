"""Explicit transition tables for stateful objects (docs/architecture.md: Cross-cutting controls)."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from prm.audit import record_audit
from prm.exceptions import TransitionNotAllowed


class Workflow:
    """Allowed transitions of one status field: {from_state: {to_state, ...}}."""

    def __init__(self, transitions: dict[str, set[str]], *, field: str = "status"):
        self.transitions = transitions
        self.field = field

    def allows(self, from_state: str, to_state: str) -> bool:
        return to_state in self.transitions.get(from_state, set())

    def check(self, obj, to_state: str) -> None:
        current = getattr(obj, self.field)
        if not self.allows(current, to_state):
            raise TransitionNotAllowed(
                _("This %(object)s is %(current)s and cannot become %(target)s.")
                % {
                    "object": type(obj)._meta.verbose_name,
                    "current": self.state_label(obj, current),
                    "target": self.state_label(obj, to_state),
                },
                code=f"invalid_transition_{current}_to_{to_state}",
            )

    def state_label(self, obj, state: str) -> str:
        """The state as people read it: in English the state itself ("changes requested"), mid-sentence; in
        other languages its translated choice label."""
        plain = state.replace("_", " ")
        if (get_language() or "en").startswith("en"):
            return plain
        try:
            choices = dict(type(obj)._meta.get_field(self.field).flatchoices)
        except FieldDoesNotExist:
            choices = {}
        return str(choices.get(state) or plain)

    def apply(self, obj, to_state: str, *, actor, reason: str = "", action: str | None = None, extra_fields=()):
        """Check, change the status, save it with `extra_fields`, and write the audit row."""
        self.check(obj, to_state)
        from_state = getattr(obj, self.field)
        setattr(obj, self.field, to_state)
        obj.save(update_fields=[self.field, *extra_fields])
        record_audit(
            actor=actor,
            obj=obj,
            action=action or to_state,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
        )
        return obj

    def apply_with_reason(self, obj, to_state: str, *, actor, action: str, reason: str, reason_field: str, missing):
        """A transition that needs a reason (declined, lost, ...): refuses a blank one with `missing`, locks
        the row, keeps the stripped reason in `reason_field` and applies the transition. Call it inside the
        service's transaction; it answers the locked row."""
        if not (reason or "").strip():
            raise ValidationError({"reason": [missing]})
        obj = type(obj).objects.select_for_update().get(pk=obj.pk)
        setattr(obj, reason_field, reason.strip())
        self.apply(obj, to_state, actor=actor, action=action, reason=reason, extra_fields=[reason_field])
        return obj
