"""axe-core finds no serious or critical WCAG 2 A/AA violation on the main pages of every demo
role (issue 16, item 8), and the keyboard reaches the main controls with a visible focus ring.

The main pages of a role are its home page, every entry of its menu and header, and the first
page of each kind in FOLLOW linked from those (a record, its signatures, a class's gradebook…).
One sign-in (one browser context) per role; every page is checked at 1366×768, the home page at
390×844 as well. No axe rule is disabled. What is covered: docs/accessibility.md.

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), every demo role's main pages with the demo's records and classes
behind them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.layout import sign_in

pytestmark = pytest.mark.browser

LAPTOP = (1366, 768)
PHONE = (390, 844)
ROLES = [
    "th1.hieutruong",
    "th1.phohieutruong",
    "th1.totruong",
    "th1.giaovien1",
    "th1.vanthu",
    "th1.thuthu",
    "phong1.chuyenvien",
    "so.chuyenvien",
    "ph.hs1",
    "admin",
]
FAILING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
# Detail pages reached through the first matching link on a page already checked.
FOLLOW = [
    r"^/ho-so/tai-len/$",
    r"^/ho-so/\d+/$",
    r"^/ky-so/ho-so/\d+/$",
    r"^/so-diem/lop/\d+/$",
    r"^/so-diem/lop/\d+/nhap/[^/]+/$",
    r"^/so-diem/con-toi/\d+/$",
    r"^/so-sach/truong/\d+/$",
    r"^/so-sach/lop/\d+/$",
    r"^/thu-vien/\d+/$",
    r"^/thu-vien/\d+/muc-luc/$",
    r"^/thu-vien/\d+/muon-tra/$",
    r"^/thu-vien/\d+/bien-muc/$",
    r"^/thu-vien/sach/\d+/$",
    r"^/van-phong/chi-dao/\d+/$",
    r"^/van-phong/van-ban-den/\d+/$",
    r"^/van-phong/bao-cao/\d+/$",
    r"^/van-phong/kiem-tra/\d+/$",
    r"^/luu-tru/\d+/$",
]
# Links that are not pages of HoSo's own (files to download, Django's admin site), and the
# home page, checked first.
NOT_PAGES = re.compile(r"\.(xlsx|pdf|csv|zip)$|^/quan-tri/|^/$")

_axe = Axe()  # axe-core 4.12.1, bundled by axe-playwright-python 0.1.8


def _size(size: tuple[int, int]) -> dict[str, int]:
    return {"width": size[0], "height": size[1]}


def _open(page: Any, site: str, path: str) -> bool:
    response = page.goto(f"{site}{path}")
    # Fragments a page asks for on load (htmx, hx-trigger="load") are in before axe looks.
    page.wait_for_selector(".htmx-request", state="detached")
    return response is not None and response.status < 400


def _paths(page: Any, selector: str, site: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "as => as.map(a => a.getAttribute('href'))")
    return [href.split("?")[0].split("#")[0].removeprefix(site) for href in hrefs if href]


def _violations(page: Any, path: str) -> list[str]:
    size = page.viewport_size
    results = _axe.run(page, options=AXE_OPTIONS).response
    return [
        f"{path} @{size['width']}×{size['height']}: {v['id']} ({v['impact']}) "
        f"{' >> '.join(map(str, node['target']))} — {v['help']}"
        for v in results["violations"]
        if v["impact"] in FAILING_IMPACTS
        for node in v["nodes"]
    ]


def test_main_pages_of_every_role_pass_axe(site: str, browser: Any) -> None:
    """One test for all roles, so that a page is checked once: a page an earlier role had is
    only read for its links (they lead to this role's own records, classes…). Each role's home
    page is always checked, at both sizes."""
    checked: set[str] = set()
    problems: list[str] = []
    for username in ROLES:
        context = browser.new_context(viewport=_size(LAPTOP), locale="vi-VN")
        page = context.new_page()
        sign_in(page, site, username)
        problems += _violations(page, f"/ ({username})")
        page.set_viewport_size(_size(PHONE))
        problems += _violations(page, f"/ ({username})")
        page.set_viewport_size(_size(LAPTOP))
        opened = _walk(page, site, username, checked, problems)
        context.close()
        if len(opened) < 3:
            problems.append(f"{username} could open only {opened}")

    assert len(checked) >= 40, sorted(checked)
    assert problems == [], "\n".join(problems)


def _walk(page: Any, site: str, username: str, checked: set[str], problems: list[str]) -> list[str]:
    """Open the role's menu entries (and the header's links), then the first page of each
    FOLLOW kind linked from them; run axe on every page no earlier role had."""
    queue = [p for p in _paths(page, "header a[href]", site) if not NOT_PAGES.search(p)]
    wanted = list(FOLLOW)
    opened: list[str] = ["/"]
    while queue:
        path = queue.pop(0)
        if path in opened or not path.startswith("/"):
            continue
        if path in checked:
            linked = _links_in_main(page, site, path)
        elif _open(page, site, path):
            checked.add(path)
            problems += _violations(page, f"{path} ({username})")
            linked = _paths(page, "main a[href]", site)
        else:
            linked = None
        if linked is None:
            continue
        opened.append(path)
        for pattern in list(wanted):
            if found := next((p for p in linked if re.match(pattern, p)), None):
                wanted.remove(pattern)
                queue.append(found)
    return opened


def _links_in_main(page: Any, site: str, path: str) -> list[str] | None:
    """The links of a page's <main>, read from its HTML without rendering it (cheaper)."""
    response = page.request.get(f"{site}{path}")
    if not response.ok:
        return None
    main = response.text().split("<main", 1)[-1].split("</main>", 1)[0]
    return [
        href.split("?")[0].split("#")[0].removeprefix(site)
        for href in re.findall(r'<a [^>]*href="([^"]*)"', main)
    ]


