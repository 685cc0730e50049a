"""Database backups: ``pg_dump`` in custom format and ``pg_restore``, for embedded or external PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone


class BackupError(Exception):
    pass


def pg_tool(name: str) -> str:
    """The PostgreSQL client tool to use: PG_BIN_DIR if set; the one bundled with pgserver for the
    embedded database (same version as the server); the one on PATH for an external database."""
    if os.environ.get("PG_BIN_DIR"):
        return str(Path(os.environ["PG_BIN_DIR"]) / name)
    from config.embedded_db import pg_bin_dir

    bundled = pg_bin_dir() / name
    if os.environ.get("DATABASE_URL"):
        found = shutil.which(name)
        if found:
            return found
    if bundled.exists():
        return str(bundled)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"Không tìm thấy {name}: cài PostgreSQL client hoặc đặt PG_BIN_DIR.")
    return found


def libpq_env(alias: str = "default", database: str | None = None) -> dict[str, str]:
    """Connection parameters as libpq environment variables: no password on any command line."""
    params: dict[str, Any] = connections[alias].get_connection_params()
    mapping = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "dbname": "PGDATABASE",
        "sslmode": "PGSSLMODE",
        "connect_timeout": "PGCONNECT_TIMEOUT",
    }
    env = {**os.environ}
    for key, var in mapping.items():
        if params.get(key) not in (None, ""):
            env[var] = str(params[key])
    if database:
        env["PGDATABASE"] = database
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} thất bại: {result.stderr.strip()[-2000:]}")


def backup_dir() -> Path:
    return settings.VAR_DIR / "backups"


def backup(output: Path | None = None, *, alias: str = "default", database: str | None = None) -> Path:
    """Write a custom-format dump (compressed, restorable table by table); return its path."""
    if output is None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = database or connections[alias].settings_dict["NAME"]
        output = backup_dir() / f"{name}-{stamp}.dump"
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    # Written under a temporary name, so a crash never leaves a truncated file that looks complete.
    _run(
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
        libpq_env(alias, database),
    )
    partial.chmod(0o600)  # personal data: readable by the service account only
    partial.replace(output)
    return output


def restore(dump: Path, *, alias: str = "default", database: str | None = None) -> None:
    """Replace the database's contents with the dump, in one transaction (all or nothing)."""
    if not dump.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu: {dump}")
    connections[alias].close()
    env = libpq_env(alias, database)
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={env['PGDATABASE']}",
            str(dump),
        ],
        env,
    )
