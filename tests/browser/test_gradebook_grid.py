"""The gradebook entry grid in Chromium (issue 16 item 4, "the grid is honest"): a value the
rules refuse stays in its red cell with the server's reason written under it, the status line
counts the cells not saved, leaving asks first, a reload never shows a refused value as saved;
THCS/THPT rows show the subject averages the server computes after each save. Also the
keyboard, paste and autosave flow of the grid.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), the demo's classes with their gradebooks, windows and teachers."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from hoso.grading.models import Entry, TeachingAssignment
from hoso.org.models import Enrolment, Student, Unit
from tests.browser.layout import sign_in

pytestmark = pytest.mark.browser

OUT_OF_SCALE_11 = "Điểm 11 nằm ngoài thang điểm 10 (từ 0 đến 10)."


def _class(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _teacher(school_class: Unit, subject: str) -> Any:
    return TeachingAssignment.objects.get(school_class=school_class, subject_code=subject).teacher


def _pupil(school_class: Unit, index: int) -> Student:
    rows = Enrolment.objects.filter(school_class=school_class).order_by("student__sort_key")
    return rows[index].student


def _cell(student: Student, area: str, slot: str) -> str | None:
    entry = Entry.objects.filter(student=student, area=area, slot=slot).first()
    return entry.value if entry else None


def _watch(page: Any) -> list[str]:
    """Console errors, except Chromium's own line for a 400 answer: the grid's save endpoint
    answers 400 when it refused a cell (by design), and grid.js shows why."""

    def seen(m: Any) -> None:
        if m.type == "error" and "status of 400" not in m.text:
            errors.append(m.text)

    errors: list[str] = []
    page.on("console", seen)
    return errors


def _settled(page: Any) -> None:
    """Nothing waiting to be sent or on its way."""
    page.wait_for_function(
        "() => !document.querySelector('#grid input.dirty, #grid input.saving')", timeout=10000
    )


def _on_screen(page: Any, locator: Any, width: int) -> None:
    """Inside the viewport and not hidden under the sticky name column or anything else."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 10, box
    assert 0 <= box["x"] and box["x"] + box["width"] <= width, box
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).className",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == "cell-reason", on_top


