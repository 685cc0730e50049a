"""Embedded PostgreSQL for machines with no DATABASE_URL (development, tests, CI).

The ``pgserver`` package ships PostgreSQL binaries; the data directory lives under ``var/`` so it
survives restarts. Three known traps are handled here:

* ``platformdirs`` warns and may pick an unusable directory when ``XDG_RUNTIME_DIR`` is unset, so a
  short private runtime directory is set before pgserver is imported;
* a unix socket path longer than ~107 bytes breaks; pgserver falls back to that short runtime
  directory when the data directory is too deep;
* a client killed with SIGKILL never unregisters itself, so the server would never be stopped and
  the next client would wait on a dead handle: dead handles are pruned before connecting.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

DB_NAME = "antq"


def _runtime_dir() -> Path:
    # platformdirs insists on 0700; pgserver widens it (running as root) only when it must put the
    # socket there, so it is narrowed again on every start.
    path = Path(tempfile.gettempdir()) / f"antq-rt-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    path.chmod(0o700)
    return path


def _prune_dead_handles(pgdata: Path) -> None:
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except ValueError:
        pids = []
    alive = [pid for pid in pids if _pid_alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def embedded_database_url(base_dir: Path) -> str:
    """Start (or join) the embedded server and return a URL for the project database."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime_dir()))
    import pgserver  # imported late: it reads XDG_RUNTIME_DIR at import time

    pgdata = base_dir / "var" / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if pgdata.exists():
        with pgserver.PostgresServer._lock:
            _prune_dead_handles(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    ensure_database(server.get_uri("postgres"), DB_NAME)
    return server.get_uri(DB_NAME)


def ensure_database(admin_uri: str, name: str) -> None:
    """Create the database ``name`` on the server behind ``admin_uri`` unless it exists."""
    import psycopg2

    conn = psycopg2.connect(admin_uri)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def pg_bin_dir() -> Path:
    """Directory of the bundled PostgreSQL client tools (pg_dump, psql …)."""
    from pgserver._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)
