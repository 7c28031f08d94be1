"""Issue 13 items 3 and 6: any unexpected exception in an API view is a logged 500 with a
Vietnamese JSON body; API 404s and oversized bodies answer Vietnamese JSON, not Django's English
HTML; a deadlock is still retried before anything is reported."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from hoso.grading.models import EntryWindow
from tests.factories import World, api_login, login, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(db: Any) -> World:
    return school_world()


def test_unexpected_exception_is_a_logged_vietnamese_500(
    world: Any, monkeypatch: Any, caplog: Any
) -> None:
    from hoso.org.api import people as org_api

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(org_api.UnitList, "get", broken)
    with caplog.at_level(logging.ERROR, logger="hoso.api"):
        response = api_login(world.people["giaovien"]).get("/api/v1/units/")

    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error"
    assert body["message"].startswith("Hệ thống gặp sự cố khi xử lý yêu cầu (mã lỗi: ")
    ref = body["message"].split("mã lỗi: ")[1].split(")")[0]
    assert len(ref) == 8
    record = next(r for r in caplog.records if ref in r.getMessage())
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError


def test_a_deadlock_is_retried_before_it_is_reported(world: Any, monkeypatch: Any) -> None:
    from hoso.org.api import people as org_api

    calls = []
    original = org_api.UnitList.get

    class Deadlock(OperationalError):
        sqlstate = "40P01"

    def flaky(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise Deadlock("deadlock detected")
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(org_api.UnitList, "get", flaky)
    monkeypatch.setattr("hoso.core.retry.time.sleep", lambda s: None)
    # The test runs inside a transaction, where the retry (rightly) never happens; the request
    # of a live server has none around its view.
    monkeypatch.setattr("hoso.core.retry.connection", SimpleNamespace(in_atomic_block=False))

    response = api_login(world.people["giaovien"]).get("/api/v1/units/")

    assert response.status_code == 200
    assert len(calls) == 2


@pytest.mark.parametrize("path", ["/api/v1/khong-co/", "/api/v1/records/abc/", "/api/v2/"])
def test_api_404_is_vietnamese_json(world: Any, path: str) -> None:
    response = api_login(world.people["giaovien"]).get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    assert "Không tìm thấy" in response.json()["message"]


def test_a_3_mb_json_body_is_a_vietnamese_413(world: Any) -> None:
    count = EntryWindow.objects.count()
    body = json.dumps({"school": 1, "reason": "x" * (3 * 1024 * 1024)})

    response = api_login(world.people["hieutruong"]).post(
        "/api/v1/grading/windows/", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "quá lớn" in response.json()["message"]
    assert EntryWindow.objects.count() == count


def test_an_oversized_form_body_is_vietnamese_json(world: Any) -> None:
    response = api_login(world.people["hieutruong"]).post(
        "/api/v1/grading/windows/",
        {"school": "1", "reason": "x" * (3 * 1024 * 1024)},
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_pages_still_get_the_html_404(world: Any) -> None:
    response = login(world.people["giaovien"]).get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_anonymous_api_404_is_json_too(db: Any) -> None:
    response = Client().get("/api/v1/khong-co/")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
