"""Pages of the private availability check: the partner's check page and the program admin's policy page."""

from csp.decorators import csp_update
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from accounts.mixins import PermissionRequiredMixin
from availability import selectors, services
from availability.forms import AvailabilityPolicyForm
from prm.views import run_service

# The PSI library is WebAssembly whose Emscripten bindings build their invokers with `new Function`: this page
# alone may compile WebAssembly and evaluate those (docs/private-check.md, "Content security policy").
WASM_CSP = {"script-src": ["'wasm-unsafe-eval'", "'unsafe-eval'"]}


@method_decorator(csp_update(WASM_CSP), name="dispatch")
class CheckPageView(PermissionRequiredMixin, View):
    """The CSV chooser, progress and results: everything happens in the browser; the raw list never leaves it."""

    permission_required = "availability.check"

    def get(self, request):
        policy = selectors.policy_in_force()
        context = {
            "policy": policy,
            "remaining": selectors.remaining_today(request.user.partner_id, policy),
            "psi_texts": {
                "open": _("Open"),
                "yours": _("Already yours"),
                "protected": _("Protected by another registration"),
                "protected_until": _("Protected by another registration, until %(date)s at the latest"),
                "protected_later": _("Protected by another registration, for more than 90 days"),
                "direct": _("A vendor direct account"),
                "reading": _("Normalising and blinding %(n)s prospects in your browser..."),
                "sending": _("Asking the portal (only blinded keys are sent)..."),
                "intersecting": _("Comparing the answer with the portal's sets..."),
                "done": _("%(n)s prospects checked in %(s)s s."),
                "empty": _("The file has no prospects."),
                "failed": _("The check failed."),
                "page": _("Page %(page)s of %(pages)s"),
            },
        }
        return render(request, "availability/check.html", context)


class PolicyPageView(PermissionRequiredMixin, View):
    """The versions of the availability policy, a form for the next one, and the audit of checks (size and
    time only)."""

    permission_required = "availability.manage"

    def _render(self, request, form, status=200):
        context = {
            "form": form,
            "in_force": selectors.policy_in_force(),
            "versions": selectors.versions()[:20],
            "records": selectors.check_records(),
            "totals": selectors.check_totals(),
        }
        return render(request, "availability/policy.html", context, status=status)

    def get(self, request):
        policy = selectors.policy_in_force()
        initial = policy.rules() if policy.pk else None
        return self._render(request, AvailabilityPolicyForm(initial=initial))

    def post(self, request):
        form = AvailabilityPolicyForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        ok, policy = run_service(request, services.publish_policy, actor=request.user, data=form.cleaned_data)
        if ok:
            messages.success(request, _("Availability policy v%(version)s is in force.") % {"version": policy.version})
        return redirect("availability:policy")
