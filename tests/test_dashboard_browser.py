"""The dashboard in a real browser: the charts draw with data and the child table sorts."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login
from tests.test_dashboard_figures import YEAR, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_charts_draw_with_data_and_table_sorts(page, tree, users):
    build_world(tree)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    browser_login(page, "lanhdao")
    page.goto(f"{page.live_server_url}/dashboard/{tree.province.pk}/?year={YEAR}")
    for chart_id in ("chart-children", "chart-models", "chart-trend"):
        drawn = page.evaluate(
            """(id) => {
                const canvas = document.getElementById(id);
                const chart = window.Chart && Chart.getChart(canvas);
                return Boolean(chart) && chart.data.datasets[0].data.length > 0;
            }""",
            chart_id,
        )
        assert drawn, chart_id
    table = page.get_by_test_id("children")
    first_cells = lambda: table.locator("tbody tr th").all_inner_texts()  # noqa: E731
    assert first_cells()[0].startswith("Huyện Khánh Vĩnh")
    rate_header = table.get_by_role("button", name="Tỷ lệ KDC (%)")
    rate_header.click()  # ascending: the weakest district first
    assert first_cells()[0].startswith("Huyện Diên Khánh")
    rate_header.click()
    assert first_cells()[0].startswith("Huyện Khánh Vĩnh")
    assert not errors, errors
