"""The upload page: the period is chosen from the record type's periods (the one owed next
chosen), the file picker speaks Vietnamese, and a period from outside the list is refused."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.grading.models import Homeroom
from hoso.records.models import DueItem, Record, RecordVersion
from hoso.records.tests.helpers import pdf
from hoso.storage import blob_store
from tests.factories import World, due_items, login, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """A primary school whose due items are made as the nightly run makes them."""
    world = school_world("uf")
    due_items(world)
    return world


@pytest.fixture
def teacher(world: World) -> Any:
    """giaovien2 of Tổ 1, owing this year's lesson plans."""
    return world.people["giaovien2"]


def _file(name: str = "bai-day.pdf") -> io.BytesIO:
    stream = io.BytesIO(pdf())
    stream.name = name
    return stream


def _period_select(html: str) -> str:
    found = re.search(r'<select name="period".*?</select>', html, re.S)
    assert found, "no period select"
    return found.group(0)


def test_the_page_offers_the_periods_of_the_type_in_words_and_a_vietnamese_file_picker(
    teacher: Any,
) -> None:
    html = login(teacher).get("/ho-so/tai-len/?loai=TT28.KHBD").content.decode()
    select = _period_select(html)
    options = re.findall(r'<option value="(W\d\d)"( selected)?>([^<]*)</option>', select)
    assert len(options) == 39
    words = [(key, text.split(" — ")[0]) for key, _, text in options]
    assert ("W39", "Tuần 39 (25/05–31/05/2026)") in words
    assert 'type="text" name="period"' not in html  # no free text any more
    # the picker: a Vietnamese face over the real input, which its label names
    assert "Chọn tệp…" in html and "Chưa chọn tệp" in html
    assert (
        '<label for="tep-file" id="tep-file-nhan" class="filepick-title">Tệp hồ sơ</label>' in html
    )
    assert re.search(r'<input type="file" id="tep-file" name="file" class="visually-hidden"', html)
    assert 'aria-labelledby="tep-file-nhan"' in html


def test_the_period_owed_next_is_chosen(teacher: Any) -> None:
    # Given a late lesson plan of week 20 whose deadline was extended to the day after tomorrow
    DueItem.objects.filter(owner=teacher, record_type__code="TT28.KHBD", period_key="W20").update(
        effective_due_at=timezone.now() + dt.timedelta(days=2), submitted_at=None
    )
    # When the teacher opens the upload page, then week 20 is chosen and listed first
    html = login(teacher).get("/ho-so/tai-len/?loai=TT28.KHBD").content.decode()
    select = _period_select(html)
    assert re.findall(r'<option value="([^"]+)" selected>', select) == ["W20"]
    first = re.findall(r'<option value="(W\d\d)"', select)[:3]
    assert first == ["W20", "W38", "W39"]


def test_a_due_items_link_chooses_its_period(teacher: Any) -> None:
    html = login(teacher).get("/ho-so/tai-len/?loai=TT28.KHBD&ky=W05").content
    select = _period_select(html.decode())
    assert re.findall(r'<option value="([^"]+)" selected>', select) == ["W05"]


def test_a_term_type_offers_its_terms_through_the_period_field(world: World) -> None:
    # Given giaovien, the GVCN of Lớp 1A: a homeroom book's keeper
    gvcn = world.people["giaovien"]
    Homeroom.objects.create(teacher=gvcn, school_class=world.units["lop"], school_year=world.year)
    client = login(gvcn)
    response = client.get("/ho-so/tai-len/ky/", {"record_type": "TT28.SCN"})
    assert response.status_code == 200
    labels = re.findall(r'<option value="(HK\d)"[^>]*>([^<]*)</option>', response.content.decode())
    assert [(key, text.split(" — ")[0]) for key, text in labels] == [
        ("HK1", "Học kỳ I"),
        ("HK2", "Học kỳ II"),
    ]
    assert client.get("/ho-so/tai-len/ky/", {"record_type": "NOPE"}).status_code == 404


def test_a_period_outside_the_list_is_refused_in_vietnamese_and_nothing_is_saved(
    teacher: Any,
) -> None:
    client = login(teacher)  # signing in is audited: count after it
    before = (Record.objects.count(), RecordVersion.objects.count(), AuditEntry.objects.count())
    blobs = sum(1 for _ in blob_store().iter_all())
    response = client.post(
        "/ho-so/tai-len/",
        {"record_type": "TT28.KHBD", "period": "HK1", "file": _file()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kỳ “HK1” không có trong năm học 2025-2026" in html
    assert "Hãy chọn kỳ trong danh sách." in html
    assert _period_select(html)  # the form comes back with the list
    after = (Record.objects.count(), RecordVersion.objects.count(), AuditEntry.objects.count())
    assert after == before
    assert sum(1 for _ in blob_store().iter_all()) == blobs


def test_the_chosen_period_is_the_records_and_the_record_page_names_it(teacher: Any) -> None:
    client = login(teacher)
    response = client.post(
        "/ho-so/tai-len/", {"record_type": "TT28.KHBD", "period": "W39", "file": _file()}
    )
    assert response.status_code == 302
    record = Record.objects.get(owner=teacher, period_key="W39")
    page = client.get(f"/ho-so/{record.pk}/").content.decode()
    assert "Tuần 39 (25/05–31/05/2026)" in page
    assert "kỳ W39" not in page


def test_every_file_input_of_these_pages_wears_the_vietnamese_picker(teacher: Any) -> None:
    client = login(teacher)
    for url in ("/ho-so/", "/ho-so/tai-len/", "/ky-so/kiem-tra/", "/ky-so/chung-thu/"):
        html = client.get(url).content.decode()
        inputs = re.findall(r'<input type="file"[^>]*>', html)
        assert inputs, url
        assert all('class="visually-hidden"' in i and "aria-labelledby" in i for i in inputs), url
        ids = re.findall(r'<input type="file" id="([^"]+)"', html)
        assert len(ids) == len(set(ids)), url  # each label points at its own input
        assert html.count("Chọn tệp…") == len(inputs), url
