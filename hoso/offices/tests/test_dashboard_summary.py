"""The dashboard of a Sở or Phòng reads the per-school summary (hoso.records.services.summary)
and shows exactly what counting every due item shows: after a refresh, after a write that
made a school's row stale, and once a due time has passed since the row was counted."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.offices import dashboard
from hoso.org.models import Unit
from hoso.org.years import current_year
from hoso.records.completion import completion_report
from hoso.records.models import DueItem, DueSummary, Record, RecordState
from hoso.records.periods import VN
from hoso.records.services import summary as summary_service
from hoso.records.services.deadlines import due_item_extend, due_item_mark_submitted
from hoso.records.services.summary import due_summary_refresh
from hoso.records.summary import fresh, unit_figures, year_window
from tests.factories import RecordFactory, World, login, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings: Any) -> World:
    """A province_world whose three schools owe the year's due items (the nightly generation),
    and a lesson plan giaovien2 has uploaded for week 20 but not submitted."""
    from hoso.records.services.deadlines import due_items_generate

    settings.HOSO_2FA_REQUIRED_ROLES = []  # the offices' pages without a phone at hand
    world = province_world("ds")
    schools = [world.units[key] for key in ("school", "thcs", "school2")]
    due_items_generate(school_year=world.year, schools=schools)
    RecordFactory(owner=world.people["giaovien2"], period_key="W20")
    return world


def client_for(world: World, key: str) -> Any:
    return login(world.people[key])


def _page(client: Any, **query: Any) -> tuple[dict[str, Any], str]:
    response = client.get(reverse("offices:dashboard"), query)
    assert response.status_code == 200
    body = response.content.decode()
    found = re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', body, re.S)
    assert found
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    return json.loads(found.group(1)), table


def _so_and_phong(world: World) -> list[tuple[dict[str, Any], str]]:
    so = client_for(world, "so")
    return [_page(so), _page(so, unit=world.units["phong"].pk)]


def _fresh_rows(now: dt.datetime | None = None) -> set[int]:
    start, end = year_window(current_year())
    rows = DueSummary.objects.filter(fresh(start, end, now or timezone.now()))
    return set(rows.values_list("school_id", flat=True))


def test_the_page_from_the_summary_is_the_page_counted_from_due_items(world):
    counted = _so_and_phong(world)
    assert not DueSummary.objects.exists()  # nothing kept yet: every school counted

    stored = due_summary_refresh()

    schools = Unit.objects.filter(kind="TRUONG").count()
    assert stored == schools and len(_fresh_rows()) == schools
    assert _so_and_phong(world) == counted


def test_the_page_reads_the_kept_rows(world):
    due_summary_refresh()
    school = world.units["school"]
    row = DueSummary.objects.get(school=school)
    row.counts = {"on_time": 7, "late": 0, "missing": 0}  # a row the page can only have read
    row.save(update_fields=["counts"])

    data, _ = _page(client_for(world, "chuyenvien"))

    nguyen_du = data["units"].index("Trường thử")
    assert (data["on_time"][nguyen_du], data["missing"][nguyen_du]) == (7, 0)


def test_an_extension_makes_the_schools_row_stale_and_the_page_counts_it(world):
    due_summary_refresh()
    item = DueItem.objects.get(
        owner=world.people["giaovien2"], record_type__code="TT28.KHBD", period_key="W20"
    )
    before = _so_and_phong(world)

    until = item.due_at + dt.timedelta(days=7)
    due_item_extend(actor=world.people["hieutruong"], item_id=item.pk, until=until, reason="Ốm")

    assert item.school_id not in _fresh_rows()
    after = _so_and_phong(world)
    DueSummary.objects.all().delete()
    assert after == _so_and_phong(world)  # what counting everything shows
    assert after != before  # the due week of the item moved


def test_a_submission_makes_the_schools_row_stale(world):
    due_summary_refresh()
    record = next(
        r
        for r in Record.objects.filter(
            state=RecordState.DRAFT, record_type__keeper="TEACHER", school=world.units["school"]
        )
        if DueItem.objects.filter(
            record_type=r.record_type,
            school_year=r.school_year,
            period_key=r.period_key,
            owner=r.owner,
            submitted_at__isnull=True,
        ).exists()
    )

    due_item_mark_submitted(record, timezone.now())

    assert record.school_id not in _fresh_rows()
    after = _so_and_phong(world)
    DueSummary.objects.all().delete()
    assert after == _so_and_phong(world)


def test_a_row_stops_answering_once_an_open_item_falls_due(world):
    year = current_year()
    start, end = year_window(year)
    counted_at = dt.datetime(2026, 1, 12, 6, tzinfo=VN)  # an hour before W20 falls due
    due_summary_refresh(school_year=year, now=counted_at)
    school = world.units["school"]
    row = DueSummary.objects.get(school=school)
    assert row.valid_until == dt.datetime(2026, 1, 12, 7, tzinfo=VN)

    later = dt.datetime(2026, 1, 12, 8, tzinfo=VN)
    assert school.pk in _fresh_rows(counted_at + dt.timedelta(minutes=30))
    assert school.pk not in _fresh_rows(later)
    so = world.units["so"]
    report = completion_report(world.people["so"], so, start, end, later)
    figures = unit_figures(so, start, end, later)
    missing = sum(f.counts.get("missing", 0) for f in figures.values())
    assert missing == report.total.values["missing"]


def test_a_write_while_counting_leaves_the_row_stale(world, monkeypatch):
    counting = summary_service.school_figures

    def count_then_write(school_ids, start, end, now):
        found = counting(school_ids, start, end, now)
        summary_service.due_summary_touch(school_ids)  # a submission lands meanwhile
        return found

    monkeypatch.setattr(summary_service, "school_figures", count_then_write)
    assert due_summary_refresh() == 0
    assert _fresh_rows() == set()
    monkeypatch.setattr(summary_service, "school_figures", counting)
    assert due_summary_refresh() == Unit.objects.filter(kind="TRUONG").count()


def test_a_refresh_recounts_only_the_stale_rows(world):
    due_summary_refresh()
    school = world.units["school"]
    summary_service.due_summary_touch([school.pk])

    assert due_summary_refresh() == 1
    assert due_summary_refresh(all_rows=True) == Unit.objects.filter(kind="TRUONG").count()


def test_the_weekly_trend_of_a_phong_matches_truncweek(world):
    year = current_year()
    start, end = year_window(year)
    phong = world.units["phong"]
    counted = dashboard.weekly(phong, start, end)
    due_summary_refresh()
    figures = unit_figures(phong, start, end, timezone.now())
    assert dashboard.summed_weeks(figures.values()) == counted
