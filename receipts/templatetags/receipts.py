"""Template helpers for the receipts panel on the deal page."""

from django import template

from receipts.models import Receipt

register = template.Library()


@register.simple_tag
def deal_receipts(deal, user):
    """The deal's receipts the user may see, newest first (one query)."""
    return list(Receipt.objects.visible_to(user).filter(deal_id=deal.pk).order_by("-created_at", "-id"))
