"""Program pages for staff: tier reviews (preview, run, results) and program settings (OPP criteria and
the onboarding checklist)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from partners import services, tier_review
from partners.filters import TierReviewOutcomeFilter
from partners.forms import (
    OnboardingStepForm,
    OppCriterionForm,
    TierReviewForm,
)
from partners.models import (
    OnboardingStep,
    OppCriterion,
    ReviewAction,
    TierReview,
    TierReviewOutcome,
)
from prm.exports import export_response, wants_export
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service, run_service


class TierReviewPreviewView(PermissionRequiredMixin, View):
    """Every change the quarter's review would make, then the button that applies it. Channel managers see the
    preview read-only; applying it needs partners.run_tier_review (the service asks it again)."""

    permission_required = "partners.view_tier_review"
    export_columns = [
        ("Partner id", "partner.pk"),
        ("Partner", "partner.name"),
        ("Tier now", "from_tier.name"),
        ("Qualifies for", "qualified_tier.name"),
        ("Proposed", "get_action_display"),
        ("Tier after", "to_tier.name"),
    ]

    def get(self, request):
        form = TierReviewForm(request.GET or None, initial={"period": tier_review.default_preview_period()})
        period = form.cleaned_data["period"] if form.is_bound and form.is_valid() else None
        try:
            preview = tier_review.preview_tier_review(period=period)
        except ValidationError as error:
            form.add_error("period", error.messages)
            preview = tier_review.preview_tier_review()
        changes = [p for p in preview["proposals"] if p.action != ReviewAction.KEEP]
        if wants_export(request):
            name = f"tier-review-preview-{preview['period']}.csv"
            return export_response(request, name, self.export_columns, changes)
        page = Paginator(changes, 50).get_page(request.GET.get("page"))
        counts = {
            label: sum(1 for p in preview["proposals"] if p.action == value) for value, label in ReviewAction.choices
        }
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "preview": preview,
            "page_obj": page,
            "counts": counts,
            "querystring": query.urlencode(),
            "reviews": TierReview.objects.visible_to(request.user)[:12],
        }
        return render(request, "partners/tier_review_preview.html", context)

    def post(self, request):
        if not access.can(request.user, "partners.run_tier_review"):
            raise access.get("partners.run_tier_review").refuse()
        form = TierReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the quarter to review, e.g. 2026-Q4."))
            return redirect("partners:tier_review_preview")
        ok, review = run_service(
            request, tier_review.run_tier_review, period=form.cleaned_data["period"], actor=request.user
        )
        if ok:
            messages.success(request, _("Tier review %(period)s applied.") % {"period": review.period})
            return redirect(review)
        return redirect("partners:tier_review_preview")


class TierReviewDetailView(FilteredListView):
    permission_required = "partners.view_as_staff"
    tenancy_model = TierReview  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    template_name = "partners/tier_review_detail.html"
    filterset_class = TierReviewOutcomeFilter
    paginate_by = 50
    export_filename = "tier-review.csv"
    export_columns = [
        ("Partner id", "partner_id"),
        ("Partner", "partner.name"),
        ("From", "from_tier.name"),
        ("Qualifies for", "qualified_tier.name"),
        ("To", "to_tier.name"),
        ("Outcome", "get_action_display"),
    ]

    def get_base_queryset(self):
        self.review = get_visible_or_404(TierReview, self.request.user, pk=self.kwargs["pk"])
        return (
            TierReviewOutcome.objects.visible_to(self.request.user)
            .filter(review=self.review)
            .select_related("partner", "from_tier", "to_tier", "qualified_tier")
            .order_by("partner__name", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review"] = self.review
        return context


class ProgramSettingsView(PermissionRequiredMixin, View):
    permission_required = "partners.edit_program_settings"
    forms_by_kind = {"criterion": (OppCriterion, OppCriterionForm), "step": (OnboardingStep, OnboardingStepForm)}

    def get(self, request, bound=None, status=200):
        bound = bound or {}
        criteria = OppCriterion.objects.all()
        steps = OnboardingStep.objects.all()
        context = {
            "criteria": [(c, OppCriterionForm(instance=c, prefix=f"criterion-{c.pk}")) for c in criteria],
            "steps": [(s, OnboardingStepForm(instance=s, prefix=f"step-{s.pk}")) for s in steps],
            "new_criterion": bound.get("criterion") or OppCriterionForm(prefix="criterion-new"),
            "new_step": bound.get("step") or OnboardingStepForm(prefix="step-new"),
        }
        return render(request, "partners/program_settings.html", context, status=status)

    def post(self, request):
        kind = request.POST.get("kind")
        if kind not in self.forms_by_kind:
            raise PermissionDenied
        model, form_class = self.forms_by_kind[kind]
        object_id = request.POST.get("id") or ""
        instance = model.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        prefix = f"{kind}-{instance.pk}" if instance else f"{kind}-new"
        form = form_class(request.POST, instance=instance, prefix=prefix)
        if form.is_valid():
            saved = run_form_service(form, services.save_program_setting, actor=request.user, setting_form=form)
            if saved is not None:
                messages.success(request, _("Saved “%(name)s”.") % {"name": saved})
                return redirect("partners:program_settings")
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''} {' '.join(errors)}")
        return self.get(request, bound={kind: form} if instance is None else None, status=400)
