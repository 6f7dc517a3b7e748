"""Domain errors raised by services; the API maps them once (prm.api.exception_handler)."""


class DomainError(Exception):
    """A business rule refused the action. Carries a message for people and a code for machines."""

    status_code = 400
    default_code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, data: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.data = data or {}  # extra keys of the API body next to detail and code (the API doc, Errors)


class TransitionNotAllowed(DomainError):
    """The object's current state forbids the transition (HTTP 409 in the API)."""

    status_code = 409
    default_code = "transition_not_allowed"


class Conflict(DomainError):
    """The action collides with the current data, e.g. funds too low (HTTP 409 in the API)."""

    status_code = 409
    default_code = "conflict"
