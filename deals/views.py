"""Deal pages: list, registration (with the htmx hint), deal page and actions, review queue, leads,
account import. Thin: each view reads a form, calls one service or selector, renders."""

import math

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_POST

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from deals import hints, selectors, services
from deals.filters import DealFilter, LeadFilter, ReviewFilter
from deals.forms import (
    AssignForm,
    ImportForm,
    InfluenceForm,
    LeadForm,
    NoteForm,
    RegistrationForm,
    WonForm,
)
from deals.models import AccountImport, DealReason, DealRegistration, DealStatus, ExtensionStatus, Lead
from deals.tasks import run_account_import
from prm import formatting
from prm.forms import ReasonForm
from prm.imports import mark_nul_cells
from prm.redirects import safe_next
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service, run_service

DEAL_EXPORT = [
    ("Id", "pk"),
    ("Customer", "customer_name"),
    ("Domain", "customer_domain"),
    ("Country", "customer_country"),
    ("Status", "status"),
    ("Reason", "reason"),
    ("Value", "amount"),
    ("Currency", "currency"),
    ("Expected close", "expected_close_date"),
    ("Close date", "close_date"),
    ("Protected until", "protected_until"),
    ("Registered", "created_at"),
]


class DealListView(FilteredListView):
    permission_required = "deals.view"
    template_name = "deals/list.html"
    filterset_class = DealFilter
    sort_fields = {
        "id": "pk",
        "customer": "customer_name",
        "partner": "partner__name",
        "status": "status",
        "value": "amount",
        "protected_until": "protected_until",
        "created": "created_at",
    }
    export_filename = "deals.csv"

    @property
    def export_columns(self):
        if access.is_internal(self.request.user):
            return [("Partner", "partner.name"), ("Source", "source"), *DEAL_EXPORT]
        return DEAL_EXPORT

    def get_base_queryset(self):
        return selectors.deal_list(self.request.user)


class RegistrationView(PermissionRequiredMixin, View):
    permission_required = "deals.register"

    def get(self, request):
        form = RegistrationForm(initial={"currency": "USD"}, partner=request.user.partner)
        return render(request, "deals/register.html", {"form": form})

    def post(self, request):
        form = RegistrationForm(request.POST, partner=request.user.partner)
        if form.is_valid():
            deal = run_form_service(form, services.register_deal, user=request.user, **form.cleaned_data)
            if deal is not None:
                level = messages.SUCCESS if deal.status == "submitted" else messages.WARNING
                messages.add_message(request, level, services.outcome_message(deal, request.user))
                return redirect(deal)
        return render(request, "deals/register.html", {"form": form}, status=400)


def registration_hint(request):
    """htmx: "this account may already be registered", never naming who holds it or until when; limited per
    user and audited (deals/hints.py)."""
    if not access.is_partner_user(request.user):
        raise PermissionDenied
    throttle = hints.RegistrationHintThrottle()
    if not throttle.allow_request(request, None):
        response = render(request, "deals/partials/hint.html", {"throttled": True}, status=429)
        response["Retry-After"] = str(math.ceil(throttle.wait() or 1))
        return response
    maybe = hints.registration_hint(
        user=request.user,
        customer_name=request.GET.get("customer_name", "")[:200],
        customer_domain=request.GET.get("customer_domain", "")[:253],
        country=request.GET.get("customer_country", "")[:2],
    )
    return render(request, "deals/partials/hint.html", {"maybe_registered": maybe})


class DealDetailView(PermissionRequiredMixin, View):
    permission_required = "deals.view"

    def get(self, request, pk):
        return render_detail(request, pk)


def render_detail(request, pk, *, won_form=None, status=200):
    """The deal page; a refused "mark won" renders it again with the form's errors beside its fields."""
    deal = selectors.deal_detail(request.user, pk)
    internal = access.is_internal(request.user)
    context = {
        "deal": deal,
        "message": services.outcome_message(deal, request.user),
        "timeline": selectors.deal_timeline(deal),
        "influences": selectors.influences_of(deal, request.user),
        "is_member": access.of_own_partner(request.user, deal),
        "is_manager": access.is_channel_manager(request.user),
        "won_form": won_form or WonForm(initial={"amount": deal.amount}),
        "registered_on": services.registered_on(deal),
        "reason_form": ReasonForm(),
        "influence_form": InfluenceForm(),
    }
    if internal:
        context["evidence"] = selectors.evidence_rows(deal)
        context["sla"] = selectors.sla_state(deal)
    return render(request, "deals/detail.html", context, status=status)


