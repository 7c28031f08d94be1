"""Registers become records in the principal's signing chain; yearly figures and roll-ups."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from hoso.core.errors import NotAllowed
from hoso.library import registers, reports
from hoso.library.models import Copy, RegisterIssue, RegisterKind
from hoso.library.services.registers import register_issue
from hoso.library.tests.factories import library_world, school_library
from hoso.records.tests.factories import catalogue
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    """The libraries of th1, thcs1 and th2 with a little of everything, and th1's three reading
    sessions, as in the demo."""
    from hoso.library.models import ReadingSession

    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    catalogue()
    world = library_world()
    for key in ("th1", "thcs1", "th2"):
        school_library(world, key)
    for week in (1, 2, 3):
        ReadingSession.objects.create(
            school=world.units["th1"], day=dt.date(2025, 10, 7 * week), readers=30
        )
    return world


def test_so_dang_ky_ca_biet_goes_to_the_principal_for_signature(world) -> None:
    from hoso.records.models import Record, Workflow

    th1 = world.units["th1"]
    issue = register_issue(actor=world.people["th1.thuthu"], school=th1, kind=RegisterKind.CA_BIET)
    record = Record.objects.get(pk=issue.record_id)
    assert record.record_type.code == "TV.SDKCB"
    assert (record.school_id, record.owner.username, record.state) == (
        th1.pk,
        world.people["th1.thuthu"].username,
        "submitted",
    )
    workflow = Workflow.objects.get(record=record, is_open=True)
    assert workflow.chain == [{"role": "HT", "action": "sign"}]
    version = record.versions.get()
    assert version.kind == "pdf" and version.page_count >= 1
    assert RegisterIssue.objects.filter(school=th1, kind="CB").count() == 1


def test_registers_render_every_layout(world) -> None:
    from pdfminer.high_level import extract_text

    th1 = world.units["th1"]
    text = extract_text(io.BytesIO(registers.ca_biet(th1)), maxpages=1)
    first = Copy.objects.filter(school=th1).order_by("reg_number").first()
    assert "SỔ ĐĂNG KÝ CÁ BIỆT" in text and first.barcode not in text  # lines show the số ĐKCB
    assert first.record.title[:20] in text
    assert "Phần I" in extract_text(io.BytesIO(registers.tong_quat(th1)), maxpages=1)
    assert "SỔ MƯỢN SÁCH" in extract_text(io.BytesIO(registers.so_muon(th1)), maxpages=1)


def test_only_the_librarian_issues_registers(world) -> None:
    with pytest.raises(NotAllowed):
        register_issue(
            actor=world.people["th1.hieutruong"],
            school=world.units["th1"],
            kind=RegisterKind.CA_BIET,
        )
    assert not RegisterIssue.objects.exists()


def test_figures_and_rollup_recompute_ratios_from_sums(world) -> None:
    th1, thcs1 = world.units["th1"], world.units["thcs1"]
    phong1 = th1.parent
    rows, total = reports.rollup(phong1)
    by_code = {r.unit.code.removeprefix("LB-"): r for r in rows}
    live = Copy.objects.filter(school=th1).exclude(status__in=["weeded", "lost"]).count()
    assert by_code["TH1"].copies == live
    assert by_code["TH1"].threshold == 3 and by_code["THCS1"].threshold == 4
    assert by_code["MN1"].threshold is None and by_code["MN1"].meets is None
    assert total.copies == sum(r.copies for r in rows)
    assert total.copies_per_student == round(total.copies / total.students, 2)
    assert by_code["TH1"].loans > 0 and by_code["TH1"].sessions == 3
    sheet = load_workbook(io.BytesIO(reports.xlsx(phong1))).active
    assert sheet.max_row == len(rows) + 2
    assert sheet.cell(row=sheet.max_row, column=1).value.startswith("Tổng cộng")
    assert by_code["THCS1"].unit == thcs1


def test_report_pages_follow_the_policy(world) -> None:
    th1 = world.units["th1"]
    assert (
        login(world.people["th1.hieutruong"]).get(f"/thu-vien/bao-cao/{th1.pk}/").status_code == 200
    )
    assert (
        login(world.people["th1.giaovien1"]).get(f"/thu-vien/bao-cao/{th1.pk}/").status_code == 404
    )
    assert (
        login(world.people["th2.hieutruong"]).get(f"/thu-vien/bao-cao/{th1.pk}/").status_code == 404
    )
    phong = login(world.people["phong1.chuyenvien"]).get(f"/thu-vien/bao-cao/{th1.parent_id}/")
    assert phong.status_code == 200 and "Tổng cộng" in phong.content.decode()
    xlsx = login(world.people["so.chuyenvien"]).get(
        f"/thu-vien/bao-cao/{th1.parent.parent_id}/xuat.xlsx"
    )
    assert xlsx["Content-Disposition"].startswith("attachment")


def test_reading_sessions_are_entered_and_counted(world) -> None:
    from hoso.library.models import ReadingSession

    th1 = world.units["th1"]
    before = ReadingSession.objects.filter(school=th1).count()
    client = login(world.people["th1.thuthu"])
    client.post(f"/thu-vien/{th1.pk}/tiet-doc/", {"day": "2025-10-01", "readers": "31"})
    client.post(f"/thu-vien/{th1.pk}/tiet-doc/", {"day": "hôm qua", "readers": "31"})
    assert ReadingSession.objects.filter(school=th1).count() == before + 1
    login(world.people["th2.hieutruong"]).post(
        f"/thu-vien/{th1.pk}/tiet-doc/", {"day": "2025-10-02"}
    )
    assert ReadingSession.objects.filter(school=th1).count() == before + 1


def test_library_index_leads_principals_and_chuyen_vien_to_their_pages(world) -> None:
    th1 = world.units["th1"]
    principal = login(world.people["th1.hieutruong"]).get("/thu-vien/").content.decode()
    assert (
        f"/thu-vien/bao-cao/{th1.pk}/" in principal and f"/thu-vien/{th1.pk}/thanh-ly/" in principal
    )
    phong = login(world.people["phong1.chuyenvien"]).get("/thu-vien/").content.decode()
    assert f"/thu-vien/lien-hop/{th1.parent_id}/" in phong
    assert f"/thu-vien/bao-cao/{th1.parent_id}/" in phong
    assert (
        login(world.people["th1.thuthu"]).get("/thu-vien/").status_code == 302
    )  # straight to the desk
