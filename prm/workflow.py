"""Explicit transition tables for stateful objects (DESIGN.md: Workflows)."""

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
            label = type(obj)._meta.verbose_name
            raise TransitionNotAllowed(
                f"This {label} is {current.replace('_', ' ')} and cannot become {to_state.replace('_', ' ')}.",
                code=f"invalid_transition_{current}_to_{to_state}",
            )

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
