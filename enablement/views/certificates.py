"""Certificate pages: a person's certificates, who is certified, badges, PDFs, the public verification page and
the certificate's Open Badges credential."""

from email.utils import parseaddr

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts import access
from accounts.mixins import FilteredListView
from enablement import credentials, documents, selectors
from enablement.filters import CertificateFilter, InternalCertificateFilter
from enablement.models import Certificate, CertificateStatus
from enablement.views.base import login_required
from prm.tenancy import get_visible_or_404
from receipts.views import attachment

CERTIFICATE_COLUMNS = [
    ("Person", "user.get_full_name"),
    ("E-mail", "user.email"),
    ("Partner", "partner.name"),
    ("Certification", "certification.name"),
    ("Kind", "certification.kind"),
    ("Issued", "issued_at"),
    ("Expires", "expires_at"),
    ("Status", "current_status"),
    ("Verification code", "verification_code"),
]
# Sortable columns of the certificate table (both pages share it).
CERTIFICATE_SORT = {
    "certification": "certification__name",
    "person": "user__email",
    "partner": "partner__name",
    "issued": "issued_at",
    "expires": "expires_at",
    "status": "status",
}


class CertificateListView(FilteredListView):
    permission_required = "enablement.learn"
    template_name = "enablement/certificates.html"
    filterset_class = CertificateFilter
    sort_fields = CERTIFICATE_SORT
    export_filename = "certificates.csv"
    export_columns = CERTIFICATE_COLUMNS

    def get_base_queryset(self):
        return selectors.certificates(self.request.user)


class CertifiedView(FilteredListView):
    """Who is certified: partner admins see their people and the gaps to tier requirements; internal users
    see certified people by partner, type and tier."""

    permission_required = "enablement.see_people"
    template_name = "enablement/certified.html"
    sort_fields = CERTIFICATE_SORT
    export_filename = "certified-people.csv"
    export_columns = CERTIFICATE_COLUMNS

    def get_filterset_class(self):
        internal = access.can(self.request.user, "enablement.see_partners")
        return InternalCertificateFilter if internal else CertificateFilter

    def get_queryset(self):
        self.filterset_class = self.get_filterset_class()
        return super().get_queryset()

    def get_base_queryset(self):
        return selectors.certificates(self.request.user).order_by("partner__name", "user__email", "certification__name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if access.is_partner_user(user):
            context["gaps"] = selectors.certification_gaps(user.partner)
        else:
            context["overview"] = selectors.certified_overview()
        return context


def certificate_detail(request, pk):
    login_required(request)
    certificate = get_visible_or_404(selectors.certificates(request.user), request.user, pk=pk)
    return render(request, "enablement/certificate.html", {"certificate": certificate})


def certificate_badge(request, pk):
    login_required(request)
    certificate = get_visible_or_404(selectors.certificates(request.user), request.user, pk=pk)
    return _badge_response(certificate, as_attachment=True)


def _badge_response(certificate, *, as_attachment):
    response = HttpResponse(documents.badge_png(certificate), content_type="image/png")
    if as_attachment:
        response["Content-Disposition"] = f'attachment; filename="badge-{certificate.pk}.png"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def certificate_pdf(request, pk):
    login_required(request)
    certificate = get_visible_or_404(selectors.certificates(request.user), request.user, pk=pk)
    response = HttpResponse(documents.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _find_by_code(code) -> Certificate | None:
    return Certificate.objects.select_related("certification", "user", "partner").filter(verification_code=code).first()


def _by_code(code, *, revoked_too=True) -> Certificate:
    certificate = _find_by_code(code)
    if certificate is None or (not revoked_too and certificate.status == CertificateStatus.REVOKED):
        raise Http404("No certificate has this verification code.")
    return certificate


def verify(request, code):
    """Public: names the holder, the certification, and whether it is valid, expired or revoked.

    An unknown code gets the portal's own page (404) in every mode, never Django's debug page: whoever checks a
    code (an employer, a customer) reads what the code looks like, where it is printed, and whom to ask.
    """
    certificate = _find_by_code(code)
    if certificate is None:
        context = {"code": code, "contact_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}
        return render(request, "enablement/verify_unknown.html", context, status=404)
    return render(request, "enablement/verify.html", {"certificate": certificate})


def verify_badge(request, code):
    return _badge_response(_by_code(code), as_attachment=False)


def credential(request, code):
    """Public, like /verify/<code>/: whoever holds the verification link (the holder shares it) may fetch the
    credential, which says less than that page (the holder's e-mail only as a salted hash)."""
    certificate = _by_code(code, revoked_too=False)
    response = JsonResponse(
        credentials.open_badge_credential(certificate),
        content_type="application/vc+ld+json",
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    if request.GET.get("download"):
        attachment(response, f"credential-{certificate.pk}.json")
    return response
