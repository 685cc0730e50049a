"""Faults for real: the database going away under a running app, and an import killed halfway."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from registry.models import AdministrativeUnit
from tests.test_foundation import clean_env

GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, cookie: str = "") -> tuple[int, str]:
    assert url.startswith("http://127.0.0.1:"), url  # loopback only
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class ThrowAwayPostgres:
    """A separate PostgreSQL in a temporary directory, which the test may stop and start."""

    def __init__(self) -> None:
        import pgserver

        self.dir = Path(tempfile.mkdtemp(prefix="antq-fault-"))
        self.server = pgserver.get_server(self.dir / "pgdata", cleanup_mode="delete")

    def url(self, database: str) -> str:
        return self.server.get_uri(database)

    def stop(self) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.server.pgdata, user=self.server.system_user)

    def start(self) -> None:
        with self.server._lock:
            self.server.ensure_postgres_running()

    def close(self) -> None:
        try:
            self.start()  # pgserver's own clean-up expects a running server
        finally:
            self.server.cleanup()
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def throwaway_postgres() -> Iterator[ThrowAwayPostgres]:
    pg = ThrowAwayPostgres()
    try:
        yield pg
    finally:
        pg.close()


def test_database_outage_gives_503_and_the_app_recovers_by_itself(throwaway_postgres):
    pg = throwaway_postgres
    admin = psycopg2.connect(pg.url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("CREATE DATABASE antq_fault")
    admin.close()
    env = clean_env(DATABASE_URL=pg.url("antq_fault"), DEBUG="false", ANTQ_TESTING="")
    manage("migrate", "--noinput", "-v", "0", env=env)
    session_key = manage(
        "shell",
        "-c",
        "from accounts.models import User; from django.contrib.sessions.backends.db import SessionStore;"
        "u = User.objects.create(username='tinh', role='admin');"
        "s = SessionStore(); s['_auth_user_id'] = str(u.pk);"
        "s['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend';"
        "s['_auth_user_hash'] = u.get_session_auth_hash(); s.create(); print(s.session_key)",
        env=env,
    ).split()[-1]
    cookie = f"sessionid={session_key}"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "30"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.2)
        status, body = get(f"{base}/", cookie)
        assert status == 200 and 'data-testid="home-admin"' in body

        pg.stop()
        status, body = get(f"{base}/", cookie)
        assert status == 503
        assert "Cơ sở dữ liệu tạm thời không truy cập được" in body
        assert get(f"{base}/healthz")[0] == 503

        pg.start()
        # Same app process, no restart: the next requests reconnect.
        assert get(f"{base}/healthz")[0] == 200
        status, body = get(f"{base}/", cookie)
        assert status == 200 and 'data-testid="home-admin"' in body
        assert app.poll() is None, "the app must not have restarted or died"
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


# --- An import killed halfway ------------------------------------------------------------------


def _writer_pids(table: str) -> list[int]:
    """Backends (other than ours) holding a write lock on the table: an import mid-write."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()",
            [table],
        )
        return [row[0] for row in cur.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_import_killed_halfway_leaves_no_trace():
    data = Path(settings.BASE_DIR).parent / "shared" / "data" / "admin_units_2024.csv"
    if not data.exists():
        pytest.skip(f"Không có tệp dữ liệu lớn {data.name} (thư mục shared/data cạnh kho mã).")
    params = connection.get_connection_params()
    host = params.get("host") or "localhost"
    url = f"postgresql://{params.get('user', 'postgres')}@/{params['dbname']}?host={host}"
    if params.get("port"):
        url += f"&port={params['port']}"
    env = clean_env(DATABASE_URL=url, PGPASSWORD=str(params.get("password") or ""))
    table = AdministrativeUnit._meta.db_table
    assert AdministrativeUnit.objects.count() == 0

    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_admin_units", str(data)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _writer_pids(table):
            assert importer.poll() is None, "the import finished before it could be killed"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.01)
        os.kill(importer.pid, signal.SIGKILL)
    finally:
        importer.wait(timeout=30)
    assert importer.returncode == -signal.SIGKILL

    # The server notices the dead client and rolls its transaction back.
    deadline = time.monotonic() + 30
    while _writer_pids(table):
        assert time.monotonic() < deadline, "the killed import's transaction is still open"
        time.sleep(0.1)
    assert AdministrativeUnit.objects.count() == 0
    assert AdministrativeUnit.history.model.objects.count() == 0


# --- The same, where exactly the connection fails -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [
        "accounts.views.render",  # in the view, mid-request
        "django.contrib.sessions.backends.db.SessionStore.save",  # after the view, in a middleware
    ],
)
def test_connection_lost_anywhere_in_the_request_is_a_clean_503(target, users):
    from unittest import mock

    from django.db import OperationalError
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(users.province_staff)
    with mock.patch(target, side_effect=OperationalError("server closed the connection unexpectedly")):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["X-Request-ID"]
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in response.content.decode()
    assert "server closed" not in response.content.decode()  # no internals shown
