"""List-page conventions (docs/pages.md): whitelisted column sorting, date pickers and select prompts that say
what they filter. FilteredListView (prm/views.py) applies them to every list page."""

from django import forms
from django.utils.translation import gettext_lazy as _

# The first option of a filter's drop-down, by filter name: "All statuses" says what the select filters.
PROMPTS = {
    "status": _("All statuses"),
    "partner": _("All partners"),
    "region": _("All regions"),
    "tier": _("All tiers"),
    "type": _("All types"),
    "partner_type": _("All types"),
    "kind": _("All kinds"),
    "category": _("All categories"),
    "currency": _("All currencies"),
    "age": _("Any time"),
    "state": _("All states"),
    "level": _("All levels"),
    "event": _("All events"),
    "action": _("All actions"),
    "role": _("All roles"),
    "ordering": _("Default order"),
}


def sort_param(value: str, allowed: dict[str, str]) -> tuple[str, str] | None:
    """`?sort=value` or `?sort=-value` as (public name, ORM ordering), or None when the column is not sortable
    (an unknown or malformed value is ignored: the page keeps its default order, never a 500)."""
    name = (value or "").strip()
    descending = name.startswith("-")
    name = name.removeprefix("-")
    if name not in allowed:
        return None
    field = allowed[name]
    return (f"-{name}" if descending else name), (f"-{field}" if descending else field)


def prompt_for(name: str, label) -> str:
    if name in PROMPTS:
        return PROMPTS[name]
    return _("All: %(label)s") % {"label": label}


def dress_filter_form(form) -> None:
    """Date fields get a date picker (<input type="date">, ISO values); selects get a prompt as first option."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(field, forms.DateField) and not isinstance(widget, forms.HiddenInput):
            field.widget = forms.DateInput(attrs=widget.attrs, format="%Y-%m-%d")
            field.widget.input_type = "date"
        elif isinstance(widget, forms.Select) and getattr(field, "empty_label", None) is not None:
            field.empty_label = prompt_for(name, field.label)  # django-filter's fields add it when iterated
            field.widget.choices = field.choices
        elif isinstance(field, forms.ChoiceField) and isinstance(widget, forms.Select):
            choices = list(field.choices)
            if choices and choices[0][0] in ("", None):
                field.choices = [("", prompt_for(name, field.label)), *choices[1:]]
