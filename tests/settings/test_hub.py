"""The Settings hub lists only the areas each role may open; partner roles may not open it."""

import pytest
from django.urls import reverse

from portal.settings_hub import AREAS

pytestmark = pytest.mark.django_db

ALL_KEYS = {area.key for area in AREAS}


def _keys(response) -> set[str]:
    return {area["key"] for area in response.context["areas"]}


def test_program_admin_sees_every_area_and_each_opens(client_for, program_admin):
    client = client_for(program_admin)
    response = client.get(reverse("settings"))
    assert response.status_code == 200
    assert _keys(response) == ALL_KEYS
    for area in response.context["areas"]:
        assert area["description"]
        assert client.get(area["url"]).status_code == 200, area["url"]


def test_channel_manager_sees_the_tier_review_and_the_activity_menu_only(client_for, channel_manager):
    response = client_for(channel_manager).get(reverse("settings"))
    assert _keys(response) == {"tier_review", "mdf"}
    assert b"/partners/tiers/" not in response.content


def test_finance_sees_plans_and_the_activity_menu(client_for, finance_user):
    response = client_for(finance_user).get(reverse("settings"))
    assert _keys(response) == {"commissions", "mdf"}


@pytest.mark.parametrize("who", ["partner_admin", "partner_user"])
def test_partner_roles_may_not_open_settings(request, client_for, who):
    assert client_for(request.getfixturevalue(who)).get(reverse("settings")).status_code == 403


def test_nav_links_program_admins_to_the_hub(client_for, program_admin):
    assert b'data-testid="nav-settings-hub"' in client_for(program_admin).get(reverse("home")).content


def test_channel_managers_reach_the_hub_from_the_analytics_menu(client_for, channel_manager):
    content = client_for(channel_manager).get(reverse("home")).content
    assert b'data-testid="nav-settings-hub-staff"' in content
    assert b'data-testid="nav-settings-hub"' not in content


def test_partner_navigation_has_no_settings_link(client_for, partner_admin):
    assert b"nav-settings-hub" not in client_for(partner_admin).get(reverse("home")).content
