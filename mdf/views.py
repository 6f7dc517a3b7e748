"""MDF pages: the partner's MDF page, requests, claims (the finance queue), proofs, program view, menu."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from deals.models import DealRegistration
from mdf import selectors, services
from mdf.filters import ClaimFilter, EntryFilter, RequestFilter
from mdf.forms import (
    ActivityTypeForm,
    AllocationForm,
    AnswerForm,
    ApproveForm,
    ClaimForm,
    MdfAccessForm,
    PayForm,
    RequestForm,
)
from mdf.models import ActivityType, MdfClaim, MdfRequest
from partners.models import Partner
from prm import formatting
from prm.audit import history_of
from prm.exports import wants_export
from prm.files import attachment_response
from prm.forms import ReasonForm
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service, run_service


def _refusal(user) -> str:
    """Why a partner's user may not request or claim MDF, naming the admin to ask ("" when they may); shown in
    place of the hidden buttons (`{% refusal_note %}`)."""
    return services.requester_refusal(user) if access.is_partner_user(user) else ""


class OverviewView(FilteredListView):
    """`/mdf/`: balances, chart, ledger (filtered, paginated, CSV), deadlines, recent requests and claims."""

    template_name = "mdf/overview.html"
    filterset_class = EntryFilter
    export_filename = "mdf-ledger.csv"
    export_columns = [
        ("Time", "created_at"),
        ("Period", "fund.period"),
        ("Kind", "kind"),
        ("Amount", "amount"),
        ("Currency", "currency"),
        ("Reference", "reference"),
        ("Deal", "deal_id"),
        ("Request", "request_id"),
        ("Claim", "claim_id"),
    ]

    def get(self, request, *args, **kwargs):
        user = request.user
        if access.is_internal(user) and not wants_export(request):
            if access.is_finance(user):
                return redirect("mdf:claims")
            return redirect("mdf:program" if access.is_program_admin(user) else "mdf:requests")
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return selectors.entry_list(self.request.user)

    def get_context_data(self, **kwargs):
        return (
            super().get_context_data(**kwargs)
            | selectors.partner_overview(self.request.user)
            | {"may_request": services.may_request_funds(self.request.user), "mdf_refusal": _refusal(self.request.user)}
        )


class RequestListView(FilteredListView):
    template_name = "mdf/request_list.html"
    filterset_class = RequestFilter
    sort_fields = {
        "id": "pk",
        "activity": "title",
        "partner": "partner__name",
        "status": "status",
        "start": "start_date",
        "requested": "requested_amount",
    }
    export_filename = "mdf-requests.csv"
    export_columns = [
        ("Id", "pk"),
        ("Partner", "partner.name"),
        ("Activity", "activity_type.name"),
        ("Title", "title"),
        ("Status", "status"),
        ("Start", "start_date"),
        ("End", "end_date"),
        ("Total cost", "total_cost"),
        ("Requested", "requested_amount"),
        ("Approved", "approved_amount"),
        ("Currency", "currency"),
        ("Requested at", "created_at"),
    ]

    def get_base_queryset(self):
        return selectors.request_list(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "may_request": services.may_request_funds(self.request.user),
            "mdf_refusal": _refusal(self.request.user),
        }


class RequestCreateView(PermissionRequiredMixin, View):
    permission_required = "mdf.submit_request"

    def dispatch(self, request, *args, **kwargs):
        if access.is_partner_user(request.user):
            refusal = services.requester_refusal(request.user)
            if refusal:
                raise PermissionDenied(refusal)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(
            request, "mdf/request_form.html", {"form": RequestForm(), "menu": ActivityType.objects.filter(active=True)}
        )

    def post(self, request):
        form = RequestForm(request.POST)
        if form.is_valid():
            created = run_form_service(form, services.submit_request, user=request.user, **form.cleaned_data)
            if created is not None:
                messages.success(request, gettext("Your request is with your channel manager."))
                return redirect(created)
        menu = ActivityType.objects.filter(active=True)
        return render(request, "mdf/request_form.html", {"form": form, "menu": menu}, status=400)


class RequestDetailView(PermissionRequiredMixin, View):
    def get(self, request, pk):
        obj = get_visible_or_404(MdfRequest.objects.select_related("partner", "activity_type"), request.user, pk=pk)
        context = {
            "obj": obj,
            "claims": obj.claims.order_by("-created_at"),
            "history": history_of(obj)[:50],
            "approve_form": ApproveForm(initial={"approved_amount": obj.requested_amount}),
            "reject_form": ReasonForm(),
            "may_claim": services.may_request_funds(request.user)
            and obj.status == "approved"
            and not obj.claims.exclude(status="rejected").exists(),
            "mdf_refusal": _refusal(request.user),
            "sourced_deals": obj.sourced_deals.order_by("-created_at")[:20],
            "linkable_deals": DealRegistration.objects.visible_to(request.user)
            .filter(partner_id=obj.partner_id, mdf_request__isnull=True)
            .exclude(status__in=["rejected", "draft"])
            .order_by("-created_at")[:50]
            if obj.status in ("approved", "completed")
            else [],
        }
        return render(request, "mdf/request_detail.html", context)


def _form_errors(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


class RequestActionView(PermissionRequiredMixin, View):
    def post(self, request, pk, verb):
        obj = get_visible_or_404(MdfRequest, request.user, pk=pk)
        if verb == "approve":
            form = ApproveForm(request.POST)
            if form.is_valid():
                amount = form.cleaned_data["approved_amount"]
                run_service(
                    request,
                    services.approve_request,
                    mdf_request=obj,
                    actor=request.user,
                    amount=amount,
                    success=gettext("Approved: the funds are committed."),
                )
            else:
                _form_errors(request, form)
        elif verb == "link-deal":
            deal = get_visible_or_404(DealRegistration, request.user, pk=request.POST.get("deal") or 0)
            run_service(
                request,
                services.link_sourced_deal,
                user=request.user,
                mdf_request=obj,
                deal=deal,
                success=gettext("The deal now names this activity as its source."),
            )
        elif verb == "reject":
            form = ReasonForm(request.POST)
            if form.is_valid():
                run_service(
                    request,
                    services.reject_request,
                    mdf_request=obj,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    success=gettext("Request rejected."),
                )
            else:
                messages.error(request, gettext("Say why the request is rejected."))
        return redirect(obj)


class ClaimListView(FilteredListView):
    """`/mdf/claims/`: the finance queue (ageing and totals); partner users see their own claims."""

    template_name = "mdf/claim_list.html"
    filterset_class = ClaimFilter
    sort_fields = {
        "id": "pk",
        "activity": "request__title",
        "partner": "partner__name",
        "status": "status",
        "filed": "created_at",
        "claimed": "claimed_amount",
    }
    export_filename = "mdf-claims.csv"
    export_columns = [
        ("Id", "pk"),
        ("Partner", "partner.name"),
        ("Request", "request.title"),
        ("Status", "status"),
        ("Actual cost", "actual_cost"),
        ("Claimed", "claimed_amount"),
        ("Approved", "approved_amount"),
        ("Currency", "currency"),
        ("Filed", "created_at"),
        ("Payment reference", "payment_reference"),
    ]

    def get_base_queryset(self):
        return selectors.claim_list(self.request.user).order_by("created_at", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | selectors.claim_queue_summary(self.request.user)


class ClaimCreateView(PermissionRequiredMixin, View):
    permission_required = "mdf.submit_claim"

    def _request(self, request, pk):
        obj = get_visible_or_404(MdfRequest.objects.select_related("activity_type"), request.user, pk=pk)
        refusal = services.requester_refusal(request.user, obj.partner_id)
        if refusal:
            raise PermissionDenied(refusal)
        return obj

    def get(self, request, pk):
        obj = self._request(request, pk)
        return render(request, "mdf/claim_form.html", {"form": ClaimForm(), "obj": obj})

    def post(self, request, pk):
        obj = self._request(request, pk)
        form = ClaimForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            files = data.pop("proof")
            claim = run_form_service(
                form, services.submit_claim, user=request.user, mdf_request=obj, files=files, **data
            )
            if claim is not None:
                messages.success(request, gettext("Your claim is with finance."))
                return redirect(claim)
        form.keep_uploads()  # the proofs that passed their check come back as "Kept: name"
        return render(request, "mdf/claim_form.html", {"form": form, "obj": obj}, status=400)


def _claim_detail(request, pk, *, answer_form=None, status=200):
    """The claim page; `answer_form`: the partner's refused answer, shown again with its errors and kept files."""
    claim = get_visible_or_404(
        MdfClaim.objects.select_related("partner", "request", "request__activity_type"), request.user, pk=pk
    )
    share = claim.actual_cost * claim.request.activity_type.reimbursement_rate
    context = {
        "claim": claim,
        "proofs": claim.proofs.all(),
        "history": history_of(claim)[:50],
        "reimbursable": share.quantize(claim.actual_cost),
        "approve_form": ApproveForm(initial={"approved_amount": claim.claimed_amount}),
        "reason_form": ReasonForm(),
        "pay_form": PayForm(),
        "answer_form": answer_form or AnswerForm(),
        "may_answer": services.may_request_funds(request.user),
    }
    return render(request, "mdf/claim_detail.html", context, status=status)


