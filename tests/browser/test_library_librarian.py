"""The thủ thư's main flow in a real browser, on a laptop and on a phone: catalogue a book by
ISBN, lend it by scanning a card and the book (a USB scanner types + Enter), take it back, and
find it in the OPAC typing without accents. No console error, no horizontal scrolling.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), th1's thủ thư and the demo's library."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.library.models import Loan
from hoso.org.models import Student
from tests.browser.layout import sign_in

pytestmark = pytest.mark.browser


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width, page.url


def test_librarian_catalogues_lends_and_takes_back(site: str, page_at: Any) -> None:
    # Both screens in one live-server test: the demo province is reloaded between such tests.
    for width, height in ((1366, 768), (390, 844)):
        _flow(site, page_at(width, height), width)


def _flow(site: str, page: Any, width: int) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    busy = Loan.objects.filter(returned_at__isnull=True, student__isnull=False).values("student_id")
    pupil = Student.objects.filter(school__code="TH1", is_active=True).exclude(pk__in=busy).first()
    title = f"Quê nội ({width})"

    sign_in(page, site, "th1.thuthu")
    page.goto(f"{site}/thu-vien/")
    assert page.get_by_role("heading", name="Thư viện Trường Tiểu học Nguyễn Du").is_visible()
    _fits(page, width)

    page.get_by_role("link", name="Biên mục").click()
    page.get_by_label("ISBN", exact=True).fill("9780306406157")
    page.get_by_label("Nhan đề *").fill(title)
    page.get_by_label("Tác giả", exact=True).fill("Võ Quảng")
    page.get_by_label("Số bản", exact=True).fill("1")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name=title).is_visible()
    assert page.get_by_text("978-0-306-40615-7").is_visible()
    _fits(page, width)
    barcode = page.locator("tbody tr td").nth(1).inner_text().strip()

    page.get_by_role("link", name="Mượn, trả").click()
    card = page.get_by_label("1. Quét thẻ bạn đọc")
    card.fill(pupil.code)
    card.press("Enter")  # what a USB scanner sends after the code
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(pupil.full_name).first.is_visible()
    book = page.get_by_label("2. Quét mã vạch sách")
    book.fill(barcode)
    book.press("Enter")
    page.wait_for_load_state("networkidle")
    assert f"Đã cho {pupil.full_name} mượn" in page.get_by_role("status").inner_text()
    _fits(page, width)

    page.get_by_label("Quét mã vạch sách trả").fill(barcode)
    page.get_by_role("button", name="Nhận trả").click()
    page.wait_for_load_state("networkidle")
    assert "Đã nhận trả" in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="Tra cứu sách").click()
    page.get_by_label("Tìm sách").fill(f"que noi {width}")
    page.get_by_label("Tìm sách").press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(title).is_visible()
    assert page.get_by_text("1 / 1 bản trên giá").is_visible()
    _fits(page, width)
    assert errors == [], errors
