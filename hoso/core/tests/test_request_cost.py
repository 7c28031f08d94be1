"""What a request costs the database: the current year is read once per request, and an
unchanged session is not rewritten on every request while its sliding expiry still moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hoso.core.request_cache import once_per_request
from hoso.org.years import current_year
from tests.factories import SchoolYearFactory, login, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def teacher(db: Any) -> Any:
    return school_world().people["giaovien"]


@pytest.fixture
def year(db: Any) -> Any:
    return SchoolYearFactory()


def _count(queries: CaptureQueriesContext, table: str, verb: str = "SELECT") -> int:
    return sum(
        1 for q in queries.captured_queries if q["sql"].startswith(verb) and table in q["sql"]
    )


def test_home_reads_the_current_year_once(teacher: Any) -> None:
    client = login(teacher)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert _count(queries, '"org_schoolyear"') == 1


def test_outside_a_request_nothing_is_cached(year: Any) -> None:
    calls = []
    once_per_request("k", lambda: calls.append(1))
    once_per_request("k", lambda: calls.append(1))
    assert len(calls) == 2
    assert current_year() is not None


def test_a_change_of_the_current_year_inside_a_request_is_seen(year: Any) -> None:
    from hoso.core.request_cache import _store

    token = _store.set({})
    try:
        year = current_year()
        assert year is not None
        year.is_current = False
        year.save(update_fields=["is_current"])
        assert current_year() is None
    finally:
        _store.reset(token)


def test_unchanged_session_is_not_rewritten_but_its_expiry_still_slides(teacher: Any) -> None:
    client = login(teacher)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert _count(queries, '"django_session"', "UPDATE") == 0

    # When the stored expiry is more than a minute behind, the next request moves it.
    key = client.cookies["sessionid"].value
    old = timezone.now() + dt.timedelta(hours=7)
    Session.objects.filter(session_key=key).update(expire_date=old)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert _count(queries, '"django_session"', "UPDATE") == 1
    assert Session.objects.get(session_key=key).expire_date > old + dt.timedelta(minutes=59)


def test_a_fragment_without_the_menu_does_not_compute_it(
    teacher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hoso.core import context_processors

    calls = []
    monkeypatch.setattr(context_processors, "nav_for", lambda user: calls.append(user) or [])
    client = login(teacher)
    response = client.get("/ho-so/thong-bao/")  # a page with the menu
    assert response.status_code == 200 and len(calls) == 1
    from django.template import RequestContext, Template

    request = response.wsgi_request
    Template("{{ request.path }}").render(RequestContext(request, {}))
    assert len(calls) == 1