class ClaimDetailView(PermissionRequiredMixin, View):
    def get(self, request, pk):
        return _claim_detail(request, pk)


class ClaimActionView(PermissionRequiredMixin, View):
    def post(self, request, pk, verb):
        claim = get_visible_or_404(MdfClaim, request.user, pk=pk)
        user = request.user
        if verb == "approve":
            form = ApproveForm(request.POST)
            if form.is_valid():
                run_service(
                    request,
                    services.approve_claim,
                    claim=claim,
                    actor=user,
                    amount=form.cleaned_data["approved_amount"],
                    success=gettext("Claim approved."),
                )
            else:
                _form_errors(request, form)
        elif verb in ("reject", "request-info"):
            form = ReasonForm(request.POST)
            service = services.reject_claim if verb == "reject" else services.request_claim_info
            if form.is_valid():
                run_service(
                    request,
                    service,
                    claim=claim,
                    actor=user,
                    reason=form.cleaned_data["reason"],
                    success=gettext("Claim rejected.")
                    if verb == "reject"
                    else gettext("The partner is asked for more."),
                )
            else:
                messages.error(request, gettext("Say why."))
        elif verb == "pay":
            form = PayForm(request.POST)
            if form.is_valid():
                run_service(
                    request,
                    services.pay_claim,
                    claim=claim,
                    actor=user,
                    payment_reference=form.cleaned_data["payment_reference"],
                    success=gettext("Claim paid."),
                )
            else:
                messages.error(request, gettext("Enter the payment reference."))
        elif verb == "answer":
            form = AnswerForm(request.POST, request.FILES, user=user)
            if not form.is_valid():
                form.keep_uploads()  # the files that passed their check come back as "Kept: name"
                messages.error(request, gettext("Write your answer."))
                return _claim_detail(request, pk, answer_form=form, status=400)
            run_service(
                request,
                services.answer_claim_info,
                claim=claim,
                user=user,
                note=form.cleaned_data["note"],
                files=form.cleaned_data["proof"],
                success=gettext("Your answer is with finance."),
            )
        return redirect(claim)


