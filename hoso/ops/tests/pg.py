"""PostgreSQL helpers for tests that need databases of their own."""

from __future__ import annotations


def admin_sql(sql: str) -> None:
    """CREATE/DROP DATABASE cannot run in the test's transaction: a separate autocommit
    connection to the server's maintenance database."""
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
        admin.execute(sql)  # type: ignore[arg-type]
