"""The marketing activity that sourced a deal (optional), so the program can measure pipeline and bookings
per MDF dollar. MDF sits above deals: it registers the activities a partner may name at start-up
(mdf/deal_sourcing.py), and deals asks this registry."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_activities: Callable | None = None


def register_activities(activities: Callable) -> None:
    """`activities(partner)` is the queryset of the partner's activities that may source a deal."""
    global _activities
    _activities = activities


def activities_of(partner):
    """The partner's activities a registration may name, or None when no app provides any."""
    return _activities(partner) if _activities is not None else None


def sourcing_activity(partner, value):
    """The partner's activity `value` names (an instance or its id), None for none; a field error otherwise."""
    if value in (None, ""):
        return None
    try:
        activity_id = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        activity_id = None
    choices = activities_of(partner)
    found = choices.filter(pk=activity_id).first() if choices is not None and activity_id is not None else None
    if found is None:
        raise ValidationError({"mdf_request": [_("Choose one of your organisation's approved MDF activities.")]})
    return found
