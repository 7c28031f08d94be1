"""Series (tùng thư / bộ sách): found without accents in a school's OPAC and in the union
catalogue, carried by MARC 490 and the Excel "Bộ sách" column, refused when over-long."""

from __future__ import annotations

import io

import pymarc
import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from hoso.core.errors import DomainError
from hoso.library import excel, marc, selectors
from hoso.library.models import BibRecord, Copy
from hoso.library.search_index import union_search
from hoso.library.services import catalogue, imports
from hoso.library.tests.factories import BibRecordFactory, library_world
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return library_world()


TOO_LONG = "Cánh diều " * 20 + "x"  # 201 characters
TOO_LONG_MESSAGE = "Tùng thư / bộ sách dài quá 200 ký tự (đang có 201)."


def _textbook(world, series: str = "Cánh diều", title: str = "Toán 3 - Tập 1") -> BibRecord:
    return catalogue.record_create(
        actor=world.people["th1.thuthu"],
        school=world.units["th1"],
        data={"title": title, "kind": "SGK", "grade": "3", "subject": "Toán", "series": series},
    )


# --- search ----------------------------------------------------------------------------------


def test_the_opac_finds_a_title_by_its_series_typed_without_accents(world) -> None:
    # Given a Cánh diều textbook in th1 beside one of Kết nối tri thức (the demo's series)
    th1 = world.units["th1"]
    BibRecordFactory(school=th1, kind="SGK", title="Toán 3 - Tập 2", series="Kết nối tri thức")
    record = _textbook(world)
    # When the series is typed without accents
    found = selectors.search_records(BibRecord.objects.filter(school=th1), "canh dieu")
    page = login(world.people["th1.thuthu"]).get(f"/thu-vien/{th1.pk}/tra-cuu/?q=canh dieu")
    # Then exactly that title is found, and the result names its series
    assert list(found) == [record]
    body = page.content.decode()
    assert page.status_code == 200
    assert "1 kết quả." in body
    assert "Toán 3 - Tập 1" in body and "Bộ sách Cánh diều" in body


def test_the_union_catalogue_finds_a_title_by_its_series(
    world, django_capture_on_commit_callbacks
) -> None:
    th1 = world.units["th1"]
    with django_capture_on_commit_callbacks(execute=True):
        record = _textbook(world, "Chân trời sáng tạo", "Tiếng Việt 3 - Tập 2 (series test)")
    phong1, phong2 = th1.parent, world.units["th2"].parent
    assert record.pk in union_search(phong1, "chan troi sang tao")[0]
    assert record.pk in union_search(phong1.parent, "CHAN TROI sang tao tieng viet 3")[0]
    assert record.pk not in union_search(phong2, "chan troi sang tao")[0]
    page = login(world.people["phong1.chuyenvien"]).get(
        f"/thu-vien/lien-hop/{phong1.pk}/?q=chan troi"
    )
    assert "Tiếng Việt 3 - Tập 2 (series test)" in page.content.decode()
    assert "Bộ sách Chân trời sáng tạo" in page.content.decode()


def test_reindexing_puts_the_series_in_both_searches(world) -> None:
    # Given a title whose stored folded text and index entry predate its series (as a title
    # written before the series was searched)
    th1 = world.units["th1"]
    record = BibRecordFactory(
        school=th1, title="Âm nhạc 4 (reindex)", series="Cánh diều", search_text="x"
    )
    assert list(selectors.search_records(BibRecord.objects.filter(pk=record.pk), "canh")) == []
    # When the library is reindexed
    out = io.StringIO()
    call_command("library_reindex", stdout=out)
    assert out.getvalue().startswith("Đã cập nhật chỉ mục tra cứu của 1 đầu sách.\n")
    # Then both searches find it by its series
    assert list(selectors.search_records(BibRecord.objects.filter(school=th1), "canh dieu")) == [
        record
    ]
    assert record.pk in union_search(th1.parent, "canh dieu am nhac")[0]
    assert catalogue.search_text_refresh() == 0


