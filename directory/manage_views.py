"""Pages behind login: a partner's admins decide what its listing publishes; the program admin edits the lead
routing rules and previews who would get the last 100 leads under a rule (docs/directory.md)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts import access
from accounts.mixins import PermissionRequiredMixin
from deals import routing
from deals.models import RoutingRule
from deals.models_routing import RoutingRuleStatus
from directory import services
from directory.forms import ListingForm, RoutingRuleForm
from prm.views import run_form_service, run_service


class ListingEditView(PermissionRequiredMixin, View):
    """/directory/listing/: the signed-in partner admin's own listing."""

    permission_required = "directory.view_own_listing"
    template_name = "directory/listing_edit.html"

    def render_page(self, request, form, status=200):
        partner = request.user.partner
        listing = services.listing_of(partner)
        context = {"form": form, "listing": listing, "partner": partner, "tier_lists": partner.tier.directory_listing}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        partner = request.user.partner
        return self.render_page(
            request, ListingForm(initial=ListingForm.initial_of(services.listing_of(partner), partner))
        )

    def post(self, request):
        form = ListingForm(request.POST)
        if form.is_valid():
            saved = run_form_service(
                form, services.save_listing, actor=request.user, partner=request.user.partner, data=form.cleaned_data
            )
            if saved is not None:
                messages.success(request, _("Your listing was saved."))
                return redirect("directory:listing")
        return self.render_page(request, form, status=400)


class RuleListView(PermissionRequiredMixin, View):
    permission_required = "deals.manage_routing"

    def get(self, request):
        rules = RoutingRule.objects.order_by("status", "priority", "id")
        return render(request, "directory/rules.html", {"rules": rules})


class RuleEditView(PermissionRequiredMixin, View):
    """A new rule (pk None) or one rule with the preview of the last 100 leads under it."""

    permission_required = "deals.manage_routing"
    tenancy_model = RoutingRule  # internal: a partner role gets 404, never 403 (prm.tenancy)

    def render_page(self, request, form, rule, status=200):
        rows = routing.preview(rule) if rule is not None else []
        context = {
            "form": form,
            "rule": rule,
            "rows": rows,
            "counts": routing.routing_counts(rows),
            "statuses": RoutingRuleStatus,
        }
        return render(request, "directory/rule_edit.html", context, status=status)

    def get(self, request, pk=None):
        rule = get_object_or_404(RoutingRule, pk=pk) if pk else None
        return self.render_page(request, RoutingRuleForm(instance=rule), rule)

    def post(self, request, pk=None):
        rule = get_object_or_404(RoutingRule, pk=pk) if pk else None
        form = RoutingRuleForm(request.POST, instance=rule)
        if form.is_valid():
            saved = run_form_service(form, routing.save_rule, actor=request.user, rule=rule, data=form.cleaned_data)
            if saved is not None:
                messages.success(request, _("The rule was saved."))
                return redirect("directory:rule", pk=saved.pk)
        return self.render_page(request, form, rule, status=400)


class RuleStatusView(PermissionRequiredMixin, View):
    permission_required = "deals.manage_routing"
    tenancy_model = RoutingRule

    def post(self, request, pk, status):
        rule = get_object_or_404(RoutingRule, pk=pk)
        if status not in RoutingRuleStatus.values:
            return redirect("directory:rule", pk=rule.pk)
        access.require(request.user, "deals.manage_routing")
        run_service(request, routing.set_rule_status, actor=request.user, rule=rule, status=status, success=_("Saved."))
        return redirect("directory:rule", pk=rule.pk)
