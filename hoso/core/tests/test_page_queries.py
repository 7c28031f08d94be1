"""The main pages seen again, once the menu and this week's tasks are kept between requests
(hoso.core.data_version) with the two-factor facts, the year, the grants and the types a
teacher may upload: what is left is the session, the person and the page's own queries.
Pinned so that a regression shows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoso.accounts.tests.factories import demo_accounts
from hoso.org.tests.factories import small_province
from hoso.records.notify import notify
from hoso.records.tests.factories import catalogue
from hoso.records.tests.helpers import upload
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def people(settings: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """The demo's schools and people in small, demo accounts in demo mode as the demo's (no
    two factors asked), a lesson plan of th1.giaovien1's; committed, as if made before."""
    settings.DEMO_MODE = True
    with django_capture_on_commit_callbacks(execute=True):
        catalogue()
        world = small_province("pq")
        demo_accounts(world.people.values())
        upload(world.people["th1.giaovien1"], title="Kế hoạch bài dạy tuần 2", period="W02")
    return world.people


def _client(people: dict[str, Any], capture: Any, username: str) -> Any:
    with capture(execute=True):  # signing in writes last_login: let it commit
        return login(people[username])


def test_the_count_after_a_write_is_shown_on_the_very_next_page(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(people, django_capture_on_commit_callbacks, "th1.giaovien1")
    teacher = people["th1.giaovien1"]
    with django_capture_on_commit_callbacks(execute=True):
        teacher.notifications.all().delete()
    before = client.get("/").context["nav_account"]
    assert [item.count for item in before] == [None]

    with django_capture_on_commit_callbacks(execute=True):
        notify([teacher], title="Hồ sơ đã được duyệt")

    after = client.get("/").context["nav_account"]
    assert [item.count for item in after] == [1]


@pytest.mark.parametrize(
    ("username", "path", "most"),
    [
        ("th1.giaovien1", "/", 3),
        ("th1.hieutruong", "/", 3),
        ("so.chuyenvien", "/", 3),
        ("th1.hieutruong", "/ky-so/cho-ky/", 3),
        ("th1.giaovien1", "/ho-so/", 5),
        ("th1.giaovien1", "/ho-so/tai-len/", 6),  # + the period owed next, the default choice
    ],
)
def test_queries_of_a_main_page_seen_again(
    people: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
    username: str,
    path: str,
    most: int,
) -> None:
    client = _client(people, django_capture_on_commit_callbacks, username)
    assert client.get(path).status_code == 200
    with django_assert_max_num_queries(most):
        assert client.get(path).status_code == 200


def test_queries_of_a_record_page_seen_again(
    people: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    from hoso.records.models import Record

    record = Record.objects.filter(owner=people["th1.giaovien1"]).first()
    assert record is not None
    client = _client(people, django_capture_on_commit_callbacks, "th1.giaovien1")
    assert client.get(f"/ho-so/{record.pk}/").status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(f"/ho-so/{record.pk}/").status_code == 200


def test_the_first_view_still_computes_the_menu(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(people, django_capture_on_commit_callbacks, "th1.hieutruong")
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert len(first.captured_queries) > len(again.captured_queries) + 15