# The focused element: its name as a person reads it, and its focus ring.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = el.getAttribute("aria-label") || label || el.innerText || el.value || "";
  return {name: name.trim().split("\\n")[0], tag: el.tagName, outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth), color: style.outlineColor};
}"""


def _tab_through(page: Any, presses: int) -> list[dict[str, Any]]:
    focused = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused.append(page.evaluate(FOCUSED))
    return focused


def _in_order(names: list[str], expected: list[str]) -> bool:
    """Whether the expected names come in this order (other stops may lie between them)."""
    rest = iter(names)
    return all(any(want in name for name in rest) for want in expected)


def _contrast(rgb: str, background: tuple[int, int, int] = (255, 255, 255)) -> float:
    def luminance(channels: tuple[int, ...]) -> float:
        linear = [
            c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted(
        (luminance(tuple(int(n) for n in re.findall(r"\d+", rgb)[:3])), luminance(background)),
        reverse=True,
    )
    return (light + 0.05) / (dark + 0.05)


def _visible_rings(focused: list[dict[str, Any]]) -> list[str]:
    """Every stop has a solid ring at least 2 px wide, 3:1 against white (WCAG 1.4.11)."""
    return [
        f"{stop['tag']} «{stop['name']}»: {stop['outline']} {stop['width']}px {stop['color']}"
        for stop in focused
        if stop["outline"] in ("none", "") or stop["width"] < 2 or _contrast(stop["color"]) < 3
    ]


def test_keyboard_reaches_the_login_form_in_order(site: str, page_at: Any) -> None:
    page = page_at(*LAPTOP)
    page.goto(f"{site}/tai-khoan/login/")

    # The name field has the focus on arrival (autofocus); Tab goes on from there.
    focused = [page.evaluate(FOCUSED)] + _tab_through(page, 4)
    names = [stop["name"] for stop in focused]

    assert _in_order(names, ["Tên đăng nhập", "Mật khẩu", "Đăng nhập"]), names
    assert _visible_rings([s for s in focused if s["tag"] != "BODY"]) == []


def test_keyboard_reaches_the_home_page_in_order(site: str, page_at: Any) -> None:
    page = page_at(*LAPTOP)
    sign_in(page, site, "th1.giaovien1")
    page.goto(f"{site}/")

    focused = _tab_through(page, 12)
    names = [stop["name"] for stop in focused]

    expected = ["Bỏ qua danh mục chức năng", "HoSo", "Đăng xuất", "Trang chủ", "Hồ sơ"]
    assert _in_order(names, expected), names
    assert _visible_rings(focused) == []
    # The skip link leads into the page: the next stop is the first task, not the menu.
    page.goto(f"{site}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert page.evaluate("document.activeElement.closest('main') !== null"), first
