"""The outcomes of a registration decision and how people read them: the policy pages and the simulation
summary show them; the decision itself lives with deal registration (deals.registration.decision)."""

from django.utils.translation import gettext_lazy as _

SUBMITTED, PENDING_REVIEW, REJECTED = "submitted", "pending_review", "rejected"
CONFLICT, DUPLICATE, DIRECT_ACCOUNT, POSSIBLE_MATCH = "conflict", "duplicate", "direct_account", "possible_match"
INCUMBENT = "incumbent"
APPROVED = "approved"  # a submitted registration a channel manager approved (the simulation's approvals)

OUTCOME_LABELS = {
    SUBMITTED: _("Submitted for approval"),
    APPROVED: _("Approved"),
    f"{PENDING_REVIEW}:{DIRECT_ACCOUNT}": _("Review: direct account"),
    f"{PENDING_REVIEW}:{POSSIBLE_MATCH}": _("Review: possible match"),
    f"{PENDING_REVIEW}:{INCUMBENT}": _("Review: existing customer of another partner"),
    f"{REJECTED}:{CONFLICT}": _("Rejected: conflict"),
    f"{REJECTED}:{DUPLICATE}": _("Rejected: duplicate"),
    f"{REJECTED}:{DIRECT_ACCOUNT}": _("Rejected: direct account"),
}


def outcome_key(status: str, reason: str = "") -> str:
    """One string per registration outcome: "submitted", "rejected:conflict", ..."""
    return f"{status}:{reason}" if reason else status


def outcome_label(key: str) -> str:
    return str(OUTCOME_LABELS.get(key, key.replace("_", " ").replace(":", ": ")))
