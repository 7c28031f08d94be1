"""Rendering the printouts: Excel (openpyxl), PDF (WeasyPrint, A4, Times-compatible serif)
and the học bạ XML. XML schemas are pluggable: `XML_SCHEMAS[name]`, chosen by the setting
HOSO_HOCBA_XML_SCHEMA (default "hoso-hocba-1", documented in docs/grading.md)."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 — we only build XML, never parse input here
from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from hoso.core.xlsx import safe_cell, safe_row
from hoso.grading.outputs.forms import hocba_form
from hoso.grading.outputs.tables import Table

XLSX_FONT = "Times New Roman"


def summary_xlsx(table: Table, *, school: str, year: str) -> bytes:
    # heavy imports, as for WeasyPrint below: only when a workbook is made
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tong hop"
    width = len(table.header)
    # Names are typed by people: every value goes through safe_row (formula injection).
    sheet.append(safe_row([school]))
    sheet.append(safe_row([table.title]))
    sheet.append(safe_row([f"Năm học {year}"]))
    for r in (1, 2, 3):
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        sheet.cell(r, 1).alignment = Alignment(horizontal="center")
        sheet.cell(r, 1).font = Font(name=XLSX_FONT, bold=r == 2, size=13)
    _header(sheet, table, first_row=5)
    thin = Side(style="thin")
    for row in table.rows:
        sheet.append(safe_row(row))
        for cell in sheet[sheet.max_row]:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.font = Font(name=XLSX_FONT, size=11)
    sheet.column_dimensions["B"].width = 26
    for col in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 7
    sheet.freeze_panes = "C7"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet: Any, table: Table, first_row: int) -> None:
    from openpyxl.styles import Alignment, Font

    col = 1
    bold = Font(name=XLSX_FONT, bold=True, size=11)
    wrap = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for label, span in table.groups:
        sheet.cell(first_row, col, safe_cell(label)).font = bold
        sheet.cell(first_row, col).alignment = wrap
        if span > 1:
            sheet.merge_cells(
                start_row=first_row, start_column=col, end_row=first_row, end_column=col + span - 1
            )
        elif not table.header[col - 1]:
            sheet.merge_cells(
                start_row=first_row, start_column=col, end_row=first_row + 1, end_column=col
            )
        col += span
    for index, label in enumerate(table.header, start=1):
        if label:
            sheet.cell(first_row + 1, index, safe_cell(label)).font = bold
            sheet.cell(first_row + 1, index).alignment = wrap


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import; only when a PDF is made

    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


def summary_pdf(table: Table, *, school: str, year: str) -> bytes:
    html = render_to_string(
        "grading/pdf/summary.html", {"table": table, "school": school, "year": year}
    )
    return html_to_pdf(html)


def hoc_ba_pdf(data: dict[str, Any], *, number: int) -> bytes:
    """The official form: TT 27/2020 (tiểu học) or TT 22/2021 (THCS, THPT), see hoso.books,
    with an empty signature field in each signer's block."""
    return hocba_form().pdf(data, number)


def hoc_ba_page(data: dict[str, Any], *, number: int) -> tuple[str, str]:
    """`hoc_ba_pdf`'s first step: the form's HTML and the base URL it is laid out from."""
    return hocba_form().html(data, number), str(settings.BASE_DIR)


def hoc_ba_lay_out() -> Callable[[tuple[str, str] | None], tuple[bytes, list[Any]] | None]:
    """`hoc_ba_pdf`'s layout step alone, for the pool's processes (it loads no app)."""
    return hocba_form().lay_out


# --- XML --------------------------------------------------------------------------------------

NS_V1 = "urn:hoso:hoc-ba:1"


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{NS_V1}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text:
        node.text = text
    return node


