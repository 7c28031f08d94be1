"""In Chromium, the GVCN's học bạ flow as a new user would take it: the class's học bạ page leads
to what is missing, the GVCN fills it in the particulars form, signs the class's học bạ in one
batch, then the principal signs the batch and the văn thư seals it: the học bạ are issued.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), th1's GVCN, principal and văn thư with the demo's class and its
missing particulars."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.grading.hocba.services.batches import hocba_batch_create, hocba_batch_run
from hoso.grading.models import HocBaStatus, HocBaVersion
from hoso.grading.tests.conftest import gvcn_of
from hoso.grading.tests.test_outputs_hocba import _complete_year
from hoso.org.models import Student

pytestmark = pytest.mark.browser
PASSWORD = "hoso-demo-2025"


def _login(page: Any, site: str, username: str) -> None:
    page.set_default_timeout(180_000)  # signing batches run inline in the test server
    page.goto(f"{site}/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def _main(page: Any) -> str:
    return str(page.locator("main").inner_text())


def _sign_batch(page: Any, site: str, class_id: int) -> None:
    page.goto(f"{site}/so-diem/lop/{class_id}/hoc-ba/")
    page.get_by_label("Mật khẩu chứng thư").fill(PASSWORD)
    page.get_by_role("button", name="Ký hàng loạt").click()
    page.wait_for_load_state("networkidle")
    assert "đã xử lý 2/2" in _main(page)


def test_gvcn_fills_what_is_missing_and_the_batch_is_signed_and_sealed(
    site: str, page_at: Any, unit: Any
) -> None:
    lop = unit("th1.1B")
    # The demo leaves the nationality of two 1B pupils blank; their year end is complete.
    pupils = list(Student.objects.filter(enrolments__school_class=lop, nationality=""))
    assert len(pupils) == 2
    for pupil in pupils:
        _complete_year(lop, pupil)
    gvcn = gvcn_of(lop)

    page = page_at(1280, 900)
    _login(page, site, gvcn.username)
    page.goto(f"{site}/so-diem/lop/{lop.pk}/hoc-ba/")
    page.get_by_role("link", name="Thông tin học sinh còn thiếu cho học bạ và sổ sách").click()
    text = _main(page)
    assert all(p.full_name in text for p in pupils) and "quốc tịch" in text
    for pupil in pupils:
        page.locator("table").first.get_by_role("link", name=pupil.full_name).click()
        page.get_by_label("Quốc tịch").fill("Việt Nam")
        page.get_by_role("button", name="Lưu").click()
        page.wait_for_load_state("networkidle")
        assert "Thông tin còn thiếu" in _main(page)  # back on the class's list
    assert "Đủ thông tin của mọi học sinh." in _main(page)

    # The drafts of the two (the page's button drafts the whole class: the same service).
    batch = hocba_batch_create(actor=gvcn, school_class=lop, students=[p.pk for p in pupils])
    hocba_batch_run(batch_id=batch.pk)
    versions = HocBaVersion.objects.filter(student__in=pupils, school_class=lop)
    assert [v.data["missing"] for v in versions] == [[], []]

    _sign_batch(page, site, lop.pk)
    principal = page_at(1280, 900)
    _login(principal, site, "th1.hieutruong")
    _sign_batch(principal, site, lop.pk)
    clerk = page_at(1280, 900)
    _login(clerk, site, "th1.vanthu")
    _sign_batch(clerk, site, lop.pk)
    assert sorted(v.status for v in versions.all()) == [HocBaStatus.ISSUED] * 2
