"""A copy of the test database as the demo province left it, put back after each live-server
test instead of loading the province again (the load takes about 30 s, the copy well under 1 s).

The live server needs a transactional database, which pytest-django empties when the test ends.
SQLite copies the whole database with its online-backup API; PostgreSQL keeps a copy of every
table in a schema of its own, outside the search path, so that flush never sees it."""

from __future__ import annotations

import sqlite3
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

SCHEMA = "hoso_demo_snapshot"

_sqlite_copy: sqlite3.Connection | None = None
_taken = False


def take() -> None:
    """Copy the database as it is now; call right after the demo province is loaded."""
    global _sqlite_copy, _taken
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        _sqlite_copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(_sqlite_copy)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
            for table in _tables():
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"CREATE TABLE {SCHEMA}.{quoted} AS TABLE {quoted}")
    else:
        return
    _taken = True


def restore() -> bool:
    """Put the copy back into the emptied database; False when there is no copy to put back."""
    if not _taken:
        return False
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        assert _sqlite_copy is not None
        _sqlite_copy.backup(connection.connection)
        return True
    tables = [connection.ops.quote_name(table) for table in _tables()]
    with transaction.atomic(), connection.cursor() as cursor:
        # flush's post_migrate handlers have already put content types and permissions back.
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        # Django's foreign keys on PostgreSQL are checked at commit, so table order is free.
        for quoted in tables:
            cursor.execute(f"INSERT INTO {quoted} SELECT * FROM {SCHEMA}.{quoted}")  # noqa: S608 our tables
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
    return True


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def uses_live_server(item: Any) -> bool:
    """Whether a test runs against the live server (and so empties the database)."""
    return "live_server" in getattr(item, "fixturenames", ())


def wanted(items: list[Any]) -> bool:
    """Whether any collected test uses the live server (only those need the copy)."""
    return any(uses_live_server(item) for item in items)
