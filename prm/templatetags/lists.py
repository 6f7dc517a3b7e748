"""`{% load lists %}{% sort_header "value" _("Value") %}`: a column header sorting the list by that column
(whitelisted by the view's `sort_fields`), keeping the other filters, with aria-sort (docs/pages.md)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, name: str, label, css: str = ""):
    request = context["request"]
    current = context.get("sort", "")
    query = request.GET.copy()
    query.pop("page", None)
    if current == name:
        state, next_sort, icon = "ascending", f"-{name}", "bi-sort-up"
    elif current == f"-{name}":
        state, next_sort, icon = "descending", name, "bi-sort-down"
    else:
        state, next_sort, icon = "none", name, "bi-arrow-down-up text-secondary"
    query["sort"] = next_sort
    hint = _("sorted ascending") if state == "ascending" else _("sorted descending") if state == "descending" else ""
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a class="sort-link" href="?{}">{}'
        '<i class="bi {} ms-1" aria-hidden="true"></i>{}</a></th>',
        css,
        state,
        query.urlencode(),
        label,
        icon,
        format_html('<span class="visually-hidden"> ({})</span>', hint) if hint else "",
    )
