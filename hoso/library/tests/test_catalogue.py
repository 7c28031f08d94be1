"""Cataloguing: ISBN checked and hyphenated, copies numbered, duplicates refused whole."""

from __future__ import annotations

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.library.catalog import class_name, clean_isbn
from hoso.library.models import BibRecord, Copy, LibrarySettings
from hoso.library.services import catalogue
from hoso.library.tests.factories import BibRecordFactory, CopyFactory, library_world
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return library_world()


def test_isbn_is_validated_and_hyphenated() -> None:
    assert clean_isbn("9780306406157") == "978-0-306-40615-7"
    assert clean_isbn("0-306-40615-2") == "978-0-306-40615-7"  # ISBN-10 becomes ISBN-13
    assert clean_isbn("") == ""
    with pytest.raises(DomainError, match="không hợp lệ"):
        clean_isbn("9780306406158")  # wrong check digit


def test_classification_names_come_from_the_scheme_data() -> None:
    assert class_name("DDC", "895.922").startswith("Văn học các ngôn ngữ khác")
    assert class_name("DDC", "510") == "Toán học"
    assert class_name("DDC", "") == ""
    assert class_name("BBK19", "5A") == "Toán học"  # the longest matching symbol wins over "5"
    assert class_name("BBK19", "8(V)").startswith("Văn học")


def test_librarian_catalogues_a_book_by_isbn_with_copies(world) -> None:
    librarian = world.people["th1.thuthu"]
    th1 = world.units["th1"]
    next_number = LibrarySettings.objects.get(school=th1).next_reg_number
    record = catalogue.record_create(
        actor=librarian,
        school=th1,
        data={
            "title": "Dế Mèn phiêu lưu ký",
            "authors": "Tô Hoài",
            "isbn": "9780306406157",
            "kind": "TN",
            "class_number": "895.9223",
            "pub_year": "2020",
        },
    )
    copies = catalogue.copies_add(
        actor=librarian, record=record, items=[catalogue.NewCopy(location="Giá 1", price=45000)] * 3
    )
    assert record.isbn == "978-0-306-40615-7"
    assert "de men phieu luu ky" in record.search_text
    assert [c.reg_number for c in copies] == [next_number, next_number + 1, next_number + 2]
    assert copies[0].barcode == f"{th1.code}-{next_number:06d}"
    assert AuditEntry.objects.filter(
        action="library.copies.added", object_id=str(record.pk)
    ).exists()


def test_bad_input_is_refused_in_vietnamese_and_nothing_is_stored(world) -> None:
    librarian = world.people["th1.thuthu"]
    th1 = world.units["th1"]
    before = BibRecord.objects.count()
    with pytest.raises(DomainError, match="Thiếu nhan đề"):
        catalogue.record_create(actor=librarian, school=th1, data={"title": "  "})
    with pytest.raises(DomainError, match="Năm xuất bản"):
        catalogue.record_create(actor=librarian, school=th1, data={"title": "A", "pub_year": "abc"})
    assert BibRecord.objects.count() == before


def test_a_duplicate_barcode_refuses_the_whole_batch(world) -> None:
    librarian = world.people["th1.thuthu"]
    record = BibRecordFactory(school=world.units["th1"])
    CopyFactory(record=BibRecordFactory(school=record.school))
    taken = Copy.objects.filter(school=record.school).first()
    assert taken is not None
    settings_before = LibrarySettings.objects.get(school=record.school).next_reg_number
    with pytest.raises(Conflict, match=f"Mã vạch {taken.barcode} đã gắn"):
        catalogue.copies_add(
            actor=librarian, record=record, items=[catalogue.NewCopy(barcode=taken.barcode)]
        )
    assert record.copies.count() == 0
    assert LibrarySettings.objects.get(school=record.school).next_reg_number == settings_before


def test_only_the_schools_librarian_catalogues(world) -> None:
    th1 = world.units["th1"]
    before = BibRecord.objects.count()
    for username in ("th1.giaovien1", "th1.hieutruong", "thcs1.hieutruong", "so.chuyenvien"):
        with pytest.raises(NotAllowed):
            catalogue.record_create(actor=world.people[username], school=th1, data={"title": "X"})
    assert BibRecord.objects.count() == before


def test_catalogue_page_searches_without_accents(world) -> None:
    th1 = world.units["th1"]
    BibRecordFactory(school=th1, kind="SGK", title="Tiếng Việt 1 - Tập 1", authors="Bùi Mạnh Hùng")
    client = login(world.people["th1.thuthu"])
    response = client.get(f"/thu-vien/{th1.pk}/muc-luc/?q=tieng viet 1")
    assert response.status_code == 200
    assert "Tiếng Việt 1 - Tập 1" in response.content.decode()


def test_record_form_creates_and_redirects(world) -> None:
    th1 = world.units["th1"]
    response = login(world.people["th1.thuthu"]).post(
        f"/thu-vien/{th1.pk}/bien-muc/",
        {
            "title": "Tuyển tập truyện ngắn",
            "isbn": "978-0-306-40615-7",
            "kind": "STK",
            "count": "2",
        },
    )
    assert response.status_code == 302
    record = BibRecord.objects.get(title="Tuyển tập truyện ngắn")
    assert record.copies.count() == 2
    bad = login(world.people["th1.thuthu"]).post(
        f"/thu-vien/{th1.pk}/bien-muc/", {"title": "Sách lỗi", "isbn": "123"}
    )
    assert bad.status_code == 400
    assert "ISBN “123” không hợp lệ" in bad.content.decode()
    assert not BibRecord.objects.filter(title="Sách lỗi").exists()
