"""The file kinds HoSo accepts, with their Vietnamese names and allowed extensions."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy


class Kind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    ODT = "odt"
    ODS = "ods"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"

    @property
    def label(self) -> str:
        """Vietnamese name, as in "nội dung là ảnh PNG"."""
        return str(_LABELS[self])

    @property
    def extensions(self) -> frozenset[str]:
        return _EXTENSIONS[self]

    @property
    def mime(self) -> str:
        return _MIMES[self]

    @property
    def is_office(self) -> bool:
        return self in _OFFICE

    @property
    def is_image(self) -> bool:
        return self in {Kind.JPEG, Kind.PNG, Kind.TIFF}

    @property
    def is_zip(self) -> bool:
        return self in _OFFICE


_OFFICE = frozenset({Kind.DOCX, Kind.XLSX, Kind.PPTX, Kind.ODT, Kind.ODS})

_LABELS = {
    Kind.PDF: gettext_lazy("tài liệu PDF"),
    Kind.DOCX: gettext_lazy("văn bản Word (DOCX)"),
    Kind.XLSX: gettext_lazy("bảng tính Excel (XLSX)"),
    Kind.PPTX: gettext_lazy("bài trình chiếu PowerPoint (PPTX)"),
    Kind.ODT: gettext_lazy("văn bản OpenDocument (ODT)"),
    Kind.ODS: gettext_lazy("bảng tính OpenDocument (ODS)"),
    Kind.JPEG: gettext_lazy("ảnh JPEG"),
    Kind.PNG: gettext_lazy("ảnh PNG"),
    Kind.TIFF: gettext_lazy("ảnh TIFF"),
}

_EXTENSIONS = {
    Kind.PDF: frozenset({".pdf"}),
    Kind.DOCX: frozenset({".docx"}),
    Kind.XLSX: frozenset({".xlsx"}),
    Kind.PPTX: frozenset({".pptx"}),
    Kind.ODT: frozenset({".odt"}),
    Kind.ODS: frozenset({".ods"}),
    Kind.JPEG: frozenset({".jpg", ".jpeg", ".jpe", ".jfif"}),
    Kind.PNG: frozenset({".png"}),
    Kind.TIFF: frozenset({".tif", ".tiff"}),
}

_MIMES = {
    Kind.PDF: "application/pdf",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    Kind.ODT: "application/vnd.oasis.opendocument.text",
    Kind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
    Kind.TIFF: "image/tiff",
}

ACCEPTED_HINT = gettext_lazy(
    "HoSo nhận tệp PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), "
    "OpenDocument (.odt, .ods) và ảnh JPG, PNG, TIFF."
)
