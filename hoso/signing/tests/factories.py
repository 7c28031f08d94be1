"""Records ready for signing: a record type with a signing chain, a PDF with the NĐ 30
signature blocks, a submitted and approved record."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from hoso.records.models import Keeper, Period, RecordType
from hoso.records.services.versions import Upload, record_upload
from hoso.records.services.workflow import record_approve, record_submit
from hoso.signing.engine.testdocs import _font

CHAIN_FULL = [
    {"role": "TTCM", "action": "sign"},
    {"role": "HT", "action": "sign"},
    {"role": "VT", "action": "seal"},
]
CHAIN_REVIEW_SIGN_SEAL = [
    {"role": "TTCM", "action": "review"},
    {"role": "HT", "action": "sign"},
    {"role": "VT", "action": "seal"},
]


def signature_block_pdf(title: str = "KẾ HOẠCH GIÁO DỤC CỦA GIÁO VIÊN") -> bytes:
    """A4 page ending with two NĐ 30 blocks: TỔ TRƯỞNG (left) and HIỆU TRƯỞNG (right)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    font = _font()
    width, height = A4
    c.setFont(font, 14)
    c.drawCentredString(width / 2, height - 30 * mm, title)
    c.setFont(font, 13)
    c.drawString(
        30 * mm, height - 50 * mm, "Nội dung: dạy học phát triển phẩm chất, năng lực học sinh."
    )
    c.drawCentredString(60 * mm, 62 * mm, "TỔ TRƯỞNG")
    c.drawCentredString(60 * mm, 30 * mm, "Đỗ Văn Đức")
    c.drawCentredString(width - 60 * mm, 62 * mm, "HIỆU TRƯỞNG")
    c.drawCentredString(width - 60 * mm, 30 * mm, "Nguyễn Văn Thêm")
    c.showPage()
    c.save()
    return buf.getvalue()


def record_type(chain: list[dict[str, str]] = CHAIN_FULL, code: str = "TEST.KY") -> RecordType:
    rt, _ = RecordType.objects.update_or_create(
        code=code,
        defaults={
            "name": "Kế hoạch giáo dục (thử ký số)",
            "levels": ["TH"],
            "keeper": Keeper.TEACHER,
            "period": Period.ONCE,
            "signing_chain": chain,
            "formats": ["pdf", "docx"],
            "retention_years": 5,
        },
    )
    return rt


def uploaded_record(
    owner: Any,
    chain: list[dict[str, str]] = CHAIN_FULL,
    pdf: bytes | None = None,
    code: str = "TEST.KY",
) -> Any:
    rt = record_type(chain, code)
    data = pdf or signature_block_pdf()
    version = record_upload(
        actor=owner,
        record_type=rt,
        upload=Upload(io.BytesIO(data), "ke-hoach.pdf", len(data)),
        title="Kế hoạch thử",
    )
    return version.record


def submitted_record(owner: Any, chain: list[dict[str, str]] = CHAIN_FULL, **kw: Any) -> Any:
    record = uploaded_record(owner, chain, **kw)
    record_submit(actor=owner, record_id=record.pk)
    return record


def approved_record(
    owner: Any, reviewer: Any, chain: list[dict[str, str]] = CHAIN_REVIEW_SIGN_SEAL
) -> Any:
    record = submitted_record(owner, chain)
    record_approve(actor=reviewer, record_id=record.pk)
    return record
