from django import forms
from django.utils.translation import gettext_lazy as _

from disputes.files import ACCEPT, MAX_FILES
from prm.forms import BootstrapFormMixin


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by disputes.files in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class DisputeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why should the decision be reviewed?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("Up to %(count)s files: PDF, PNG, JPEG, TXT, CSV, DOCX or XLSX.") % {"count": MAX_FILES},
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Decision note (the partner reads it)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
