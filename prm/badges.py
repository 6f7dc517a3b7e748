"""Status badges: each app declares once, next to its models, the colour of every status of its
vocabulary; `{% load badges %}{% status_badge obj %}` renders the badge of any registered model.

    badges.register(MdfRequest, MdfClaim, colours={"approved": "text-bg-success", ...}, testid="mdf-status")

`field` names the status attribute (default "status"); the label is `get_<field>_display()` unless
`label` names another method. A status missing from `colours` gets `default`. `testid` is the badge's
data-testid, or a dict of one per status (a status missing from it gets none).
"""

from dataclasses import dataclass

from django.utils.html import format_html


@dataclass(frozen=True)
class StatusBadge:
    colours: dict[str, str]
    default: str = "text-bg-info"
    testid: str | dict[str, str] = ""
    field: str = "status"
    label: str = ""

    def render(self, obj) -> str:
        value = getattr(obj, self.field)
        label = getattr(obj, self.label or f"get_{self.field}_display")()
        css = self.colours.get(value, self.default)
        testid = self.testid.get(value, "") if isinstance(self.testid, dict) else self.testid
        if testid:
            return format_html('<span class="badge {}" data-testid="{}">{}</span>', css, testid, label)
        return format_html('<span class="badge {}">{}</span>', css, label)


_BADGES: dict[type, StatusBadge] = {}


def register(*models, **options) -> StatusBadge:
    badge = StatusBadge(**options)
    for model in models:
        _BADGES[model] = badge
    return badge


def badge_for(obj) -> StatusBadge:
    for klass in type(obj).__mro__:
        if klass in _BADGES:
            return _BADGES[klass]
    raise LookupError(f"No status badge is registered for {type(obj).__name__}.")