def proof_download(request, pk):
    """Proof files go only to the partner's users and internal users (anyone else: 404), as attachments."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    proof = selectors.proof_for(request.user, pk)
    return attachment_response(proof.file, proof.name, proof.content_type)


class ProgramView(PermissionRequiredMixin, View):
    permission_required = "mdf.view_program"

    def get(self, request):
        context = selectors.program_view(request.user) | {"allocation_form": AllocationForm()}
        return render(request, "mdf/program.html", context)


class AllocateView(PermissionRequiredMixin, View):
    permission_required = "mdf.allocate_funds"

    def post(self, request):
        form = AllocationForm(request.POST)
        if form.is_valid():
            partner = get_visible_or_404(Partner, request.user, pk=form.cleaned_data["partner"])
            run_service(
                request,
                services.allocate_funds,
                partner=partner,
                actor=request.user,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                success=gettext("Allocated %(amount)s to %(partner)s.")
                % {
                    "amount": formatting.money(form.cleaned_data["amount"], settings.DEFAULT_CURRENCY),
                    "partner": partner.name,
                },
            )
            return redirect("mdf:program")
        # Bad input: the program page again, with each message beside its field (400).
        context = selectors.program_view(request.user) | {"allocation_form": form}
        return render(request, "mdf/program.html", context, status=400)


class ActivityMenuView(PermissionRequiredMixin, View):
    permission_required = "mdf.view_program"

    def get(self, request):
        return render(
            request,
            "mdf/activity_menu.html",
            {"menu": ActivityType.objects.order_by("name"), "form": ActivityTypeForm()},
        )


class ActivityTypeEditView(PermissionRequiredMixin, View):
    permission_required = "mdf.manage_activities"

    def _instance(self, pk):
        return get_object_or_404(ActivityType, pk=pk) if pk else None

    def get(self, request, pk=None):
        return render(request, "mdf/activity_form.html", {"form": ActivityTypeForm(instance=self._instance(pk))})

    def post(self, request, pk=None):
        instance = self._instance(pk)
        form = ActivityTypeForm(request.POST, instance=instance)
        if form.is_valid():
            saved = run_form_service(
                form, services.save_activity_type, actor=request.user, activity_type=instance, **form.cleaned_data
            )
            if saved is not None:
                messages.success(request, gettext("Saved %(name)s.") % {"name": saved.name})
                return redirect("mdf:activity_menu")
        return render(request, "mdf/activity_form.html", {"form": form}, status=400)


class MdfAccessView(PermissionRequiredMixin, View):
    """POST from the team page (partner profile): the partner admin chooses who requests and claims MDF."""

    http_method_names = ["post"]

    def check_access(self, request) -> None:
        super().check_access(request)
        if not access.can(request.user, "mdf.set_requesters", getattr(request.user, "partner", None)):
            raise access.get("mdf.set_requesters").refuse()

    def post(self, request):
        partner = get_visible_or_404(Partner, request.user, pk=request.user.partner_id)
        form = MdfAccessForm(request.POST)
        if form.is_valid():
            run_service(
                request,
                services.set_mdf_requesters,
                partner=partner,
                actor=request.user,
                requesters=form.cleaned_data["requesters"],
                success=gettext("Saved who requests and claims MDF."),
            )
        else:
            for message in form.errors.get("requesters", []):
                messages.error(request, message)
        return redirect(reverse("partners:detail", args=[partner.pk]) + "#mdf-access")
