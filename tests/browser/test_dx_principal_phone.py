"""On a phone (390×844), as a principal would: the school's digital-transformation sheet is
opened from "Chuyển đổi số", the two criteria still unanswered are filled with a file as
evidence, and the sheet is submitted; the page never scrolls sideways and the buttons are on
the screen.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), thcs1's principal and the demo's digital-transformation sheet
with its two criteria unanswered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hoso.offices.models import CriteriaSet, SchoolSheet, SetState, SheetState
from hoso.records.pdfmaker import simple_pdf
from tests.browser.layout import IN_ROWS, MEASURE, sign_in, watch

pytestmark = pytest.mark.browser


def _fits(page: Any) -> None:
    result = page.evaluate(MEASURE, IN_ROWS)
    assert result["scroll"] <= result["inner"], f"scrolls sideways: {result['scroll']} px"
    assert result["outside"] == []


def test_principal_fills_and_submits_the_sheet_on_a_phone(
    site: str, page_at: Any, tmp_path: Path
) -> None:
    cset = CriteriaSet.objects.get(office__code="SO-DEMO", state=SetState.OPEN)
    sheet = SchoolSheet.objects.get(criteria_set=cset, school__code="THCS1")
    assert sheet.state == SheetState.DRAFT
    pdf = tmp_path / "minh-chung.pdf"
    pdf.write_bytes(simple_pdf("Minh chứng", ["Kế hoạch chuyển đổi số của trường."]))
    page = page_at(390, 844)
    errors = watch(page)
    sign_in(page, site, "thcs1.hieutruong")
    page.goto(f"{site}/van-phong/chuyen-doi-so/")
    page.locator("section[aria-labelledby=can-lam] a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("dx-figures-at").inner_text().startswith("Số liệu tính lúc")
    _fits(page)

    for code, value in (("3.1", "2"), ("3.3", "1")):
        criterion = cset.criteria.get(code=code)
        page.locator("select[name=criterion]").select_option(str(criterion.pk))
        page.locator("input[name=value]").fill(value)
        page.locator("input[name=file]").set_input_files(str(pdf))
        save = page.get_by_role("button", name="Lưu", exact=True)
        assert save.is_visible()
        save.click()
        page.wait_for_load_state("networkidle")
        assert "Đã lưu kết quả tự đánh giá." in page.content()

    submit = page.get_by_role("button", name="Nộp phiếu tự đánh giá")
    submit.scroll_into_view_if_needed()
    assert submit.is_visible()
    submit.click()
    page.wait_for_load_state("networkidle")
    assert "Đã nộp phiếu tự đánh giá." in page.content()
    _fits(page)
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
    assert sheet.answers.count() == 3
    assert errors == []
