"""Webhook pages for program admins: subscriptions, and each one's delivery log."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from integrations import services
from integrations.forms import WebhookForm
from integrations.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookSubscription,
)
from prm import inputs
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service, run_service

MANAGE = "integrations.manage_webhooks"


class WebhookPagesMixin(PermissionRequiredMixin):
    permission_required = MANAGE


class WebhookFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SubscriptionStatus.choices, label=gettext_lazy("Status"))
    url = django_filters.CharFilter(lookup_expr="icontains", label=gettext_lazy("URL contains"))

    class Meta:
        model = WebhookSubscription
        fields = ["status", "url"]


class WebhookListView(WebhookPagesMixin, FilteredListView):
    template_name = "integrations/webhook_list.html"
    filterset_class = WebhookFilter
    sort_fields = {"url": "url", "status": "status", "created": "created_at"}
    export_filename = "webhooks.csv"
    export_columns = [
        ("Id", "id"),
        ("URL", "url"),
        ("Description", "description"),
        ("Events", lambda s: " ".join(s.events)),
        ("Status", "status"),
        ("Failing since", "failing_since"),
        ("Paused at", "paused_at"),
        ("Created at", "created_at"),
    ]

    def get_base_queryset(self):
        return WebhookSubscription.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or WebhookForm()
        return context

    def post(self, request):
        form = WebhookForm(request.POST)
        created = None
        if form.is_valid():
            created = run_form_service(form, services.create_subscription, user=request.user, **form.cleaned_data)
        self.object_list = self.get_queryset()
        if created is None:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        subscription, secret = created
        # The secret is shown in this response only; it is never put in a session or a message.
        context = self.get_context_data(form=WebhookForm(), created=subscription, secret=secret)
        return self.render_to_response(context)


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices, label=gettext_lazy("Status"))
    event = django_filters.ChoiceFilter(
        field_name="event_name", choices=[(n, n) for n in services.WEBHOOK_EVENTS], label=gettext_lazy("Event")
    )
    since = inputs.DateFilter(field_name="created_at", lookup_expr="date__gte", label=gettext_lazy("From"))
    until = inputs.DateFilter(field_name="created_at", lookup_expr="date__lte", label=gettext_lazy("To"))

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event", "since", "until"]


class WebhookDetailView(WebhookPagesMixin, FilteredListView):
    tenancy_model = WebhookSubscription  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    template_name = "integrations/webhook_detail.html"
    filterset_class = DeliveryFilter
    paginate_by = 50
    export_filename = "webhook-deliveries.csv"
    export_columns = [
        ("Delivery", "id"),
        ("Event", "event_name"),
        ("Event id", "event_id"),
        ("Status", "status"),
        ("HTTP status", "status_code"),
        ("Response ms", "duration_ms"),
        ("Attempts", "attempt"),
        ("Created at", "created_at"),
        ("Last attempt at", "last_attempt_at"),
        ("Next attempt at", "next_attempt_at"),
        ("Delivered at", "delivered_at"),
        ("Redelivery of", "redelivery_of_id"),
        ("Error", "error"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if access.can(request.user, MANAGE):
            self.subscription = get_visible_or_404(WebhookSubscription, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        attempts = Prefetch("attempts", queryset=WebhookDeliveryAttempt.objects.defer("response_excerpt"))
        return (
            self.subscription.deliveries.defer("body", "response_excerpt")
            .prefetch_related(attempts)
            .order_by("-created_at", "-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subscription"] = self.subscription
        return context


class WebhookActionView(WebhookPagesMixin, View):
    """POST pause / resume / delete of one subscription."""

    tenancy_model = WebhookSubscription  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    http_method_names = ["post"]

    def post(self, request, pk, action):
        subscription = get_visible_or_404(WebhookSubscription, request.user, pk=pk)
        if action == "pause":
            run_service(
                request,
                services.pause_subscription,
                user=request.user,
                subscription=subscription,
                success=_("Webhook paused: nothing is sent until you resume it."),
            )
        elif action == "resume":
            run_service(
                request,
                services.resume_subscription,
                user=request.user,
                subscription=subscription,
                success=_("Webhook resumed."),
            )
        elif action == "delete":
            ok, _result = run_service(
                request,
                services.delete_subscription,
                user=request.user,
                subscription=subscription,
                success=_("Webhook deleted."),
            )
            if ok:
                return redirect("integrations:webhooks")
        else:
            raise PermissionDenied
        return redirect(subscription)


class RedeliverView(WebhookPagesMixin, View):
    permission_required = "integrations.redeliver_webhooks"
    tenancy_model = WebhookDelivery  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    http_method_names = ["post"]

    def post(self, request, pk):
        delivery = get_object_or_404(WebhookDelivery.objects.visible_to(request.user), pk=pk)
        ok, copy = run_service(request, services.redeliver, user=request.user, delivery=delivery)
        if ok:
            messages.success(
                request,
                _("Delivery %(original)s queued again as delivery %(copy)s.")
                % {"original": delivery.pk, "copy": copy.pk},
            )
        return redirect("integrations:webhook_detail", pk=delivery.subscription_id)
