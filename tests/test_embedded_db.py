"""The embedded PostgreSQL copes with its known traps: deep data directories and killed clients."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings

START = (
    "import sys; from pathlib import Path; from config.embedded_db import embedded_database_url; "
    "import psycopg2; url = embedded_database_url(Path(sys.argv[1])); "
    "c = psycopg2.connect(url); cur = c.cursor(); cur.execute('select 1'); "
    "print(cur.fetchone()[0], flush=True); c.close()"
)


def run_start(base: Path, *extra: str) -> subprocess.Popen:
    code = START + "".join(extra)
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}  # the unset case
    return subprocess.Popen(
        [sys.executable, "-c", code, str(base)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def servers_for(pgdata: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = proc.info.get("cmdline") or []
        if proc.info.get("name") == "postgres" and str(pgdata) in " ".join(cmdline):
            found.append(proc)
    return found


@pytest.fixture
def deep_base(tmp_path: Path) -> Path:
    # Deeper than a unix socket path may be (~107 bytes), to force the short runtime directory.
    base = tmp_path / ("d" * 60) / ("e" * 60)
    base.mkdir(parents=True)
    return base


def test_deep_data_directory_starts_without_warnings_and_stops_after_last_client(deep_base: Path):
    proc = run_start(deep_base)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.strip() == "1"
    assert "Warning" not in err and "warn" not in err.lower()
    assert not servers_for(deep_base / "var" / "pgdata")


def test_client_killed_with_sigkill_does_not_leave_server_running_forever(deep_base: Path):
    killed = run_start(deep_base, "; import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    pgdata = deep_base / "var" / "pgdata"
    assert servers_for(pgdata), "the killed client leaves its server behind"

    follower = run_start(deep_base)
    _out, err = follower.communicate(timeout=120)
    assert follower.returncode == 0, err
    # The dead handle was pruned, so the last live client stopped the server on exit.
    deadline = time.monotonic() + 10
    while servers_for(pgdata) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not servers_for(pgdata)