def hoc_ba_xml_v1(data: dict[str, Any], *, number: int) -> bytes:
    ET.register_namespace("", NS_V1)
    root = ET.Element(
        f"{{{NS_V1}}}HocBa",
        {"phienBan": str(number), "namHoc": data["year"], "capHoc": data["level"]},
    )
    _sub(root, "Truong", data["school"]["name"], ma=data["school"]["code"])
    _sub(root, "Lop", data["class"]["name"], khoi=data["class"]["grade"])
    st = data["student"]
    _sub(
        root,
        "HocSinh",
        st["full_name"],
        maDinhDanh=st["code"],
        ngaySinh=st["birth_date"],
        gioiTinh=st["gender"],
    )
    _particulars_xml(root, data)
    _sub(root, "GiaoVienChuNhiem", data["homeroom"])
    _sub(root, "HieuTruong", data["principal"])
    subjects = _sub(root, "MonHoc")
    for row in data["subjects"]:
        node = _sub(subjects, "Mon", ma=row["code"], ten=row["name"])
        for field in ("muc", "diem", "hk1", "hk2", "cn", "nhan_xet"):
            if row.get(field):
                _sub(node, _XML_FIELDS[field], row[field])
    if data["traits"]:
        traits = _sub(root, "PhamChatNangLuc")
        for row in data["traits"]:
            _sub(traits, "Muc", row["muc"], ma=row["code"], ten=row["name"], nhom=row["group"])
    result = _sub(root, "KetQua")
    for field, value in data["result"].items():
        if value:
            _sub(result, "Muc", value, loai=field)
    if data["corrections"]:
        fixes = _sub(root, "DieuChinh", lyDo=data.get("correction_reason", ""))
        for fix in data["corrections"]:
            _sub(
                fixes,
                "Sua",
                mucCu=fix["old"],
                mucMoi=fix["new"],
                noiDung=fix["item"],
                truong=fix["field"],
            )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


_XML_PARTICULARS = {
    "personal_id": "SoDinhDanhCaNhan",
    "ethnicity": "DanToc",
    "nationality": "QuocTich",
    "birth_place": "NoiSinh",
    "hometown": "QueQuan",
    "address": "NoiOHienNay",
    "father_name": "HoTenCha",
    "father_job": "NgheNghiepCha",
    "mother_name": "HoTenMe",
    "mother_job": "NgheNghiepMe",
    "guardian_name": "NguoiGiamHo",
    "guardian_job": "NgheNghiepNguoiGiamHo",
    "priority_group": "DoiTuong",
    "register_number": "SoDangBo",
    "admitted_on": "NgayNhapHoc",
}


def _particulars_xml(root: ET.Element, data: dict[str, Any]) -> None:
    """What the official form prints beyond the gradebook (hoso.books.hocba_data)."""
    if "particulars" not in data:  # versions made before the forms' particulars existed
        return
    node = _sub(root, "LyLich")
    for field, tag in _XML_PARTICULARS.items():
        if data["particulars"].get(field):
            _sub(node, tag, data["particulars"][field])
    history = _sub(root, "QuaTrinhHocTap")
    for row in data.get("history", []):
        _sub(
            history,
            "NamHoc",
            namHoc=row["year"],
            lop=row["class"],
            truong=row["school"],
            soDangBo=row["register_number"],
            ngayNhapHoc=row["admitted"],
        )
    for term, values in data.get("terms", {}).items():
        _sub(
            root, "KetQuaHocKy", hocKy=term, renLuyen=values["ren_luyen"], hocTap=values["hoc_tap"]
        )
    _sub(root, "DiaDanhNgayThang", data.get("date_line", ""))


_XML_FIELDS = {
    "muc": "MucDatDuoc",
    "diem": "DiemKTDK",
    "hk1": "HocKy1",
    "hk2": "HocKy2",
    "cn": "CaNam",
    "nhan_xet": "NhanXet",
}

XmlRenderer = Callable[..., bytes]
XML_SCHEMAS: dict[str, XmlRenderer] = {"hoso-hocba-1": hoc_ba_xml_v1}


def hoc_ba_xml(data: dict[str, Any], *, number: int) -> bytes:
    name = getattr(settings, "HOSO_HOCBA_XML_SCHEMA", "hoso-hocba-1")
    return XML_SCHEMAS[name](data, number=number)
