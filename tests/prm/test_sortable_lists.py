"""Every sortable column of every list page (FilteredListView.sort_fields, linked by `{% sort_header %}`) sorts
the page both ways without an error, and at least one column of each page changes the order of its rows
(docs/pages.md). Pages and users come from the isolation matrix's world: two partners with one of each object."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from prm.views import FilteredListView
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

ROLES = ("program_admin", "finance", "channel_manager", "partner_admin")


def _tokens(world, user):
    from accounts.models import TokenScope
    from accounts.services import create_api_token

    create_api_token(user=user, name="Zeta token", scope=TokenScope.READ)
    create_api_token(user=user, name="Alpha token", scope=TokenScope.READ_WRITE)


def _rates(world, user):
    from datetime import date
    from decimal import Decimal

    from fx.models import ExchangeRate

    ExchangeRate.objects.create(currency="EUR", rate=Decimal("1.08"), effective_from=date(2024, 1, 1), created_by=user)
    ExchangeRate.objects.create(currency="GBP", rate=Decimal("1.27"), effective_from=date(2025, 1, 1), created_by=user)


def _review_queue(world, user):
    from deals.models import DealStatus
    from tests.deals.factories import DealFactory

    for name in ("Zulu Corp", "Alpha Corp"):
        DealFactory(partner=world.partner["acme"], customer_name=name, status=DealStatus.PENDING_REVIEW)


def _webhooks(world, user):
    from integrations.models import WebhookSubscription

    WebhookSubscription.objects.create(url="https://alpha.example/prm", secret="s" * 32, created_by=user)


def _applications(world, user):
    from tests.partners.factories import ApplicationFactory

    ApplicationFactory(company_name="Zulu Systems", website_domain="zulu.example")
    ApplicationFactory(company_name="Alpha Systems", website_domain="alpha.example")


def _breaches(world, user):
    from datetime import timedelta

    from django.utils import timezone

    from sla.models import SlaEscalation
    from sla.registry import kinds_for

    kind = kinds_for(user)[0].key
    now = timezone.now()
    for number, (title, partner) in enumerate((("Zulu deal", "acme"), ("Alpha deal", "globex")), start=1):
        started = now - timedelta(days=10 + number)
        SlaEscalation.objects.create(
            kind=kind,
            object_id=900000 + number,
            partner=world.partner[partner],
            title=title,
            started_at=started,
            due_at=started + timedelta(days=3),
            sla_days=3,
            escalated_at=now - timedelta(days=number),
        )


def _library(world, user):
    from tests.enablement.factories import LibraryAssetFactory

    for title in ("Zulu deck", "Alpha deck"):
        LibraryAssetFactory(title=title)


def _courses(world, user):
    from tests.enablement.factories import CourseFactory

    for title in ("Zulu course", "Alpha course"):
        CourseFactory(title=title)


# Pages whose world has fewer than two rows for the role: more rows, so that a sort has something to order.
MORE_ROWS = {
    "accounts:tokens": _tokens,
    "fx:rates": _rates,
    "deals:review": _review_queue,
    "integrations:webhooks": _webhooks,
    "partners_public:applications": _applications,
    "sla:breaches": _breaches,
    "enablement:library": _library,
    "enablement:manage_courses": _courses,
}


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def sortable_pages() -> dict[str, type]:
    """URL name -> view class, for list pages without URL arguments that declare sortable columns."""
    pages = {}
    for name, pattern in _patterns(get_resolver()):
        view = getattr(pattern.callback, "view_class", None)
        if view and issubclass(view, FilteredListView) and view.sort_fields and not pattern.pattern.regex.groups:
            pages.setdefault(name, view)
    return pages


def test_the_pages_asked_for_declare_sortable_columns():
    assert {
        "commissions:batches",
        "fx:rates",
        "accounts:tokens",
        "audit_log",
        "disputes:list",
        "partners:directory",
        "partners_public:applications",
        "enablement:certificates",
        "integrations:webhooks",
        "sla:breaches",
    } <= set(sortable_pages())


@pytest.mark.parametrize("name", sorted(sortable_pages()))
def test_every_sortable_column_sorts_both_ways(name, client):
    from django.urls import reverse

    world = build_world()
    url = reverse(name)
    for role in ROLES:
        client.force_login(world.users[role])
        if client.get(url).status_code == 200:
            break
    else:
        pytest.fail(f"no role of {ROLES} may open {name}")
    if name in MORE_ROWS:
        MORE_ROWS[name](world, world.users[role])
    changed = []
    for field in sortable_pages()[name].sort_fields:
        orders = []
        for sort in (field, f"-{field}"):
            response = client.get(url, {"sort": sort})
            assert response.status_code == 200, (name, sort)
            assert response.context["sort"] == sort
            orders.append([row.pk for row in response.context["object_list"]])
        if orders[0] != orders[1]:
            changed.append(field)
    assert changed, f"{name}: no column changed the order of its rows"
