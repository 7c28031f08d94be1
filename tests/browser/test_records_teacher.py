"""In the browser, as a new teacher would: "Hồ sơ của tôi" lists this week's due items; one is
uploaded in two clicks (choose the file, "Tải lên") and submitted from the record page; the
due item is then fulfilled and the group leader has it in "Chờ duyệt".

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), th1.giaovien2's due items of this week and the demo's Tổ trưởng
and principal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from hoso.records.models import DueItem, Record, RecordState
from hoso.records.pdfmaker import simple_pdf
from tests.browser.layout import sign_in, watch

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "hoso-demo-2025"


def test_teacher_uploads_a_due_record_in_two_clicks_and_submits_it(
    site: str, page_at: Any, tmp_path: Path
) -> None:
    page = page_at(360, 740)  # a phone
    errors = watch(page)
    sign_in(page, site, "th1.giaovien2")
    menu = page.get_by_role("navigation", name="Chức năng chính")
    menu.get_by_role("button", name="Chức năng").click()  # folded on a phone
    menu.locator("summary", has_text="Hồ sơ").click()
    menu.get_by_role("link", name="Hồ sơ của tôi").click()
    first = page.locator("li.task").first
    heading = first.locator("strong").first.inner_text()
    period = first.locator("input[name=period]").input_value()
    code = first.locator("input[name=record_type]").input_value()
    item = DueItem.objects.get(
        owner__username="th1.giaovien2", record_type__code=code, period_key=period
    )
    assert item.submitted_at is None and heading == item.record_type.name
    pdf = tmp_path / "ke-hoach-bai-day.pdf"
    pdf.write_bytes(simple_pdf("Kế hoạch bài dạy", ["Môn Toán", "Bài: Phép cộng trong phạm vi 10"]))

    # Click 1: choose the file; click 2: "Tải lên".
    first.get_by_label("Tệp hồ sơ").set_input_files(str(pdf))
    first.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state("networkidle")

    assert "/ho-so/" in page.url
    assert page.get_by_text("Đã tải lên. Kiểm tra lại rồi bấm “Ký và trình”.").is_visible()
    record = Record.objects.get(
        owner__username="th1.giaovien2", record_type__code=code, period_key=period
    )
    assert page.url == f"{site}/ho-so/{record.pk}/"
    assert page.get_by_role("link", name="Tải tệp gốc").first.is_visible()

    # A teacher's record: the teacher signs it when submitting ("Ký và trình").
    page.get_by_label("Mật khẩu chứng thư số (hoặc mã PIN)").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Ký và trình").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_text("Đã ký số và trình duyệt.").is_visible()
    record.refresh_from_db()
    item.refresh_from_db()
    assert record.state == RecordState.SUBMITTED
    assert (item.record_id, item.submitted_at is not None) == (record.pk, True)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert errors == [], errors  # no CSP violation, no failed request

    # The group leader finds it in "Chờ duyệt" and signs it (ký duyệt) from a phone.
    leader = page_at(390, 844)
    leader_errors = watch(leader)
    sign_in(leader, site, "th1.totruong")
    leader.goto(f"{site}/ho-so/cho-duyet/")
    leader.get_by_role("link", name=record.title).click()
    leader.get_by_label("Mật khẩu chứng thư số (hoặc mã PIN)").fill(settings.DEMO_PASSWORD)
    leader.get_by_role("button", name="Ký duyệt").click()
    leader.wait_for_load_state("networkidle")
    assert leader.get_by_text("Đã ký số hồ sơ.").is_visible()
    record.refresh_from_db()
    assert record.state == RecordState.ISSUED
    assert leader.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert leader_errors == [], leader_errors


def test_principal_extends_a_deadline_exports_and_finds_one_waiting_for_signature_page(
    site: str, page_at: Any
) -> None:
    page = page_at()
    errors = watch(page)
    sign_in(page, site, "th1.hieutruong")
    menu = page.get_by_role("navigation", name="Chức năng chính")
    menu.locator("summary", has_text="Ký số").click()  # a group folds its entries
    assert menu.get_by_role("link", name="Chờ ký").count() == 1
    menu.locator("summary", has_text="Hồ sơ").click()
    menu.get_by_role("link", name="Tình hình nộp hồ sơ").click()
    assert page.get_by_role("heading", name="Tình hình nộp hồ sơ: Trường Tiểu học Nguyễn Du")

    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    assert download.value.suggested_filename == "tinh-hinh-nop-ho-so.xlsx"

    page.get_by_role("link", name="Danh sách hạn nộp").click()
    row = page.locator("tr", has=page.get_by_role("button", name="Gia hạn")).first
    row.get_by_label("Hạn mới").fill("30/06/2026")
    row.get_by_label("Lý do").fill("Nghỉ ốm có giấy của bệnh viện")
    row.get_by_role("button", name="Gia hạn").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã gia hạn.").is_visible()
    item = DueItem.objects.get(extension_reason="Nghỉ ốm có giấy của bệnh viện")
    assert item.effective_due_at.date().isoformat() == "2026-06-30"

    page.goto(f"{site}/ho-so/cho-ky/")
    assert page.url == f"{site}/ky-so/cho-ky/"
    assert page.get_by_role("heading", name="Chờ ký").is_visible()
    assert errors == [], errors
