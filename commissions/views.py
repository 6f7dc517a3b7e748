"""Commission pages: finance's entries, batches and owed-vs-paid; partner admins' earnings and statements;
plans, spiffs and contest leaderboards. Thin: each view reads input, calls one service or selector, renders."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.http import require_POST

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from commissions import holds, selectors, services, statements
from commissions.filters import BatchFilter, EntryFilter
from commissions.forms import AdjustmentForm, BatchForm, ContestForm, RuleRateForm, SpiffForm
from commissions.models import CommissionPlan, CommissionRule, Contest, ContestStatus, PayoutBatch, Spiff
from partners.models import Partner
from prm import formatting
from prm.periods import parse_period, quarter_of
from prm.redirects import safe_next
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service, run_service


class EntryListView(FilteredListView):
    permission_required = "commissions.view_payouts"
    template_name = "commissions/entries.html"
    filterset_class = EntryFilter
    sort_fields = {
        "id": "pk",
        "partner": "partner__name",
        "kind": "kind",
        "earned": "earned_on",
        "amount": "amount",
        "status": "status",
    }
    paginate_by = 50
    export_filename = "commission-entries.csv"
    export_columns = [
        ("Id", "pk"),
        ("Partner", "partner.name"),
        ("Deal", "deal_id"),
        ("Kind", "kind"),
        ("Earned on", "earned_on"),
        ("Base", "base_amount"),
        ("Rate", "rate"),
        ("Amount", "amount"),
        ("Currency", "currency"),
        ("Status", "status"),
        ("Batch", "batch_id"),
        ("Description", "description"),
    ]

    def get_base_queryset(self):
        return selectors.entry_list(self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **selectors.finance_panel(self.request.user)}


@require_POST
def approve_entries(request):
    access.require(request.user, "commissions.approve_entries", standing=False)
    ids = [int(value) for value in request.POST.getlist("entry") if value.isdigit()][:5000]
    ok, count = run_service(request, services.approve_entries, entry_ids=ids, actor=request.user)
    if ok:
        messages.success(
            request, ngettext("Approved %(count)d entry.", "Approved %(count)d entries.", count) % {"count": count}
        )
    return redirect(safe_next(request, reverse("commissions:entries")))


class AdjustmentView(PermissionRequiredMixin, View):
    permission_required = "commissions.add_adjustment"

    def get(self, request):
        return render(request, "commissions/adjustment.html", {"form": AdjustmentForm()})

    def post(self, request):
        form = AdjustmentForm(request.POST)
        if form.is_valid():
            entry = run_form_service(form, services.add_adjustment, actor=request.user, **form.cleaned_data)
            if entry is not None:
                messages.success(
                    request,
                    _("Adjustment %(amount)s recorded; it awaits approval.")
                    % {"amount": formatting.money(entry.amount, entry.currency)},
                )
                return redirect("commissions:entries")
        return render(request, "commissions/adjustment.html", {"form": form}, status=400)


class BatchListView(FilteredListView):
    permission_required = "commissions.view_payouts"
    template_name = "commissions/batches.html"
    filterset_class = BatchFilter
    sort_fields = {"id": "pk", "partner": "partner__name", "status": "status", "total": "total", "paid": "paid_at"}
    export_filename = "payout-batches.csv"
    export_columns = [
        ("Batch", "pk"),
        ("Partner id", "partner_id"),
        ("Partner", "partner.name"),
        ("Status", "get_status_display"),
        ("Total", "total"),
        ("Currency", "currency"),
        ("Created", "created_at"),
        ("Created by", "created_by.email"),
        ("Submitted by", "submitted_by.email"),
        ("Approved by", "approved_by.email"),
        ("Approved at", "approved_at"),
        ("Paid at", "paid_at"),
        ("Payment reference", "payment_reference"),
    ]

    def get_base_queryset(self):
        return selectors.batch_list(self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form": BatchForm()}

    def post(self, request):
        access.require(request.user, "commissions.create_batch", standing=False)
        form = BatchForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a partner."))
            return redirect("commissions:batches")
        ok, batch = run_service(
            request,
            services.create_payout_batch,
            partner=form.cleaned_data["partner"],
            actor=request.user,
            currency=form.cleaned_data["currency"] or "",
        )
        return redirect(batch if ok else "commissions:batches")


class BatchDetailView(PermissionRequiredMixin, View):
    permission_required = "commissions.view_payouts"
    tenancy_model = PayoutBatch  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)

    def get(self, request, pk):
        batch = get_visible_or_404(selectors.batch_list(request.user), request.user, pk=pk)
        if request.GET.get("file") == "csv":
            if not batch.payout_file:
                raise Http404
            response = HttpResponse(batch.payout_file, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="payout-{batch.pk}.csv"'
            return response
        entries = batch.entries.select_related("deal").order_by("pk")
        return render(request, "commissions/batch.html", {"batch": batch, "entries": entries})

    def post(self, request, pk):
        batch = get_visible_or_404(PayoutBatch, request.user, pk=pk)
        action = request.POST.get("action")
        if action == "submit":
            run_service(
                request, services.submit_batch, batch=batch, actor=request.user, success=_("Submitted for approval.")
            )
        elif action == "approve":
            run_service(request, services.approve_batch, batch=batch, actor=request.user, success=_("Batch approved."))
        elif action == "pay":
            run_service(request, services.pay_batch, batch=batch, actor=request.user, success=_("Payment started."))
        return redirect(batch)


class OwedView(PermissionRequiredMixin, View):
    permission_required = "commissions.view_payouts"

    def get(self, request):
        period = request.GET.get("period") or ""
        try:
            rows = list(selectors.owed_vs_paid(request.user, period_key=period or None))
        except ValueError as error:
            messages.error(request, str(error))
            rows, period = [], ""
        for row in rows:
            row["owed"] = (row["earned"] or 0) - (row["paid"] or 0)
        return render(request, "commissions/owed.html", {"rows": rows, "period": period})


class HeldPayoutsView(PermissionRequiredMixin, View):
    """Finance: what suspended and terminated partners accrued and is held; release a terminated partner's
    payouts (docs/partner-status.md)."""

    permission_required = "commissions.view_payouts"

    def get(self, request, status=200):
        rows = list(holds.held_payouts(request.user))
        return render(request, "commissions/held.html", {"rows": rows}, status=status)

    def post(self, request):

        partner = get_visible_or_404(Partner, request.user, pk=request.POST.get("partner") or 0)
        ok, _release = run_service(
            request,
            holds.release_held_payouts,
            actor=request.user,
            partner=partner,
            reason=request.POST.get("reason", ""),
            success=_("Payouts of %(partner)s released.") % {"partner": partner.name},
        )
        return redirect("commissions:held") if ok else self.get(request, status=400)


class EarningsView(PermissionRequiredMixin, View):
    permission_required = "commissions.view_earnings"

    def get(self, request):
        return render(request, "commissions/earnings.html", selectors.earnings(request.user))


class StatementView(PermissionRequiredMixin, View):
    """?partner=<id>&period=2026-Q4[&format=csv|pdf]; partner admins: their own partner only (404 otherwise)."""

    permission_required = "commissions.view_statements"

    def get(self, request):
        period = request.GET.get("period") or quarter_of(timezone.localdate()).key
        try:
            parse_period(period)
        except ValueError:
            raise Http404 from None
        partner = request.GET.get("partner") or None
        if partner is not None and not partner.isdigit():
            raise Http404
        statement = selectors.statement(
            request.user, partner_id=partner, period_key=period, currency=request.GET.get("currency", "")[:3]
        )
        output = request.GET.get("format")
        if output == "csv":
            return statements.statement_csv(statement)
        if output == "pdf":
            pdf = statements.statement_pdf(statement, portal_name=settings.PORTAL_NAME)
            response = HttpResponse(pdf, content_type="application/pdf")
            name = f"statement-{statement.partner.pk}-{statement.period.key}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return render(request, "commissions/statement.html", {"statement": statement, "totals": statement.totals})


class PlanListView(PermissionRequiredMixin, View):
    permission_required = "commissions.view_payouts"

    def get(self, request):
        plans = CommissionPlan.objects.prefetch_related("rules__min_tier", "rules__max_tier")
        return render(
            request,
            "commissions/plans.html",
            {
                "plans": plans,
                "spiffs": Spiff.objects.select_related("min_tier"),
                "contests": Contest.objects.all(),
                "editor": access.can(request.user, "commissions.manage_spiffs"),
            },
        )


class ContestView(PermissionRequiredMixin, View):
    """The live leaderboard. Partner users see their own name; other partners stay anonymous."""

    def get(self, request, pk):
        contest = Contest.objects.filter(pk=pk).first()
        if contest is None:
            raise Http404
        rows = []
        for rank, row in enumerate(services.leaderboard(contest)[:50], start=1):
            mine = row["partner_id"] == request.user.partner_id
            name = row["partner__name"] if access.is_internal(request.user) or mine else _("Another partner")
            rows.append({"rank": rank, "name": name, "deals": row["deals"], "mine": mine})
        winners = contest.winners.select_related("partner")
        context = {
            "contest": contest,
            "rows": rows,
            "winners": winners,
            "unconverted": services.contest_unconverted(contest),
        }
        return render(request, "commissions/contest.html", context)


# --- program admins: spiffs, contests, rates ---------------------------------------------------------


def _form_page(request, form, *, title, submit, status=200, intro=""):
    context = {"form": form, "title": title, "submit": submit, "intro": intro}
    return render(request, "commissions/plan_form.html", context, status=status)


class SpiffFormView(PermissionRequiredMixin, View):
    """New spiff (no pk) or edit one; saved through services.save_spiff."""

    permission_required = "commissions.manage_spiffs"
    tenancy_model = Spiff  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)

    def _spiff(self, pk):
        return get_object_or_404(Spiff, pk=pk) if pk else None

    def _title(self, spiff):
        return _("Edit spiff %(name)s") % {"name": spiff.name} if spiff else _("New spiff")

    def get(self, request, pk=None):
        spiff = self._spiff(pk)
        return _form_page(request, SpiffForm(instance=spiff), title=self._title(spiff), submit=_("Save spiff"))

    def post(self, request, pk=None):
        spiff = self._spiff(pk)
        form = SpiffForm(request.POST, instance=spiff)
        if form.is_valid():
            saved = run_form_service(form, services.save_spiff, actor=request.user, spiff=form.save(commit=False))
            if saved is not None:
                messages.success(request, _("Spiff %(name)s saved.") % {"name": saved.name})
                return redirect("commissions:plans")
        title = self._title(spiff)
        return _form_page(request, form, title=title, submit=_("Save spiff"), status=400)


class ContestFormView(PermissionRequiredMixin, View):
    """New contest (no pk) or edit an open one; services.create_contest / update_contest."""

    permission_required = "commissions.manage_contests"

    def _contest(self, pk):
        if not pk:
            return None
        contest = get_object_or_404(Contest, pk=pk)
        if contest.status != ContestStatus.OPEN:
            messages.error(self.request, _("This contest is resolved: its terms can no longer change."))
        return contest

    def _initial(self, contest):
        if contest is None:
            return {"period": quarter_of(timezone.localdate()).key, "currency": settings.DEFAULT_CURRENCY}
        fields = ["name", "period", "min_deal_amount", "bonus_rate", "currency"]
        return {field: getattr(contest, field) for field in fields}

    def get(self, request, pk=None):
        contest = self._contest(pk)
        title = _("Edit contest %(name)s") % {"name": contest.name} if contest else _("New contest")
        return _form_page(request, ContestForm(initial=self._initial(contest)), title=title, submit=_("Save contest"))

    def post(self, request, pk=None):
        contest = get_object_or_404(Contest, pk=pk) if pk else None
        form = ContestForm(request.POST)
        if form.is_valid():
            if contest is None:
                saved = run_form_service(form, services.create_contest, actor=request.user, **form.cleaned_data)
            else:
                saved = run_form_service(
                    form, services.update_contest, actor=request.user, contest=contest, **form.cleaned_data
                )
            if saved is not None:
                messages.success(request, _("Contest %(name)s saved.") % {"name": saved.name})
                return redirect(saved)
        title = _("Edit contest %(name)s") % {"name": contest.name} if contest else _("New contest")
        return _form_page(request, form, title=title, submit=_("Save contest"), status=400)


class RuleRateView(PermissionRequiredMixin, View):
    """Change a rule's rate from a day on: services.change_rule_rate closes it and adds its successor."""

    permission_required = "commissions.change_rates"
    tenancy_model = CommissionRule  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    INTRO = gettext_lazy(
        "The rule ends the day before the new terms start and a successor takes over: entries already made, and "
        "deals closed before that day, keep the current terms."
    )

    def _page(self, request, rule, form, status=200):
        title = _("Change the rate of %(plan)s: %(rule)s") % {"plan": rule.plan.name, "rule": rule.name}
        return _form_page(request, form, title=title, submit=_("Change rate"), status=status, intro=self.INTRO)

    def get(self, request, pk):
        rule = get_object_or_404(CommissionRule.objects.select_related("plan"), pk=pk)
        form = RuleRateForm(rule=rule, initial={"rate": rule.rate, "flat_amount": rule.flat_amount})
        return self._page(request, rule, form)

    def post(self, request, pk):
        rule = get_object_or_404(CommissionRule.objects.select_related("plan"), pk=pk)
        form = RuleRateForm(request.POST, rule=rule)
        if form.is_valid():
            successor = run_form_service(
                form,
                services.change_rule_rate,
                rule=rule,
                actor=request.user,
                rate=form.cleaned_data.get("rate"),
                flat_amount=form.cleaned_data.get("flat_amount"),
                effective_from=form.cleaned_data["effective_from"],
            )
            if successor is not None:
                messages.success(
                    request,
                    _("%(rule)s: new terms from %(date)s.") % {"rule": rule.name, "date": successor.valid_from},
                )
                return redirect("commissions:plans")
        return self._page(request, rule, form, status=400)
