"""Settings > Tiers (docs/settings.md): the list of tiers with their requirements and benefits, and one form
to create or change a tier (partners/tier_settings.py writes it)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.mixins import PermissionRequiredMixin
from accounts.settings_views import form_page
from partners import tier_settings
from partners.models import Tier
from prm.views import run_form_service


class TierListView(PermissionRequiredMixin, View):
    permission_required = "partners.edit_tiers"

    def get(self, request):
        tiers = Tier.objects.ranked().prefetch_related("requirements")
        return render(request, "partners/tiers.html", {"tiers": tiers})


class TierEditView(PermissionRequiredMixin, View):
    """New tier (no pk) or change one."""

    permission_required = "partners.edit_tiers"

    def _tier(self, pk):
        return get_object_or_404(Tier.objects.prefetch_related("requirements"), pk=pk) if pk else None

    def _page(self, request, tier, form, status=200):
        title = _("Tier %(name)s") % {"name": tier.name} if tier else _("New tier")
        return form_page(
            request,
            form,
            title=title,
            submit=_("Save tier"),
            back_url=reverse("partners:tiers"),
            back_label=_("Tiers"),
            intro=_("Commission, MDF and deal protection by tier are set by their own rules, not here."),
            status=status,
        )

    def get(self, request, pk=None):
        tier = self._tier(pk)
        initial = tier_settings.TierForm.initial_for(tier) if tier else {"rank": Tier.objects.count()}
        return self._page(request, tier, tier_settings.TierForm(initial=initial))

    def post(self, request, pk=None):
        tier = self._tier(pk)
        form = tier_settings.TierForm(request.POST)
        if form.is_valid():
            saved = run_form_service(
                form,
                tier_settings.save_tier,
                actor=request.user,
                tier=tier,
                values=form.tier_values(),
                requirements=form.requirements(),
            )
            if saved is not None:
                messages.success(request, _("Tier %(name)s saved.") % {"name": saved.name})
                return redirect("partners:tiers")
        return self._page(request, tier, form, status=400)
