"""Dispute pages: the queue, a dispute side by side with the registration it is against, opening one
from a deal, deciding it, and the files. Thin: each view reads a form, calls a service or selector."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from deals.models import DealRegistration
from disputes import selectors, services
from disputes.filters import DisputeFilter
from disputes.forms import DecisionForm, DisputeForm
from disputes.models import Dispute
from prm.files import attachment_response
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service, run_service


class DisputeListView(FilteredListView):
    """`/disputes/`: the queue (internal: every partner's, oldest due first, overdue flagged); partner
    users see their own organisation's disputes."""

    permission_required = "disputes.read"
    template_name = "disputes/list.html"
    filterset_class = DisputeFilter
    sort_fields = {
        "id": "pk",
        "customer": "deal__customer_name",
        "partner": "partner__name",
        "status": "status",
        "opened": "opened_at",
        "due": "due_at",
        "decided": "decided_at",
    }
    export_filename = "disputes.csv"

    @property
    def export_columns(self):
        columns = [
            ("Id", "pk"),
            ("Deal", "deal_id"),
            ("Customer", "deal.customer_name"),
            ("Status", "status"),
            ("Opened", "opened_at"),
            ("Due", "due_at"),
            ("Overdue", "overdue"),
            ("Decided", "decided_at"),
        ]
        if access.is_internal(self.request.user):
            columns.insert(1, ("Partner", "partner.name"))
        return columns

    def get_base_queryset(self):
        return selectors.dispute_list(self.request.user)


class DisputeDetailView(PermissionRequiredMixin, View):
    permission_required = "disputes.read"

    def get(self, request, pk):
        dispute = selectors.dispute_detail(request.user, pk)
        context = {
            "dispute": dispute,
            "files": list(dispute.files.all()),
            "timeline": selectors.timeline(dispute),
            "may_decide": services.may_decide(request.user, dispute) and dispute.status == "open",
            "decision_form": DecisionForm(),
        }
        if access.is_internal(request.user):
            context |= selectors.side_by_side(dispute)
        return render(request, "disputes/detail.html", context)


class OpenDisputeView(PermissionRequiredMixin, View):
    """`/disputes/open/<deal id>/`: the partner's admin or the deal's registrant disputes a rejected conflict."""

    permission_required = "disputes.dispute"

    def _deal(self, request, pk):
        deal = get_visible_or_404(DealRegistration.objects.select_related("partner"), request.user, pk=pk)
        services.require_may_open(request.user, deal)
        return deal

    def _refused(self, request, deal):
        existing = Dispute.objects.filter(deal=deal).first()
        if existing is not None:
            messages.info(request, _("This decision was already disputed; a decision can be disputed once."))
            return redirect(existing)
        if not services.is_disputable(deal):
            messages.error(request, services.not_disputable_message())
            return redirect(deal)
        return None

    def get(self, request, pk):
        deal = self._deal(request, pk)
        refused = self._refused(request, deal)
        if refused:
            return refused
        return render(request, "disputes/open.html", {"deal": deal, "form": DisputeForm()})

    def post(self, request, pk):
        deal = self._deal(request, pk)
        form = DisputeForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            dispute = run_form_service(
                form,
                services.open_dispute,
                user=request.user,
                deal=deal,
                reason=form.cleaned_data["reason"],
                files=form.cleaned_data["files"],
            )
            if dispute is not None:
                messages.success(request, _("Your dispute is with your channel manager."))
                return redirect(dispute)
        form.keep_uploads()  # the files that passed their check come back as "Kept: name"
        return render(request, "disputes/open.html", {"deal": deal, "form": form}, status=400)


class DisputeActionView(PermissionRequiredMixin, View):
    """POST `/disputes/<id>/uphold/` or `/reverse/`."""

    permission_required = "disputes.decide"
    tenancy_model = Dispute  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    http_method_names = ["post"]

    def post(self, request, pk, verb):
        dispute = selectors.dispute_detail(request.user, pk)
        services.require_may_decide(request.user, dispute)
        form = DecisionForm(request.POST)
        note = form.data.get("note", "")[:2000]
        if verb == "uphold":
            run_service(
                request, services.uphold_dispute, dispute=dispute, actor=request.user, note=note, success=_("Upheld.")
            )
        elif verb == "reverse":
            run_service(
                request,
                services.reverse_dispute,
                dispute=dispute,
                actor=request.user,
                note=note,
                success=_("Reversed: the disputed registration is approved and the holder's is rejected."),
            )
        else:
            raise PermissionDenied
        return redirect(reverse("disputes:detail", args=[dispute.pk]))


def file_download(request, pk):
    """Dispute files go only to the partner's users and internal users (anyone else: 404), as attachments."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    stored = selectors.file_for(request.user, pk)
    return attachment_response(stored.file, stored.name, stored.content_type)