# --- cataloguing form, API, bad input --------------------------------------------------------


def test_the_form_saves_the_series_and_the_title_page_shows_it(world) -> None:
    th1 = world.units["th1"]
    client = login(world.people["th1.thuthu"])
    assert "Tùng thư / bộ sách" in client.get(f"/thu-vien/{th1.pk}/bien-muc/").content.decode()
    response = client.post(
        f"/thu-vien/{th1.pk}/bien-muc/",
        {"title": "Khoa học 4 (biểu mẫu)", "kind": "SGK", "series": "  Cánh   diều ", "count": "0"},
    )
    record = BibRecord.objects.get(school=th1, title="Khoa học 4 (biểu mẫu)")
    assert response.status_code == 302
    assert record.series == "Cánh diều"
    assert 'data-testid="record-series">Cánh diều<' in client.get(
        f"/thu-vien/sach/{record.pk}/"
    ).content.decode().replace("\n", "")
    edit = client.get(f"/thu-vien/sach/{record.pk}/sua/").content.decode()
    assert 'name="series" value="Cánh diều"' in edit


def test_an_over_long_series_is_refused_in_vietnamese_and_nothing_is_saved(world) -> None:
    th1 = world.units["th1"]
    before = BibRecord.objects.count()
    with pytest.raises(DomainError) as caught:
        _textbook(world, TOO_LONG)
    assert caught.value.message == TOO_LONG_MESSAGE
    assert caught.value.fields == {"series": ["Tối đa 200 ký tự."]}
    page = login(world.people["th1.thuthu"]).post(
        f"/thu-vien/{th1.pk}/bien-muc/", {"title": "Sách quá dài", "series": TOO_LONG}
    )
    assert page.status_code == 400
    assert TOO_LONG_MESSAGE in page.content.decode()
    api = api_login(world.people["th1.thuthu"]).post(
        "/api/v1/library/records/",
        {"school": th1.pk, "title": "Sách quá dài", "series": TOO_LONG},
        format="json",
    )
    assert api.status_code == 400
    assert api.json()["message"] == TOO_LONG_MESSAGE
    assert BibRecord.objects.count() == before


