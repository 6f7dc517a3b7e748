from django import forms

from accounts.models import PARTNER_ROLES, PartnerFunction, Role, User
from partners.models import Partner, PartnerStatus, Tier, Vertical
from prm.forms import BootstrapFormMixin


class PartnerProfileForm(BootstrapFormMixin, forms.ModelForm):
    verticals = forms.MultipleChoiceField(choices=Vertical.choices, required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Partner
        fields = [
            "name",
            "legal_name",
            "website_domain",
            "partner_type",
            "country",
            "region",
            "verticals",
            "employee_count",
            "phone",
            "address",
            "description",
            "external_crm_id",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, editable_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in editable_fields:
                del self.fields[name]

    def clean_website_domain(self):
        domain = self.cleaned_data["website_domain"].strip().lower()
        for prefix in ("https://", "http://", "www."):
            domain = domain.removeprefix(prefix)
        return domain.split("/")[0]


class InviteForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in Role if r in PARTNER_ROLES])
    partner_function = forms.ChoiceField(choices=PartnerFunction.choices, required=False, label="Function")


class TierChangeForm(BootstrapFormMixin, forms.Form):
    tier = forms.ModelChoiceField(queryset=Tier.objects.ranked(), empty_label=None)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, help_text="The partner sees this reason."
    )


class ChannelManagerForm(BootstrapFormMixin, forms.Form):
    channel_manager = forms.ModelChoiceField(
        queryset=User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True), required=False, empty_label="— none —"
    )


class StatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(choices=PartnerStatus.choices)
    reason = forms.CharField(required=False, max_length=2000)


class MemberRoleForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(
        choices=[(Role.PARTNER_ADMIN.value, "Partner admin"), (Role.PARTNER_USER.value, "Partner user")]
    )
