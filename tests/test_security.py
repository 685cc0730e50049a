"""Login throttling, password rules, sessions, CSP, logs without personal data, uploads."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.services import bulk_create_audited  # noqa: F401  (import check: no cycle with config)
from config.uploads import random_upload_to, save_upload, serve_private_file, sniff_type, validate_upload
from tests.conftest import PASSWORD
from tests.test_foundation import REAL_KEY, clean_env

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


# --- Login throttling ------------------------------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    axes_reset()
    yield
    axes_reset()


def fail_login(client, username: str) -> object:
    return client.post(reverse("login"), {"username": username, "password": "sai-mat-khau"})


@pytest.mark.django_db
def test_five_failed_logins_lock_the_username_with_a_vietnamese_page(client, users, axes_on):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = fail_login(client, "tinh")
        assert response.status_code == 200
        assert "không đúng" in response.content.decode()
    response = fail_login(client, "tinh")
    assert response.status_code == 429
    page = response.content.decode()
    assert "bị khóa đăng nhập" in page and "30 phút" in page
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "tinh", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another user from the same address is not locked.
    response = client.post(reverse("login"), {"username": "xa", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_lockout_ends_after_the_cool_off(client, users, axes_on):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, "tinh")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    response = client.post(reverse("login"), {"username": "tinh", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, users, axes_on):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        fail_login(client, "tinh")
    assert client.post(reverse("login"), {"username": "tinh", "password": PASSWORD}).status_code == 302
    client.logout()
    assert fail_login(client, "tinh").status_code == 200


def test_axes_is_off_in_tests_and_cool_off_is_configurable():
    assert settings.AXES_ENABLED is False  # only the tests above turn it on
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s; print(s.AXES_ENABLED, s.AXES_FAILURE_LIMIT,"
        " int(s.AXES_COOLOFF_TIME.total_seconds()))"
    )
    env = clean_env(AXES_COOLOFF_MINUTES="5")
    env.pop("PYTEST_CURRENT_TEST", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ["True", "5", "300"], result.stderr


# --- Passwords and sessions --------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["12345678", "password", "antq", "khanhhoa", "khanhhoa2026", "Abcdefgh1"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_strong_password_is_accepted():
    validate_password("Cong-an-Khanh-Hoa-2026!")


def _session_expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.mark.django_db
def test_session_expires_after_thirty_minutes_of_inactivity(client, users):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_COOKIE_HTTPONLY
    client.force_login(users.province_staff)
    assert client.get(reverse("home")).status_code == 200
    expiry = _session_expiry(client)
    assert expiry - timezone.now() > datetime.timedelta(minutes=29)
    # Thirty idle minutes later the session is gone: the next page asks for a login.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_activity_moves_the_expiry_forward_at_most_once_a_minute(client, users, monkeypatch):
    client.force_login(users.province_staff)
    client.get(reverse("home"))
    first = _session_expiry(client)
    # Within the minute: a page view is a read, the session row is not written again.
    client.get(reverse("home"))
    assert _session_expiry(client) == first
    # A minute later the next page view pushes the expiry forward.
    later = time.time() + settings.SESSION_REFRESH_SECONDS
    monkeypatch.setattr(time, "time", lambda: later)
    client.get(reverse("home"))
    assert _session_expiry(client) > first


@pytest.mark.django_db
def test_anonymous_visitor_with_a_stale_cookie_creates_no_session(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    client.get(reverse("login"))
    client.get("/healthz")
    assert not Session.objects.exists()


def test_expired_form_gets_a_vietnamese_page_not_djangos_english_one(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))  # sets the CSRF cookie; the post below lacks the form's token
    response = client.post(reverse("login"), {"username": "xa", "password": "sai"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in page and "tải lại trang" in page
    assert "CSRF verification failed" not in page


def test_production_hardens_cookies_and_https():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean_env(DJANGO_ENV="production", SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="antq.example"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ["True"] * 5, result.stderr


# --- Content-Security-Policy ------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
JS_URL = re.compile(r"href\s*=\s*[\"']\s*javascript:", re.I)


def assert_csp_safe(html: str, where: str) -> None:
    assert not INLINE_SCRIPT.search(html), f"{where}: inline <script> without src"
    assert not INLINE_HANDLER.search(html), f"{where}: inline event handler (onclick=…)"
    assert not STYLE_ATTR.search(html), f"{where}: style= attribute (blocked by style-src 'self')"
    assert not JS_URL.search(html), f"{where}: javascript: URL"


def test_csp_policy_forbids_inline_script_and_style(client, db):
    header = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.mark.django_db
def test_pages_send_csp_and_have_no_inline_script_or_style(client, tree, users):
    pages = [("anonyme", reverse("login"))]
    for user in (users.admin, users.province_staff, users.commune_staff, users.reviewer, users.leadership):
        pages += [(user.username, reverse("home")), (user.username, f"/registry/units/{tree.commune.pk}/")]
    pages += [
        ("admin", reverse("audit:change_list")),
        ("admin", reverse("audit:change_list") + "?unit=56&date_from=2020-01-01"),
        ("admin", "/khong-co-trang-nay/"),
        ("admin", "/admin/"),
        ("admin", "/admin/registry/administrativeunit/"),
        ("admin", f"/admin/registry/administrativeunit/{tree.commune.pk}/change/"),
    ]
    for username, url in pages:
        client.logout()
        if username != "anonyme":
            client.force_login(
                getattr(
                    users,
                    {
                        "tinh": "province_staff",
                        "xa": "commune_staff",
                        "huyen": "reviewer",
                        "lanhdao": "leadership",
                    }.get(username, username),
                )
            )
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Content-Security-Policy" in response, url
        assert_csp_safe(response.content.decode(), f"{username} {url}")


def test_error_and_lockout_templates_are_csp_safe():
    from django.template.loader import render_to_string

    for name in (
        "403.html",
        "403_csrf.html",
        "404.html",
        "500.html",
        "503.html",
        "lockout.html",
        "audit/_history.html",
    ):
        assert_csp_safe(render_to_string(name, {"failure_limit": 5}), name)


def test_no_template_has_inline_script_or_style():
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        assert_csp_safe(path.read_text(), str(path.relative_to(settings.BASE_DIR)))


# --- Logs ------------------------------------------------------------------------------------------


def test_gunicorn_access_log_has_no_query_strings_or_referrers():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    run_line = next(line for line in makefile.splitlines() if "gunicorn config.wsgi" in line)
    assert "--access-logformat" in run_line
    fmt = next(line for line in makefile.splitlines() if line.startswith("ACCESS_LOG_FORMAT"))
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "}i)s", "}e)s"):  # request line, query, referrer, headers
        assert leaky not in fmt, leaky
    assert "%(U)s" in fmt and "%({x-request-id}o)s" in fmt


def test_log_lines_carry_the_request_id(client, db, caplog):
    import logging

    from audit.logging import RequestIDFilter

    handler = logging.Handler()
    handler.addFilter(RequestIDFilter())
    records = []
    handler.emit = records.append
    logging.getLogger("django.request").addHandler(handler)
    try:
        response = client.get("/khong-co-trang-nay/")
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert records and records[0].request_id == response["X-Request-ID"]


def test_failed_logins_are_not_logged_with_usernames(client, db, caplog, axes_on):
    caplog.set_level("DEBUG")
    fail_login(client, "nguyen-van-a")
    assert "nguyen-van-a" not in caplog.text


# --- Uploads ---------------------------------------------------------------------------------------


def upload(content: bytes, name: str = "tep.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_uploads_are_recognised_by_content_not_name():
    assert sniff_type(PDF) == "pdf" and sniff_type(PNG) == "png" and sniff_type(JPEG) == "jpg"
    assert validate_upload(upload(PNG, "anh.pdf")) == "png"
    with pytest.raises(ValidationError, match="Chỉ nhận tệp"):
        validate_upload(upload(b"<html><script>alert(1)</script>", "ho-so.pdf"))
    with pytest.raises(ValidationError, match="Chỉ nhận tệp"):
        validate_upload(upload(b"MZ\x90\x00 executable", "giay.jpg", "image/jpeg"))
    with pytest.raises(ValidationError, match="rỗng"):
        validate_upload(upload(b""))


def test_uploads_over_the_limit_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="quá lớn"):
        validate_upload(upload(PDF + b"0" * 2048))
    assert validate_upload(upload(PDF)) == "pdf"


def test_uploads_get_random_names_outside_the_web_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = save_upload(upload(PDF, "../../Nguyễn Văn A - hồ sơ.pdf"), "certification")
    assert re.fullmatch(r"certification/[0-9a-f]{32}\.pdf", name)
    assert (tmp_path / name).read_bytes() == PDF
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
    assert "Nguyễn" not in random_upload_to("x")(None, "Nguyễn Văn A.pdf")
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve(f"{settings.MEDIA_URL}{name}")


def test_serve_private_file_sends_safe_headers(settings, tmp_path, rf):
    from django.core.files.storage import default_storage
    from django.db.models import FileField
    from django.db.models.fields.files import FieldFile

    settings.MEDIA_ROOT = tmp_path
    for content, expected_type, inline in ((PDF, "application/pdf", True), (PNG, "image/png", False)):
        name = save_upload(upload(content), "certification")
        field_file = FieldFile(None, FileField(), name)
        field_file.storage = default_storage
        response = serve_private_file(rf.get("/"), field_file)
        assert response["Content-Type"] == expected_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Content-Disposition"].startswith("inline" if inline else "attachment")
        assert b"".join(response.streaming_content) == content
