"""The Phụ lục VI field lists against the decree's tables, and how the XML is written: every
field in the appendix's order, its wording in `ten`, dates as dd/mm/yyyy, text cut to the
appendix's length but identifiers never, empty elements for what HoSo does not hold."""

from __future__ import annotations

import dataclasses
import datetime as dt

from defusedxml import ElementTree as SafeXml

from hoso.drive_import.phuluc6 import (
    DOCUMENT_FIELDS,
    FILE_FIELDS,
    NAMESPACE,
    Facts,
    Signer,
    file_notation,
    read_xml,
    table,
    to_xml,
)

# Nghị định 30/2020/NĐ-CP ngày 05/3/2020, Phụ lục VI, Phần II, copied row by row from the
# decree's text (github.com/ericphan28/van-ban-plus, commit 2358a4687ed9…,
# docs/van-ban-phap-quy/nghi-dinh/30-2020-ND-CP/van-ban-goc/30.2020.NĐ-CP/Phuluc6.docx).
# (STT, Tên viết tắt tiếng Anh, Trường thông tin, Kiểu dữ liệu, Độ dài). The text prints
# "Organld" and "Signerlnfo" (a lower-case l for the I) in rows 1.1 and 12; row 13.1 spells
# "OrganId": the names here use the I.
FILE_CODE = [
    ("1", "FileCode", "Mã hồ sơ", "", None),
    ("1.1", "OrganId", "Mã định danh của cơ quan, tổ chức lập danh mục hồ sơ", "String", 13),
    ("1.2", "FileCatalog", "Năm hình thành hồ sơ", "Number", 4),
    ("1.3", "FileNotation", "Số và ký hiệu hồ sơ", "String", 20),
]
# Mục III. Thông tin đầu vào của dữ liệu quản lý hồ sơ
DECREE_FILE = [
    *FILE_CODE,
    ("2", "Title", "Tiêu đề hồ sơ", "String", 500),
    ("3", "Maintenance", "Thời hạn bảo quản", "String", 30),
    ("4", "Rights", "Chế độ sử dụng", "String", 30),
    ("5", "Creator", "Người lập hồ sơ", "String", 30),
    ("6", "Language", "Ngôn ngữ", "String", 50),
    ("7", "StartDate", "Thời gian bắt đầu", "Date", 10),
    ("8", "EndDate", "Thời gian kết thúc", "Date", 10),
    ("9", "DocTotal", "Tổng số văn bản trong hồ sơ", "Number", 4),
    ("10", "PageTotal", "Tổng số trang của hồ sơ", "Number", 4),
    ("11", "Description", "Ghi chú", "String", 500),
]
# Mục I. Thông tin đầu vào của dữ liệu quản lý văn bản đi
DECREE_DOCUMENT = [
    *FILE_CODE,
    ("2", "DocOrdinal", "Số thứ tự văn bản trong hồ sơ", "Number", 3),
    ("3", "TypeName", "Tên loại văn bản", "String", 100),
    ("4", "CodeNumber", "Số của văn bản", "String", 11),
    ("5", "CodeNotation", "Ký hiệu của văn bản", "String", 30),
    ("6", "IssuedDate", "Ngày, tháng, năm văn bản", "Date", 10),
    ("7", "OrganName", "Tên cơ quan, tổ chức ban hành văn bản", "String", 200),
    ("8", "Subject", "Trích yếu nội dung", "String", 500),
    ("9", "Language", "Ngôn ngữ", "String", 30),
    ("10", "PageAmount", "Số trang của văn bản", "Number", 3),
    ("11", "Description", "Ghi chú", "String", 500),
    ("12", "SignerInfo", "Chức vụ, họ tên người ký", "", None),
    ("12.1", "Position", "Chức vụ của người ký văn bản", "String", 100),
    ("12.2", "FullName", "Họ và tên người ký văn bản", "String", 50),
    ("13", "To", "Nơi nhận", "", None),
    ("13.1", "OrganId", "Mã định danh của cơ quan, tổ chức nhận văn bản", "String", 13),
    ("13.2", "OrganName", "Tên cơ quan, tổ chức nhận văn bản", "String", 200),
    ("14", "Priority", "Mức độ khẩn, độ mật", "Number", 1),
    ("15", "IssuedAmount", "Số lượng bản phát hành", "Number", 3),
    ("16", "DueDate", "Hạn trả lời văn bản", "Date", 10),
]

FACTS = Facts(
    organ_id="TH-LELOI",
    organ_name="Trường Tiểu học Lê Lợi",
    catalog_year=2024,
    notation="57.TT28.KHBD",
    title="Kế hoạch bài dạy Toán tuần 5",
    retention_years=5,
    creator="Nguyễn Thị Lan",
    start=dt.date(2024, 9, 30),
    end=dt.date(2024, 10, 6),
    description="Kế hoạch bài dạy — Tuần 5 (30/09–06/10/2024)",
    type_name="Kế hoạch bài dạy",
    issued_on=dt.date(2024, 10, 7),
    pages=3,
    signers=(Signer("Tổ trưởng chuyên môn", "Đỗ Văn Đức"), Signer("Hiệu trưởng", "Lê Thị Hoa")),
    file_name="TT28.KHBD/000057 KHBD.pdf",
    sha256="ab" * 32,
    size=1234,
    signed=True,
)


