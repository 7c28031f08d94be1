"""Database snapshot and restore: SQLite's online backup API, or pg_dump/pg_restore."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, connections
from django.utils.translation import gettext as _

SQLITE_FILE = "db/hoso.sqlite3"
PG_FILE = "db/hoso.pgdump"


def search_table() -> str:
    from hoso.search.postgres_backend import DEFAULT_TABLE

    return DEFAULT_TABLE


class DatabaseError(Exception):
    """A dump or restore failed; the message is Vietnamese, for the operator."""


def vendor() -> str:
    return str(connection.vendor)


def _settings() -> dict[str, Any]:
    return dict(connection.settings_dict)


def database_describe() -> dict[str, Any]:
    """What the manifest says about the database: engine and name, never the password."""
    conf = _settings()
    return {"vendor": vendor(), "name": str(conf.get("NAME", "")), "host": conf.get("HOST", "")}


def database_dump(root: Path) -> str:
    """Write a consistent snapshot under `root`; return its path relative to `root`."""
    (root / "db").mkdir(parents=True, exist_ok=True)
    if vendor() == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        _sqlite_copy_in_memory(root / SQLITE_FILE)
        return SQLITE_FILE
    if vendor() == "sqlite":
        _sqlite_dump(sqlite3.connect(Path(_settings()["NAME"])), root / SQLITE_FILE)
        return SQLITE_FILE
    if vendor() == "postgresql":
        _pg_run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                # The search table is derived data (GBs at scale); `hoso restore` rebuilds it.
                f"--exclude-table-data={search_table()}",
                "--file",
                str(root / PG_FILE),
            ]
        )
        return PG_FILE
    raise DatabaseError(
        _("Chưa hỗ trợ sao lưu cơ sở dữ liệu loại %(vendor)s.") % {"vendor": vendor()}
    )


def _sqlite_copy_in_memory(target: Path) -> None:
    # The test suite's in-memory database lives inside Django's connection, often in an open
    # transaction (which blocks the backup API): copy it as SQL through that connection.
    connection.ensure_connection()
    dst = sqlite3.connect(target)
    try:
        dst.executescript("\n".join(connection.connection.iterdump()))
    finally:
        dst.close()


def _sqlite_dump(src: sqlite3.Connection, target: Path) -> None:
    # The online backup API copies a consistent snapshot of committed data while the site keeps
    # writing (WAL); a separate connection, whatever this process is doing.
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise DatabaseError(_("Bản sao cơ sở dữ liệu không toàn vẹn: %(ok)s") % {"ok": ok})
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()


def database_is_empty() -> bool:
    """No table at all: a fresh installation on which `migrate` has not run."""
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def database_restore(root: Path, relative: str) -> None:
    connections.close_all()
    if vendor() == "sqlite":
        _sqlite_restore(root / relative, Path(_settings()["NAME"]))
    elif vendor() == "postgresql":
        _pg_run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                str(root / relative),
            ]
        )
    else:
        raise DatabaseError(
            _("Chưa hỗ trợ khôi phục cơ sở dữ liệu loại %(vendor)s.") % {"vendor": vendor()}
        )
    connections.close_all()


def _sqlite_restore(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _pg_run(command: list[str]) -> None:
    conf = _settings()
    env = {**os.environ, "PGPASSWORD": str(conf.get("PASSWORD") or "")}
    args = [*command[:1]]
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    args += ["--dbname", str(conf["NAME"])]
    args += command[1:]
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise DatabaseError(
            _("%(command)s thất bại: %(stderr)s")
            % {"command": command[0], "stderr": result.stderr.strip()[:2000]}
        )


def row_counts() -> dict[str, int]:
    """Rows per model table: a restore must give back exactly these numbers."""
    counts: dict[str, int] = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed and not model._meta.proxy and table in tables:
            counts[table] = model._base_manager.using("default").count()
    return dict(sorted(counts.items()))
