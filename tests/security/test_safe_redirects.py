"""`next` never sends a visitor off-site (docs/hardening.md): prm.redirects.safe_next is the only reader of
`next`, and every page route, POSTed as every role that may use it, redirects only within the portal."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from prm.redirects import is_safe_target, safe_next
from tests.security.test_isolation_matrix import OK, ROUTES, is_ignored, project_routes
from tests.security.test_isolation_matrix import world as world  # noqa: PLC0414 - the matrix's fixture world

EVIL = ("https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example", "\\\\evil.example")
HELPER = Path(settings.BASE_DIR) / "prm" / "redirects.py"


# --- (a) nothing reads `next` except the helper -------------------------------------------------------


def _project_sources():
    base = Path(settings.BASE_DIR)
    for app in settings.INSTALLED_APPS:
        folder = base / app.split(".")[0]
        if not (folder / "__init__.py").exists() or folder.name == "tests":
            continue
        for path in folder.rglob("*.py"):
            if "migrations" not in path.parts and path != HELPER:
                yield path


def _reads_of_next(tree: ast.AST):
    """`x.get("next")`, `x.getlist("next")`, `x["next"]`, and any mention of the Referer header."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            first = node.args[0]
            if (
                isinstance(first, ast.Constant)
                and first.value == "next"
                and node.func.attr in ("get", "getlist", "pop")
            ):
                yield node.lineno
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "next":
            yield node.lineno
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.upper() in ("HTTP_REFERER", "REFERER"):
                yield node.lineno


def test_no_view_reads_next_except_through_the_helper():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}"
        for path in sorted(set(_project_sources()))
        for line in _reads_of_next(ast.parse(path.read_text(), str(path)))
    ]
    assert not found, f"read `next`/Referer through prm.redirects.safe_next instead: {found}"


def test_the_scan_finds_a_hand_rolled_next():
    """The scan above can fail: it flags the code it forbids."""
    code = 'a = request.POST.get("next")\nb = request.GET["next"]\nc = request.META.get("HTTP_REFERER")\n'
    assert len(list(_reads_of_next(ast.parse(code)))) == 3
    assert not list(_reads_of_next(ast.parse('url = urlencode({"next": path})')))


# --- the helper -----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", EVIL + ("", "javascript:alert(1)", "/ok/\r\nLocation: https://evil.example/"))
def test_an_off_site_next_falls_back_to_the_default(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert not is_safe_target(request, target)
    assert safe_next(request, "/home/") == "/home/"


def test_an_on_site_next_is_kept_and_allowed_narrows_it():
    request = RequestFactory().post("/x/?next=/ignored/", {"next": "/deals/?status=submitted"})
    assert safe_next(request, "/home/") == "/deals/?status=submitted"
    assert safe_next(request, "/home/", allowed=("/deals/review/",)) == "/home/"
    assert safe_next(RequestFactory().get("/x/", {"next": "/deals/review/"}), "/home/") == "/deals/review/"


# --- (b) every page route, POSTed with an off-site next, stays on the site --------------------------


def _page_routes():
    for name, route in sorted(project_routes().items()):
        if route.startswith("api/") or is_ignored(name, route):
            continue
        yield pytest.param(name, id=name)


def _off_site(location: str) -> bool:
    return not url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(_page_routes()))
def test_a_post_with_an_off_site_next_never_redirects_off_site(world, name):
    route = ROUTES[name]  # test_isolation_matrix makes sure every page route is there
    roles = [role for role, outcome in route.outcomes(True).items() if outcome == OK]
    for role in roles:
        kwargs = route.kwargs(world, role, True) if route.kwargs else None
        query = f"{route.query(world, role, True)}&" if route.query else ""
        client = Client()
        if role in world.users:
            client.force_login(world.users[role])
        for evil in EVIL[:3]:
            url = f"{reverse(name, kwargs=kwargs)}?{query}next={evil}"
            response = client.post(url, {"next": evil})
            location = response.get("Location", "")
            assert not (response.status_code in (301, 302, 303, 307, 308) and _off_site(location)), (
                f"POST {url} as {role} redirects off-site to {location}"
            )


@pytest.mark.django_db
def test_approving_commission_entries_returns_to_an_on_site_next_only(world):
    client = Client()
    client.force_login(world.users["finance"])
    url = reverse("commissions:approve_entries")
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("commissions:entries")
    response = client.post(url, {"next": "/commissions/?status=pending"})
    assert response["Location"] == "/commissions/?status=pending"