def test_the_api_reads_and_writes_the_series(world) -> None:
    th1 = world.units["th1"]
    created = api_login(world.people["th1.thuthu"]).post(
        "/api/v1/library/records/",
        {"school": th1.pk, "title": "Lịch sử và Địa lí 4", "series": "Cánh diều"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["series"] == "Cánh diều"
    listed = api_login(world.people["th1.thuthu"]).get(
        "/api/v1/library/records/", {"q": "canh dieu"}
    )
    assert [r["title"] for r in listed.json()["results"]] == ["Lịch sử và Địa lí 4"]


# --- MARC 21 ---------------------------------------------------------------------------------


def _marc(title: str, *fields: tuple[str, str, str]) -> pymarc.Record:
    record = pymarc.Record(force_utf8=True)
    record.add_field(marc._field("245", "00", ("a", title)))
    for tag, ind, value in fields:
        record.add_field(marc._field(tag, ind, ("a", value), ("v", "Lớp 5")))
    return record


def test_marc_import_keeps_490_and_export_writes_it_back(world) -> None:
    th1 = world.units["th1"]
    data = (
        _marc(
            "Toán 5 (490)", ("490", "1 ", "Chân trời sáng tạo ;"), ("830", " 0", "Khác")
        ).as_marc()
        + _marc("Toán 5 (830)", ("830", " 0", "Cánh diều ;")).as_marc()
        + _marc("Toán 5 (không tùng thư)").as_marc()
    )
    imports.marc_import(actor=world.people["th1.thuthu"], school=th1, data=data)
    series = dict(
        BibRecord.objects.filter(school=th1, title__startswith="Toán 5 (").values_list(
            "title", "series"
        )
    )
    assert series == {
        "Toán 5 (490)": "Chân trời sáng tạo",
        "Toán 5 (830)": "Cánh diều",
        "Toán 5 (không tùng thư)": "",
    }
    exported = {
        r["245"]["a"]: [(f.indicators[0], f.get_subfields("a")) for f in r.get_fields("490")]
        for r in pymarc.MARCReader(io.BytesIO(marc.export_iso2709(th1)), to_unicode=True)
    }
    assert exported["Toán 5 (490)"] == [("0", ["Chân trời sáng tạo"])]
    assert exported["Toán 5 (830)"] == [("0", ["Cánh diều"])]
    assert exported["Toán 5 (không tùng thư)"] == []
    assert '<subfield code="a">Chân trời sáng tạo</subfield>' in (marc.export_marcxml(th1).decode())


def test_marc_import_refuses_an_over_long_490_and_stores_nothing(world) -> None:
    before = (BibRecord.objects.count(), Copy.objects.count())
    data = _marc("Sách tốt").as_marc() + _marc("Sách lỗi", ("490", "0 ", TOO_LONG)).as_marc()
    with pytest.raises(DomainError, match="1 biểu ghi có lỗi") as caught:
        imports.marc_import(actor=world.people["th1.thuthu"], school=world.units["th1"], data=data)
    assert caught.value.fields["records"] == [f"Biểu ghi 2: {TOO_LONG_MESSAGE}"]
    assert (BibRecord.objects.count(), Copy.objects.count()) == before


# --- Excel -----------------------------------------------------------------------------------


def _sheet(header: list[str], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_template_import_and_export_have_the_series_column(world) -> None:
    th1 = world.units["th1"]
    template = load_workbook(io.BytesIO(excel.template_bytes())).active
    assert "Bộ sách" in [c.value for c in template[1]]
    data = _sheet(
        ["Nhan đề", "Loại", "Lớp", "Bộ sách", "Số bản"],
        [["Tiếng Anh 3 (Excel)", "SGK", 3, "Kết nối tri thức với cuộc sống", 2]],
    )
    result = imports.excel_import(actor=world.people["th1.thuthu"], school=th1, data=data)
    assert (result.records, result.copies) == (1, 2)
    record = BibRecord.objects.get(school=th1, title="Tiếng Anh 3 (Excel)")
    assert record.series == "Kết nối tri thức với cuộc sống"
    assert "ket noi tri thuc" in record.search_text
    # "Tùng thư", the other name libraries give the column, is read too.
    imports.excel_import(
        actor=world.people["th1.thuthu"],
        school=th1,
        data=_sheet(["Nhan đề", "Tùng thư"], [["Truyện cổ (Excel)", "Tủ sách vàng"]]),
    )
    assert BibRecord.objects.get(school=th1, title="Truyện cổ (Excel)").series == "Tủ sách vàng"
    sheet = load_workbook(io.BytesIO(excel.excel_export(th1))).active
    header = [c.value for c in sheet[1]]
    column = header.index("Bộ sách")
    rows = [
        [c.value for c in row] for row in sheet.iter_rows(min_row=2) if row[2].value == record.title
    ]
    assert [row[column] for row in rows] == ["Kết nối tri thức với cuộc sống"] * 2
    assert header[:4] == ["Số ĐKCB", "Mã vạch", "Nhan đề", "Tác giả"]


def test_excel_import_refuses_an_over_long_series_by_row_and_stores_nothing(world) -> None:
    before = (BibRecord.objects.count(), Copy.objects.count())
    data = _sheet(
        ["Nhan đề", "Bộ sách", "Số bản"],
        [["Sách tốt", "Cánh diều", 1], ["Sách lỗi", TOO_LONG, 1]],
    )
    with pytest.raises(DomainError, match="1 dòng có lỗi") as caught:
        imports.excel_import(actor=world.people["th1.thuthu"], school=world.units["th1"], data=data)
    assert caught.value.fields["rows"] == [f"Dòng 3: {TOO_LONG_MESSAGE}"]
    assert (BibRecord.objects.count(), Copy.objects.count()) == before
