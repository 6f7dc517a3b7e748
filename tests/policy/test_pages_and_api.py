"""Policy pages and API: who may read and write (403), what is not there (404), bounded queries."""

import pytest
from django.utils import timezone

from policy import services
from policy.models import PolicySimulation, PolicyStatus, RoePolicy, SimulationStatus
from tests.deals.factories import registration_kwargs

pytestmark = pytest.mark.django_db
API = "/api/v1/policies/"


@pytest.fixture
def draft(program_admin):
    return services.create_draft(actor=program_admin)


def page_urls(policy):
    return [
        "/policy/",
        "/policy/?export=csv",
        f"/policy/{policy.pk}/",
        f"/policy/{policy.pk}/simulate/",
    ]


def test_program_admin_creates_edits_simulates_and_publishes_through_the_pages(
    client_for, program_admin, partner_user, django_capture_on_commit_callbacks
):
    from deals import services as deals

    deals.register_deal(user=partner_user, **registration_kwargs())
    client = client_for(program_admin)
    assert client.get("/policy/new/").status_code == 200
    response = client.post("/policy/new/")
    draft = RoePolicy.objects.get(status=PolicyStatus.DRAFT)
    assert response.status_code == 302 and response["Location"] == f"/policy/{draft.pk}/edit/"
    form = client.get(f"/policy/{draft.pk}/edit/")
    assert form.status_code == 200
    data = {name: value for name, value in form.context["form"].initial.items() if name != "protection_days_by_tier"}
    data.update(possible_match_threshold="85", notes="Stricter review")
    response = client.post(f"/policy/{draft.pk}/edit/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.possible_match_threshold, draft.notes) == (85, "Stricter review")
    detail = client.get(f"/policy/{draft.pk}/")
    assert b"Possible-match threshold" in detail.content and b'data-testid="diff"' in detail.content
    bad = client.post(f"/policy/{draft.pk}/edit/", {**data, "possible_match_threshold": "95"})
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/policy/{draft.pk}/simulate/").status_code == 302
    simulation = PolicySimulation.objects.get(policy=draft)
    assert simulation.status == SimulationStatus.DONE
    page = client.get(f"/policy/{draft.pk}/simulate/")
    assert b'data-testid="simulation-summary"' in page.content
    progress = client.get(f"/policy/{draft.pk}/simulate/{simulation.pk}/progress/", headers={"HX-Request": "true"})
    assert progress.status_code == 200 and b"simulation-progress" in progress.content
    assert client.get(f"/policy/{draft.pk}/publish/").status_code == 200
    today = timezone.localdate().isoformat()
    response = client.post(f"/policy/{draft.pk}/publish/", {"effective_from": today})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.PUBLISHED
    listing = client.get("/policy/")
    assert b'data-testid="in-force"' in listing.content
    # Published: no more edits.
    client.post(f"/policy/{draft.pk}/edit/", {**data, "extension_days": "10"})
    draft.refresh_from_db()
    assert draft.extension_days == 30


def test_publishing_an_unsimulated_draft_asks_for_a_confirmation(client_for, program_admin, draft):
    client = client_for(program_admin)
    page = client.get(f"/policy/{draft.pk}/publish/")
    assert b'data-testid="publish-warning"' in page.content
    today = timezone.localdate().isoformat()
    refused = client.post(f"/policy/{draft.pk}/publish/", {"effective_from": today})
    assert refused.status_code == 400
    assert RoePolicy.objects.get(pk=draft.pk).status == PolicyStatus.DRAFT
    client.post(f"/policy/{draft.pk}/publish/", {"effective_from": today, "confirm": "on"})
    assert RoePolicy.objects.get(pk=draft.pk).status == PolicyStatus.PUBLISHED


def test_channel_managers_read_but_do_not_write(client_for, channel_manager, draft):
    client = client_for(channel_manager)
    for url in page_urls(draft):
        assert client.get(url).status_code == 200, url
    for url in (f"/policy/{draft.pk}/edit/", f"/policy/{draft.pk}/publish/", "/policy/new/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/policy/{draft.pk}/simulate/").status_code == 403
    assert not PolicySimulation.objects.exists()


@pytest.mark.parametrize("role", ["partner_user", "partner_admin", "other_partner_user", "finance_user"])
def test_partner_users_and_finance_are_refused_on_every_page(request, client_for, role, draft):
    """Finance gets 403; for partner users a policy version is outside their tenancy: 404 (docs/api.md), and the
    pages without an object (the list, a new draft) stay 403."""
    client = client_for(request.getfixturevalue(role))
    object_refusal = 403 if role == "finance_user" else 404
    for url in ["/policy/", "/policy/?export=csv", "/policy/new/"]:
        assert client.get(url).status_code == 403, url
    for url in [f"/policy/{draft.pk}/", f"/policy/{draft.pk}/simulate/", f"/policy/{draft.pk}/edit/"]:
        assert client.get(url).status_code == object_refusal, url
    assert client.get(f"/policy/{draft.pk}/publish/").status_code == object_refusal


def test_an_unknown_version_or_simulation_is_404(client_for, program_admin, api_for, draft):
    client = client_for(program_admin)
    for url in ("/policy/999999/", "/policy/999999/edit/", "/policy/999999/simulate/", "/policy/999999/publish/"):
        assert client.get(url).status_code == 404, url
    other = services.create_draft(actor=program_admin)
    simulation = PolicySimulation.objects.create(policy=other)
    # A simulation reached through another version's URL is not found either.
    url = f"/policy/{draft.pk}/simulate/{simulation.pk}/progress/"
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    assert api_for(program_admin).get(f"{API}999999/").status_code == 404


def test_pages_run_a_bounded_number_of_queries(client_for, program_admin, django_assert_max_num_queries):
    for _ in range(5):
        services.create_draft(actor=program_admin)
    policy = RoePolicy.objects.order_by("-version").first()
    client = client_for(program_admin)
    for url in [*page_urls(policy), f"/policy/{policy.pk}/edit/", f"/policy/{policy.pk}/publish/"]:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200, url


def test_api_reads_for_internal_users_and_writes_for_program_admins(
    api_for, program_admin, channel_manager, finance_user, partner_user, draft, django_capture_on_commit_callbacks
):
    for user in (channel_manager, finance_user, program_admin):
        listing = api_for(user).get(API)
        assert listing.status_code == 200
        assert {row["version"] for row in listing.json()["results"]} == {1, 2}
        assert api_for(user).get(f"{API}{draft.pk}/").json()["status"] == "draft"
    assert api_for(partner_user).get(API).status_code == 403
    # A policy version is program data, outside a partner's tenancy: 404 for partner users (docs/api.md).
    assert api_for(partner_user).get(f"{API}{draft.pk}/").status_code == 404
    for user, refused in ((channel_manager, 403), (finance_user, 403), (partner_user, 404)):
        assert api_for(user).post(f"{API}{draft.pk}/simulate/").status_code == refused
        assert (
            api_for(user).post(f"{API}{draft.pk}/publish/", {"effective_from": timezone.now().isoformat()}).status_code
            == refused
        )
    api = api_for(program_admin)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"{API}{draft.pk}/simulate/")
    assert started.status_code == 202
    assert api.get(f"{API}{draft.pk}/").json()["latest_simulation"]["status"] == "done"
    published = api.post(f"{API}{draft.pk}/publish/", {"effective_from": timezone.now().isoformat()}, format="json")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    again = api.post(f"{API}{draft.pk}/publish/", {"effective_from": timezone.now().isoformat()}, format="json")
    assert again.status_code == 409
    assert api.post(f"{API}{draft.pk}/simulate/").status_code == 409


