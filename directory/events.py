"""Directory events: a partner changed what its listing publishes (webhooks and the audit trail)."""

from prm.events import register_event_type

register_event_type(
    "directory.listing_changed", category="partners", description="A partner changed what its listing publishes."
)
