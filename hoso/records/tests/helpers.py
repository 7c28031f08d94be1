"""Test helpers: small real files (good and hostile) and one-call uploads."""

from __future__ import annotations

import io
from typing import Any

import pikepdf

from hoso.records.models import RecordType, RecordVersion
from hoso.records.pdfmaker import simple_pdf
from hoso.records.services.versions import Upload, record_upload


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


def sign_and_submit(user: Any, record_id: int) -> Any:
    """ "Ký và trình" with the user's demo certificate."""
    from django.conf import settings

    from hoso.records.services.workflow import record_sign_and_submit

    return record_sign_and_submit(
        actor=user, record_id=record_id, passphrase=settings.DEMO_PASSWORD
    )


def sign_step(user: Any, record_id: int) -> Any:
    """The pending sign or ký duyệt step, with the user's demo certificate."""
    from django.conf import settings

    from hoso.records.services.signing import version_sign

    return version_sign(actor=user, record_id=record_id, passphrase=settings.DEMO_PASSWORD)