def test_api_publish_refuses_an_unsimulated_draft_without_confirm(api_for, program_admin, draft):
    api = api_for(program_admin)
    response = api.post(f"{API}{draft.pk}/publish/", {"effective_from": timezone.now().isoformat()}, format="json")
    assert response.status_code == 400 and "confirm" in response.json()
    past = api.post(
        f"{API}{draft.pk}/publish/", {"effective_from": "2001-01-01T00:00:00Z", "confirm": True}, format="json"
    )
    assert past.status_code == 400 and "effective_from" in past.json()


def test_anonymous_callers_get_401_and_the_login_page(api_client, client, draft):
    assert api_client.get(API).status_code == 401
    assert client.get("/policy/")["Location"].startswith("/accounts/login/")


def test_api_list_runs_a_bounded_number_of_queries(api_for, program_admin, django_assert_max_num_queries):
    for _ in range(5):
        policy = services.create_draft(actor=program_admin)
        PolicySimulation.objects.create(policy=policy)
    with django_assert_max_num_queries(10):
        assert api_for(program_admin).get(API).status_code == 200


def test_incumbency_days_are_edited_shown_and_served(client_for, api_for, program_admin, channel_manager, draft):
    client = client_for(program_admin)
    form = client.get(f"/policy/{draft.pk}/edit/")
    data = {name: value for name, value in form.context["form"].initial.items() if name != "protection_days_by_tier"}
    bad = client.post(f"/policy/{draft.pk}/edit/", {**data, "incumbency_days": "-5"})
    assert bad.status_code == 400 and "incumbency_days" in bad.context["form"].errors
    assert client.post(f"/policy/{draft.pk}/edit/", {**data, "incumbency_days": "180"}).status_code == 302
    draft.refresh_from_db()
    assert draft.incumbency_days == 180
    detail = client.get(f"/policy/{draft.pk}/").content.decode()
    assert 'data-testid="incumbency-days">180<' in detail
    assert "Incumbency (days)" in detail  # and in the diff against the version in force
    assert api_for(channel_manager).get(f"{API}{draft.pk}/").json()["incumbency_days"] == 180
