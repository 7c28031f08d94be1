"""A teacher types, moves with the keyboard and pastes from Excel in the real grid; the
values are saved without reloading, and a bad value is flagged and not saved."""

from __future__ import annotations

import os
from typing import Any

import pytest

from hoso.grading.tests.conftest import cell, first_student, teacher_of

pytestmark = pytest.mark.browser


def test_grid_keyboard_paste_and_autosave(site: str, page_at: Any, unit: Any) -> None:
    lop = unit("th1.1A")
    # The demo's first pupil has the whole year entered (issued học bạ): take the next two.
    teacher, pupil, second = teacher_of(lop, "toan"), first_student(lop, 1), first_student(lop, 2)
    page = page_at(1366, 768)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{site}/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(teacher.username)
    page.get_by_label("Mật khẩu").fill("hoso-demo-2025")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{site}/so-diem/lop/{lop.pk}/nhap/toan/")

    first = page.locator(f'input[data-key="{pupil.pk}|toan|cuoi_nam.muc"]')
    first.click()
    page.keyboard.type("t")
    page.keyboard.press("Enter")  # moves down and saves
    focused = page.evaluate("document.activeElement.dataset.key")
    assert focused == f"{second.pk}|toan|cuoi_nam.muc"
    page.keyboard.press("ArrowRight")
    page.keyboard.type("7.5")  # lớp 1: integer scores only
    page.keyboard.press("Enter")
    bad = page.locator(f'input[data-key="{second.pk}|toan|cuoi_nam.diem"]')
    assert "invalid" in (bad.get_attribute("class") or "")
    # Paste a 2×2 block (level, score) from Excel at the first pupil's row.
    page.locator(f'input[data-key="{pupil.pk}|toan|cuoi_nam.muc"]').focus()
    page.evaluate(
        """() => { const dt = new DataTransfer(); dt.setData('text/plain', 'H\\t8\\nT\\t10\\n');
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt,
        bubbles: true, cancelable: true})); }"""
    )
    page.locator("#grid-status", has_text="Mọi thay đổi đã được lưu").wait_for(timeout=10000)
    if os.environ.get("HOSO_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["HOSO_SCREENSHOT_DIR"], "grid.png"))
    assert (cell(pupil, "toan", "cuoi_nam.muc"), cell(pupil, "toan", "cuoi_nam.diem")) == ("H", "8")
    assert (cell(second, "toan", "cuoi_nam.muc"), cell(second, "toan", "cuoi_nam.diem")) == (
        "T",
        "10",
    )
    assert errors == [], errors