def test_the_field_lists_are_the_decrees_tables_in_order() -> None:
    assert table(FILE_FIELDS) == DECREE_FILE
    assert table(DOCUMENT_FIELDS) == DECREE_DOCUMENT


def test_the_xml_has_every_field_in_the_decrees_order_with_its_wording() -> None:
    root = SafeXml.fromstring(to_xml(FACTS))
    written = []
    for part in root:
        # The group before its parts, as the table lists them; a second SignerInfo counts once.
        seen = [e for e in part.iter() if e is not part]
        names = [(e.tag.split("}")[1], e.get("ten")) for e in seen]
        written.append(list(dict.fromkeys(names)))
    assert root.tag == f"{{{NAMESPACE}}}HoSo"
    assert written == [
        [(element, label) for _, element, label, _, _ in DECREE_FILE],
        [(element, label) for _, element, label, _, _ in DECREE_DOCUMENT],
    ]


def test_the_values_follow_the_facts_dates_as_dd_mm_yyyy() -> None:
    xml = read_xml(to_xml(FACTS))
    ho_so, van_ban = xml["ThongTinHoSo"], xml["VanBan"]
    assert (ho_so["FileCode/OrganId"], ho_so["FileCode/FileCatalog"]) == ("TH-LELOI", "2024")
    assert ho_so["FileCode/FileNotation"] == van_ban["FileCode/FileNotation"] == "57.TT28.KHBD"
    assert (ho_so["StartDate"], ho_so["EndDate"], van_ban["IssuedDate"]) == (
        "30/09/2024",
        "06/10/2024",
        "07/10/2024",
    )
    assert (ho_so["Maintenance"], ho_so["PageTotal"], van_ban["PageAmount"]) == ("5 năm", "3", "3")
    assert van_ban["Description"] == (
        f"Tệp: TT28.KHBD/000057 KHBD.pdf; SHA-256: {'ab' * 32}; 1234 byte; có chữ ký số"
    )
    assert [van_ban[f"SignerInfo[{n}]/FullName"] for n in (1, 2)] == ["Đỗ Văn Đức", "Lê Thị Hoa"]
    assert van_ban["SignerInfo[2]/Position"] == "Hiệu trưởng"
    assert FACTS.code == "TH-LELOI.2024.57.TT28.KHBD"


def test_permanent_retention_unknown_date_and_no_signer() -> None:
    facts = dataclasses.replace(
        FACTS, retention_years=0, issued_on=None, pages=None, signers=(), signed=False
    )
    xml = read_xml(to_xml(facts))
    assert xml["ThongTinHoSo"]["Maintenance"] == "Vĩnh viễn"
    assert (xml["ThongTinHoSo"]["PageTotal"], xml["VanBan"]["IssuedDate"]) == ("", "")
    assert (xml["VanBan"]["SignerInfo/Position"], xml["VanBan"]["SignerInfo/FullName"]) == ("", "")


def test_text_is_cut_to_the_decrees_length_but_an_identifier_is_not() -> None:
    facts = dataclasses.replace(
        FACTS,
        organ_id="MA-TRUONG-DAI-HON-13",
        creator="Tôn Nữ Thị Phương Thảo Nguyên Khánh Linh",  # 40 characters
        type_name="Loại " * 30,
        signers=(Signer("Chức vụ", "Họ " * 20),),
    )
    xml = read_xml(to_xml(facts))
    assert xml["ThongTinHoSo"]["FileCode/OrganId"] == "MA-TRUONG-DAI-HON-13"
    assert xml["ThongTinHoSo"]["Creator"] == "Tôn Nữ Thị Phương Thảo Nguyên"
    assert len(xml["VanBan"]["TypeName"]) <= 100 and xml["VanBan"]["TypeName"].startswith("Loại")
    assert xml["VanBan"]["SignerInfo/FullName"] == ("Họ " * 20)[:50].rstrip()


def test_the_file_notation_is_a_number_and_the_type_code_within_20_characters() -> None:
    assert file_notation(7, "TT28.KHBD") == "07.TT28.KHBD"
    assert file_notation(123456, "PGD-AN-PHU.KE-HOACH-KIEM-TRA") == "123456.PGD-AN-PHU.KE"
    assert file_notation(1234567890, "SO.KHAC") == "1234567890.SO.KHAC"
    assert file_notation(12, "") == "12"
    assert len(file_notation(10**18, "TT28.KHBD")) <= 20
