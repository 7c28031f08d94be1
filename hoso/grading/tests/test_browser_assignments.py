"""A principal in the real browser: assigns a teacher to a whole column of the grade-1 grid with
one select and one save, opens and closes an entry window with a reason, and approves a
correction request whose cell is shown by name.

Needs the demo province: the browser tests run against the copy of the demo that the browser
fixtures take once and put back (tests/browser)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from hoso.grading.models import CorrectionRequest, EntryWindow, TeachingAssignment
from hoso.grading.selectors import school_classes

pytestmark = pytest.mark.browser


def _login(page: Any, site: str, username: str) -> None:
    page.goto(f"{site}/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("hoso-demo-2025")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def test_principal_assigns_a_column_opens_closes_and_approves(
    site: str, page_at: Any, unit: Any, demo_user: Any
) -> None:
    school = unit("th1")
    teacher = demo_user("th1.giaovien3")
    page = page_at(1366, 768)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, site, "th1.hieutruong")

    # Assignments: menu → school → grade 1 → "Cả cột" Toán → save
    assert page.locator('a[href="/so-diem/phan-cong/"]').count() >= 1  # in the menu
    page.goto(f"{site}/so-diem/phan-cong/")
    page.get_by_role("link", name="Phân công khối 1").click()
    first_class = school_classes(school, 1)[0]
    assert page.locator(f'select[name="t-{first_class.pk}|gvcn"]').count() == 1
    page.locator('select.fill-column[data-column="toan"]').select_option(str(teacher.pk))
    changed = page.locator("tbody select.changed").count()
    if os.environ.get("HOSO_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["HOSO_SCREENSHOT_DIR"], "assign-grid.png"))
    page.get_by_role("button", name="Lưu phân công").click()
    page.locator(".notice", has_text="Đã lưu phân công").wait_for(timeout=10000)
    classes = school_classes(school, 1)
    assert changed >= 1
    assert {
        a.teacher_id
        for a in TeachingAssignment.objects.filter(school_class__in=classes, subject_code="toan")
    } == {teacher.pk}
    assert TeachingAssignment.objects.filter(
        school_class__in=classes, subject_code="toan"
    ).count() == len(classes)

    # Windows: open for grade 1 Toán with a reason, then close it with a reason
    page.goto(f"{site}/so-diem/mo-so/")
    page.get_by_label("Khối").fill("1")
    page.get_by_label("Môn / phần").select_option("toan")
    page.get_by_label("Lý do / theo chỉ đạo của").fill("Nhập bù điểm kiểm tra")
    page.get_by_role("button", name="Mở sổ").click()
    page.locator(".notice", has_text="Đã mở sổ nhập điểm").wait_for(timeout=10000)
    window = EntryWindow.objects.filter(school=school, sheet="toan", grade=1).latest("pk")
    assert window.is_open and window.reason == "Nhập bù điểm kiểm tra"
    page.get_by_label("Lý do khóa").first.fill("Đã nhập xong")
    page.get_by_role("button", name="Khóa sổ").first.click()
    page.locator(".notice", has_text="Đã khóa sổ").wait_for(timeout=10000)
    window.refresh_from_db()
    assert not window.is_open and window.close_reason == "Đã nhập xong"

    # Corrections: the pending demo request shows its cell by name and is approved
    pending = CorrectionRequest.objects.filter(
        school_class__school=school, status="pending"
    ).first()
    assert pending is not None
    page.goto(f"{site}/so-diem/dieu-chinh/")
    row = page.locator("tr", has_text=pending.reason).first
    assert f"{pending.area} · {pending.slot}" not in row.inner_text()
    row.get_by_role("button", name="Duyệt").click()
    page.locator(".notice", has_text="Đã duyệt").wait_for(timeout=10000)
    pending.refresh_from_db()
    assert pending.status == "approved"
    if os.environ.get("HOSO_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["HOSO_SCREENSHOT_DIR"], "corrections.png"))
    assert errors == [], errors