def test_refused_value_stays_red_with_its_reason_and_is_never_shown_as_saved(
    site: str, page_at: Any
) -> None:
    lop = _class("TH1-2025-1A")  # lớp 1: Toán has a cuối năm test; cuối năm is open
    teacher, pupil, other = _teacher(lop, "toan"), _pupil(lop, 1), _pupil(lop, 2)
    old = _cell(pupil, "toan", "cuoi_nam.diem")
    page = page_at(390, 844)  # a phone
    errors = _watch(page)
    sign_in(page, site, teacher.username)
    page.goto(f"{site}/so-diem/lop/{lop.pk}/nhap/toan/")
    status = page.locator("#grid-status")

    bad = page.locator(f'input[data-key="{pupil.pk}|toan|cuoi_nam.diem"]')
    bad.click()
    page.keyboard.type("11")
    page.keyboard.press("Enter")  # moves down to the other pupil's cell
    page.keyboard.type("8")
    page.keyboard.press("Enter")
    status.filter(has_text="1 ô chưa lưu được — sửa các ô màu đỏ").wait_for(timeout=10000)
    _settled(page)

    # The typed value stays, red, with the server's reason written under it.
    assert bad.input_value() == "11"
    assert "invalid" in (bad.get_attribute("class") or "")
    assert bad.get_attribute("aria-invalid") == "true"
    reason = page.locator(f"#{bad.get_attribute('aria-describedby')}")
    assert reason.inner_text() == OUT_OF_SCALE_11
    _on_screen(page, reason, 390)
    assert "Đã lưu" not in status.inner_text() and "Mọi thay đổi" not in status.inner_text()
    # The valid cell next to it was saved; the refused one was not.
    assert _cell(other, "toan", "cuoi_nam.diem") == "8"
    assert _cell(pupil, "toan", "cuoi_nam.diem") == old
    if os.environ.get("HOSO_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["HOSO_SCREENSHOT_DIR"], "grid-refused.png"))

    # Leaving asks first; after the reload the cell shows what is stored, never "11".
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
    page.reload()
    page.wait_for_load_state("networkidle")
    assert dialogs == ["beforeunload"]
    bad = page.locator(f'input[data-key="{pupil.pk}|toan|cuoi_nam.diem"]')
    assert bad.input_value() == (old or "")
    assert "invalid" not in (bad.get_attribute("class") or "")
    assert page.locator(f'input[data-key="{other.pk}|toan|cuoi_nam.diem"]').input_value() == "8"
    assert errors == [], errors


def test_fixing_the_red_cell_saves_it_and_the_status_says_when(site: str, page_at: Any) -> None:
    lop = _class("TH1-2025-1A")
    teacher, pupil = _teacher(lop, "toan"), _pupil(lop, 3)
    page = page_at(1366, 768)
    errors = _watch(page)
    sign_in(page, site, teacher.username)
    page.goto(f"{site}/so-diem/lop/{lop.pk}/nhap/toan/")
    status = page.locator("#grid-status")
    cell = page.locator(f'input[data-key="{pupil.pk}|toan|cuoi_nam.diem"]')

    cell.click()
    page.keyboard.type("7,5")
    page.keyboard.press("Tab")
    status.filter(has_text="1 ô chưa lưu được").wait_for(timeout=10000)
    reason = page.locator(f"#{cell.get_attribute('aria-describedby')}")
    assert reason.inner_text() == (
        "Điểm kiểm tra định kì ở tiểu học phải là số nguyên từ 0 đến 10, không có phần thập "
        "phân (nhận được: 7,5)."
    )

    cell.click()
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    status.filter(has_text=re.compile(r"^Đã lưu lúc \d\d:\d\d$")).wait_for(timeout=10000)
    assert cell.get_attribute("aria-invalid") is None
    assert cell.get_attribute("aria-describedby") is None
    assert page.locator(".cell-reason").count() == 0
    assert _cell(pupil, "toan", "cuoi_nam.diem") == "7"
    assert errors == [], errors


def test_secondary_row_shows_the_average_the_server_computed(site: str, page_at: Any) -> None:
    lop = _class("THCS1-2025-8A")  # Công nghệ 8: 3 ĐĐGtx; HK II is open in the demo
    teacher, pupil = _teacher(lop, "cong_nghe"), _pupil(lop, 0)
    page = page_at(1366, 768)
    errors = _watch(page)
    sign_in(page, site, teacher.username)
    page.goto(f"{site}/so-diem/lop/{lop.pk}/nhap/cong_nghe/")

    page.locator(f'input[data-key="{pupil.pk}|cong_nghe|hk2.tx1"]').click()
    for value in ("8", "8", "8", "8,5", "7"):  # tx1, tx2, tx3, gk, ck
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    average = page.locator(f'td[data-avg="{pupil.pk}|HK2"]')
    # (8 + 8 + 8 + 2·8.5 + 3·7) / 8 = 62 / 8 = 7.75 ⇒ 7.8
    average.locator(".avg-text", has_text="7,8").wait_for(timeout=10000)
    assert average.get_attribute("title") is None
    assert average.locator(".avg-reason").inner_text() == ""
    assert _cell(pupil, "cong_nghe", "hk2.gk") == "8.5"

    # Clearing the mid-term empties the average; the reason is on hover and for screen readers.
    page.locator(f'input[data-key="{pupil.pk}|cong_nghe|hk2.gk"]').fill("")
    page.keyboard.press("Tab")
    missing = "Chưa tính được: còn thiếu ĐĐGgk."
    page.wait_for_function(
        """([sel, text]) => { const td = document.querySelector(sel);
        return td.title === text && td.querySelector('.avg-text').textContent === ''; }""",
        arg=[f'td[data-avg="{pupil.pk}|HK2"]', missing],
        timeout=10000,
    )
    assert average.locator(".avg-reason").text_content() == missing
    assert errors == [], errors


def test_grid_keyboard_paste_and_autosave(site: str, page_at: Any) -> None:
    lop = _class("TH1-2025-1A")
    # The demo's first pupil has the whole year entered (issued học bạ): take the next two.
    teacher, pupil, second = _teacher(lop, "toan"), _pupil(lop, 1), _pupil(lop, 2)
    page = page_at(1366, 768)
    errors = _watch(page)
    sign_in(page, site, teacher.username)
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
    page.locator("#grid-status", has_text="1 ô chưa lưu được").wait_for(timeout=10000)
    assert "invalid" in (bad.get_attribute("class") or "")
    # Paste a 2×2 block (level, score) from Excel at the first pupil's row: it also replaces
    # the refused 7.5 with 10.
    page.locator(f'input[data-key="{pupil.pk}|toan|cuoi_nam.muc"]').focus()
    page.evaluate(
        """() => { const dt = new DataTransfer(); dt.setData('text/plain', 'H\\t8\\nT\\t10\\n');
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt,
        bubbles: true, cancelable: true})); }"""
    )
    page.locator("#grid-status", has_text="Đã lưu lúc").wait_for(timeout=10000)
    _settled(page)
    if os.environ.get("HOSO_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["HOSO_SCREENSHOT_DIR"], "grid.png"))
    assert "invalid" not in (bad.get_attribute("class") or "")
    assert (_cell(pupil, "toan", "cuoi_nam.muc"), _cell(pupil, "toan", "cuoi_nam.diem")) == (
        "H",
        "8",
    )
    assert (_cell(second, "toan", "cuoi_nam.muc"), _cell(second, "toan", "cuoi_nam.diem")) == (
        "T",
        "10",
    )
    assert errors == [], errors
