"""Visible signature appearances per Nghị định 30/2020/NĐ-CP, Phụ lục I.

- signer: blue transparent PNG of the handwritten signature, centred between the position
  title (e.g. "HIỆU TRƯỞNG") and the printed name;
- organisation: red seal PNG at actual size, covering ≈ 1/3 of the signer image on its left;
- attachments / e-copies: text only, top right of page 1, Times-compatible serif 10 pt black.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.layout import Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko.stamp.base import BaseStampStyle

from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.sign import FieldPlacement

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "NotoSerif-Regular-vi.ttf"
VN_TZ = dt.timezone(dt.timedelta(hours=7))
PT_PER_MM = 72 / 25.4
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Appearance:
    """A field placement plus the pyHanko stamp style drawn in it."""

    placement: FieldPlacement
    stamp_style: BaseStampStyle


@dataclass(frozen=True)
class TextHit:
    page: int
    box: Box


def iso_vn_now(now: dt.datetime | None = None) -> str:
    """Current time as ISO 8601 with the Vietnam offset, e.g. 2025-05-20T09:15:30+07:00."""
    return (now or dt.datetime.now(VN_TZ)).astimezone(VN_TZ).replace(microsecond=0).isoformat()


def _png_image(png: bytes | Image.Image) -> Image.Image:
    img = png if isinstance(png, Image.Image) else Image.open(BytesIO(png))
    return img.convert("RGBA")


def _image_style(png: bytes | Image.Image) -> StaticStampStyle:
    return StaticStampStyle(
        background=PdfImage(_png_image(png)),
        background_opacity=1.0,
        border_width=0,
        background_layout=SimpleBoxLayoutRule(
            x_align=_centre(), y_align=_centre(), margins=Margins(0, 0, 0, 0)
        ),
    )


def _centre():  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.layout import AxisAlignment

    return AxisAlignment.ALIGN_MID


# --- signer -------------------------------------------------------------------------------


def signer_appearance(signature_png: bytes | Image.Image, *, page: int, box: Box) -> Appearance:
    """Signer image in an explicit box (points, origin bottom-left) on `page` (0-based)."""
    return Appearance(FieldPlacement(page, box), _image_style(signature_png))


def signer_appearance_at_anchor(
    pdf: bytes,
    signature_png: bytes | Image.Image,
    *,
    anchor: str = "HIỆU TRƯỞNG",
    width_mm: float = 40,
    max_height_mm: float = 22,
) -> Appearance:
    """Signer image centred below the last occurrence of `anchor`, above the name line."""
    hits = find_text(pdf, anchor)
    if not hits:
        raise SigningError(
            f"Không tìm thấy dòng '{anchor}' trong tài liệu để đặt chữ ký.", "no_anchor"
        )
    hit = hits[-1]
    return Appearance(
        FieldPlacement(hit.page, _box_below(pdf, hit, width_mm, max_height_mm)),
        _image_style(signature_png),
    )


def _box_below(pdf: bytes, hit: TextHit, width_mm: float, max_h_mm: float) -> Box:
    x0, y0, x1, _ = hit.box
    cx = (x0 + x1) / 2
    below = [b for b in _lines(pdf, hit.page) if b[3] < y0 - 2 and b[0] <= cx <= b[2]]
    floor = max((b[3] for b in below), default=y0 - max_h_mm * PT_PER_MM - 4)
    height = min(y0 - floor - 4, max_h_mm * PT_PER_MM)
    width = width_mm * PT_PER_MM
    top = y0 - 2
    return (cx - width / 2, top - height, cx + width / 2, top)


# --- organisation seal ----------------------------------------------------------------------


def seal_appearance(
    seal_png: bytes | Image.Image, *, signer: FieldPlacement, diameter_mm: float = 36
) -> Appearance:
    """Seal at actual size, covering about the left third of the signer image."""
    x0, y0, x1, y1 = signer.box
    size = diameter_mm * PT_PER_MM
    right = x0 + (x1 - x0) / 3
    cy = (y0 + y1) / 2
    box = (right - size, cy - size / 2, right, cy + size / 2)
    return Appearance(FieldPlacement(signer.page, box), _image_style(seal_png))


# --- text-only block (attachments, e-copies) -------------------------------------------------


def text_block_appearance(
    lines: list[str],
    *,
    page_width: float,
    page_height: float,
    width_mm: float = 75,
    right_mm: float = 15,
    top_mm: float = 8,
    font_size: int = 10,
) -> Appearance:
    """Black serif text block at the top right of page 1 (no image)."""
    leading = round(font_size * 1.45)  # ≥ 1.4×: stacked diacritics of adjacent lines collide
    height = leading * len(lines) + 8
    x1 = page_width - right_mm * PT_PER_MM
    y1 = page_height - top_mm * PT_PER_MM
    box = (x1 - width_mm * PT_PER_MM, y1 - height, x1, y1)
    text = "\n".join(lines).replace("%", "%%")
    style = TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(str(FONT_PATH), font_size=font_size),
            font_size=font_size,
            leading=leading,
        ),
        border_width=0,
        background=None,
    )
    return Appearance(FieldPlacement(0, box), style)


def copy_lines(kind: str, organisation: str, when: dt.datetime | None = None) -> list[str]:
    """Text of an e-copy mark: "SAO Y" / "SAO LỤC" / "TRÍCH SAO", organisation, time."""
    return [kind.upper(), organisation, iso_vn_now(when)]


def attachment_lines(so_ky_hieu: str, when: dt.datetime | None = None) -> list[str]:
    """Text on a separately signed attachment: số và ký hiệu văn bản, time."""
    return [so_ky_hieu, iso_vn_now(when)]


def page_size(pdf: bytes, page: int = 0) -> tuple[float, float]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    mediabox = PdfFileReader(BytesIO(pdf), strict=False).root["/Pages"]["/Kids"][page]
    box = [float(v) for v in mediabox.get_object()["/MediaBox"]]
    return box[2] - box[0], box[3] - box[1]


# --- text positions (pdfminer.six) ------------------------------------------------------------


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


def _layout_pages(pdf: bytes):  # type: ignore[no-untyped-def]
    from pdfminer.high_level import extract_pages

    return extract_pages(BytesIO(pdf))


def find_text(pdf: bytes, needle: str) -> list[TextHit]:
    """Text lines containing `needle` (case-insensitive, NFC), with page and bbox."""
    from pdfminer.layout import LTTextContainer, LTTextLine

    want = _norm(needle)
    hits = []
    for index, page in enumerate(_layout_pages(pdf)):
        for el in page:
            if not isinstance(el, LTTextContainer):
                continue
            for line in el:
                if isinstance(line, LTTextLine) and want in _norm(line.get_text()):
                    hits.append(TextHit(index, line.bbox))
    return hits


def _lines(pdf: bytes, page_index: int) -> list[Box]:
    from pdfminer.layout import LTTextContainer, LTTextLine

    for index, page in enumerate(_layout_pages(pdf)):
        if index == page_index:
            return [
                line.bbox
                for el in page
                if isinstance(el, LTTextContainer)
                for line in el
                if isinstance(line, LTTextLine) and line.get_text().strip()
            ]
    return []
