"""Registers become records in the principal's signing chain; yearly figures and roll-ups."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from hoso.core.errors import NotAllowed
from hoso.library import registers, reports
from hoso.library.models import Copy, RegisterIssue, RegisterKind
from hoso.library.services.registers import register_issue
from hoso.library.tests.factories import school

pytestmark = pytest.mark.django_db


def test_so_dang_ky_ca_biet_goes_to_the_principal_for_signature(demo_user) -> None:
    from hoso.records.models import Record, Workflow

    th1 = school("TH1")
    issue = register_issue(actor=demo_user("th1.thuthu"), school=th1, kind=RegisterKind.CA_BIET)
    record = Record.objects.get(pk=issue.record_id)
    assert record.record_type.code == "TV.SDKCB"
    assert (record.school_id, record.owner.username, record.state) == (
        th1.pk,
        "th1.thuthu",
        "submitted",
    )
    workflow = Workflow.objects.get(record=record, is_open=True)
    assert workflow.chain == [{"role": "HT", "action": "sign"}]
    version = record.versions.get()
    assert version.kind == "pdf" and version.page_count >= 1
    assert RegisterIssue.objects.filter(school=th1, kind="CB").count() == 1


def test_registers_render_every_layout(demo_user) -> None:
    from pdfminer.high_level import extract_text

    th1 = school("TH1")
    text = extract_text(io.BytesIO(registers.ca_biet(th1)), maxpages=1)
    assert "SỔ ĐĂNG KÝ CÁ BIỆT" in text and "TH1-000001" not in text  # lines show the số ĐKCB
    first = Copy.objects.filter(school=th1).order_by("reg_number").first()
    assert first.record.title[:20] in text
    assert "Phần I" in extract_text(io.BytesIO(registers.tong_quat(th1)), maxpages=1)
    assert "SỔ MƯỢN SÁCH" in extract_text(io.BytesIO(registers.so_muon(th1)), maxpages=1)


def test_only_the_librarian_issues_registers(demo_user) -> None:
    with pytest.raises(NotAllowed):
        register_issue(
            actor=demo_user("th1.hieutruong"), school=school("TH1"), kind=RegisterKind.CA_BIET
        )
    assert not RegisterIssue.objects.exists()


def test_figures_and_rollup_recompute_ratios_from_sums() -> None:
    th1, thcs1 = school("TH1"), school("THCS1")
    phong1 = th1.parent
    rows, total = reports.rollup(phong1)
    by_code = {r.unit.code: r for r in rows}
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


def test_report_pages_follow_the_policy(client_for) -> None:
    th1 = school("TH1")
    assert client_for("th1.hieutruong").get(f"/thu-vien/bao-cao/{th1.pk}/").status_code == 200
    assert client_for("th1.giaovien1").get(f"/thu-vien/bao-cao/{th1.pk}/").status_code == 404
    assert client_for("th2.hieutruong").get(f"/thu-vien/bao-cao/{th1.pk}/").status_code == 404
    phong = client_for("phong1.chuyenvien").get(f"/thu-vien/bao-cao/{th1.parent_id}/")
    assert phong.status_code == 200 and "Tổng cộng" in phong.content.decode()
    xlsx = client_for("so.chuyenvien").get(f"/thu-vien/bao-cao/{th1.parent.parent_id}/xuat.xlsx")
    assert xlsx["Content-Disposition"].startswith("attachment")


def test_reading_sessions_are_entered_and_counted(client_for) -> None:
    from hoso.library.models import ReadingSession

    th1 = school("TH1")
    before = ReadingSession.objects.filter(school=th1).count()
    client = client_for("th1.thuthu")
    client.post(f"/thu-vien/{th1.pk}/tiet-doc/", {"day": "2025-10-01", "readers": "31"})
    client.post(f"/thu-vien/{th1.pk}/tiet-doc/", {"day": "hôm qua", "readers": "31"})
    assert ReadingSession.objects.filter(school=th1).count() == before + 1
    client_for("th2.hieutruong").post(f"/thu-vien/{th1.pk}/tiet-doc/", {"day": "2025-10-02"})
    assert ReadingSession.objects.filter(school=th1).count() == before + 1


def test_library_index_leads_principals_and_chuyen_vien_to_their_pages(client_for) -> None:
    th1 = school("TH1")
    principal = client_for("th1.hieutruong").get("/thu-vien/").content.decode()
    assert (
        f"/thu-vien/bao-cao/{th1.pk}/" in principal and f"/thu-vien/{th1.pk}/thanh-ly/" in principal
    )
    phong = client_for("phong1.chuyenvien").get("/thu-vien/").content.decode()
    assert f"/thu-vien/lien-hop/{th1.parent_id}/" in phong
    assert f"/thu-vien/bao-cao/{th1.parent_id}/" in phong
    assert client_for("th1.thuthu").get("/thu-vien/").status_code == 302  # straight to the desk
