"""A teacher signs in through the real form and sees what to do this week, on a phone and on a
wide screen.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), th1.giaovien1 signing in with the demo password to this week's
due items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "hoso-demo-2025"
# Pixels between a button's first word and the count badge after it.
BADGE_GAP = """(button) => {
  const words = document.createRange();
  words.selectNodeContents(button.firstChild);
  return button.querySelector(".badge").getBoundingClientRect().left
    - words.getBoundingClientRect().right;
}"""


def _sign_in(page: Any, site: str, username: str, password: str) -> None:
    page.goto(f"{site}/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def _display_name(username: str) -> str:
    user = get_user_model().objects.get(username=username)
    return str(user.first_name or user.username)


def test_teacher_signs_in_and_sees_this_weeks_work(site: str, page_at: Any) -> None:
    page = page_at()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    _sign_in(page, site, "th1.giaovien1", DEMO_PASSWORD)

    assert page.url == f"{site}/"
    assert page.get_by_role("heading", name="Việc cần làm tuần này").is_visible()
    assert _display_name("th1.giaovien1") in page.locator("h1").inner_text()
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert errors == [], errors  # no CSP violation, no broken script


def test_wrong_password_shows_the_vietnamese_error(site: str, page_at: Any) -> None:
    page = page_at()

    _sign_in(page, site, "th1.giaovien1", "sai-mat-khau")

    assert "/tai-khoan/login/" in page.url
    alert = page.get_by_role("alert")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in alert.inner_text()
    assert page.get_by_label("Tên đăng nhập").input_value() == "th1.giaovien1"


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1920, 1080)])
def test_home_fits_the_screen(
    site: str, page_at: Any, screenshot_dir: Path, width: int, height: int
) -> None:
    page = page_at(width, height)
    _sign_in(page, site, "th1.hieutruong", DEMO_PASSWORD)

    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.screenshot(path=str(screenshot_dir / f"home-{width}.png"), full_page=True)
    login = page_at(width, height)
    login.goto(f"{site}/tai-khoan/login/")
    login.screenshot(path=str(screenshot_dir / f"login-{width}.png"), full_page=True)

    assert scroll_width <= width
    assert login.evaluate("document.scrollingElement.scrollWidth") <= width
    assert font_size >= 16
    assert page.get_by_role("heading", name="Việc cần làm tuần này").is_visible()
    menu = page.get_by_role("navigation", name="Chức năng chính")
    assert menu.is_visible()
    toggle = menu.get_by_role("button", name="Chức năng")
    assert toggle.is_visible() == (width < 768)  # a phone sees the menu folded
    if width < 768:
        assert toggle.evaluate(BADGE_GAP) >= 4  # "Chức năng 27", the count clear of the word
        toggle.click()
    groups = menu.locator("summary")
    assert 1 <= groups.count() <= 6  # with "Trang chủ": at most seven top entries
    for n in range(groups.count()):
        groups.nth(n).click()  # opens this group; hoso.js closes the one before (on "toggle")
        opened = menu.locator("details[open]")
        expect(opened).to_have_count(1)
        _within(width, [groups.nth(n), *opened.get_by_role("link").all()])
    assert scroll_width <= width and page.evaluate("document.scrollingElement.scrollWidth") <= width


def _within(width: int, targets: list[Any]) -> None:
    """Every menu target is big enough for a finger and inside the screen."""
    for target in targets:
        box = target.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= width


def test_keyboard_focus_is_visible(site: str, page_at: Any) -> None:
    page = page_at()
    page.goto(f"{site}/tai-khoan/login/")

    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")

    assert outline not in ("none", "")
