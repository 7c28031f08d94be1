"""The core flow in the browser, on a phone (390×844) and on a laptop (1366×768) (issue 16):
a teacher uploads a due lesson plan and submits it (Ký và trình); the tổ trưởng returns it with
a comment; the teacher reads the reason at the top of the record page, uploads a new version
and submits again; the tổ trưởng approves it with "Ký duyệt"; then the principal signs several
waiting records at once in "Chờ ký". Every step is driven through the pages only; at each one
the page must not scroll sideways, the buttons pressed must lie inside the viewport, and a
full-page screenshot `<width>-<nn>-<step>.png` goes to HOSO_SCREENSHOT_DIR (CI keeps them).

Needs the demo province: a live server on the demo (tests/browser/snapshot.py restores it after
each test empties the database), th1's teacher, tổ trưởng and principal with the demo PKI, and
the demo's records waiting for the principal's signature."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hoso.records.models import Record, RecordState
from hoso.records.pdfmaker import simple_pdf
from hoso.signing.models import SignatureRecord
from tests.browser.layout import (
    DEMO_PASSWORD,
    outside_viewport,
    sideways_scroll,
    sign_in,
    spilling,
    watch,
)

pytestmark = pytest.mark.browser

SIZES = [(390, 844), (1366, 768)]
TEACHER, LEADER, PRINCIPAL = "th1.giaovien2", "th1.totruong", "th1.hieutruong"
REASON = "Thiếu phần mục tiêu bài học; bổ sung mục tiêu về năng lực rồi trình lại."
PASSPHRASE_LABEL = "Mật khẩu chứng thư số (hoặc mã PIN)"
BATCH = 3  # records the principal signs in one go
# Pixels between a card's border and the nearest of its parts (title, dates, form, link).
NARROWEST_MARGIN = """(card) => {
  const box = card.getBoundingClientRect(), style = getComputedStyle(card);
  const left = box.left + parseFloat(style.borderLeftWidth);
  const right = box.right - parseFloat(style.borderRightWidth);
  const parts = [...card.children].map(part => part.getBoundingClientRect());
  return Math.min(...parts.map(r => Math.min(r.left - left, right - r.right)));
}"""


@dataclass
class Walk:
    """The pages of one run at one screen size: where screenshots go and what went wrong."""

    site: str
    page_at: Any
    width: int
    height: int
    shots: Path
    watched: list[list[str]] = field(default_factory=list)  # each page's, filled as it runs
    taken: int = 0

    def open_as(self, username: str) -> Any:
        page = self.page_at(self.width, self.height)
        self.watched.append(watch(page))
        sign_in(page, self.site, username)
        return page

    @property
    def errors(self) -> list[str]:
        """Console errors and failed requests of every page so far."""
        return [error for errors in self.watched for error in errors]

    def check(self, page: Any, step: str) -> None:
        """The page fits the screen; keep its picture."""
        page.wait_for_load_state("networkidle")
        self.taken += 1
        name = f"{self.width}-{self.taken:02d}-{step}.png"
        page.screenshot(path=str(self.shots / name), full_page=True)
        assert sideways_scroll(page) == 0, f"{name}: the page scrolls sideways"

    def press(self, button: Any) -> None:
        """Press a button the person can see whole, without scrolling sideways."""
        assert outside_viewport(button) == "", f"@{self.width}: {outside_viewport(button)}"
        button.click()


def _main(page: Any) -> str:
    return str(page.locator("main").inner_text())


def _pdf(path: Path, title: str, lines: list[str]) -> str:
    path.write_bytes(simple_pdf(title, lines))
    return str(path)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["phone", "laptop"])
def test_core_flow_and_batch_signing(
    site: str, page_at: Any, screenshot_dir: Path, tmp_path: Path, width: int, height: int
) -> None:
    walk = Walk(site, page_at, width, height, screenshot_dir)
    teacher = walk.open_as(TEACHER)
    record = _teacher_uploads_and_submits(walk, teacher, tmp_path)

    leader = walk.open_as(LEADER)
    _leader_returns_with_comment(walk, leader, record)

    _teacher_reads_reason_and_resubmits(walk, teacher, record, tmp_path)

    _leader_signs_approval(walk, leader, record)

    principal = walk.open_as(PRINCIPAL)
    _principal_signs_a_batch(walk, principal)
    assert walk.errors == [], walk.errors  # no CSP violation, no failed request


def _teacher_uploads_and_submits(walk: Walk, page: Any, tmp_path: Path) -> Record:
    page.goto(f"{walk.site}/ho-so/")
    due = page.locator("li.task").first
    code = due.locator("input[name=record_type]").input_value()
    period = due.locator("input[name=period]").input_value()
    assert "Cần nộp tuần này" in _main(page)
    assert due.evaluate(NARROWEST_MARGIN) >= 8, "the due item's parts touch its card's edges"
    other_way = due.get_by_role("link", name="Mở trang tải lên (đặt tiêu đề)")
    assert "underline" in other_way.evaluate("a => getComputedStyle(a).textDecorationLine")
    walk.check(page, "ho-so-cua-toi")

    due.get_by_label("Tệp hồ sơ").set_input_files(
        _pdf(tmp_path / "ke-hoach-v1.pdf", "Kế hoạch bài dạy", ["Môn Toán", "Phép cộng"])
    )
    walk.press(due.get_by_role("button", name="Tải lên"))
    page.wait_for_load_state("networkidle")
    record = Record.objects.get(owner__username=TEACHER, record_type__code=code, period_key=period)
    assert page.url == f"{walk.site}/ho-so/{record.pk}/"
    assert "Đã tải lên. Kiểm tra lại rồi bấm “Ký và trình”." in _main(page)
    assert page.locator("h1").inner_text() == record.title
    assert page.locator("main .chip").first.inner_text() == "Bản nháp"
    walk.check(page, "da-tai-len")

    page.get_by_label(PASSPHRASE_LABEL).fill(DEMO_PASSWORD)
    walk.press(page.get_by_role("button", name="Ký và trình"))
    page.wait_for_load_state("networkidle")
    assert "Đã ký số và trình duyệt." in _main(page)
    assert page.locator("main .chip").first.inner_text() == "Đã trình duyệt"
    assert "Đang chờ: Ký duyệt" in page.get_by_test_id("pending-step").inner_text()
    assert page.locator("#thao-tac").count() == 0  # nothing left to do: no empty section
    walk.check(page, "da-trinh")
    record.refresh_from_db()
    assert record.state == RecordState.SUBMITTED
    return record


def _open_from_review_queue(walk: Walk, page: Any, record: Record, step: str) -> None:
    page.goto(f"{walk.site}/ho-so/cho-duyet/")
    link = page.locator("main").get_by_role("link", name=record.title)
    assert link.count() == 1
    walk.check(page, step)
    walk.press(link)
    page.wait_for_load_state("networkidle")
    assert page.url == f"{walk.site}/ho-so/{record.pk}/"


def _leader_returns_with_comment(walk: Walk, page: Any, record: Record) -> None:
    _open_from_review_queue(walk, page, record, "cho-duyet")
    page.get_by_label("Góp ý (bắt buộc khi trả lại)").fill(REASON)
    walk.check(page, "tra-lai-nhap-gop-y")
    walk.press(page.get_by_role("button", name="Trả lại"))
    page.wait_for_load_state("networkidle")
    assert "Đã trả lại hồ sơ kèm góp ý." in _main(page)
    assert page.locator("main .chip").first.inner_text() == "Bị trả lại"
    walk.check(page, "da-tra-lai")
    record.refresh_from_db()
    assert record.state == RecordState.RETURNED


def _teacher_reads_reason_and_resubmits(
    walk: Walk, page: Any, record: Record, tmp_path: Path
) -> None:
    page.goto(f"{walk.site}/ho-so/")
    returned = page.locator("section[aria-labelledby=tra-lai]")
    assert returned.get_by_role("heading").inner_text() == "Bị trả lại, cần sửa"
    walk.check(page, "bi-tra-lai")
    walk.press(returned.get_by_role("link", name=record.title))
    page.wait_for_load_state("networkidle")

    # The reason is the first thing under the title, on the first screen, before any action.
    note = page.get_by_test_id("return-note")
    page.evaluate("window.scrollTo(0, 0)")
    box = note.bounding_box()
    assert box is not None and box["y"] + box["height"] <= walk.height, box
    assert note.evaluate("n => n.previousElementSibling.previousElementSibling.tagName") == "H1"
    text = note.inner_text()
    assert "Hồ sơ bị trả lại bởi" in text and REASON in text
    assert "Sửa theo góp ý (tải lên phiên bản mới nếu cần) rồi bấm «Ký và trình»." in text
    walk.check(page, "ly-do-tra-lai")

    page.get_by_label("Tải lên phiên bản mới").set_input_files(
        _pdf(tmp_path / "ke-hoach-v2.pdf", "Kế hoạch bài dạy", ["Mục tiêu: năng lực tính toán"])
    )
    actions = page.locator("section[aria-labelledby=thao-tac]")
    walk.press(actions.get_by_role("button", name="Tải lên", exact=True))
    page.wait_for_load_state("networkidle")
    assert "Đã tải lên phiên bản mới." in _main(page)
    versions = page.locator("section[aria-labelledby=phien-ban] article header strong")
    assert versions.all_inner_texts()[:2] == ["Phiên bản 2", "Phiên bản 1"]
    walk.check(page, "phien-ban-moi")

    page.get_by_label(PASSPHRASE_LABEL).fill(DEMO_PASSWORD)
    walk.press(page.get_by_role("button", name="Ký và trình"))
    page.wait_for_load_state("networkidle")
    assert "Đã ký số và trình duyệt." in _main(page)
    assert page.get_by_test_id("return-note").count() == 0
    assert page.locator("main .chip").first.inner_text() == "Đã trình duyệt"
    walk.check(page, "trinh-lai")
    record.refresh_from_db()
    assert record.state == RecordState.SUBMITTED


def _leader_signs_approval(walk: Walk, page: Any, record: Record) -> None:
    _open_from_review_queue(walk, page, record, "cho-duyet-lan-2")
    page.get_by_label(PASSPHRASE_LABEL).fill(DEMO_PASSWORD)
    walk.check(page, "ky-duyet")
    walk.press(page.get_by_role("button", name="Ký duyệt"))
    page.wait_for_load_state("networkidle")
    assert "Đã ký số hồ sơ." in _main(page)
    assert page.locator("main .chip").first.inner_text() == "Đã ban hành"
    assert page.locator("#thao-tac").count() == 0  # the tổ trưởng has nothing left to do
    walk.check(page, "da-ky-duyet")
    record.refresh_from_db()
    assert record.state == RecordState.ISSUED
    signed = SignatureRecord.objects.filter(version__record=record).order_by("signed_at")
    assert [(s.version.number, s.signer.username) for s in signed] == [
        (1, TEACHER),
        (2, TEACHER),
        (2, LEADER),
    ]


def _principal_signs_a_batch(walk: Walk, page: Any) -> None:
    page.goto(f"{walk.site}/ky-so/cho-ky/")
    rows = page.locator("main table tbody tr")
    waiting = rows.count()
    assert waiting > BATCH
    assert f"{waiting} hồ sơ." in _main(page)
    # Each row's "Ký" button holds its arrow (it once wrapped below the word, cut by the edge).
    assert spilling(page, "main details.sign-dialog > summary") == []
    chosen = [rows.nth(i).get_attribute("id").removeprefix("ho-so-") for i in range(BATCH)]
    records = Record.objects.select_related("owner").filter(pk__in=[int(pk) for pk in chosen])
    # A week's lesson plans share a title: each line names the author too.
    named = sorted(f"{r.title} (người lập: {r.owner.first_name}): Đã ký" for r in records)
    for pk in chosen:
        box = page.locator(f"#ho-so-{pk} input[name=records]")
        assert outside_viewport(box) == "", f"@{walk.width}: {outside_viewport(box)}"
        box.check()
    page.get_by_label("Mật khẩu chứng thư số (nhập một lần)").fill(DEMO_PASSWORD)
    walk.check(page, "cho-ky-da-chon")
    walk.press(page.get_by_role("button", name="Ký các hồ sơ đã chọn", exact=True))

    summary = page.get_by_test_id("batch-summary")
    summary.get_by_text(f"Xong: đã ký {BATCH}/{BATCH}.").wait_for(timeout=60_000)
    assert page.locator("h1").inner_text() == "Ký hàng loạt"
    lines = page.locator("#batch-progress li").all_inner_texts()
    assert sorted(lines) == named
    walk.check(page, "ky-hang-loat-xong")

    walk.press(page.get_by_role("link", name="Quay lại danh sách chờ ký"))
    page.wait_for_load_state("networkidle")
    assert f"{waiting - BATCH} hồ sơ." in _main(page)
    for pk in chosen:
        assert page.locator(f"#ho-so-{pk}").count() == 0
    walk.check(page, "cho-ky-con-lai")
    signed = SignatureRecord.objects.filter(
        version__record_id__in=[int(pk) for pk in chosen], signer__username=PRINCIPAL
    )
    assert signed.count() == BATCH
