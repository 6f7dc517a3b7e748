"""Journey: a program admin opens the program dashboard; every chart is drawn (a Chart.js instance on a
canvas of non-zero size) without CSP errors, and "Rebuild now" shows the rollup's progress."""

import pytest

from analytics.services import rebuild_kpis
from prm.periods import quarter_of
from tests.analytics.kpi_fixture import build
from tests.e2e.test_deal_journey import session_cookie_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_program_admin_sees_the_dashboard_charts_drawn(
    browser_page, live_server, partner, other_partner, program_admin
):
    data = build(partner, other_partner)
    rebuild_kpis()
    page = browser_page
    page.context.add_cookies([session_cookie_for(program_admin, live_server.url)])
    page.goto(f"/analytics/?period={quarter_of(data['month'].start).key}")
    assert page.get_by_test_id("program-dashboard-title").is_visible()
    page.wait_for_function("() => document.querySelectorAll('canvas[data-chart][data-drawn]').length > 0")
    charts = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => ({
            id: c.dataset.source, drawn: !!window.Chart.getChart(c), width: c.width, height: c.height}))"""
    )
    assert len(charts) == 16  # with the SLA panel (issue 12)
    for chart in charts:
        assert chart["drawn"] and chart["width"] > 0 and chart["height"] > 0, chart
    assert page.get_by_test_id("other-currency-note").is_visible()
    assert page.csp_violations == []

    page.get_by_test_id("rebuild-now").click()
    page.wait_for_selector("[data-testid=rollup-status] >> text=done")
    assert page.csp_violations == []
