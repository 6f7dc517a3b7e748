from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from disputes.files import ACCEPT, MAX_FILES, check_file
from prm.forms import BootstrapFormMixin, KeepUploadsMixin, MultipleFileField


def _files_help() -> str:
    return gettext("Up to %(count)s files: PDF, PNG, JPEG, TXT, CSV, DOCX or XLSX.") % {"count": MAX_FILES}


class DisputeForm(KeepUploadsMixin, BootstrapFormMixin, forms.Form):
    upload_checks = {"files": check_file}

    reason = forms.CharField(
        label=_("Why should the decision be reviewed?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        accept=ACCEPT,
        # Formatted when the page renders, so it reads in the visitor's language.
        help_text=lazy(
            lambda: gettext("Up to %(count)s files: PDF, PNG, JPEG, TXT, CSV, DOCX or XLSX.") % {"count": MAX_FILES},
            str,
        )(),
    )


class DecisionForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Decision note (the partner reads it)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
