"""A request aborted by a PostgreSQL deadlock runs again; other errors are left alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from hoso.core.retry import DeadlockRetryMiddleware, is_retryable


class PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def db_error(sqlstate: str) -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = PgError(sqlstate)
    return error


class FlakyView:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self, request: Any) -> HttpResponse:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return HttpResponse("ok")


def run(view: FlakyView) -> Any:
    request = RequestFactory().post("/x/")
    middleware = DeadlockRetryMiddleware(lambda r: HttpResponse())
    middleware.process_view(request, view, (), {})
    try:
        view(request)
    except OperationalError as exc:
        return middleware.process_exception(request, exc)
    raise AssertionError("the first call should fail")


@pytest.mark.parametrize(
    ("sqlstate", "retryable"), [("40P01", True), ("40001", True), ("23505", False)]
)
def test_only_deadlocks_and_serialization_failures_are_retryable(sqlstate: str, retryable: bool):
    assert is_retryable(db_error(sqlstate)) is retryable


def test_a_deadlocked_request_runs_again_and_answers():
    view = FlakyView([db_error("40P01"), db_error("40P01")])
    response = run(view)
    assert view.calls == 3
    assert response.content == b"ok"


def test_gives_up_after_three_attempts():
    view = FlakyView([db_error("40P01")] * 3)
    assert run(view) is None
    assert view.calls == 3


def test_other_database_errors_are_not_retried():
    view = FlakyView([OperationalError("disk I/O error")])
    assert run(view) is None
    assert view.calls == 1


def test_a_transaction_runs_again_until_it_passes_or_attempts_run_out():
    from hoso.core.retry import any_database_error, retry_transaction

    flaky = FlakyView([db_error("40P01"), db_error("40001")])
    assert retry_transaction(lambda: flaky(None).content, attempts=3) == b"ok"
    assert flaky.calls == 3
    failing = FlakyView([db_error("40P01")] * 3)
    with pytest.raises(OperationalError):
        retry_transaction(lambda: failing(None), attempts=2)
    assert failing.calls == 2
    locked = FlakyView([OperationalError("database is locked")])
    with pytest.raises(OperationalError):  # not a deadlock: once only, by default
        retry_transaction(lambda: locked(None))
    locked = FlakyView([OperationalError("database is locked")])
    assert retry_transaction(lambda: locked(None), retry_on=any_database_error).content == b"ok"
