"""While a version's PDF / OCR is being made, the record page says so and polls its own
progress block (htmx, no inline script) until the work is done or has failed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache

from hoso.conversion import ConversionFailed
from hoso.conversion.tests.samples import docx
from hoso.records.models import RecordVersion
from hoso.records.selectors import RUNNING_KEY, is_rendering
from hoso.records.services.renditions import version_render
from hoso.records.tests.helpers import upload
from tests.factories import World, login, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]
POLL = re.compile(r'hx-get="/ho-so/(\d+)/phien-ban/1/tien-do/" hx-trigger="every 3s"')


@pytest.fixture
def world(settings: Any) -> World:
    """giaovien2 of the school's Tổ 1 (the author), and people who must not see their draft."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the principal's pages without a phone at hand
    return province_world("rp")


def _pending_docx(world: World) -> RecordVersion:
    """Uploaded, its rendition task not run yet (tasks run after commit, never here)."""
    data = docx(["Kế hoạch bài dạy môn Toán", "Bài 3: Phép cộng"])
    return upload(world.people["giaovien2"], period="W27", data=data, name="khbd.docx")


def test_the_record_page_shows_a_waiting_conversion_and_polls(world: World) -> None:
    version = _pending_docx(world)
    assert version.rendition_status == "pending"

    page = login(world.people["giaovien2"]).get(f"/ho-so/{version.record_id}/").content.decode()

    assert [int(pk) for pk in POLL.findall(page)] == [version.record_id]
    assert "Đang chờ đến lượt" in page
    assert "Đang chuyển sang PDF…" in page
    assert "<progress" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script: the CSP forbids it"
    assert " onclick=" not in page and " onload=" not in page


def test_the_progress_block_says_running_then_stops_polling_when_done(
    world: World, monkeypatch: Any
) -> None:
    version = _pending_docx(world)
    client = login(world.people["giaovien2"])
    url = f"/ho-so/{version.record_id}/phien-ban/1/tien-do/"
    seen: list[str] = []

    def office_to_pdf(source: Any, target: Any, *, kind: Any) -> Any:
        # What the page shows while the worker is converting.
        assert is_rendering(version.pk)
        seen.append(client.get(url).content.decode())
        raise ConversionFailed("Tệp Word bị hỏng, không mở được.")

    monkeypatch.setattr("hoso.records.services.renditions.office_to_pdf", office_to_pdf)
    version_render(version_id=version.pk, index=False)

    assert "Đang xử lý" in seen[0] and "Đang chuyển sang PDF…" in seen[0]
    assert POLL.search(seen[0])
    assert not is_rendering(version.pk)
    after = client.get(url)
    body = after.content.decode()
    assert after.status_code == 200
    assert not POLL.search(body) and "hx-trigger" not in body and "<progress" not in body
    assert "Tệp Word bị hỏng, không mở được." in body
    assert "Tải tệp gốc" in body


def test_a_finished_pdf_shows_its_preview_without_polling(world: World) -> None:
    version = upload(world.people["giaovien2"], period="W28")
    cache.set(RUNNING_KEY.format(version.pk), 1)
    client = login(world.people["giaovien2"])
    url = f"/ho-so/{version.record_id}/phien-ban/1/tien-do/"
    assert "Đang tạo ảnh xem trước" in client.get(url).content.decode()
    cache.delete(RUNNING_KEY.format(version.pk))

    version_render(version_id=version.pk, index=False)

    body = client.get(url).content.decode()
    assert "hx-trigger" not in body
    assert f"/ho-so/{version.record_id}/phien-ban/1/preview/" in body
    assert "Xem PDF" in body


@pytest.mark.parametrize("who", ["school2.hieutruong", "giaovien", "chuyenvien2"])
def test_others_cannot_see_the_progress_of_a_draft(world: World, who: str) -> None:
    version = _pending_docx(world)
    url = f"/ho-so/{version.record_id}/phien-ban/1/tien-do/"
    assert login(world.people[who]).get(url).status_code == 404
    author = login(world.people["giaovien2"])
    assert author.get("/ho-so/999999999/phien-ban/1/tien-do/").status_code == 404
