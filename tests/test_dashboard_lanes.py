"""The child table runs on a second connection when that connection sees the same data."""

from __future__ import annotations

import re
import threading

import pytest
from django.core.cache import caches
from django.test.utils import override_settings

from dashboard import lanes, views
from tests.test_dashboard_figures import YEAR, build_world
from tests.test_dashboard_pages import dashboard_url, login


def _children_table(content: str) -> str:
    return re.search(r'<table[^>]*data-testid="children".*?</table>', content, re.S).group(0)


@pytest.mark.django_db(transaction=True)  # committed data: another connection can see it
def test_child_table_runs_on_a_second_connection_and_shows_the_same_rows(client, tree, users, monkeypatch):
    build_world(tree)
    threads = []
    real = views.child_figures

    def child_figures(scope, year):
        threads.append(threading.current_thread().name)
        return real(scope, year)

    monkeypatch.setattr(views, "child_figures", child_figures)
    login(client, users.leadership)
    response = client.get(dashboard_url(tree.province))
    assert response.status_code == 200
    assert threads[-1].startswith("dashboard-lane")
    alongside = _children_table(response.content.decode())
    assert "Huyện Khánh Vĩnh" in alongside

    caches["dashboard"].clear()
    with override_settings(DASHBOARD_LANES=False):
        in_place = _children_table(client.get(dashboard_url(tree.province)).content.decode())
    assert threads[-1] == threading.current_thread().name
    assert in_place == alongside


def test_inside_a_longer_transaction_the_child_table_runs_in_place(client, tree, users, monkeypatch):
    # A test's transaction holds uncommitted rows that a second connection could not see.
    build_world(tree)
    calls = []
    monkeypatch.setattr(lanes, "_executor", lambda: calls.append("pool"))
    login(client, users.leadership)
    content = client.get(dashboard_url(tree.province, YEAR)).content.decode()
    assert not calls
    assert "Huyện Khánh Vĩnh" in _children_table(content)
