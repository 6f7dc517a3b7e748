"""Forms of analytics pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import Role, User
from analytics import selectors
from partners.models import PartnerType, Region, Tier
from prm.forms import BootstrapFormMixin
from prm.periods import parse_period


class ProgramFilterForm(BootstrapFormMixin, forms.Form):
    """Program dashboard filters: the quarter (charts show the 8 quarters ending there) and dimensions."""

    period = forms.ChoiceField(label=_("Quarter"), required=False)
    tier = forms.ModelChoiceField(
        queryset=Tier.objects.order_by("rank"), required=False, empty_label=_("Any tier"), label=_("Tier")
    )
    partner_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *PartnerType.choices]
    )
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("Any region")), *Region.choices])
    manager = forms.ChoiceField(label=_("Channel manager"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["period"].choices = selectors.quarter_choices()
        managers = User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).order_by("first_name", "email")
        mine = [("mine", _("Mine"))] if access.is_channel_manager(user) else []
        self.fields["manager"].choices = [("", _("Any manager")), *mine, *((str(m.pk), str(m)) for m in managers)]

    def clean_period(self):
        key = self.cleaned_data.get("period")
        return parse_period(key) if key else selectors.default_quarter()

    def clean_manager(self):
        value = self.cleaned_data.get("manager")
        if value == "mine":
            return self.user
        if value:
            return User.objects.filter(pk=int(value), role=Role.CHANNEL_MANAGER).first()
        return None

    def filters(self) -> dict:
        """The selector's keyword arguments (defaults when the form is unbound or invalid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "period": data.get("period") or selectors.default_quarter(),
            "tier": data.get("tier"),
            "partner_type": data.get("partner_type", ""),
            "region": data.get("region", ""),
            "manager": data.get("manager"),
        }
