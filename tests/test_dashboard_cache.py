"""The dashboard cache: reused only while the committed data it counts is unchanged."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import translation

from dashboard.cache import current_version
from registry.models import AreaKind, ResidentialArea
from tests.conftest import PASSWORD, build_tree, build_users

COUNTED_APPS = ("registry", "certification", "movement")


@pytest.fixture(autouse=True)
def empty_cache():
    caches["dashboard"].clear()
    yield
    caches["dashboard"].clear()


def counted_tables() -> set[str]:
    return {
        model._meta.db_table
        for app in COUNTED_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not model.__name__.startswith("Historical")
    }


def area_figure(client, unit) -> int:
    """The dashboard's count of residential areas subject to certification."""
    response = client.get(f"{reverse('dashboard:unit', args=[unit.pk])}?year=2025")
    assert response.status_code == 200
    found = re.search(r'data-figure="cert_eligible:residential_area">([\d.]+)<', response.content.decode())
    assert found, "the eligible residential areas figure is missing"
    return int(found.group(1).replace(".", ""))


@pytest.mark.django_db
def test_every_table_the_dashboards_count_marks_the_data_version():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'dashboard_data_changed'"
        )
        with_trigger = {row[0] for row in cursor.fetchall()}
    # Kept pages also show history sections and users' names.
    history = {model._meta.db_table for model in apps.get_app_config("audit").get_models()}
    missing = (counted_tables() | history | {"accounts_user"}) - with_trigger
    assert not missing, f"tables without the data-version trigger (add them in a migration): {missing}"


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_moves_the_data_version_and_a_rolled_back_one_does_not():
    kind = AreaKind.objects.create(name="Thôn")  # committed: autocommit
    before = current_version()
    assert before.usable
    with pytest.raises(RuntimeError), transaction.atomic():
        kind.name = "Tổ dân phố"
        kind.save()
        raise RuntimeError("rolled back")
    assert current_version() == before
    kind.save()
    after = current_version()
    assert after.usable and after.xid > before.xid


@pytest.mark.django_db(transaction=True)
def test_the_version_draws_a_new_lineage_when_transaction_ids_restart_below_it():
    kind = AreaKind.objects.create(name="Thôn")
    first = current_version()
    kind.save()
    assert current_version().lineage == first.lineage  # the same database goes on
    # As after a restore on a server whose transaction ids are lower than the backup's version.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dashboard_dataversion SET xid = xid + 1000000000 WHERE id = 1")
    kind.save()
    after = current_version()
    assert after.usable and after.lineage != first.lineage
    assert after.xid < first.xid + 1000000000


def test_the_served_application_keeps_rendered_pages_in_a_directory_under_var():
    # Read in a process of its own: under pytest the settings choose an in-memory cache.
    code = "import config.settings as s; c = s.CACHES['dashboard']; print(c['BACKEND'], c['LOCATION'])"
    env = {k: v for k, v in os.environ.items() if k not in ("ANTQ_TESTING", "DASHBOARD_CACHE_DIR")}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    backend, location = run.stdout.split()
    assert backend == "django.core.cache.backends.filebased.FileBasedCache"
    assert location == str(settings.VAR_DIR / "cache" / "dashboard")


@pytest.mark.django_db(transaction=True)
def test_server_processes_share_rendered_dashboards_through_the_cache_directory(client, tmp_path):
    tree = build_tree()
    users = build_users(tree)
    kind = AreaKind.objects.create(name="Thôn")
    ResidentialArea.objects.create(commune=tree.commune, name="Thôn 1", kind=kind)
    assert client.login(username=users.leadership.username, password=PASSWORD)
    on_disk = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    with override_settings(CACHES={**settings.CACHES, "dashboard": on_disk}):
        assert area_figure(client, tree.province) == 1
        assert list(tmp_path.glob("*.djcache"))
        del caches["dashboard"]  # what another process has: a new handle on the same directory
        with CaptureQueriesContext(connection) as queries:
            assert area_figure(client, tree.province) == 1
        assert not [q["sql"] for q in queries.captured_queries if "registry_residentialarea" in q["sql"]]


@pytest.mark.django_db
def test_a_transaction_with_its_own_changes_does_not_use_the_cache():
    AreaKind.objects.create(name="Thôn")  # uncommitted inside the test's transaction
    assert current_version().own_changes
    assert not current_version().usable


@pytest.mark.django_db(transaction=True)
def test_cached_dashboard_is_reused_until_another_transaction_commits(client):
    tree = build_tree()
    users = build_users(tree)
    kind = AreaKind.objects.create(name="Thôn")
    ResidentialArea.objects.create(commune=tree.commune, name="Thôn 1", kind=kind)
    assert client.login(username=users.leadership.username, password=PASSWORD)

    assert area_figure(client, tree.province) == 1
    # Served again from the cache: no aggregate runs, only session, user, unit and data version.
    with CaptureQueriesContext(connection) as queries:
        assert area_figure(client, tree.province) == 1
    assert not [q["sql"] for q in queries.captured_queries if "registry_residentialarea" in q["sql"]]
    assert len(queries.captured_queries) <= 10

    ResidentialArea.objects.create(commune=tree.other_commune, name="Thôn 2", kind=kind)
    assert area_figure(client, tree.province) == 2


@pytest.mark.django_db(transaction=True)
def test_cache_keeps_roles_scopes_and_languages_apart(client):
    tree = build_tree()
    users = build_users(tree)
    url = f"{reverse('dashboard:unit', args=[tree.province.pk])}?year=2025"
    country_link = reverse("dashboard:country")

    assert client.login(username=users.admin.username, password=PASSWORD)
    assert country_link in client.get(url).content.decode()  # admins may go up to the country

    client.logout()
    assert client.login(username=users.leadership.username, password=PASSWORD)
    assert country_link not in client.get(url).content.decode()

    vietnamese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        english = client.get(url).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert "Đối tượng" in vietnamese and "Đối tượng" not in english
