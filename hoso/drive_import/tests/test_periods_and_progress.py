"""The batch page's period select (the school year's periods by their Vietnamese labels, the
chosen type's only, a period the file's type and year lack refused) and its progress (the
header's status follows the run, the summary says "imported" once, the page reloads when
the run is over)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError
from hoso.drive_import.models import BatchStatus, ImportBatch, ImportItem
from hoso.drive_import.services.batches import (
    batch_confirm,
    batch_run,
    batch_scan,
    batch_upload,
    items_correct,
)
from hoso.drive_import.tests.factories import LAN, TAKEOUT_FILES, DriveWorld, drive_world, make_zip
from hoso.org.models import SchoolYear
from hoso.records.models import RecordType
from tests.factories import login
from tests.security.test_vietnamese_pages import problems_in

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

LAN5 = f"Hồ sơ/Tổ 1/{LAN}/Năm học 2024 - 2025/Kế hoạch bài dạy/Tuần 05/KHBD Toán tuần 5.pdf"


@pytest.fixture
def dw(settings: Any) -> DriveWorld:
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return drive_world("dp")


def _batch(dw: DriveWorld) -> ImportBatch:
    batch = batch_upload(
        actor=dw.clerk,
        school=dw.school,
        stream=io.BytesIO(make_zip(TAKEOUT_FILES)),
        filename="takeout.zip",
    )
    batch_scan(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def _lan5(batch: ImportBatch) -> ImportItem:
    return batch.items.get(shown_path=LAN5)


def _options(html: str) -> list[str]:
    """The period select's options as the page shows them."""
    start = html.index('<select name="period_key">')
    select = html[start : html.index("</select>", start)]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in select.split("<option ")[2:]]


def test_the_period_is_chosen_from_the_years_periods_by_their_labels(dw: DriveWorld) -> None:
    batch = _batch(dw)
    client = login(dw.clerk)
    html = client.get(reverse("drive_import:batch", args=[batch.pk])).content.decode()
    options = _options(html)  # the year of the batch's files: 2024-2025
    assert "Kỳ (của năm học 2024-2025)" in html
    assert options[:4] == ["Cả năm học 2024-2025", "Học kỳ I", "Học kỳ II", "Tháng 09/2024"]
    assert "Tuần 5 (30/09–06/10/2024)" in options
    assert 'name="period_key" maxlength' not in html  # no code typed by hand any more

    weekly = RecordType.objects.get(code="TT28.KHBD")
    current = SchoolYear.objects.get(name="2025-2026")
    url = reverse("drive_import:batch-periods", args=[batch.pk])
    fragment = client.get(url, {"record_type": weekly.pk, "school_year": current.pk})
    weeks = _options(fragment.content.decode())
    assert "Kỳ (của năm học 2025-2026)" in fragment.content.decode()
    assert weeks[0] == "Tuần 1 (01/09–07/09/2025)" and "Tuần 39 (25/05–31/05/2026)" in weeks
    assert all(label.startswith("Tuần ") for label in weeks)  # a weekly type: weeks only
    assert problems_in(fragment.content.decode()) == []  # no bare period code shown


def test_a_chosen_period_is_kept_by_its_key(dw: DriveWorld) -> None:
    batch = _batch(dw)
    item = _lan5(batch)
    items_correct(actor=dw.clerk, batch=batch, changes={"period_key": "W07"}, item_ids=[item.pk])
    item.refresh_from_db()
    assert (item.period_key, item.corrected) == ("W07", True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period_key": "HK3"}, "Kỳ đã chọn không hợp lệ: hãy chọn một kỳ trong danh sách."),
        (
            {"period_key": "W45"},  # 2024-2025 has 40 weeks
            f"Tệp “{LAN5}”: loại hồ sơ “Kế hoạch bài dạy” không có kỳ đã chọn trong năm học "
            "2024-2025.",
        ),
        (
            {"period_key": "HK2"},  # a lesson plan is weekly
            f"Tệp “{LAN5}”: loại hồ sơ “Kế hoạch bài dạy” không có kỳ đã chọn trong năm học "
            "2024-2025.",
        ),
    ],
)
def test_a_period_the_files_type_and_year_lack_is_refused_and_nothing_changes(
    dw: DriveWorld, changes: dict[str, str], message: str
) -> None:
    batch = _batch(dw)
    item = _lan5(batch)
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        items_correct(actor=dw.clerk, batch=batch, changes=changes, item_ids=[item.pk])
    assert refused.value.message == message
    item.refresh_from_db()
    assert (item.period_key, item.corrected) == ("W05", False)
    assert AuditEntry.objects.count() == audits


def test_the_page_refuses_a_period_of_another_kind_with_the_reason(dw: DriveWorld) -> None:
    batch = _batch(dw)
    item = _lan5(batch)
    answer = login(dw.clerk).post(
        reverse("drive_import:batch", args=[batch.pk]),
        {"action": "correct", "item": [item.pk], "period_key": "NAM"},
    )
    assert answer.status_code == 400
    assert "không có kỳ đã chọn trong năm học 2024-2025" in answer.content.decode()
    item.refresh_from_db()
    assert item.period_key == "W05"


def _progress(client: Any, batch: ImportBatch) -> Any:
    url = reverse("drive_import:batch-progress", args=[batch.pk])
    return client.get(url, headers={"HX-Request": "true"})


def test_the_header_and_the_progress_follow_the_run_and_say_it_once(dw: DriveWorld) -> None:
    batch = _batch(dw)
    batch_confirm(actor=dw.clerk, batch=batch)
    client = login(dw.clerk)
    waiting = _progress(client, batch)
    text = waiting.content.decode()
    assert '<span id="batch-status" hx-swap-oob="true">Chờ nhập</span>' in text
    assert "Chờ nhập 4 tệp." in text and "HX-Refresh" not in waiting

    batch_run(batch_id=batch.pk)
    done = _progress(client, batch)
    text = done.content.decode()
    assert done["HX-Refresh"] == "true"  # the page reloads: the tree shows each file's outcome
    assert '<span id="batch-status" hx-swap-oob="true">Đã nhập xong</span>' in text
    assert "Đã nhập xong 4/4 tệp." in text and "đã nhập 4/4" not in text
    page = client.get(reverse("drive_import:batch", args=[batch.pk])).content.decode()
    assert '<span id="batch-status">Đã nhập xong</span>' in page
    assert "Đã nhập xong 4/4 tệp." in page and "hx-trigger" not in page.split("batch-progress")[1]
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE
