"""Every main page fits a phone (390×844) and a laptop (1366×768): the page never scrolls
sideways and every action button or link in a list row lies inside the viewport (issue 16,
item 2). One sign-in per role; each page is checked at both sizes.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), th1's people in every role and the demo's records in their
lists."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.layout import IN_ROWS, MEASURE, sign_in

pytestmark = pytest.mark.browser

SIZES = [(390, 844), (1366, 768)]

# Pages every role is sent to; a page a role may not open (403/404) is skipped for that role.
PAGES = [
    "/",
    "/ho-so/",
    "/ho-so/tai-len/",
    "/ho-so/cho-duyet/",
    "/ho-so/tinh-hinh-nop/",
    "/ho-so/minh-chung/",
    "/ky-so/cho-ky/",
    "/ky-so/cho-dong-dau/",
    "/ky-so/chung-thu/",
    "/ky-so/kiem-tra/",
    "/nhat-ky/",
    "/so-diem/",
    "/so-diem/phan-cong/",
]
# Pages reached through the first matching link on a list page: a record, its signatures
# (the validation report of the record), a class's gradebook (read view).
FOLLOW = [
    (("/ho-so/", "/ho-so/cho-duyet/", "/ky-so/cho-ky/"), r"^/ho-so/\d+/$"),
    (("/ky-so/cho-ky/", "/ky-so/cho-dong-dau/", "/ho-so/"), r"^/ky-so/ho-so/\d+/$"),
    (("/so-diem/",), r"^/so-diem/lop/\d+/$"),
    (("/ho-so/minh-chung/",), r"^/ho-so/minh-chung/\d+/$"),  # an office picks a school
]
ROLES = ["th1.giaovien1", "th1.totruong", "th1.hieutruong", "th1.vanthu", "so.chuyenvien"]


HREFS = "links => links.map(link => link.getAttribute('href'))"


def _open(page: Any, site: str, path: str) -> bool:
    response = page.goto(f"{site}{path}")
    page.wait_for_load_state("networkidle")
    return response is not None and response.status < 400


def _first_link(page: Any, site: str, sources: tuple[str, ...], pattern: str) -> str | None:
    for source in sources:
        if not _open(page, site, source):
            continue
        hrefs = page.eval_on_selector_all(
            "main a[href]", "as => as.map(a => a.getAttribute('href'))"
        )
        for href in hrefs:
            path = href.split("?")[0].removeprefix(site)
            if re.match(pattern, path):
                return str(path)
    return None


def _problems(page: Any, path: str, shots: Path | None) -> list[str]:
    found = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        result = page.evaluate(MEASURE, IN_ROWS)
        if shots is not None and width < 600:
            name = re.sub(r"[^a-z0-9]+", "-", path).strip("-") or "home"
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        if result["scroll"] > result["inner"]:
            found.append(f"{path} @{width}: page scrolls sideways ({result['scroll']} px)")
        found += [f"{path} @{width}: outside the screen: {o}" for o in result["outside"]]
    return found


@pytest.mark.parametrize("username", ROLES)
def test_main_pages_fit_a_phone_and_a_laptop(site: str, page_at: Any, username: str) -> None:
    page = page_at(*SIZES[1])
    sign_in(page, site, username)
    paths = list(PAGES)
    for sources, pattern in FOLLOW:
        if found := _first_link(page, site, sources, pattern):
            paths.append(found)

    # Screenshots for a person to judge readability, only when asked for (they take time).
    shots = None
    if os.environ.get("HOSO_SCREENSHOT_DIR"):
        shots = Path(os.environ["HOSO_SCREENSHOT_DIR"]) / username
        shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    checked = 0
    for path in paths:
        page.set_viewport_size({"width": SIZES[1][0], "height": SIZES[1][1]})
        if not _open(page, site, path):
            continue
        checked += 1
        problems += _problems(page, path, shots)

    assert checked >= 5, f"{username} could open only {checked} pages"
    assert problems == [], "\n".join(problems)
