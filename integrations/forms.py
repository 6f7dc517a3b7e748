"""Forms of the webhook pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from integrations.services import WEBHOOK_EVENTS
from prm.events import EVENT_TYPES
from prm.forms import BootstrapFormMixin


def event_choices():
    return [
        (name, f"{name} · {EVENT_TYPES[name].description}" if name in EVENT_TYPES else name) for name in WEBHOOK_EVENTS
    ]


class WebhookForm(BootstrapFormMixin, forms.Form):
    url = forms.CharField(
        label=_("Payload URL"), max_length=2000, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    description = forms.CharField(max_length=200, required=False, label=_("Description"))
    events = forms.MultipleChoiceField(choices=event_choices, widget=forms.CheckboxSelectMultiple, label=_("Events"))
    secret = forms.CharField(
        max_length=200,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        label=_("Secret"),
        help_text=_("Leave blank to have one generated (recommended). At least 16 characters."),
    )
