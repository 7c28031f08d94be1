"""In Chromium, as a principal, a GVCN and the parent ph.hs1 would: the parent sees only what
the school has published — HK I results and the issued học bạ; neither the HK II results before
the principal publishes them nor a correction of the học bạ before it is signed and issued.

Needs the demo province: the browser tests run against the copy of the demo that the browser
fixtures take once and put back (tests/browser), with the học bạ the demo issued."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.grading.models import Entry, HocBaStatus, HocBaVersion
from hoso.grading.tests.conftest import first_student

pytestmark = pytest.mark.browser


def _login(page: Any, site: str, username: str) -> None:
    page.goto(f"{site}/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("hoso-demo-2025")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def _main(page: Any) -> str:
    return str(page.locator("main").inner_text())


def test_parent_sees_only_published_results_and_hocba(site: str, page_at: Any, unit: Any) -> None:
    lop = unit("th1.1A")
    pupil = first_student(lop)
    issued = HocBaVersion.objects.get(student=pupil, number=1)
    assert issued.status == HocBaStatus.ISSUED

    principal = page_at(1280, 900)
    _login(principal, site, "th1.hieutruong")
    principal.goto(f"{site}/so-diem/hoc-ba/{issued.pk}/")
    assert "Mọi chữ ký trên học bạ đều hợp lệ" in _main(principal)

    parent = page_at(390, 844)  # a phone
    _login(parent, site, "ph.hs1")
    child_page = f"{site}/so-diem/con-toi/{pupil.pk}/"
    parent.goto(child_page)
    text = _main(parent)
    assert "Học kì I" in text and "Học kì II" not in text  # HK II not published yet
    assert "bản 1" in text and "Đã ban hành" in text

    # The GVCN corrects the issued học bạ: bản 2 is a draft until signed and issued.
    Entry.objects.filter(student=pupil, area="toan", slot="cuoi_nam.diem").update(value="8")
    gvcn = page_at(1280, 900)
    _login(gvcn, site, "th1.giaovien1")
    gvcn.goto(f"{site}/so-diem/hoc-ba/{issued.pk}/")
    gvcn.get_by_label("Lý do điều chỉnh").fill("Phúc khảo môn Toán")
    gvcn.get_by_role("button", name="Lập bản điều chỉnh (cần ký lại)").click()
    gvcn.wait_for_load_state("networkidle")
    draft = HocBaVersion.objects.get(student=pupil, number=2)
    assert draft.status == HocBaStatus.DRAFT
    parent.goto(child_page)
    assert "bản 2" not in _main(parent) and "bản 1" in _main(parent)
    response = parent.goto(f"{site}/so-diem/hoc-ba/{draft.pk}/")
    assert response is not None and response.status == 404

    # The principal publishes HK II; only then the parent sees it.
    principal.goto(f"{site}/so-diem/lop/{lop.pk}/")
    principal.locator("li", has_text="Học kì II").get_by_role(
        "button", name="Công bố cho phụ huynh"
    ).click()
    principal.wait_for_load_state("networkidle")
    parent.goto(child_page)
    assert "Học kì II" in _main(parent)
