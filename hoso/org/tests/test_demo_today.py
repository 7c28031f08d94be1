"""The demo province follows its anchor day (hoso.org.demo_clock): built on two days of two
different school years, with the clock at that day, it shows that year, work due this week
and the last weeks (on time, late, missing), nothing submitted after the day, and something to
do on the home page of every account whose work it plays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from hoso.org.demo_clock import school_year_of

# The demo's dates, not the engine: one pass of `make test` (the demo loads on PostgreSQL in every
# worker of its pass anyway).
pytestmark = [pytest.mark.django_db, pytest.mark.own_world, pytest.mark.one_pass("sqlite")]

# The accounts whose work the demo plays around its day: records due, waiting for the tổ
# trưởng, the principals and the văn thư, overdue books, grade corrections; the kindergarten's
# monthly plans; the Sở's records waiting to be signed, sealed or revised; directives the Phòng
# acknowledge; the parent's child's book due back. (Not listed: teachers whose random weeks may
# leave nothing due on some day.)
BUSY_ACCOUNTS = [
    "admin",
    "so.chuyenvien",
    "so.giamdoc",
    "so.phogiamdoc",
    "so.vanthu",
    "phong1.chuyenvien",
    "phong1.truongphong",
    "phong1.vanthu",
    "phong2.chuyenvien",
    "phong2.truongphong",
    "mn1.giaovien1",
    "mn1.giaovien2",
    "mn1.giaovien3",
    "mn1.giaovien4",
    "ph.hs1",
    "th1.hieutruong",
    "th1.phohieutruong",
    "th1.totruong",
    "th1.giaovien1",
    "th1.vanthu",
    "th1.thuthu",
    "thcs1.hieutruong",
    "th2.hieutruong",
]


@pytest.mark.parametrize(
    ("day", "name", "start", "end", "term1_end"),
    [
        (dt.date(2026, 12, 6), "2026-2027", dt.date(2026, 9, 5), dt.date(2027, 5, 31), 16),
        (dt.date(2027, 3, 15), "2026-2027", dt.date(2026, 9, 5), dt.date(2027, 5, 31), 16),
        (dt.date(2028, 1, 1), "2027-2028", dt.date(2027, 9, 5), dt.date(2028, 5, 31), 15),
        (dt.date(2028, 2, 29), "2027-2028", dt.date(2027, 9, 5), dt.date(2028, 5, 31), 15),
        (dt.date(2026, 8, 14), "2025-2026", dt.date(2025, 9, 5), dt.date(2026, 5, 31), 17),
        (dt.date(2026, 8, 15), "2026-2027", dt.date(2026, 9, 5), dt.date(2027, 5, 31), 16),
    ],
)
def test_the_school_year_of_a_day(day, name, start, end, term1_end) -> None:
    year = school_year_of(day)

    assert (year.name, year.start_date, year.end_date) == (name, start, end)
    assert year.term1_end == dt.date(end.year, 1, term1_end)
    assert year.term1_end.weekday() == 5  # a Saturday


@pytest.fixture
def clock_at(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Runs the clock from noon (Vietnam time) of a given day, as if today were that day. The
    demo PKI issues its certificates from the earlier of that clock and the real one, so they
    are in force both on the day played (the records' signing checks) and now (pyHanko and the
    time-stamps use the real time): a day already past no longer fails once the real clock is
    more than a day beyond it."""
    from hoso.signing.engine import pki

    def start(day: dt.date) -> dt.datetime:
        began = timezone.now()
        noon = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        played = lambda: noon + (dt.datetime.now(dt.UTC) - began)  # noqa: E731
        real_pki_now = pki._now
        monkeypatch.setattr(timezone, "now", played)
        monkeypatch.setattr(
            pki, "_now", lambda: min(real_pki_now(), played().replace(microsecond=0))
        )
        return noon

    return start


@pytest.fixture
def empty_world(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No demo province in the database (inside this test's transaction), and files (blobs,
    the demo PKI) and the search index kept apart from the demo the other tests share."""
    from hoso.records import search_index

    settings.DATA_DIR = tmp_path
    settings.DEMO_TODAY = ""
    monkeypatch.setattr(search_index, "records_index", lambda ids: len(ids))
    call_command("flush", interactive=False, verbosity=0)
    yield


# Each day is a whole province loaded again (about a minute). The second, in term 2, runs on
# SQLite only (the first pass of `make test`): the loader's dating is Python, and how the engine
# stores a moved day is checked on PostgreSQL by the first.
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.long
@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 12, 6),
        pytest.param(
            dt.date(2027, 3, 15),
            marks=pytest.mark.skipif(ON_POSTGRESQL, reason="term 2 on SQLite only (a minute)"),
        ),
    ],
)
def test_the_demo_lives_on_its_day(day: dt.date, clock_at: Any, empty_world: None) -> None:
    from hoso.core.home import tasks_for
    from hoso.org.demo import load_demo
    from hoso.records.models import DueItem
    from hoso.records.selectors import DueStatus, status_of

    now = clock_at(day)
    province = load_demo()

    assert province.today == day
    assert province.year.name == school_year_of(day).name
    assert province.year.start_date <= day <= province.year.end_date
    items = list(DueItem.objects.filter(school=province.units["th1"]).select_related("owner"))
    assert not [i for i in items if i.submitted_at and i.submitted_at > timezone.now()]
    mine = [i for i in items if i.owner and i.owner.username == "th1.giaovien1"]
    this_week = [i for i in mine if abs(i.effective_due_at - now) <= dt.timedelta(days=7)]
    assert this_week, "th1.giaovien1 has something due around today"
    recent = [i for i in items if i.effective_due_at >= now - dt.timedelta(days=35)]
    statuses = {status_of(i, now) for i in recent if i.effective_due_at <= now}
    assert {DueStatus.ON_TIME, DueStatus.LATE, DueStatus.MISSING} <= statuses
    latest = max(i.submitted_at for i in items if i.submitted_at)
    assert now - dt.timedelta(days=10) <= latest <= timezone.now()
    idle = [u for u in BUSY_ACCOUNTS if not tasks_for(province_user(u))]
    assert idle == [], idle


def province_user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
