"""The static scripts speak the page's language through the JavaScript catalogue (gettext in
/jsi18n/<language>/): in English, the grid's status line and the dashboard's chart series are
English, and no script fails for want of gettext (the catalogue runs first).

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), the demo's gradebook grid and phong1.chuyenvien's dashboard with
its charts."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.grading.models import TeachingAssignment
from hoso.org.models import Enrolment, Unit

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "hoso-demo-2025"


def _sign_in_in_english(page: Any, site: str, username: str) -> None:
    # Signed in on the (Vietnamese) sign-in page, then English chosen with the footer's switch.
    page.goto(f"{site}/tai-khoan/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state("networkidle")
    page.locator("footer button[name=language][value=en]").click()
    page.wait_for_load_state("networkidle")


def _script_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_the_grid_status_line_is_english(site: str, page_at: Any) -> None:
    lop = Unit.objects.get(code="TH1-2025-1A")
    teacher = TeachingAssignment.objects.get(school_class=lop, subject_code="toan").teacher
    pupil = Enrolment.objects.filter(school_class=lop).order_by("student__sort_key")[1].student
    page = page_at()
    errors = _script_errors(page)
    _sign_in_in_english(page, site, teacher.username)
    page.goto(f"{site}/so-diem/lop/{lop.pk}/nhap/toan/")
    assert page.locator("html").get_attribute("lang") == "en"

    page.locator(f'input[data-key="{pupil.pk}|toan|cuoi_nam.diem"]').click()
    page.keyboard.type("11")  # out of the scale: refused
    page.keyboard.press("Enter")

    status = page.locator("#grid-status")
    status.filter(has_text="1 cell could not be saved — correct the red cell").wait_for(
        timeout=10000
    )
    assert errors == []


def test_the_dashboard_charts_name_their_series_in_english(site: str, page_at: Any) -> None:
    page = page_at()
    errors = _script_errors(page)
    _sign_in_in_english(page, site, "phong1.chuyenvien")
    page.goto(f"{site}/van-phong/tinh-hinh/")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-weeks')")

    def series(canvas: str) -> list[str]:
        labels: list[str] = page.evaluate(
            "(id) => Chart.getChart(id).data.datasets.map((d) => d.label)", canvas
        )
        return labels

    assert series("chart-units") == ["On time", "Late", "Not submitted"]
    assert series("chart-weeks") == ["Due", "Submitted"]
    assert errors == []
