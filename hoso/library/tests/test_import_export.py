"""MARC 21 (ISO 2709, MARCXML) and Excel: import all or nothing, export round trip."""

from __future__ import annotations

import io

import pymarc
import pytest
from openpyxl import Workbook, load_workbook

from hoso.core.errors import DomainError
from hoso.library import excel, marc
from hoso.library.models import BibRecord, Copy
from hoso.library.services import imports
from hoso.library.tests.factories import library_world, school_library
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    """th1's library with a few titles, copies and readers already in it."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    world = library_world()
    school_library(world, "th1")
    return world


def _marc(title: str, isbn: str = "", barcode: str = "", ddc: str = "") -> pymarc.Record:
    record = pymarc.Record(force_utf8=True)
    if isbn:
        record.add_field(marc._field("020", "  ", ("a", isbn)))
    if ddc:
        record.add_field(marc._field("082", "04", ("a", ddc)))
    record.add_field(marc._field("100", "1 ", ("a", "Tô Hoài")))
    record.add_field(marc._field("245", "10", ("a", title)))
    record.add_field(marc._field("260", "  ", ("a", "Hà Nội"), ("b", "Kim Đồng"), ("c", "2019.")))
    if barcode:
        record.add_field(marc._field("952", "  ", ("p", barcode), ("c", "Giá 2"), ("g", "52.000")))
    return record


def test_iso2709_import_creates_titles_and_copies(world) -> None:
    data = _marc("Dế Mèn phiêu lưu ký", "9780306406157", "DM-0001", "895.9223").as_marc()
    data += _marc("Vừ A Dính").as_marc()
    result = imports.marc_import(
        actor=world.people["th1.thuthu"], school=world.units["th1"], data=data
    )
    assert (result.records, result.copies) == (2, 1)
    record = BibRecord.objects.get(school=world.units["th1"], isbn="978-0-306-40615-7")
    assert (record.isbn, record.publisher, record.pub_year) == (
        "978-0-306-40615-7",
        "Kim Đồng",
        2019,
    )
    copy = Copy.objects.get(record=record)
    assert (copy.barcode, copy.location, copy.price) == ("DM-0001", "Giá 2", 52000)


def test_marcxml_import_and_export_round_trip(world) -> None:
    th1 = world.units["th1"]
    out = io.BytesIO()
    writer = pymarc.XMLWriter(out)
    writer.write(_marc("Tuyển tập Nguyễn Nhật Ánh", barcode="NNA-1"))
    writer.close(close_fh=False)
    imports.marc_import(actor=world.people["th1.thuthu"], school=th1, data=out.getvalue())
    exported = marc.export_iso2709(th1)
    titles = [r.title for r in pymarc.MARCReader(io.BytesIO(exported), to_unicode=True)]
    assert "Tuyển tập Nguyễn Nhật Ánh" in titles
    assert len(titles) == BibRecord.objects.filter(school=th1).count()
    assert b"NNA-1" in marc.export_marcxml(th1)


def test_a_malformed_marc_file_stores_nothing(world) -> None:
    th1 = world.units["th1"]
    before = (BibRecord.objects.count(), Copy.objects.count())
    good = _marc("Sách tốt", barcode="OK-1").as_marc()
    with pytest.raises(DomainError, match="bị hỏng"):
        imports.marc_import(
            actor=world.people["th1.thuthu"], school=th1, data=good + b"12345xyz\x1d"
        )
    with pytest.raises(DomainError, match="1 biểu ghi có lỗi") as caught:
        imports.marc_import(
            actor=world.people["th1.thuthu"],
            school=th1,
            data=good + _marc("Sai ISBN", "9780306406158").as_marc(),
        )
    assert "Biểu ghi 2: ISBN" in caught.value.fields["records"][0]
    with pytest.raises(DomainError, match="MARCXML không đọc được"):
        imports.marc_import(actor=world.people["th1.thuthu"], school=th1, data=b"<record><oops>")
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><collection>&a;</collection>'
    with pytest.raises(DomainError, match="MARCXML không đọc được"):
        imports.marc_import(actor=world.people["th1.thuthu"], school=th1, data=evil)
    assert (BibRecord.objects.count(), Copy.objects.count()) == before


def _sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Nhan đề", "Tác giả", "ISBN", "Loại", "Số bản", "Giá (đồng)", "Mã vạch"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_import_all_or_nothing_with_row_errors(world) -> None:
    th1 = world.units["th1"]
    before = BibRecord.objects.count()
    bad = _sheet(
        [
            ["Sách A", "X", "", "Sách tham khảo", 2, 10000, ""],
            ["", "Y", "", "", 1, 0, ""],
            ["Sách C", "", "12", "Loại lạ", 1, 0, ""],
        ]
    )
    with pytest.raises(DomainError, match="2 dòng có lỗi") as caught:
        imports.excel_import(actor=world.people["th1.thuthu"], school=th1, data=bad)
    assert caught.value.fields["rows"][0] == "Dòng 3: Thiếu nhan đề."
    assert caught.value.fields["rows"][1].startswith("Dòng 4: loại “Loại lạ”")
    assert BibRecord.objects.count() == before
    good = _sheet(
        [
            ["Sách A", "X", "", "Sách tham khảo", 2, 10000, ""],
            ["Sách B", "Y", "978-0-306-40615-7", "SGK", 1, 0, "XB-1"],
        ]
    )
    result = imports.excel_import(actor=world.people["th1.thuthu"], school=th1, data=good)
    assert (result.records, result.copies) == (2, 3)
    assert Copy.objects.get(barcode="XB-1").record.title == "Sách B"
    sheet = load_workbook(io.BytesIO(excel.excel_export(th1))).active
    assert sheet.max_row == Copy.objects.filter(school=th1).count() + 1


def test_excel_import_refuses_a_taken_barcode(world) -> None:
    th1 = world.units["th1"]
    taken = Copy.objects.filter(school=th1).first().barcode
    before = BibRecord.objects.count()
    with pytest.raises(DomainError, match=f"Mã vạch {taken} đã có"):
        imports.excel_import(
            actor=world.people["th1.thuthu"],
            school=th1,
            data=_sheet([["Sách", "", "", "", 1, 0, taken]]),
        )
    assert BibRecord.objects.count() == before


def test_import_page_and_downloads(world) -> None:
    from django.contrib.messages import get_messages
    from django.core.files.uploadedfile import SimpleUploadedFile

    th1 = world.units["th1"]
    client = login(world.people["th1.thuthu"])
    upload = SimpleUploadedFile("a.mrc", _marc("Cho tôi xin một vé đi tuổi thơ").as_marc())
    response = client.post(f"/thu-vien/{th1.pk}/nhap-xuat/", {"format": "marc", "file": upload})
    assert response.status_code == 302
    assert BibRecord.objects.filter(title="Cho tôi xin một vé đi tuổi thơ").exists()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == ["Đã nhập 1 đầu sách, 0 bản sách."]
    cards = client.get(f"/thu-vien/{th1.pk}/the-ban-doc.pdf")
    assert cards["Content-Type"] == "application/pdf" and cards.content.startswith(b"%PDF")
    assert client.get(f"/thu-vien/{th1.pk}/xuat.pdf").status_code == 404
