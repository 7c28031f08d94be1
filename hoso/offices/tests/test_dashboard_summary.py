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

pytestmark = pytest.mark.django_db


def _page(client: Any, **query: Any) -> tuple[dict[str, Any], str]:
    response = client.get(reverse("offices:dashboard"), query)
    assert response.status_code == 200
    body = response.content.decode()
    found = re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', body, re.S)
    assert found
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    return json.loads(found.group(1)), table


def _so_and_phong(client_for: Any) -> list[tuple[dict[str, Any], str]]:
    so = client_for("so.chuyenvien")
    return [_page(so), _page(so, unit=Unit.objects.get(code="PGD-1").pk)]


def _fresh_rows(now: dt.datetime | None = None) -> set[int]:
    start, end = year_window(current_year())
    rows = DueSummary.objects.filter(fresh(start, end, now or timezone.now()))
    return set(rows.values_list("school_id", flat=True))


def test_the_page_from_the_summary_is_the_page_counted_from_due_items(client_for):
    counted = _so_and_phong(client_for)
    assert not DueSummary.objects.exists()  # nothing kept yet: every school counted

    stored = due_summary_refresh()

    schools = Unit.objects.filter(kind="TRUONG").count()
    assert stored == schools and len(_fresh_rows()) == schools
    assert _so_and_phong(client_for) == counted


def test_the_page_reads_the_kept_rows(client_for):
    due_summary_refresh()
    school = Unit.objects.get(name="Trường Tiểu học Nguyễn Du")
    row = DueSummary.objects.get(school=school)
    row.counts = {"on_time": 7, "late": 0, "missing": 0}  # a row the page can only have read
    row.save(update_fields=["counts"])

    data, _ = _page(client_for("phong1.chuyenvien"))

    nguyen_du = data["units"].index("Trường Tiểu học Nguyễn Du")
    assert (data["on_time"][nguyen_du], data["missing"][nguyen_du]) == (7, 0)


def test_an_extension_makes_the_schools_row_stale_and_the_page_counts_it(client_for, demo_user):
    due_summary_refresh()
    item = DueItem.objects.get(
        owner__username="th1.giaovien2", record_type__code="TT28.KHBD", period_key="W20"
    )
    before = _so_and_phong(client_for)

    until = item.due_at + dt.timedelta(days=7)
    due_item_extend(actor=demo_user("th1.hieutruong"), item_id=item.pk, until=until, reason="Ốm")

    assert item.school_id not in _fresh_rows()
    after = _so_and_phong(client_for)
    DueSummary.objects.all().delete()
    assert after == _so_and_phong(client_for)  # what counting everything shows
    assert after != before  # the due week of the item moved


def test_a_submission_makes_the_schools_row_stale(client_for):
    due_summary_refresh()
    record = next(
        r
        for r in Record.objects.filter(state=RecordState.DRAFT, record_type__keeper="TEACHER")
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
    after = _so_and_phong(client_for)
    DueSummary.objects.all().delete()
    assert after == _so_and_phong(client_for)


def test_a_row_stops_answering_once_an_open_item_falls_due(demo_user):
    year = current_year()
    start, end = year_window(year)
    counted_at = dt.datetime(2026, 1, 12, 6, tzinfo=VN)  # an hour before W20 falls due
    due_summary_refresh(school_year=year, now=counted_at)
    school = Unit.objects.get(name="Trường Tiểu học Nguyễn Du")
    row = DueSummary.objects.get(school=school)
    assert row.valid_until == dt.datetime(2026, 1, 12, 7, tzinfo=VN)

    later = dt.datetime(2026, 1, 12, 8, tzinfo=VN)
    assert school.pk in _fresh_rows(counted_at + dt.timedelta(minutes=30))
    assert school.pk not in _fresh_rows(later)
    so = Unit.objects.get(code="SO-DEMO")
    report = completion_report(demo_user("so.chuyenvien"), so, start, end, later)
    figures = unit_figures(so, start, end, later)
    missing = sum(f.counts.get("missing", 0) for f in figures.values())
    assert missing == report.total.values["missing"]


def test_a_write_while_counting_leaves_the_row_stale(monkeypatch):
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


def test_a_refresh_recounts_only_the_stale_rows():
    due_summary_refresh()
    school = Unit.objects.get(name="Trường Tiểu học Nguyễn Du")
    summary_service.due_summary_touch([school.pk])

    assert due_summary_refresh() == 1
    assert due_summary_refresh(all_rows=True) == Unit.objects.filter(kind="TRUONG").count()


def test_the_weekly_trend_of_a_phong_matches_truncweek(demo_user):
    year = current_year()
    start, end = year_window(year)
    phong = Unit.objects.get(code="PGD-1")
    counted = dashboard.weekly(phong, start, end)
    due_summary_refresh()
    figures = unit_figures(phong, start, end, timezone.now())
    assert dashboard.summed_weeks(figures.values()) == counted
