"""`make backup` / `make restore`: a dump restored into a fresh database loses nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.backup import libpq_env
from registry.models import AreaKind, ResidentialArea

TABLE_FINGERPRINT = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1
"""


def fingerprint(dbname: str) -> dict[str, tuple[int, str]]:
    """Row count and an md5 of every row's text, per table."""
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    conn = psycopg2.connect(**{**params, "dbname": dbname})
    try:
        with conn.cursor() as cur:
            cur.execute(TABLE_FINGERPRINT)
            tables = [row[0] for row in cur.fetchall()]
            result = {}
            for table in tables:
                rows_md5 = "md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), ''))"
                cur.execute(f'SELECT count(*), {rows_md5} FROM "{table}" t')  # noqa: S608
                result[table] = cur.fetchone()
            return result
    finally:
        conn.close()


@pytest.fixture
def fresh_database():
    name = f"antq_restore_{uuid.uuid4().hex[:8]}"
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    admin = psycopg2.connect(**{**params, "dbname": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_loses_nothing(tree, users, tmp_path, fresh_database):
    kind = AreaKind.objects.create(name="Thôn")
    for i in range(50):
        area = ResidentialArea.objects.create(commune=tree.commune, kind=kind, name=f"Thôn {i} — Ấp Đông")
        area.households = i
        area.save()
    dump = tmp_path / "antq.dump"
    call_command("backup", output=dump)
    assert dump.stat().st_size > 0
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump custom format
    assert dump.stat().st_mode & 0o077 == 0  # not readable by others

    call_command("restore", str(dump), database=fresh_database, interactive=False)

    source, restored = fingerprint(connection.settings_dict["NAME"]), fingerprint(fresh_database)
    assert restored == source
    assert source["registry_residentialarea"][0] == 50
    assert source["audit_historicalresidentialarea"][0] == 100  # created + updated, each audited
    assert source["accounts_user"][0] == 7


def test_backup_goes_to_var_backups_with_a_timestamp(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    call_command("backup")
    dumps = list((tmp_path / "backups").glob("*.dump"))
    assert len(dumps) == 1
    assert dumps[0].name.startswith(connection.settings_dict["NAME"] + "-")
    assert not list((tmp_path / "backups").glob("*.partial"))


def test_restore_refuses_a_missing_file(db):
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("restore", str(Path("/nonexistent/antq.dump")), interactive=False)


def test_restore_asks_before_replacing_everything(db, tmp_path, monkeypatch):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"PGDMP")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Đã hủy"):
        call_command("restore", str(dump))


def test_restore_without_a_terminal_cancels_instead_of_crashing(db, tmp_path, monkeypatch):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"PGDMP")

    def no_terminal(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    with pytest.raises(CommandError, match="Đã hủy"):
        call_command("restore", str(dump))


def test_no_password_on_the_command_line():
    env = libpq_env()
    assert env["PGDATABASE"] == connection.settings_dict["NAME"]
