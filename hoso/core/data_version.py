"""Facts about one person kept between requests (the menu's counts, this week's tasks, the
two-factor facts) until the next committed write to the database, whoever makes it.

Every page asks the same ~20 small questions about the person (what waits in each queue), and
almost every page view changes nothing. So the answers are kept in Django's cache under a
*data version*: a random token that is replaced after every committed INSERT, UPDATE or DELETE
made through Django's database connection, in any process (web or worker: the cache is shared).
The writes are seen where they are executed, not where a service announces them, so a
service, a bulk `update()` or a task cannot forget to invalidate.

Why it is safe:
- the new token is set after the commit, and a reader reads the token before its data, so an
  answer stored under the current token was computed from data at least as new as the last
  commit that replaced the token; a random token (not a counter) is never current twice;
- a connection with writes of its own not yet committed neither reads nor stores cached
  answers (it sees data that others do not). Other open transactions see committed data as
  of now: HoSo runs SQLite transactions IMMEDIATE (no one commits meanwhile) and PostgreSQL
  READ COMMITTED (each statement sees the latest commits);
- answers also depend on the clock (a deadline passes, a new week begins) without any write:
  they live at most MAX_AGE seconds;
- the key holds the user's id and the language: nobody is given another person's answers.

Writes to the session table and to the login-attempt logs change nothing these answers
depend on and would replace the token on every sign-in: they are not counted."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.utils import translation

from hoso.core.request_cache import forget, once_per_request

T = TypeVar("T")

MAX_AGE = 60  # seconds: how late a deadline that passes without any write may show
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)', re.I
)
_SCHEMA = re.compile(r"\s*(?:CREATE|DROP|ALTER|TRUNCATE)\b", re.I)
_NOT_COUNTED = ("django_session", "axes_")


def _token_key(connection: BaseDatabaseWrapper) -> str:
    # Two databases (the test suite's, a second installation) sharing one cache never mix.
    return f"hoso:data-version:{connection.alias}:{connection.settings_dict['NAME']}"


def current() -> str:
    """The data version: read once per request (a write in the request forgets it)."""
    from django.db import connection

    return once_per_request(("data_version", connection.alias), lambda: _read(connection))


def _read(connection: BaseDatabaseWrapper) -> str:
    token = cache.get(_token_key(connection))
    if token is None:  # first use, or culled from the cache: any new value will do
        token = _new_token(connection)
    return str(token)


def _new_token(connection: BaseDatabaseWrapper) -> str:
    token = secrets.token_hex(8)
    cache.set(_token_key(connection), token, None)
    return token


def has_own_writes(connection: BaseDatabaseWrapper) -> bool:
    """Has this connection written in its open transaction (the token is replaced when it
    commits)?"""
    # Django keeps (savepoint ids, callback, robust) here; rolled-back savepoints drop theirs.
    # A test case runs the callbacks without committing and leaves them in the list.
    return any(
        isinstance(entry[1], _AfterCommit) and not entry[1].ran
        for entry in connection.run_on_commit
    )


def for_user(kind: str, user: Any, compute: Callable[[], T]) -> T:
    """compute() for `user`, or its answer from an earlier request if no write came since."""
    if user.pk is None:
        return compute()
    return kept(f"{kind}:{user.pk}", compute)


def kept(name: str, compute: Callable[[], T]) -> T:
    """compute(), or its answer from an earlier request if no write came since. `name` says
    what is computed and for whom (for_user: per person)."""
    from django.db import connection

    if has_own_writes(connection):
        return compute()
    key = f"hoso:kept:{name}:{translation.get_language()}:{current()}"
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = compute()
    cache.set(key, value, MAX_AGE)
    return value


class _AfterCommit:
    """Replaces the token once the transaction that wrote commits (one per transaction)."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        replace(self.connection)


def replace(connection: BaseDatabaseWrapper) -> None:
    """A new data version: every answer kept so far is forgotten (this request's too)."""
    _new_token(connection)
    forget()


def is_counted_write(sql: str) -> bool:
    match = _WRITE.match(sql)
    if match is None:
        return _SCHEMA.match(sql) is not None
    return not match.group(1).lower().startswith(_NOT_COUNTED)


def _watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    result = execute(sql, params, many, context)
    if is_counted_write(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            replace(connection)  # autocommit: the statement has committed
        elif not has_own_writes(connection):
            transaction.on_commit(_AfterCommit(connection), using=connection.alias)
    return result


def _install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _settings_changed(**kwargs: Any) -> None:
    # Tests change settings the answers depend on (DEMO_MODE, the roles that need 2FA).
    from django.db import connections

    for connection in connections.all():
        replace(connection)


def install() -> None:
    connection_created.connect(_install, dispatch_uid="hoso.data_version.install")
    setting_changed.connect(_settings_changed, dispatch_uid="hoso.data_version.settings")
