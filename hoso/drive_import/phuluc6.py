"""The metadata of an exported record as Nghị định 30/2020/NĐ-CP (05/3/2020), Phụ lục VI,
Phần II lists it: Mục III, thông tin đầu vào của dữ liệu quản lý hồ sơ, for the record (the
hồ sơ), and Mục I, thông tin đầu vào của dữ liệu quản lý văn bản đi, for its issued file (a
văn bản the school made). The two tables are data (FILE_FIELDS, DOCUMENT_FIELDS): the
appendix's number, English name, Vietnamese wording, data type and length of each field, and
how HoSo fills it. Which fields HoSo leaves empty, and why: docs/drive-import.md."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeXml

NAMESPACE = "urn:hoso:nd30-2020:phu-luc-vi"
SOURCE = "Nghị định 30/2020/NĐ-CP ngày 05/3/2020, Phụ lục VI, Phần II"
FILE_PART = ("ThongTinHoSo", "Thông tin đầu vào của dữ liệu quản lý hồ sơ")
DOCUMENT_PART = ("VanBan", "Thông tin đầu vào của dữ liệu quản lý văn bản đi")
# The appendix's data types; a group ("") holds the numbered fields under it (1.1, 1.2…).
STRING, NUMBER, DATE, GROUP = "String", "Number", "Date", ""
LANGUAGE = "Tiếng Việt"
# HoSo shows an issued record only to the people of its school, of the offices above it and
# to the administrator (hoso.records.policies.record_view_scope), never to the public.
RIGHTS = "Hạn chế"
NOTATION_LENGTH = 20  # số và ký hiệu hồ sơ (1.3)


@dataclass(frozen=True)
class Signer:
    position: str
    full_name: str


NO_SIGNER = Signer("", "")


@dataclass(frozen=True)
class Facts:
    """What the XML says of one exported record (filled by the export from the records)."""

    organ_id: str  # the school's code
    organ_name: str  # the school's name
    catalog_year: int  # năm hình thành hồ sơ
    notation: str  # số và ký hiệu hồ sơ (file_notation)
    title: str
    retention_years: int  # 0 = vĩnh viễn
    creator: str  # the record's owner
    start: dt.date
    end: dt.date
    description: str  # the record type and period
    type_name: str
    issued_on: dt.date | None  # None: a file brought in from outside, its date unknown
    pages: int | None
    signers: tuple[Signer, ...]  # the personal signatures HoSo made, in signing order
    file_name: str
    sha256: str
    size: int
    signed: bool

    @property
    def code(self) -> str:
        """Mã hồ sơ: its three parts (1.1, 1.2, 1.3) joined by dots."""
        return f"{self.organ_id}.{self.catalog_year}.{self.notation}"


@dataclass(frozen=True)
class Field:
    """One row of the appendix's table. `value` reads the Facts; for a group it gives the
    items (each written as one element, its parts read from the item). A field that is
    `whole` (an identifier) is never cut to `length`: a cut code would name something else."""

    number: str
    element: str
    label: str
    kind: str
    length: int | None
    value: Callable[[Any], Any]
    parts: tuple[Field, ...] = ()
    whole: bool = False


def _empty(_: Any) -> str:
    return ""


def _retention(facts: Facts) -> str:
    # Phụ lục V, I.4: "Vĩnh viễn hoặc thời hạn bằng số năm cụ thể" ("20 năm" in its form).
    return "Vĩnh viễn" if facts.retention_years == 0 else f"{facts.retention_years} năm"


def _document_note(facts: Facts) -> str:
    signed = "có chữ ký số" if facts.signed else "không có chữ ký số"
    return f"Tệp: {facts.file_name}; SHA-256: {facts.sha256}; {facts.size} byte; {signed}"


def _file_code() -> Field:
    return Field(
        "1",
        "FileCode",
        "Mã hồ sơ",
        GROUP,
        None,
        lambda f: [f],
        (
            Field(
                "1.1",
                "OrganId",
                "Mã định danh của cơ quan, tổ chức lập danh mục hồ sơ",
                STRING,
                13,
                lambda f: f.organ_id,
                whole=True,
            ),
            Field(
                "1.2", "FileCatalog", "Năm hình thành hồ sơ", NUMBER, 4, lambda f: f.catalog_year
            ),
            Field(
                "1.3",
                "FileNotation",
                "Số và ký hiệu hồ sơ",
                STRING,
                NOTATION_LENGTH,
                lambda f: f.notation,
                whole=True,
            ),
        ),
    )


# Mục III: thông tin đầu vào của dữ liệu quản lý hồ sơ.
FILE_FIELDS: list[Field] = [
    _file_code(),
    Field("2", "Title", "Tiêu đề hồ sơ", STRING, 500, lambda f: f.title),
    Field("3", "Maintenance", "Thời hạn bảo quản", STRING, 30, _retention),
    Field("4", "Rights", "Chế độ sử dụng", STRING, 30, lambda f: RIGHTS),
    Field("5", "Creator", "Người lập hồ sơ", STRING, 30, lambda f: f.creator),
    Field("6", "Language", "Ngôn ngữ", STRING, 50, lambda f: LANGUAGE),
    Field("7", "StartDate", "Thời gian bắt đầu", DATE, 10, lambda f: f.start),
    Field("8", "EndDate", "Thời gian kết thúc", DATE, 10, lambda f: f.end),
    Field("9", "DocTotal", "Tổng số văn bản trong hồ sơ", NUMBER, 4, lambda f: 1),
    Field("10", "PageTotal", "Tổng số trang của hồ sơ", NUMBER, 4, lambda f: f.pages),
    Field("11", "Description", "Ghi chú", STRING, 500, lambda f: f.description),
]

# Mục I: thông tin đầu vào của dữ liệu quản lý văn bản đi. A record holds one document, the
# file of its issued version: number 1 of the hồ sơ.
DOCUMENT_FIELDS: list[Field] = [
    _file_code(),
    Field("2", "DocOrdinal", "Số thứ tự văn bản trong hồ sơ", NUMBER, 3, lambda f: 1),
    Field("3", "TypeName", "Tên loại văn bản", STRING, 100, lambda f: f.type_name),
    Field("4", "CodeNumber", "Số của văn bản", STRING, 11, _empty),
    Field("5", "CodeNotation", "Ký hiệu của văn bản", STRING, 30, _empty),
    Field("6", "IssuedDate", "Ngày, tháng, năm văn bản", DATE, 10, lambda f: f.issued_on),
    Field(
        "7",
        "OrganName",
        "Tên cơ quan, tổ chức ban hành văn bản",
        STRING,
        200,
        lambda f: f.organ_name,
    ),
    Field("8", "Subject", "Trích yếu nội dung", STRING, 500, lambda f: f.title),
    Field("9", "Language", "Ngôn ngữ", STRING, 30, lambda f: LANGUAGE),
    Field("10", "PageAmount", "Số trang của văn bản", NUMBER, 3, lambda f: f.pages),
    Field("11", "Description", "Ghi chú", STRING, 500, _document_note),
    Field(
        "12",
        "SignerInfo",
        "Chức vụ, họ tên người ký",
        GROUP,
        None,
        lambda f: f.signers or [NO_SIGNER],
        (
            Field(
                "12.1",
                "Position",
                "Chức vụ của người ký văn bản",
                STRING,
                100,
                lambda s: s.position,
            ),
            Field(
                "12.2", "FullName", "Họ và tên người ký văn bản", STRING, 50, lambda s: s.full_name
            ),
        ),
    ),
    Field(
        "13",
        "To",
        "Nơi nhận",
        GROUP,
        None,
        lambda f: [f],
        (
            Field(
                "13.1",
                "OrganId",
                "Mã định danh của cơ quan, tổ chức nhận văn bản",
                STRING,
                13,
                _empty,
            ),
            Field("13.2", "OrganName", "Tên cơ quan, tổ chức nhận văn bản", STRING, 200, _empty),
        ),
    ),
    Field("14", "Priority", "Mức độ khẩn, độ mật", NUMBER, 1, _empty),
    Field("15", "IssuedAmount", "Số lượng bản phát hành", NUMBER, 3, _empty),
    Field("16", "DueDate", "Hạn trả lời văn bản", DATE, 10, _empty),
]


def table(fields: Sequence[Field]) -> list[tuple[str, str, str, str, int | None]]:
    """The fields as the appendix prints them, a group before its parts: (STT, English name,
    wording, data type, length)."""
    rows: list[tuple[str, str, str, str, int | None]] = []
    for field in fields:
        rows.append((field.number, field.element, field.label, field.kind, field.length))
        rows.extend(table(field.parts))
    return rows


def file_notation(number: int, symbol: str) -> str:
    """Số và ký hiệu hồ sơ as Phụ lục V, I.2 makes it: a number in Arabic digits, then the
    ký hiệu ("01.TCCB"). HoSo numbers a record by its id (unique, never reused) and its ký
    hiệu is the record type's code, shortened so that the whole fits the appendix's length."""
    digits = f"{number:02d}"
    room = NOTATION_LENGTH - len(digits) - 1
    short = symbol[:room].rstrip(".-_ ") if room > 0 else ""
    return f"{digits}.{short}" if short else digits


def to_xml(facts: Facts) -> bytes:
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}HoSo", {"phienBan": "2", "canCu": SOURCE})
    for (tag, label), fields in ((FILE_PART, FILE_FIELDS), (DOCUMENT_PART, DOCUMENT_FIELDS)):
        _fill(ET.SubElement(root, f"{{{NAMESPACE}}}{tag}", {"ten": label}), fields, facts)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _fill(parent: ET.Element, fields: Sequence[Field], source: Any) -> None:
    for field in fields:
        if field.kind == GROUP:
            for item in field.value(source):
                _fill(_element(parent, field), field.parts, item)
        else:
            _element(parent, field).text = _text(field, field.value(source))


def _element(parent: ET.Element, field: Field) -> ET.Element:
    return ET.SubElement(parent, f"{{{NAMESPACE}}}{field.element}", {"ten": field.label})


def _text(field: Field, value: Any) -> str:
    """dd/mm/yyyy for a date (10 characters, the appendix's length); a text longer than the
    appendix allows is cut to it (the whole stays in the PDF and the manifest); nothing
    (None, "") is an empty element."""
    if value is None or value == "":
        return ""
    if field.kind == DATE:
        return str(value.strftime("%d/%m/%Y"))
    text = str(value)
    if field.kind == STRING and field.length and not field.whole:
        text = text[: field.length].rstrip()
    return text


def read_xml(data: bytes) -> dict[str, dict[str, str]]:
    """{"ThongTinHoSo": {path: text}, "VanBan": {…}}: what a reader of the export sees, each
    field by its path in the part ("Title", "FileCode/OrganId"); an element that occurs more
    than once under one parent is numbered from 1 ("SignerInfo[2]/FullName")."""
    root = SafeXml.fromstring(data)
    return {_local(part.tag): dict(_leaves(part, "")) for part in root}


def _leaves(element: Any, prefix: str) -> Iterator[tuple[str, str]]:
    children = list(element)
    counts = Counter(_local(child.tag) for child in children)
    seen: Counter[str] = Counter()
    for child in children:
        name = _local(child.tag)
        seen[name] += 1
        path = f"{prefix}{name}" + (f"[{seen[name]}]" if counts[name] > 1 else "")
        if len(child):
            yield from _leaves(child, f"{path}/")
        else:
            yield path, child.text or ""


def _local(tag: str) -> str:
    return tag.split("}", 1)[-1]
