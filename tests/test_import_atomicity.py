"""Nothing half-saved: an import killed in the middle of its write leaves the database as before.
Also the command's exit status, seen from a real process."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from dataio import services
from dataio.models import ImportLog
from dataio.services import LOG_LOCK_CLASS, _log_lock, close_interrupted
from registry.models import AreaKind, ResidentialArea
from tests.import_helpers import AREA_HEADER, csv_bytes, import_file

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_passwords")]


def _database_url() -> str:
    db = connection.settings_dict
    host = db["OPTIONS"].get("host") or db["HOST"]
    if host.startswith("/"):
        return f"postgresql://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={host}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _command(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "ANTQ_TESTING": "1"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_data", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _lock_connection():
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["OPTIONS"].get("host") or db["HOST"],
    )


def test_command_exit_status_in_a_real_process(tree, users, catalogues, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([AREA_HEADER, ["99999", "Thôn 1", "Thôn", 1, 1]]))
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 1, 1]]))
    process = _command(["areas", str(bad)])
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "Dòng 2, cột 'Mã xã': Không tìm thấy xã/phường '99999'." in out
    process = _command(["areas", str(good), "--dry-run"])
    process.communicate(timeout=60)
    assert process.returncode == 0
    assert not ResidentialArea.objects.exists()
    process = _command(["areas", str(good), "--user", "admin"])
    process.communicate(timeout=60)
    assert process.returncode == 0
    assert ResidentialArea.objects.get().commune == tree.commune


def test_import_killed_mid_write_leaves_the_database_as_before(tree, users, catalogues, tmp_path: Path):
    kind = AreaKind.objects.get(name="Thôn")
    ResidentialArea.objects.create(commune=tree.commune, name="Thôn 0", kind=kind, households=1)
    rows = [AREA_HEADER]
    rows += [[code, f"Thôn {i}", "Thôn", i, i] for i in range(1, 5001) for code in ("22615", "22621")]
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(rows))

    # Hold the history table: the import's new rows go in, then it waits to write their history.
    blocker = _lock_connection()
    cursor = blocker.cursor()
    cursor.execute("LOCK TABLE audit_historicalresidentialarea IN SHARE MODE")
    process = _command(["areas", str(path)])
    try:
        deadline = time.monotonic() + 60
        waiting = False
        while time.monotonic() < deadline and process.poll() is None:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction sees one snapshot otherwise
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE 'INSERT INTO %%historicalresidentialarea%%'"
            )
            if cursor.fetchone()[0]:
                waiting = True
                break
            time.sleep(0.05)
        assert waiting, "the import never reached its history rows"
        # By now 10,000 new rows are written inside the import's transaction.
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()
    assert process.returncode == -signal.SIGKILL

    deadline = time.monotonic() + 10  # the server notices the dead client and rolls back
    while time.monotonic() < deadline and ResidentialArea.objects.count() != 1:
        time.sleep(0.1)
    assert list(ResidentialArea.objects.values_list("name", "households")) == [("Thôn 0", 1)]
    log = ImportLog.objects.get()
    assert (log.status, log.dry_run, log.file_name) == ("running", False, "big.csv")

    # Once its process is gone (its lock went with its connection), the log says what happened.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _log_lock_held(log.pk):
        time.sleep(0.1)
    ImportLog.objects.filter(pk=log.pk).update(started_at=timezone.now() - datetime.timedelta(minutes=5))
    assert close_interrupted() == 1
    log.refresh_from_db()
    assert log.status == "interrupted"
    assert log.message == "Tiến trình nhập dừng giữa chừng; không có thay đổi nào được lưu."


def _log_lock_held(pk: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s",
            [LOG_LOCK_CLASS, pk],
        )
        return bool(cursor.fetchone()[0])


def test_a_running_import_is_not_taken_for_an_interrupted_one(users):
    log = ImportLog.objects.create(user=users.admin, entity="areas", file_name="a.csv")
    ImportLog.objects.filter(pk=log.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
    with _log_lock(log):
        assert close_interrupted() == 0
    assert close_interrupted() == 1
    log.refresh_from_db()
    assert log.status == "interrupted"


def test_an_import_that_waits_too_long_for_another_one_saves_nothing(
    tree, users, catalogues, settings, monkeypatch
):
    monkeypatch.setattr(services, "WRITE_WAIT", "200ms")
    other = _lock_connection()  # another import, holding the write lock
    other.cursor().execute("SELECT pg_advisory_lock(%s, %s)", services.WRITE_LOCK)
    try:
        data = csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 1, 1]])
        outcome = import_file("areas", data, "a.csv", users.admin)
    finally:
        other.close()
    assert outcome.failed == "Đang có một lần nhập dữ liệu khác đang ghi; hãy thử lại sau ít phút."
    assert outcome.log.status == "failed"
    assert not ResidentialArea.objects.exists()
    # With the other import done, the same file goes through.
    assert import_file("areas", data, "a.csv", users.admin).ok


def test_an_unexpected_error_in_the_write_fails_the_log_and_saves_nothing(
    tree, users, catalogues, monkeypatch
):
    from registry.resources import ResidentialAreaResource

    def broken(self, rows, history, cursor):
        raise RuntimeError("a bug, after the rows were copied in")

    monkeypatch.setattr(ResidentialAreaResource, "after_write", broken)
    data = csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 1, 1]])
    outcome = import_file("areas", data, "a.csv", users.admin)
    assert not outcome.ok
    assert outcome.failed.startswith("Lỗi ngoài dự kiến khi xử lý tệp; không có thay đổi nào được lưu.")
    assert not ResidentialArea.objects.exists()
    # The log's update outlived the rollback of the write: it is no longer "running".
    log = ImportLog.objects.get()
    assert (log.status, log.message) == ("failed", outcome.failed)
    assert log.finished_at is not None
    assert not _log_lock_held(log.pk)
