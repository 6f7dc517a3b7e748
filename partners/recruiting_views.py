"""Recruiting pages: the public "Partner with us" form, the recruit queue and the scoring page."""

import math

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from accounts.models import Role
from partners import program_terms, recruiting, selectors
from partners.filters import ApplicationFilter
from partners.forms import ApplicationForm, ApproveForm, RejectForm, ScoreForm
from partners.models import Application, OppScore, Tier
from prm.api import AnonymousFormThrottle
from prm.clientip import client_ip
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service, run_service

RECRUITERS = {Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN}


def throttle_wait(request) -> int | None:
    """Seconds to wait when this address sent too many public forms (the API's anon_form limit and counter)."""
    throttle = AnonymousFormThrottle()
    if throttle.allow_request(request, None):
        return None
    return math.ceil(throttle.wait() or 1)


class PartnerWithUsView(View):
    """Program benefits by tier, then the application form (anyone, no login)."""

    template_name = "partners/partner_with_us.html"

    def render_page(self, request, form, status=200, **extra):
        terms = program_terms.page_context(Tier.objects.ranked())  # as applied (docs/program-terms.md)
        return render(request, self.template_name, {"form": form, **terms, **extra}, status=status)

    def get(self, request):
        return self.render_page(request, ApplicationForm())

    def post(self, request):
        form = ApplicationForm(request.POST)
        wait = throttle_wait(request)
        if wait is not None:
            form.is_valid()
            response = self.render_page(request, form, status=429, throttled=True)
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            application = run_form_service(
                form,
                recruiting.submit_application,
                data=form.cleaned_data,
                ip_address=client_ip(request),
            )
            if application is not None:
                request.session["application_sent"] = application.company_name
                return redirect("partners_public:apply_thanks")
        return self.render_page(request, form, status=400)


def apply_thanks(request):
    company = request.session.pop("application_sent", None)
    return render(request, "partners/apply_thanks.html", {"company": company})


class ApplicationQueueView(FilteredListView):
    permission_required = "partners.view_as_staff"
    template_name = "partners/application_queue.html"
    filterset_class = ApplicationFilter
    sort_fields = {
        "company": "company_name",
        "type": "partner_type",
        "country": "country",
        "status": "status",
        "fit": "fit_score",
        "willingness": "willingness_score",
        "quadrant": "quadrant",
        "submitted": "created_at",
    }
    export_filename = "applications.csv"
    export_columns = [
        ("Id", "pk"),
        ("Submitted", "created_at"),
        ("Company", "company_name"),
        ("Domain", "website_domain"),
        ("Contact", "contact_name"),
        ("E-mail", "contact_email"),
        ("Country", "country.code"),
        ("Type", "get_partner_type_display"),
        ("Status", "status"),
        ("Fit", "fit_score"),
        ("Willingness", "willingness_score"),
        ("Score", "score"),
        ("Quadrant", "quadrant"),
        ("Duplicate", "is_duplicate"),
        ("Partner id", "partner_id"),
    ]

    def get_base_queryset(self):
        return Application.objects.visible_to(self.request.user).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.recruit_pipeline(self.request.user))
        return context


class ApplicationDetailView(PermissionRequiredMixin, View):
    """One application: its details, duplicate flags, OPP scoring form and the decision forms."""

    permission_required = "partners.view_as_staff"
    tenancy_model = Application  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)

    def get(self, request, pk, score_form=None, reject_form=None, approve_form=None, status=200):
        application = get_visible_or_404(
            Application.objects.select_related(
                "duplicate_of", "matching_partner", "partner", "scored_by", "decided_by"
            ),
            request.user,
            pk=pk,
        )
        criteria = recruiting.active_criteria()
        existing = dict(OppScore.objects.filter(application=application).values_list("criterion_id", "value"))
        context = {
            "application": application,
            "score_form": score_form or ScoreForm(criteria=criteria, initial_values=existing),
            "approve_form": approve_form
            or ApproveForm(
                initial={
                    "partner_type": application.partner_type,
                    "region": recruiting.region_for_country(application.country.code),
                }
            ),
            "reject_form": reject_form or RejectForm(),
            "can_decide": access.can(request.user, "partners.recruit"),
            "other_applications": Application.objects.filter(website_domain=application.website_domain)
            .exclude(pk=application.pk)
            .order_by("-created_at")[:10],
        }
        return render(request, "partners/application_detail.html", context, status=status)


class ApplicationActionView(PermissionRequiredMixin, View):
    """POST score / approve / reject on one application; each calls one service."""

    permission_required = "partners.recruit"
    tenancy_model = Application  # the URL's object: a refusal outside the tenancy is a 404 (prm.tenancy)
    http_method_names = ["post"]

    def post(self, request, pk, action):
        application = get_visible_or_404(Application, request.user, pk=pk)
        if action == "score":
            form = ScoreForm(request.POST, criteria=recruiting.active_criteria())
            if form.is_valid() and run_form_service(
                form, recruiting.score_application, actor=request.user, application=application, values=form.values()
            ):
                messages.success(request, _("Scores saved."))
                return redirect(application)
            return ApplicationDetailView().get(request, pk, score_form=form, status=400)
        if action == "approve":
            form = ApproveForm(request.POST)
            if form.is_valid():
                ok, _result = run_service(
                    request,
                    recruiting.approve_application,
                    actor=request.user,
                    application=application,
                    partner_type=form.cleaned_data["partner_type"],
                    region=form.cleaned_data["region"],
                    channel_manager=form.cleaned_data["channel_manager"],
                    success=_("%(company)s is now a partner; its admin was invited.")
                    % {"company": application.company_name},
                )
                if ok:
                    application.refresh_from_db()
                    return redirect("partners:detail", application.partner_id)
                return redirect(application)
            return ApplicationDetailView().get(request, pk, approve_form=form, status=400)
        if action == "reject":
            form = RejectForm(request.POST)
            if form.is_valid():
                run_service(
                    request,
                    recruiting.reject_application,
                    actor=request.user,
                    application=application,
                    reason=form.cleaned_data["reason"],
                    success=_("Application rejected; the applicant was told by e-mail."),
                )
                return redirect(application)
            return ApplicationDetailView().get(request, pk, reject_form=form, status=400)
        raise PermissionDenied
