"""List and overview pages keep their rendered body while the data they show is unchanged."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard.cache import CSRF_PLACEHOLDER, current_version
from registry.models import AreaKind, ResidentialArea
from tests.conftest import PASSWORD, build_tree, build_users


@pytest.fixture(autouse=True)
def empty_cache():
    caches["dashboard"].clear()
    yield
    caches["dashboard"].clear()


def area_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "registry_residentialarea" in q["sql"]]


@pytest.fixture
def committed(transactional_db):
    tree = build_tree()
    users = build_users(tree)
    kind = AreaKind.objects.create(name="Thôn")
    ResidentialArea.objects.create(commune=tree.commune, name="Thôn Một", kind=kind)
    return tree, users, kind


def test_area_list_is_reused_until_another_transaction_commits(client, committed):
    tree, users, kind = committed
    assert client.login(username=users.province_staff.username, password=PASSWORD)
    url = reverse("registry:area_list")

    assert "Thôn Một" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Thôn Một" in page and not area_queries(queries)

    ResidentialArea.objects.create(commune=tree.other_commune, name="Thôn Hai", kind=kind)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Thôn Hai" in page and area_queries(queries)


def test_kept_body_is_not_shown_to_another_user_or_address(client, committed):
    _tree, users, _kind = committed
    url = reverse("registry:area_list")
    assert client.login(username=users.province_staff.username, password=PASSWORD)
    assert "Thôn Một" in client.get(url).content.decode()
    assert "Thôn Một" not in client.get(url + "?q=khong-co").content.decode()

    client.logout()
    assert client.login(username=users.other_commune_staff.username, password=PASSWORD)
    assert "Thôn Một" not in client.get(url).content.decode()  # another commune's officer


def test_kept_body_is_rebuilt_on_a_new_day(client, committed, monkeypatch):
    _tree, users, _kind = committed
    url = reverse("registry:area_list")
    assert client.login(username=users.province_staff.username, password=PASSWORD)
    client.get(url)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("dashboard.cache.timezone.localdate", lambda: tomorrow)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert area_queries(queries)


def test_reused_review_queue_gives_each_reader_a_working_csrf_token(committed):
    _tree, users, _kind = committed
    url = reverse("certification:review_queue")
    tokens = []
    for _ in range(2):  # two sessions of the same reviewer: the second is served the kept body
        browser = Client(enforce_csrf_checks=True)
        assert browser.login(username=users.reviewer.username, password=PASSWORD)
        page = browser.get(url).content.decode()
        assert CSRF_PLACEHOLDER not in page
        form = re.search(r'id="batch-form".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S)
        assert form, "the batch form has no CSRF token"
        tokens.append(form.group(1))
        token = {"csrfmiddlewaretoken": form.group(1)}
        response = browser.post(reverse("certification:batch_approve"), token)
        assert response.status_code == 302  # refused for want of records, not for a bad token (403)
    assert tokens[0] != tokens[1]


def test_renaming_a_user_moves_the_version_and_logging_in_does_not(client, committed):
    _tree, users, _kind = committed
    before = current_version()
    assert client.login(username=users.reviewer.username, password=PASSWORD)  # writes last_login
    assert current_version() == before
    users.reviewer.last_name = "Nguyễn"
    users.reviewer.save()
    assert current_version().xid > before.xid


def test_change_log_shows_a_change_committed_after_it_was_kept(client, committed):
    _tree, users, kind = committed
    assert client.login(username=users.admin.username, password=PASSWORD)
    url = reverse("audit:change_list")
    assert "Tổ dân phố" not in client.get(url).content.decode()
    kind.name = "Tổ dân phố"
    kind.save()
    assert "Tổ dân phố" in client.get(url).content.decode()
