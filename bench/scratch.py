"""What a benchmark needs and nobody else keeps: a throw-away data folder and database.

    with scratch("hoso-bench-books-", database_url=args.database_url, keep=args.keep) as place:
        setup(place.database_url, place.data_dir)
        ...

The folder is made fresh; the database is the given PostgreSQL one (created — or, when it is
there already, emptied by dropping and creating it again: it is the benchmark's own), else a
SQLite file in the folder. Both are removed at the end, failures included, unless `keep`.
PostgreSQL on a new machine needs nothing made beforehand: the server's maintenance database
`postgres` is used to create and drop."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Scratch:
    data_dir: str
    database_url: str


@contextmanager
def scratch(prefix: str, *, database_url: str = "", keep: bool = False) -> Iterator[Scratch]:
    data_dir = tempfile.mkdtemp(prefix=prefix)
    url = database_url or f"sqlite:///{data_dir}/bench.sqlite3"
    postgres = url.startswith(("postgres://", "postgresql://"))
    if postgres:
        recreate_database(url)
    try:
        yield Scratch(data_dir, url)
    finally:
        if keep:
            kept = f"{data_dir} and {url}" if postgres else data_dir
            print(f"kept (--keep): {kept}", file=sys.stderr)  # noqa: T201
        else:
            _close_django_connections()
            if postgres:
                drop_database(url)
            shutil.rmtree(data_dir, ignore_errors=True)


def _admin(url: str) -> tuple[str, str]:
    """(the same server's maintenance database, the benchmark database's name)."""
    base, name = url.rsplit("/", 1)
    name = name.split("?", 1)[0]
    if not name or name == "postgres":
        raise SystemExit(f"benchmark database URL must name its own database: {url}")
    return f"{base}/postgres", name


def recreate_database(url: str) -> None:
    _admin_sql(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _admin_sql(url, "CREATE DATABASE {}")


def drop_database(url: str) -> None:
    _admin_sql(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _admin_sql(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def _close_django_connections() -> None:
    if "django.db" not in sys.modules:
        return
    from django.db import connections

    try:
        connections.close_all()
    except Exception:  # noqa: BLE001 — settings never configured: nothing open
        pass
