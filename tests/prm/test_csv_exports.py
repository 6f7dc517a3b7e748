"""Every list page exports its filtered rows as CSV (DESIGN.md: every list paginated, filterable, exportable).

Walks the URLconf: each FilteredListView must declare export_columns, and its `?export=csv` answers 200
text/csv with a header row for a role that may see it. A new list page with URL arguments needs a builder
in URL_ARGUMENTS below, so it cannot slip past this test.
"""

import csv
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts import access
from accounts.models import Role
from prm.views import FilteredListView
from tests.deals.factories import DealFactory


def list_pages(patterns=None, prefix="", namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from list_pages(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None)
            if view is not None and issubclass(view, FilteredListView):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name, prefix + str(pattern.pattern), view


PAGES = sorted(list_pages(), key=lambda page: page[0])


def _tier_review(user):
    from partners.models import TierReview

    today = timezone.localdate()
    review = TierReview.objects.create(period="2020-Q1", started_by=user, evaluated_on=today)
    return {"pk": review.pk}


def _webhook(user):
    from integrations.models import WebhookSubscription

    subscription = WebhookSubscription.objects.create(url="https://hooks.example/x", secret="s" * 32, created_by=user)
    return {"pk": subscription.pk}


def _policy(user):
    from policy.models import RoePolicy

    return {"pk": RoePolicy.objects.order_by("version").first().pk}


URL_ARGUMENTS = {
    "policy:simulate": _policy,
    "partners:tier_review": _tier_review,
    "integrations:webhook_detail": _webhook,
}

# Who looks at each page: the most privileged internal role the page allows, else a partner admin.
ROLE_FIXTURES = [
    (Role.PROGRAM_ADMIN, "program_admin"),
    (Role.CHANNEL_MANAGER, "channel_manager"),
    (Role.FINANCE, "finance_user"),
    (Role.PARTNER_ADMIN, "partner_admin"),
    (Role.PARTNER_USER, "partner_user"),
]


def test_the_walk_finds_the_list_pages():
    names = {name for name, _route, _view in PAGES}
    assert {"partners:directory", "deals:list", "commissions:batches", "audit_log", "notifications"} <= names


@pytest.mark.parametrize(("name", "route", "view"), PAGES, ids=[page[0] for page in PAGES])
def test_every_list_page_declares_export_columns(name, route, view):
    columns = view.export_columns
    if isinstance(columns, property):  # computed per request (e.g. deals: columns depend on the role)
        return
    assert columns, f"{name} ({route}) lists rows but declares no export_columns"
    assert all(isinstance(header, str) and header for header, _accessor in columns)


@pytest.mark.parametrize(("name", "route", "view"), PAGES, ids=[page[0] for page in PAGES])
def test_every_list_page_exports_csv_for_a_role_that_may_see_it(name, route, view, request, client_for, partner):
    needed = getattr(view, "permission_required", "")
    candidates = (request.getfixturevalue(fx) for _role, fx in ROLE_FIXTURES)
    user = next(user for user in candidates if not needed or access.can(user, needed))
    DealFactory(partner=partner)  # at least one row on the deal pages
    kwargs = {}
    if "<" in route:
        assert name in URL_ARGUMENTS, f"{name} ({route}) needs a builder in URL_ARGUMENTS"
        kwargs = URL_ARGUMENTS[name](user)
    from django.urls import reverse

    url = reverse(name, kwargs=kwargs)
    response = client_for(user).get(url, {"export": "csv"})
    assert response.status_code == 200, f"{url}?export=csv as {user.role}: {response.status_code}"
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    header = next(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert header and all(header), f"{url}: empty CSV header {header}"


def test_the_export_keeps_the_current_filters(client_for, channel_manager, partner, other_partner):
    client = client_for(channel_manager)
    page = client.get("/partners/", {"tier": partner.tier_id})
    assert f'href="?tier={partner.tier_id}&amp;export=csv"'.encode() in page.content
    assert b"Export CSV" in page.content
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get("/partners/", {"tier": partner.tier_id, "export": "csv"}).streaming_content
                ).decode()
            )
        )
    )
    assert partner.name in {cell for row in rows[1:] for cell in row}
    assert other_partner.name not in {cell for row in rows[1:] for cell in row}


def test_payout_batches_and_the_tier_review_preview_export_too(client_for, finance_user, program_admin):
    batches = client_for(finance_user).get("/commissions/batches/")
    assert b"export=csv" in batches.content
    client = client_for(program_admin)
    preview = client.get("/partners/tier-review/")
    assert b"export=csv" in preview.content
    exported = client.get("/partners/tier-review/", {"export": "csv"})
    assert exported["Content-Type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode()))) == [
        "Partner id",
        "Partner",
        "Tier now",
        "Qualifies for",
        "Proposed",
        "Tier after",
    ]


@pytest.mark.parametrize(("name", "route", "view"), PAGES, ids=[page[0] for page in PAGES])
def test_every_list_page_exports_xlsx_beside_csv(name, route, view, request, client_for, partner):
    from django.urls import reverse
    from openpyxl import load_workbook

    needed = getattr(view, "permission_required", "")
    candidates = (request.getfixturevalue(fx) for _role, fx in ROLE_FIXTURES)
    user = next(user for user in candidates if not needed or access.can(user, needed))
    DealFactory(partner=partner)
    kwargs = URL_ARGUMENTS[name](user) if "<" in route else {}
    response = client_for(user).get(reverse(name, kwargs=kwargs), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert '.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header and all(header), f"{name}: empty XLSX header {header}"
