"""Request body limits (docs/hardening.md): an oversize Content-Length is a 413 before the body is read, on
every route of the project; upload routes take up to their own caps; normal uploads still work."""

import inspect
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import get_resolver, reverse

from prm.files import FORM_OVERHEAD_BYTES, MB, request_body_limit, upload_limits
from tests.security.test_isolation_matrix import _walk, is_ignored, project_routes


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = readinto = read


DUMMY_KWARGS = {"format": "json", "uuid": "00000000-0000-4000-8000-000000000000"}


def _url(name: str) -> str:
    kwargs = {}
    for _route, route_name, names in _walk(get_resolver().url_patterns):
        if (route_name or _route) == name:
            kwargs = {key: DUMMY_KWARGS.get(key, "1") for key in names}
            break
    return reverse(name, kwargs=kwargs or None)


def _post_declaring(url: str, length: int):
    return Client().post(
        url,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


def _routes():
    for name, route in sorted(project_routes().items()):
        if not is_ignored(name, route):
            yield pytest.param(name, id=name)


@pytest.mark.parametrize("name", list(_routes()))
def test_a_body_over_the_routes_limit_is_refused_unread(name):
    url = _url(name)
    limit = request_body_limit(name)
    response = _post_declaring(url, limit + 1)
    assert response.status_code == 413, f"POST {url} with {limit + 1} bytes: HTTP {response.status_code}"
    if url.startswith("/api/"):
        assert response.json()["code"] == "request_too_large"
    else:
        assert "too large" in response.content.decode()


def test_every_route_that_takes_files_has_an_upload_limit():
    """A view that reads request.FILES without an entry would be held to the default 10 MB."""
    routes = project_routes()
    missing = []
    for name in routes:
        if is_ignored(name, routes[name]):
            continue
        match = get_resolver().resolve(_url(name))
        sources = "".join(_view_sources(match.func))
        if "request.FILES" in sources and name not in upload_limits():
            missing.append(name)
    assert not missing, f"routes that read uploads without an entry in prm.files.upload_limits: {missing}"


def _view_sources(func):
    """The source of what a route runs: a viewset's actions for that route, a view class with its bases."""
    if getattr(func, "actions", None):
        return [inspect.getsource(getattr(func.cls, action)) for action in set(func.actions.values())]
    target = getattr(func, "view_class", None) or func
    classes = inspect.getmro(target) if inspect.isclass(target) else (target,)
    return [inspect.getsource(c) for c in classes if c.__module__.split(".")[0] in _project_apps()]


def _project_apps() -> set[str]:
    return {app.split(".")[0] for app in settings.INSTALLED_APPS if not app.startswith(("django", "rest_", "allauth"))}


def test_the_upload_table_names_only_existing_routes():
    assert not sorted(set(upload_limits()) - set(project_routes()))


def test_upload_routes_take_their_own_caps_and_other_routes_the_default():
    assert (
        request_body_limit("enablement:manage_asset_new")
        == settings.ENABLEMENT_MAX_UPLOAD_MB * MB + FORM_OVERHEAD_BYTES
    )
    assert request_body_limit("deals:import") == settings.IMPORT_MAX_BYTES + FORM_OVERHEAD_BYTES
    assert request_body_limit("deal-list") == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert request_body_limit(None) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@override_settings(DISPUTE_FILE_MAX_MB=1)
def test_the_limit_follows_the_settings():
    assert request_body_limit("disputes:open") == 5 * MB + FORM_OVERHEAD_BYTES
    assert _post_declaring(_url("disputes:open"), 5 * MB + FORM_OVERHEAD_BYTES + 1).status_code == 413


@pytest.mark.django_db
def test_a_json_api_body_over_ten_megabytes_is_refused(api_for, partner_admin):
    """DRF reads the raw stream, past DATA_UPLOAD_MAX_MEMORY_SIZE: the middleware is what stops it."""
    body = b'{"customer_name": "' + b"a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
    response = api_for(partner_admin).generic("POST", "/api/v1/deals/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


@pytest.mark.django_db
def test_a_normal_upload_still_works(client_for, program_admin):
    """The import's own sample file, uploaded back as a dry run, goes through to the job page."""
    client = client_for(program_admin)
    sample = client.get(reverse("deals:import_history_sample")).content
    upload = SimpleUploadedFile("history.csv", sample, content_type="text/csv")
    response = client.post(reverse("deals:import_history"), {"file": upload, "dry_run": "on"})
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith("/deals/import-history/")


@pytest.mark.django_db
def test_an_upload_above_the_default_but_within_its_route_cap_passes_the_limit(client_for, program_admin):
    big = SimpleUploadedFile("deck.pdf", b"%PDF-1.4\n" + b"0" * (11 * MB), content_type="application/pdf")
    response = client_for(program_admin).post(reverse("enablement:manage_asset_new"), {"file": big, "title": ""})
    assert response.status_code != 413
