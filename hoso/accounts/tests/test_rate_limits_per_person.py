"""Issue 13 item 5: upload limits count per person — API token or web session — so that the
teachers of a school behind one address do not share one budget; only anonymous requests are
counted per address."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from hoso.accounts.services import create_token
from tests.factories import login

SCHOOL_ADDRESS = "198.51.100.20"
pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

LIMITS = {"api-records": "3/m", "records:upload": "3/m", "api-token": "3/m"}


@pytest.fixture(autouse=True)
def _limits() -> Any:
    cache.clear()
    with override_settings(RATELIMIT_ENABLE=True, HOSO_RATE_LIMITS=LIMITS):
        yield
    cache.clear()


def _api(accounts: Any, username: str) -> APIClient:
    client = APIClient(REMOTE_ADDR=SCHOOL_ADDRESS)
    key = create_token(user=accounts[username], name="t")[1]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _statuses(client: Any, path: str, n: int) -> list[int]:
    return [client.post(path, {}, REMOTE_ADDR=SCHOOL_ADDRESS).status_code for _ in range(n)]


def test_api_uploads_are_limited_per_token_owner_not_per_address(accounts: Any) -> None:
    first = _api(accounts, "th1.giaovien1")
    second = _api(accounts, "th1.giaovien2")

    assert 429 not in _statuses(first, "/api/v1/records/", 3)
    assert _statuses(first, "/api/v1/records/", 1) == [429]
    # Same address, another person: a budget of their own.
    assert 429 not in _statuses(second, "/api/v1/records/", 3)
    # Two tokens of one person share the person's budget.
    again = _api(accounts, "th1.giaovien1")
    assert _statuses(again, "/api/v1/records/", 1) == [429]


def test_web_uploads_are_limited_per_person(accounts: Any) -> None:
    first, second = login(accounts["th1.giaovien1"]), login(accounts["th1.giaovien2"])

    assert 429 not in _statuses(first, "/ho-so/tai-len/", 3)
    assert _statuses(first, "/ho-so/tai-len/", 1) == [429]
    assert 429 not in _statuses(second, "/ho-so/tai-len/", 3)


def test_anonymous_and_bad_tokens_are_limited_per_address(accounts: Any) -> None:
    teacher = _api(accounts, "th1.giaovien1")
    forged = APIClient(REMOTE_ADDR=SCHOOL_ADDRESS)
    forged.credentials(HTTP_AUTHORIZATION="Token không-phải-mã-thật")

    assert 429 not in _statuses(Client(), "/api/v1/auth/token/", 3)
    assert _statuses(forged, "/api/v1/auth/token/", 1) == [429]  # the address's budget
    assert _statuses(Client(), "/api/v1/auth/token/", 1) == [429]
    assert 429 not in _statuses(teacher, "/api/v1/records/", 3)  # a person is not the address
