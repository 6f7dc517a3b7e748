"""The API tokens page: each user creates, lists and revokes their own tokens (the API doc: Identity and tokens)."""

import django_filters
from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from accounts import services
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from accounts.models import ApiToken, TokenScope
from prm import inputs
from prm.forms import BootstrapFormMixin
from prm.views import run_form_service, run_service


class ApiTokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100, label=gettext_lazy("Name"), help_text=gettext_lazy("What uses it, e.g. “CRM sync”.")
    )
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        label=gettext_lazy("Scope"),
        help_text=gettext_lazy("A read-only token gets 403 on any write."),
    )


class ApiTokenFilter(django_filters.FilterSet):
    state = inputs.TimestampStateFilter(
        timestamp="revoked_at",
        unset=("active", pgettext_lazy("state of a user, token or webhook", "Active")),
        done=("revoked", gettext_lazy("Revoked")),
        label=gettext_lazy("Show"),
    )
    scope = django_filters.ChoiceFilter(choices=TokenScope.choices, label=gettext_lazy("Scope"))

    class Meta:
        model = ApiToken
        fields = ["state", "scope"]


class ApiTokenListView(FilteredListView):
    template_name = "accounts/tokens.html"
    filterset_class = ApiTokenFilter
    sort_fields = {"name": "name", "scope": "scope", "created": "created_at", "used": "last_used_at"}
    export_filename = "api-tokens.csv"
    export_columns = [
        ("Name", "name"),
        ("Scope", "scope"),
        ("Prefix", "prefix"),
        ("Created at", "created_at"),
        ("Last used at", "last_used_at"),
        ("Revoked at", "revoked_at"),
    ]

    def get_base_queryset(self):
        return ApiToken.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ApiTokenForm()
        return context

    def post(self, request):
        form = ApiTokenForm(request.POST)
        created = None
        if form.is_valid():
            created = run_form_service(form, services.create_api_token, user=request.user, **form.cleaned_data)
        self.object_list = self.get_queryset()
        if created is None:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        token, secret = created
        # The secret is in this response only: never stored (only its hash), never put in a session or message.
        return self.render_to_response(self.get_context_data(form=ApiTokenForm(), created=token, secret=secret))


class ApiTokenRevokeView(PermissionRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
        if token.revoked_at is None:
            run_service(
                request,
                services.revoke_api_token,
                user=request.user,
                token=token,
                success=_("Token “%(name)s” revoked: it gets 401 from now on.") % {"name": token.name},
            )
        return redirect("accounts:tokens")
