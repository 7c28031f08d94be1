"""Sample Vietnamese PDFs (reportlab) for tests, the demo and the benchmark."""

from __future__ import annotations

import random
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from hoso.signing.engine.appearance import FONT_PATH

_FONT = "HoSoSerif"
_BODY = (
    "Căn cứ Thông tư số 28/2020/TT-BGDĐT, nhà trường ban hành kế hoạch giáo dục năm học "
    "2025-2026. Giáo viên chủ nhiệm lớp 9A1 cập nhật sổ theo dõi và đánh giá học sinh, "
    "học bạ số và kế hoạch bài dạy môn Địa lý, Ngữ văn, Toán."
)


def _font() -> str:
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, str(FONT_PATH)))
    return _FONT


def sample_pdf(
    pages: int = 1,
    *,
    title: str = "KẾ HOẠCH BÀI DẠY",
    position: str = "HIỆU TRƯỞNG",
    signer_name: str = "Nguyễn Văn Thêm",
    image_bytes: int = 0,
    seed: int = 0,
) -> bytes:
    """A4 document whose last page ends with the position title, a gap and the signer name.

    `image_bytes` > 0 adds an incompressible image of about that size (to reach a file size).
    """
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    font = _font()
    width, height = A4
    rng = random.Random(seed)
    for n in range(pages):
        c.setFont(font, 14)
        c.drawCentredString(width / 2, height - 30 * mm, title)
        c.setFont(font, 13)
        y = height - 45 * mm
        for i in range(18):
            c.drawString(30 * mm, y, f"{i + 1}. {_BODY[: 60 + (i * 7 + n) % 30]}")
            y -= 8 * mm
        if image_bytes and n == 0:
            _noise_image(c, image_bytes, rng)
        if n == pages - 1:
            _signature_block(c, font, position, signer_name, width)
        c.showPage()
    c.save()
    return buf.getvalue()


def _signature_block(c: canvas.Canvas, font: str, position: str, name: str, width: float) -> None:
    cx = width - 60 * mm
    c.setFont(font, 13)
    c.drawCentredString(cx, 62 * mm, position)
    c.drawCentredString(cx, 30 * mm, name)


def _noise_image(c: canvas.Canvas, nbytes: int, rng: random.Random) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    side = max(16, int((nbytes / 3) ** 0.5))
    img = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    c.drawImage(ImageReader(img), 30 * mm, 100 * mm, width=40 * mm, height=40 * mm)
