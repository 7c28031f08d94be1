"""The metadata of a record as Nghị định 30/2020/NĐ-CP, Phụ lục VI lists it for a dossier
(thông tin đầu vào của hồ sơ) and for each of its documents (thông tin đầu vào của văn bản).
The fields are data (FILE_FIELDS, DOCUMENT_FIELDS): element name, the appendix's wording, and
how HoSo fills it; a later revision of the appendix is a change of these lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeXml

NAMESPACE = "urn:hoso:nd30-2020:phu-luc-vi"


@dataclass(frozen=True)
class Facts:
    """What the XML says of one exported record (filled by the export from the records)."""

    code: str  # mã hồ sơ: school code . year . record id
    title: str
    type_name: str
    type_code: str
    retention_years: int  # 0 = vĩnh viễn
    year_start: dt.date
    year_end: dt.date
    school_name: str
    owner_name: str
    period_label: str
    issued_on: dt.date | None
    pages: int | None
    signed: bool
    file_name: str
    sha256: str
    size: int


def _date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _retention(facts: Facts) -> str:
    return "Vĩnh viễn" if facts.retention_years == 0 else f"{facts.retention_years} năm"


Field = tuple[str, str, Callable[[Facts], Any]]

# (element, the appendix's name for it, value)
FILE_FIELDS: list[Field] = [
    ("MaHoSo", "Mã hồ sơ", lambda f: f.code),
    ("TieuDeHoSo", "Tiêu đề hồ sơ", lambda f: f.title),
    ("ThoiHanBaoQuan", "Thời hạn bảo quản", _retention),
    ("CheDoSuDung", "Chế độ sử dụng", lambda f: "Hạn chế"),
    ("NgonNgu", "Ngôn ngữ", lambda f: "Tiếng Việt"),
    ("ThoiGianBatDau", "Thời gian bắt đầu", lambda f: _date(f.year_start)),
    ("ThoiGianKetThuc", "Thời gian kết thúc", lambda f: _date(f.year_end)),
    ("TongSoVanBan", "Tổng số văn bản trong hồ sơ", lambda f: 1),
    ("SoLuongTrang", "Số lượng trang của hồ sơ", lambda f: f.pages or ""),
    ("CoQuanLapHoSo", "Cơ quan, tổ chức lập hồ sơ", lambda f: f.school_name),
    ("GhiChu", "Ghi chú", lambda f: f"{f.type_name} — {f.period_label}"),
]
DOCUMENT_FIELDS: list[Field] = [
    ("MaDinhDanhVanBan", "Mã định danh văn bản", lambda f: f"{f.code}.01"),
    ("MaHoSo", "Mã hồ sơ", lambda f: f.code),
    ("SoThuTuVanBan", "Số thứ tự văn bản trong hồ sơ", lambda f: 1),
    ("TenLoaiVanBan", "Tên loại văn bản", lambda f: f.type_name),
    ("NgayThangNamVanBan", "Ngày, tháng, năm văn bản", lambda f: _date(f.issued_on)),
    ("TrichYeuNoiDung", "Trích yếu nội dung", lambda f: f.title),
    ("TacGia", "Tác giả văn bản", lambda f: f.owner_name),
    ("NgonNgu", "Ngôn ngữ", lambda f: "Tiếng Việt"),
    ("SoTrang", "Số trang của văn bản", lambda f: f.pages or ""),
    ("ChuKySo", "Chữ ký số", lambda f: "Có" if f.signed else "Không"),
    ("TenTep", "Tên tệp", lambda f: f.file_name),
    ("MaBamSHA256", "Mã băm SHA-256 của tệp", lambda f: f.sha256),
    ("KichThuoc", "Dung lượng tệp (byte)", lambda f: f.size),
]


def to_xml(facts: Facts) -> bytes:
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}HoSo", {"phienBan": "1", "canCu": "NĐ 30/2020/NĐ-CP"})
    _fill(ET.SubElement(root, f"{{{NAMESPACE}}}ThongTinHoSo"), FILE_FIELDS, facts)
    _fill(ET.SubElement(root, f"{{{NAMESPACE}}}VanBan"), DOCUMENT_FIELDS, facts)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _fill(parent: ET.Element, fields: list[Field], facts: Facts) -> None:
    for tag, label, value in fields:
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {"ten": label})
        element.text = str(value(facts))


def read_xml(data: bytes) -> dict[str, dict[str, str]]:
    """{"ThongTinHoSo": {tag: text}, "VanBan": {…}} — what a reader of the export sees."""
    root = SafeXml.fromstring(data)
    out: dict[str, dict[str, str]] = {}
    for part in root:
        name = part.tag.split("}", 1)[-1]
        out[name] = {child.tag.split("}", 1)[-1]: child.text or "" for child in part}
    return out
