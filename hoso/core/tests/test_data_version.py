"""Answers kept between requests (hoso.core.data_version): used again while nothing was
written, recomputed after any committed write, never while the connection has writes of its
own not yet committed, never given to another person (the pages: test_page_queries.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import translation

from hoso.core import data_version
from hoso.core.home import nav_for, tasks_for
from hoso.records.models import Notification
from hoso.records.notify import notify
from tests.factories import UserFactory, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def person(django_capture_on_commit_callbacks: Any) -> Any:
    """Makes a user as if committed before the test (the test's own transaction never commits)."""

    def make() -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return UserFactory()

    return make


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> list[int]:
        self.calls += 1
        return [self.calls]


@pytest.mark.parametrize(
    ("sql", "counted"),
    [
        ('INSERT INTO "records_record" ("title") VALUES (%s)', True),
        ('UPDATE "records_notification" SET "read_at" = %s', True),
        ('DELETE FROM "org_roleassignment" WHERE "id" = %s', True),
        ('INSERT OR IGNORE INTO "mfa_authenticator" VALUES (%s)', True),
        ('  update "accounts_accountprofile" set "is_demo" = false', True),
        ('ALTER TABLE "records_record" ADD COLUMN "x" integer', True),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('SELECT COUNT(*) FROM "records_record"', False),
        ('SELECT "id" FROM "records_workflow" FOR UPDATE', False),
        ('SAVEPOINT "s1"', False),
    ],
)
def test_which_statements_count_as_writes(sql: str, counted: bool) -> None:
    assert data_version.is_counted_write(sql) is counted


def test_an_answer_is_used_again_until_a_committed_write(
    person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user, compute = person(), Counter()
    assert data_version.for_user("t", user, compute) == [1]
    assert data_version.for_user("t", user, compute) == [1]

    with django_capture_on_commit_callbacks(execute=True):  # the write commits
        notify([user], title="Có hồ sơ mới")

    assert data_version.for_user("t", user, compute) == [2]
    assert data_version.for_user("t", user, compute) == [2]


def test_a_bulk_update_counts_like_a_save(
    person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user, compute = person(), Counter()
    data_version.for_user("t", user, compute)
    with django_capture_on_commit_callbacks(execute=True):
        Notification.objects.filter(user=user).update(title="Đã đổi")  # no signal is sent
    assert data_version.for_user("t", user, compute) == [2]


def test_uncommitted_writes_of_the_connection_are_never_cached(person: Any) -> None:
    user, compute = person(), Counter()
    data_version.for_user("t", user, compute)
    with transaction.atomic():
        notify([user], title="Chưa ghi hẳn")
        assert data_version.has_own_writes(connection)
        assert data_version.for_user("t", user, compute) == [2]
        assert data_version.for_user("t", user, compute) == [3]


def test_a_write_rolled_back_leaves_the_answers_kept(person: Any) -> None:
    user, compute = person(), Counter()
    data_version.for_user("t", user, compute)
    try:
        with transaction.atomic():
            notify([user], title="Bị hủy")
            raise RuntimeError
    except RuntimeError:
        pass
    assert not data_version.has_own_writes(connection)
    assert data_version.for_user("t", user, compute) == [1]


def test_a_session_write_keeps_the_answers(
    person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    user, compute = person(), Counter()
    data_version.for_user("t", user, compute)
    with django_capture_on_commit_callbacks(execute=True):
        SessionStore().create()
    assert data_version.for_user("t", user, compute) == [1]


def test_nobody_is_given_the_answer_of_another_person_or_language(person: Any) -> None:
    compute = Counter()
    teacher, principal = person(), person()
    assert data_version.for_user("t", teacher, compute) == [1]
    assert data_version.for_user("t", principal, compute) == [2]
    with translation.override("en"):
        assert data_version.for_user("t", teacher, compute) == [3]
    assert data_version.for_user("t", teacher, compute) == [1]


def test_the_menu_and_tasks_kept_are_the_providers_answers(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from hoso.core import home

    with django_capture_on_commit_callbacks(execute=True):
        world = school_world()
    for key in ("giaovien", "totruong", "hieutruong", "chuyenvien"):
        user = world.people[key]
        assert nav_for(user) == home._nav(user) and nav_for(user) == nav_for(user)
        assert tasks_for(user) == home._tasks(user)
