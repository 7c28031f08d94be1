"""Helpers shared by the browser tests that check a page fits the screen: signing in as a demo
account, the page never scrolling sideways, and a button lying wholly inside the viewport."""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "hoso-demo-2025"

# Every link and button in a list's rows (the gradebook grid scrolls in its own box by design).
IN_ROWS = ", ".join(
    f"main table:not(.sheet-grid) td {target}"
    for target in ("a", "button", '[role="button"]', 'input[type="submit"]')
)
# Off-screen or sideways: what a phone user cannot reach without scrolling the page sideways.
MEASURE = """(selector) => {
  const outside = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // hidden (closed <details>, display:none)
    if (r.left < 0 || r.right > window.innerWidth + 0.5) {
      outside.push(`${(el.innerText || el.value || el.tagName).trim().slice(0, 40)} `
        + `[${Math.round(r.left)}..${Math.round(r.right)}]`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, outside};
}"""

# The element's box against the viewport, once scrolled to (up and down only: a page that
# needs sideways scrolling is a failure of its own).
BOX = """(el) => {
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          width: window.innerWidth, height: window.innerHeight};
}"""

# Elements whose own content spills out of their box (a button's icon wrapped below its word).
SPILLING = """(els) => els
  .filter(el => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
  .map(el => `${el.innerText.trim().slice(0, 40)} (${el.scrollWidth}×${el.scrollHeight} in `
    + `${el.clientWidth}×${el.clientHeight})`)"""


def sign_in(page: Any, site: str, username: str) -> None:
    page.goto(f"{site}/tai-khoan/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def watch(page: Any) -> list[str]:
    """The page's console errors and failed requests (a CSP violation, a 4xx/5xx), as they come."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return errors


def sideways_scroll(page: Any) -> int:
    """How many pixels the page is wider than the viewport (0 when it fits)."""
    result = page.evaluate(MEASURE, "body")
    return max(0, int(result["scroll"]) - int(result["inner"]))


def outside_viewport(locator: Any) -> str:
    """Empty when the element (a button the person is about to press) lies wholly inside the
    viewport once scrolled to; else where it lies."""
    locator.scroll_into_view_if_needed()
    box = locator.evaluate(BOX)
    inside = (
        box["left"] >= 0
        and box["right"] <= box["width"] + 0.5
        and box["top"] >= 0
        and box["bottom"] <= box["height"] + 0.5
    )
    if inside:
        return ""
    where = f"[{box['left']:.0f}..{box['right']:.0f}] × [{box['top']:.0f}..{box['bottom']:.0f}]"
    return f"{locator.inner_text().strip()[:40]!r} at {where} of {box['width']}×{box['height']}"


def spilling(page: Any, selector: str) -> list[str]:
    """The visible elements matching `selector` whose content does not fit their own box."""
    return list(page.eval_on_selector_all(selector, SPILLING))
