from django import forms
from django.core.exceptions import ValidationError

from prm.files import keep_upload, kept_upload, safe_name


class BootstrapFormMixin:
    """Give every widget its Bootstrap class (errors are shown beside each field by prm/partials/field.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class ReasonForm(BootstrapFormMixin, forms.Form):
    """The reason a person gives for a decision (reject, decline, ...)."""

    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (`accept` lists the extensions); each file is checked by the app's
    prm.files rules in its service, so the API and the page refuse the same files."""

    def __init__(self, *args, accept: str = "", **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else {}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class KeepUploadsMixin:
    """A form whose attached files survive a refusal for another reason (docs/pages.md): the page sends it back
    with "Kept: name" beside each file field and a hidden signed token (prm.files.keep_upload); sent again with
    no new file, the kept file is used. Pass `user=`; call `keep_uploads()` before showing a refused form.
    `upload_checks` names the app's check of each file field: a file it refuses is not kept."""

    upload_checks: dict = {}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.file_fields = [name for name, field in self.fields.items() if isinstance(field, forms.FileField)]
        for name in self.file_fields:
            self.fields[f"{name}_kept"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.fields[name].kept_names = []
        if self.is_bound and user is not None:
            self._restore_kept()

    def _restore_kept(self):
        files = self.files.copy()
        for name in self.file_fields:
            tokens = str(self.data.get(f"{name}_kept", "")).split()
            if files.getlist(name) or not tokens or self.data.get(f"{name}_drop"):
                continue  # a new file replaces the kept one; "remove" drops it
            uploads = [upload for upload in (kept_upload(token, user=self.user) for token in tokens) if upload]
            if uploads:
                files.setlist(name, uploads)
        self.files = files

    def clean(self):
        cleaned = super().clean()
        for name in self.file_fields:
            cleaned.pop(f"{name}_kept", None)  # the tokens are the form's business, not the service's
        return cleaned

    def keep_uploads(self) -> None:
        if self.user is None:
            return
        data = self.data.copy()
        for name in self.file_fields:
            check = self.upload_checks.get(name)
            tokens, names = [], []
            for upload in self.files.getlist(name):
                if check is not None:
                    try:
                        check(upload)
                    except ValidationError:
                        continue
                tokens.append(keep_upload(upload, user=self.user))
                names.append(safe_name(upload.name))
            data[f"{name}_kept"] = " ".join(tokens)
            self.fields[name].kept_names = names
        self.data = data
