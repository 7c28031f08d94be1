"""Test helpers: small real files (good and hostile) and one-call uploads."""

from __future__ import annotations

import io
from typing import Any

import pikepdf

from hoso.records.models import RecordType, RecordVersion
from hoso.records.pdfmaker import simple_pdf
from hoso.records.services import Upload, record_upload


def pdf(title: str = "Kế hoạch bài dạy tuần 2", lines: list[str] | None = None) -> bytes:
    return simple_pdf(title, lines or ["Môn Toán lớp 1A", "Hoạt động khởi động"])


def _rewrite(data: bytes, change: Any, **save: Any) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as document:
        change(document)
        out = io.BytesIO()
        document.save(out, **save)
    return out.getvalue()


def javascript_pdf() -> bytes:
    def add_js(document: pikepdf.Pdf) -> None:
        action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        document.Root.OpenAction = document.make_indirect(action)

    return _rewrite(pdf(), add_js)


def encrypted_pdf() -> bytes:
    return _rewrite(pdf(), lambda d: None, encryption=pikepdf.Encryption(owner="a", user="b"))


def upload(
    user: Any,
    *,
    code: str = "TT28.KHBD",
    data: bytes | None = None,
    name: str = "ke-hoach.pdf",
    title: str = "",
    period: str = "",
) -> RecordVersion:
    return record_upload(
        actor=user,
        record_type=RecordType.objects.get(code=code),
        upload=Upload(io.BytesIO(data if data is not None else pdf()), name),
        title=title,
        period_key=period,
    )
