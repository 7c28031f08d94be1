"""A service that does not answer (PostgreSQL, Redis, the object store) gives the user a 503 with
a retry message, not the error page of a bug; a bug still gives the 500. Runs on any engine."""

from __future__ import annotations

import json
from typing import Any

import pytest
import redis
from botocore.exceptions import EndpointConnectionError
from django.core.handlers.exception import response_for_exception
from django.db import OperationalError
from django.test import RequestFactory

from hoso.core.api_errors import ApiErrorMiddleware
from hoso.core.unavailable import is_outage

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

RETRY = "Yêu cầu này chưa được thực hiện; vui lòng thử lại sau ít phút"


def _answer(path: str, exc: BaseException) -> Any:
    request = RequestFactory().get(path)
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 — as Django's handler does
        return response_for_exception(request, caught)


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("connection to server at 127.0.0.1 failed: Connection refused"),
        redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379"),
        EndpointConnectionError(endpoint_url="http://127.0.0.1:9/hoso"),
    ],
    ids=["postgresql", "redis", "object store"],
)
def test_a_page_says_try_again_in_a_moment(exc: BaseException) -> None:
    response = _answer("/ho-so/", exc)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert RETRY in response.content.decode()


def test_an_outage_wrapped_in_another_error_is_still_an_outage() -> None:
    try:
        try:
            raise redis.exceptions.ConnectionError("gone")
        except redis.exceptions.ConnectionError as inner:
            raise RuntimeError("while reading the cache") from inner
    except RuntimeError as outer:
        assert is_outage(outer)


def test_the_api_answers_json_with_code_unavailable() -> None:
    request = RequestFactory().post("/api/v1/records/")
    middleware = ApiErrorMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]

    response = middleware.process_exception(request, OperationalError("server closed"))

    assert response is not None and response.status_code == 503
    assert response["Retry-After"] == "30"
    body = json.loads(response.content)
    assert body["code"] == "unavailable"
    assert RETRY in body["message"]


def test_a_bug_is_still_a_500_and_a_deadlock_is_not_an_outage() -> None:
    assert _answer("/ho-so/", ValueError("a bug")).status_code == 500

    class Deadlock(OperationalError):
        sqlstate = "40P01"

    assert not is_outage(Deadlock("deadlock detected"))
