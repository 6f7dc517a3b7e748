from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import access
from prm.forms import BootstrapFormMixin
from prm.models import NotificationCategory


class AcceptInvitationForm(BootstrapFormMixin, forms.Form):
    first_name = forms.CharField(max_length=150, label=_("First name"))
    last_name = forms.CharField(max_length=150, label=_("Last name"))
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class StaffInviteForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(choices=access.internal_role_choices, label=_("Role"))


class NotificationDefaultsForm(forms.Form):
    email = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("E-mail by default"),
        help_text=_("Users who have not chosen for themselves get e-mail for the ticked categories."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].choices = NotificationCategory.choices


class StaffMemberForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(choices=access.internal_role_choices, label=_("Role"))
    active = forms.BooleanField(
        required=False, label=_("Active"), help_text=_("Switched off, the account cannot log in; its history stays.")
    )
