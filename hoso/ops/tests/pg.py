"""PostgreSQL helpers for tests that need databases of their own."""

from __future__ import annotations

from typing import Any


def admin_sql(sql: str) -> list[tuple[Any, ...]]:
    """CREATE/DROP DATABASE cannot run in the test's transaction: a separate autocommit
    connection to the server's maintenance database. Returns the rows of a query (else [])."""
    import psycopg
    from django.db import connection

    conf = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=conf["USER"] or None,
        password=conf["PASSWORD"] or None,
        host=conf["HOST"] or "127.0.0.1",
        port=conf["PORT"] or 5432,
        autocommit=True,
    ) as admin:
        cursor = admin.execute(sql)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []
