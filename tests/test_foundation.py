"""Settings, health check, error pages and per-role home pages."""

from __future__ import annotations

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.conftest import PASSWORD

REAL_KEY = "k" * 20 + "Zr9!xQ2@vW7#mN4$pL8%tB1^cF6&hJ3*dS5(gY0)"


def clean_env(**env: str) -> dict[str, str]:
    full_env = {**os.environ, **env}
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    return full_env


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    full_env = clean_env(**env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_django(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        DJANGO_ENV="production",
        SECRET_KEY="",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_pages_are_off_unless_asked_for():
    # `make run` sets nothing: its users must get the Vietnamese error pages, not debug pages.
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup(); "
        "from django.conf import settings; print(settings.DEBUG)"
    )
    url = "postgres://nobody@127.0.0.1:1/none"  # settings only parse it
    environ = {k: v for k, v in clean_env().items() if k not in ("DEBUG", "DJANGO_ENV", "ANTQ_TESTING")}
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.stdout.strip() == "False", run.stderr
    assert run_django(code, DATABASE_URL=url, DEBUG="1").stdout.strip() == "True"


def test_production_refuses_the_development_key():
    result = run_django(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        DJANGO_ENV="production",
        SECRET_KEY="django-insecure-dev-only-antq-registry-not-for-production",
    )
    assert result.returncode != 0


def test_check_deploy_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=clean_env(DJANGO_ENV="production", SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="antq.example"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert "en" in dict(settings.LANGUAGES)
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_apps_icon_for_pages_that_link_none(client):
    # The Django admin's pages link no icon: browsers then ask for /favicon.ico.
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == settings.STATIC_URL + "favicon.svg"
    assert (settings.BASE_DIR / "static" / "favicon.svg").exists()
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_healthz_is_503_when_database_is_down(client):
    with mock.patch("config.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Tên đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_gives_vietnamese_message(client, users):
    response = client.post(reverse("login"), {"username": "tinh", "password": "sai"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "marker"),
    [
        ("admin", "home-admin"),
        ("tinh", "home-province-staff"),
        ("xa", "home-commune-staff"),
        ("huyen", "home-district-reviewer"),
        ("lanhdao", "home-leadership"),
    ],
)
def test_each_role_has_its_home_page(client, users, username, marker):
    assert client.login(username=username, password=PASSWORD)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert f'data-testid="{marker}"' in response.content.decode()


@pytest.mark.django_db
def test_only_administrators_reach_the_admin(client, users):
    client.login(username="tinh", password=PASSWORD)
    assert client.get("/admin/").status_code == 302
    client.login(username="admin", password=PASSWORD)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_an_administrator_moved_to_another_role_loses_the_admin(client, users):
    admin = users.admin
    admin.role, admin.scope_unit = Role.PROVINCE_STAFF, users.province_staff.scope_unit
    admin.save()
    admin.refresh_from_db()
    assert not admin.is_admin and not admin.is_superuser and not admin.is_staff
    client.force_login(admin)
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator():
    user = User.objects.create_superuser("quantri2", "", "mat-khau-dai-va-kho-doan-1")
    assert user.role == Role.ADMIN and user.is_admin and user.is_superuser


@pytest.mark.django_db
def test_user_admin_offers_no_permission_boxes_and_no_delete(client, users):
    client.force_login(users.admin)
    page = client.get(reverse("admin:accounts_user_change", args=[users.commune_staff.pk])).content.decode()
    assert 'name="role"' in page and 'name="is_active"' in page
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    assert 'name="user_permissions"' not in page
    response = client.post(
        reverse("admin:accounts_user_delete", args=[users.commune_staff.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=users.commune_staff.pk).exists()


@pytest.mark.django_db
def test_not_found_page_is_vietnamese(client, users):
    client.login(username="tinh", password=PASSWORD)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_static_assets_come_from_node_modules_not_a_cdn():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/bootstrap/css/bootstrap.min.css")
    assert finders.find("vendor/chart.js/chart.umd.min.js") or finders.find("vendor/chart.js/chart.umd.js")
    base = (settings.BASE_DIR / "templates" / "base.html").read_text()
    assert "http://" not in base and "https://" not in base


@pytest.mark.django_db
def test_pages_are_vietnamese_even_for_an_english_browser_until_english_is_chosen(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.headers["Content-Language"] == "en"


def test_full_names_are_written_in_vietnamese_order():
    from accounts.models import User

    assert User(last_name="Nguyễn Văn", first_name="Tỉnh").get_full_name() == "Nguyễn Văn Tỉnh"


@pytest.mark.django_db
def test_reviewer_home_counts_only_dossiers_waiting_in_their_district(client, tree, users):
    from certification.testing import ensure_criteria, make_area, submitted

    ensure_criteria()
    submitted(make_area(tree.commune, "Thôn 1"), 2025, users.commune_staff)
    submitted(make_area(tree.sibling_commune, "Thôn 2"), 2025, users.province_staff)
    submitted(make_area(tree.other_commune, "Thôn 3"), 2025, users.other_commune_staff)
    client.login(username="huyen", password=PASSWORD)
    response = client.get(reverse("home"))
    assert response.context["waiting"] == 2
    assert 'data-testid="waiting-count">2<' in response.content.decode()


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    from django.core.management import call_command

    # Exits with an error when a model differs from its migrations (history models included).
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