def _deal_for_action(request, pk):
    if not request.user.is_authenticated:
        raise PermissionDenied
    return get_visible_or_404(DealRegistration.objects.select_related("partner__tier"), request.user, pk=pk)


def _back(request, deal):
    return redirect(safe_next(request, deal.get_absolute_url(), allowed=(reverse("deals:review"),)))


def _form_errors(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def action_report(deal) -> str:
    """The flash message after an action on a deal: which deal (customer and number) and what it is now."""
    values = {"customer": deal.customer_name, "number": deal.pk, "status": deal.get_status_display()}
    if deal.extension_status == ExtensionStatus.REQUESTED and deal.status == DealStatus.APPROVED:
        return _("Extension requested for %(customer)s (#%(number)s).") % values
    if deal.reason == DealReason.INFLUENCE_ONLY:
        return _("%(customer)s (#%(number)s) is accepted as influence only.") % values
    return _("%(customer)s (#%(number)s) is now %(status)s.") % values


def _report(request, ok, deal, describe=action_report) -> None:
    if ok and deal is not None:
        messages.success(request, describe(deal))


def _extension_report(deal) -> str:
    values = {"customer": deal.customer_name, "number": deal.pk}
    if deal.extension_status == ExtensionStatus.APPROVED:
        return _("Extension approved for %(customer)s (#%(number)s): protected until %(until)s.") % {
            **values,
            "until": formatting.day(deal.own_protection_until),
        }
    return _("Extension declined for %(customer)s (#%(number)s).") % values


@require_POST
def deal_action(request, pk, action):
    """One POST endpoint per transition of the deal page; the service checks permission and state."""
    deal = _deal_for_action(request, pk)
    user = request.user
    if action == "won":
        form = WonForm(request.POST)
        if form.is_valid():
            won = run_form_service(
                form,
                services.mark_won,
                deal=deal,
                actor=user,
                amount=form.cleaned_data["amount"],
                close_date=form.cleaned_data["close_date"],
                close_date_reason=form.cleaned_data["close_date_reason"],
            )
            if won is not None:
                messages.success(request, action_report(won))
                return _back(request, deal)
        return render_detail(request, deal.pk, won_form=form, status=400)
    elif action in ("lost", "reject", "reopen"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return _back(request, deal)
        service = {"lost": services.mark_lost, "reject": services.reject_deal, "reopen": services.reopen_deal}[action]
        kwargs = {"deal": deal, "reason": form.cleaned_data["reason"], "actor": user}
        _report(request, *run_service(request, service, **kwargs))
    elif action in ("approve", "influence-only"):
        note = NoteForm(request.POST).data.get("note", "")[:2000]
        service = services.approve_deal if action == "approve" else services.accept_as_influence
        _report(request, *run_service(request, service, deal=deal, actor=user, note=note))
    elif action == "extend":
        _report(request, *run_service(request, services.request_extension, deal=deal, actor=user))
    elif action in ("extension-approve", "extension-decline"):
        approve = action == "extension-approve"
        ok, decided = run_service(request, services.decide_extension, deal=deal, actor=user, approve=approve)
        _report(request, ok, decided, _extension_report)
    elif action == "influence":
        form = InfluenceForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return _back(request, deal)
        run_service(
            request,
            services.add_influence,
            deal=deal,
            actor=user,
            partner=form.cleaned_data["partner"],
            kind=form.cleaned_data["kind"],
            success=_("Influence recorded on %(customer)s (#%(number)s).")
            % {"customer": deal.customer_name, "number": deal.pk},
        )
    else:
        raise PermissionDenied
    return _back(request, deal)


class ReviewQueueView(FilteredListView):
    permission_required = "deals.review"
    template_name = "deals/review.html"
    filterset_class = ReviewFilter
    sort_fields = {
        "id": "pk",
        "customer": "customer_name",
        "partner": "partner__name",
        "status": "status",
        "value": "amount",
        "protected_until": "protected_until",
        "created": "created_at",
    }
    export_filename = "deal-review.csv"
    export_columns = [("Partner", "partner.name"), *DEAL_EXPORT]

    def get_base_queryset(self):
        return selectors.review_queue(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.review_rows(list(context["object_list"]))
        return context


@require_POST
def bulk_approve(request):
    if not access.can(request.user, "deals.approve"):
        raise PermissionDenied
    ids = [int(i) for i in request.POST.getlist("deal") if i.isdigit() and len(i) < 18]
    ok, count = run_service(request, services.bulk_approve, deal_ids=ids, actor=request.user)
    if ok:
        messages.success(
            request,
            ngettext("Approved %(count)s clean registration.", "Approved %(count)s clean registrations.", count)
            % {"count": count},
        )
    return redirect("deals:review")


# --- leads ---------------------------------------------------------------------------------------


class LeadListView(FilteredListView):
    permission_required = "deals.view_leads"
    template_name = "deals/leads.html"
    filterset_class = LeadFilter
    sort_fields = {
        "customer": "customer_name",
        "partner": "partner__name",
        "status": "status",
        "value": "amount",
        "accept_by": "accept_by",
    }
    export_filename = "leads.csv"
    export_columns = [
        ("Id", "pk"),
        ("Customer", "customer_name"),
        ("Country", "customer_country"),
        ("Status", "status"),
        ("Accept by", "accept_by"),
        ("Value", "amount"),
        ("Currency", "currency"),
    ]

    def get_base_queryset(self):
        return selectors.leads_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_manager"] = access.is_channel_manager(self.request.user)
        context["lead_form"] = LeadForm(initial={"currency": "USD"})
        context["assign_form"] = AssignForm()
        context["reason_form"] = ReasonForm()
        return context


@require_POST
def lead_create(request):
    if not access.can(request.user, "deals.create_lead"):
        raise PermissionDenied
    form = LeadForm(request.POST)
    if form.is_valid():
        lead = run_form_service(form, services.create_lead, actor=request.user, **form.cleaned_data)
        if lead is not None:
            messages.success(request, _("Lead created."))
            for warning in getattr(lead, "warnings", ()):
                messages.warning(request, warning)
            return redirect("deals:leads")
    _form_errors(request, form)
    return redirect("deals:leads")


@require_POST
def lead_action(request, pk, action):
    if not request.user.is_authenticated:
        raise PermissionDenied
    lead = get_visible_or_404(Lead.objects.select_related("partner__tier"), request.user, pk=pk)
    if action == "accept":
        ok, deal = run_service(request, services.accept_lead, lead=lead, actor=request.user)
        if ok:
            messages.success(request, services.outcome_message(deal, request.user))
            return redirect(deal)
    elif action == "decline":
        form = ReasonForm(request.POST)
        if form.is_valid():
            run_service(
                request,
                services.decline_lead,
                lead=lead,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                success=_("Lead declined."),
            )
        else:
            _form_errors(request, form)
    elif action == "assign":
        form = AssignForm(request.POST)
        if form.is_valid():
            ok, assigned = run_service(
                request,
                services.assign_lead,
                lead=lead,
                actor=request.user,
                partner=form.cleaned_data["partner"],
                success=_("Lead assigned."),
            )
            for warning in getattr(assigned, "warnings", ()) if ok else ():
                messages.warning(request, warning)
        else:
            _form_errors(request, form)
    else:
        raise PermissionDenied
    return redirect("deals:leads")


# --- account import --------------------------------------------------------------------------------


class AccountImportView(PermissionRequiredMixin, View):
    permission_required = "deals.import_accounts"

    def get(self, request):
        recent = AccountImport.objects.filter(uploaded_by=request.user)[:10]
        return render(request, "deals/import.html", {"form": ImportForm(), "recent": recent})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                content = mark_nul_cells(form.cleaned_data["file"].read().decode("utf-8-sig"))
            except UnicodeDecodeError:
                form.add_error("file", _("The file must be UTF-8 text."))
            else:
                job = run_form_service(
                    form,
                    services.start_account_import,
                    actor=request.user,
                    content=content,
                    file_name=form.cleaned_data["file"].name,
                    dry_run=form.cleaned_data["dry_run"],
                )
                if job is not None:
                    run_account_import.delay(job.pk)
                    return redirect("deals:import_progress", job.pk)
        recent = AccountImport.objects.filter(uploaded_by=request.user)[:10]
        return render(request, "deals/import.html", {"form": form, "recent": recent}, status=400)


def import_progress(request, pk):
    if not access.can(request.user, "deals.import_accounts"):
        raise PermissionDenied
    job = AccountImport.objects.filter(pk=pk, uploaded_by=request.user).first()
    if job is None:
        raise Http404
    template = "deals/partials/import_progress.html" if request.htmx else "deals/import_progress.html"
    return render(request, template, {"job": job, "poll_url": reverse("deals:import_progress", args=[job.pk])})
