"""NUL (U+0000) through every route of the isolation matrix (docs/inputs.md): never a 500, nothing saved.

PostgreSQL cannot hold NUL in text, so one middleware (prm.middleware.RefuseNulMiddleware) refuses it before
any view runs. For each route in tests/security/test_isolation_matrix.py's ROUTES (so a route added there is
covered here too), as the first role that may use it:

    path   %00 in the route's first path parameter: 404 (a JSON 404 under /api/);
    query  %00 in a query parameter (the route's own ones where it has them): 400 naming the parameter;
    body   a NUL in a form field (pages) or JSON string (API) of a POST/PUT/PATCH/DELETE route: 400 naming it.

Every cell also checks that no table gained, lost or changed a row count.
"""

from urllib.parse import parse_qsl, urlencode

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.security import test_isolation_matrix as isolation
from tests.security.test_isolation_matrix import OK, ROUTES, Route
from tests.security.world import ROLES

world = isolation.world  # the isolation matrix's module-scoped fixture world, reused here

NUL = "\x00"
SKIPPED_TABLES = {"django_session"}  # a request may refresh its own session


def acting_role(route: Route) -> str:
    """The first role the matrix lets through (own object): the request reaches the view's input handling."""
    outcomes = route.outcomes(own=True)
    return next((role for role in ROLES if outcomes[role] == OK), "anonymous")


def row_counts() -> dict[str, int]:
    tables = sorted(
        {m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy} - SKIPPED_TABLES
    )
    # Table names come from the models, not from input.
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {connection.ops.quote_name(t)}" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def base_url(world, name: str, route: Route, role: str) -> tuple[str, dict]:
    kwargs = route.kwargs(world, role, True) if route.kwargs else {}
    return reverse(name, kwargs=kwargs or None), kwargs


def _cells():
    for name, route in ROUTES.items():
        kinds = ["query"]
        if route.kwargs:
            kinds.insert(0, "path")
        if route.method != "get":
            kinds.append("body")
        for kind in kinds:
            yield pytest.param(name, kind, id=f"{name}-{kind}")


def send(world, name: str, route: Route, kind: str):
    role = acting_role(route)
    url, kwargs = base_url(world, name, route, role)
    query = route.query(world, role, True) if route.query else ""
    body = {}
    field = None
    if kind == "path":
        value = str(next(iter(kwargs.values())))
        assert f"/{value}" in url, (url, value)
        head, _sep, tail = url.rpartition(f"/{value}")
        url = f"{head}/{value}%00{tail}"
    elif kind == "query":
        pairs = parse_qsl(query) or [("q", "")]
        field = pairs[0][0]
        pairs[0] = (field, pairs[0][1] + NUL)
        query = urlencode(pairs)
    else:
        field = "reason"
        body = {field: f"because{NUL}"}
    if query:
        url = f"{url}?{query}"
    page, api = world.clients[role]
    client = api if route.api else page
    if route.method == "get":
        return client.get(url), field
    if route.api:
        return getattr(client, route.method)(url, body, format="json"), field
    return getattr(client, route.method)(url, body), field


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kind"), list(_cells()))
def test_nul_is_refused_on_every_route(world, name, kind):
    route = ROUTES[name]
    before = row_counts()
    response, field = send(world, name, route, kind)
    where = f"{route.method.upper()} {response.request['PATH_INFO']}?{response.request.get('QUERY_STRING', '')}"
    assert response.status_code != 500, where
    if kind == "path":
        assert response.status_code == 404, f"{where}: {response.status_code}"
    else:
        assert response.status_code == 400, f"{where}: {response.status_code}"
        if route.api:
            assert list(response.json()) == [field], where
        else:
            assert field in response.content.decode(), where
    if route.api and kind == "path":
        assert response.json() == {"detail": "Not found."}, where
    after = row_counts()
    changed = {t: (n, after[t]) for t, n in before.items() if after[t] != n}
    assert not changed, f"{where} changed row counts: {changed}"


def test_the_nul_matrix_covers_every_route_of_the_isolation_matrix():
    covered = {param.values[0] for param in _cells()}
    assert covered == set(ROUTES)
