"""Visible signature appearances per Nghị định 30/2020/NĐ-CP, Phụ lục I.

- signer: blue transparent PNG of the handwritten signature, centred between the position
  title (e.g. "HIỆU TRƯỞNG") and the printed name;
- organisation: red seal PNG at actual size, covering ≈ 1/3 of the signer image on its left;
- attachments / e-copies, and signers without an image: text only, serif 10 pt black
  (Liberation Serif, metric-compatible with the Times New Roman NĐ 30 asks for), in free space
  of the page: never over existing content (the national motto sits top right of page 1).

Position titles follow NĐ 30 Điều 13 / Phụ lục I: the title may carry an authority prefix
("TM. BAN GIÁM HIỆU", "KT. HIỆU TRƯỞNG" over "PHÓ HIỆU TRƯỞNG", "Q.", "TL.", "TUQ."); the
image goes below the whole title block.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.layout import Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko.stamp.base import BaseStampStyle

from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.fonts import KeptSubsetFactory
from hoso.signing.engine.sign import FieldPlacement

# Liberation Serif subset to Latin + Vietnamese, renamed (OFL reserved name); fonts/README.md
FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "HosoSerifVI-Regular.ttf"
AUTHORITY = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s*", re.IGNORECASE)
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


def empty_appearance(*, page: int, box: Box) -> Appearance:
    """Nothing drawn in an explicit box: a form's own signature field signed without an image
    (the field is signed and no empty field is left on the form; the page looks as before)."""
    return Appearance(
        FieldPlacement(page, box), TextStampStyle(stamp_text="", border_width=0, background=None)
    )


def signer_appearance_at_anchor(
    pdf: bytes,
    signature_png: bytes | Image.Image,
    *,
    anchor: str = "HIỆU TRƯỞNG",
    width_mm: float = 40,
    max_height_mm: float = 22,
) -> Appearance:
    """Signer image centred below the last occurrence of `anchor`, above the name line."""
    text = PdfText.read(pdf)
    hits = text.find(anchor)
    if not hits:
        raise SigningError(
            _("Không tìm thấy dòng '%(anchor)s' trong tài liệu để đặt chữ ký.")
            % {"anchor": anchor},
            "no_anchor",
        )
    hit = hits[-1]
    return Appearance(
        FieldPlacement(hit.page, _box_below(text, hit, width_mm, max_height_mm)),
        _image_style(signature_png),
    )


def _box_below(text: PdfText, hit: TextHit, width_mm: float, max_h_mm: float) -> Box:
    lines = text.line_boxes(hit.page)
    x0, y0, x1, _ = _title_block(hit.box, lines)
    cx = (x0 + x1) / 2
    below = [b for b in lines if b[3] < y0 - 2 and b[0] <= cx <= b[2]]
    floor = max((b[3] for b in below), default=y0 - max_h_mm * PT_PER_MM - 4)
    height = min(y0 - floor - 4, max_h_mm * PT_PER_MM)
    width = width_mm * PT_PER_MM
    top = y0 - 2
    return (cx - width / 2, top - height, cx + width / 2, top)


def _title_block(title: Box, lines: list[Box]) -> Box:
    """The title line plus the lines right under it in the same column ("KT. HIỆU TRƯỞNG" /
    "PHÓ HIỆU TRƯỞNG"): the image goes below all of them."""
    x0, y0, x1, y1 = title
    height = max(y1 - y0, 1.0)
    cx = (x0 + x1) / 2
    changed = True
    while changed:
        changed = False
        for b in lines:
            close = y0 - 0.8 * height <= b[3] < y0 - 0.5 and b[0] <= cx <= b[2]
            if close:
                x0, y0, x1 = min(x0, b[0]), b[1], max(x1, b[2])
                changed = True
    return (x0, y0, x1, y1)


def signer_appearance_for_titles(
    pdf: bytes, signature_png: bytes | Image.Image, titles: list[str], **kwargs: float
) -> Appearance | None:
    """The image under the first of `titles` found (the last occurrence in the document), else
    under the last NĐ 30 title with an authority prefix (TM., KT., Q., TL., TUQ.) whose text
    contains one of `titles`, else under the only prefixed title; None when nothing fits."""
    text = PdfText.read(pdf)  # read once: every title is looked for in the same lines
    for title in titles:
        hits = text.find(title)
        if hits:
            return _under(text, hits[-1], signature_png, **kwargs)
    prefixed = text.authority_titles()
    wanted = [_norm(t) for t in titles]
    matching = [h for h, block in prefixed if any(w in block for w in wanted)]
    if matching:
        return _under(text, matching[-1], signature_png, **kwargs)
    if len(prefixed) == 1:
        return _under(text, prefixed[0][0], signature_png, **kwargs)
    return None


def _under(
    text: PdfText,
    hit: TextHit,
    png: bytes | Image.Image,
    width_mm: float = 40,
    max_height_mm: float = 22,
) -> Appearance:
    return Appearance(
        FieldPlacement(hit.page, _box_below(text, hit, width_mm, max_height_mm)),
        _image_style(png),
    )


# --- organisation seal ----------------------------------------------------------------------


def seal_appearance(
    seal_png: bytes | Image.Image, *, signer: FieldPlacement, diameter_mm: float = 36
) -> Appearance:
    """Seal at actual size, covering about the left third of the signer image."""
    box = seal_box(signer.box, diameter_mm=diameter_mm)
    return Appearance(FieldPlacement(signer.page, box), _image_style(seal_png))


def seal_box(signer_box: Box, *, diameter_mm: float = 36) -> Box:
    """Where the seal goes over a signer's image box: actual size, its right edge a third of
    the way into the image, centred on it vertically (NĐ 30 Phụ lục I)."""
    x0, y0, x1, y1 = signer_box
    size = diameter_mm * PT_PER_MM
    right = x0 + (x1 - x0) / 3
    cy = (y0 + y1) / 2
    return (right - size, cy - size / 2, right, cy + size / 2)


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
            font=KeptSubsetFactory(str(FONT_PATH), font_size=font_size),
            font_size=font_size,
            leading=leading,
        ),
        border_width=0,
        background=None,
    )
    return Appearance(FieldPlacement(0, box), style)


def text_block_style(lines: list[str], font_size: int = 10) -> TextStampStyle:
    leading = round(font_size * 1.45)
    return TextStampStyle(
        stamp_text="\n".join(lines).replace("%", "%%"),
        text_box_style=TextBoxStyle(
            font=KeptSubsetFactory(str(FONT_PATH), font_size=font_size),
            font_size=font_size,
            leading=leading,
        ),
        border_width=0,
        background=None,
    )


def text_block_in_free_space(
    pdf: bytes, lines: list[str], *, signed: bool, width_mm: float = 75
) -> tuple[bytes, Appearance]:
    """A text block where the page is empty: the last page first, then the others from the
    end. When there is no room, a document nobody signed yet gets a signature page; a signed
    one is refused (adding a page would break the earlier signatures).

    Returns the PDF to sign (maybe with the new page) and the appearance."""
    width, height = text_block_size(lines, width_mm=width_mm)
    count = page_count(pdf)
    place = free_box(pdf, width, height, pages=list(range(count - 1, -1, -1)))
    if place is None and not signed:
        pdf = with_signature_page(pdf)
        place = free_box(pdf, width, height, pages=[count])
    if place is None:
        raise SigningError(
            _(
                "Tài liệu không còn chỗ trống để đặt khối chữ ký mà không che nội dung; "
                "hãy chừa chỗ ký (ví dụ dòng chức danh như «HIỆU TRƯỞNG») rồi tải lên lại."
            ),
            "no_room",
        )
    return pdf, Appearance(place, text_block_style(lines))


def copy_lines(kind: str, organisation: str, when: dt.datetime | None = None) -> list[str]:
    """Text of an e-copy mark: "SAO Y" / "SAO LỤC" / "TRÍCH SAO", organisation, time."""
    return [kind.upper(), organisation, iso_vn_now(when)]


def attachment_lines(so_ky_hieu: str, when: dt.datetime | None = None) -> list[str]:
    """Text on a separately signed attachment: số và ký hiệu văn bản, time."""
    return [so_ky_hieu, iso_vn_now(when)]


def page_size(pdf: bytes, page: int = 0) -> tuple[float, float]:
    """Width and height of a page, with /MediaBox inherited from the page tree (LaTeX and many
    scanners put it on /Pages) and nested page trees walked."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    box = [float(v) for v in inherited(page_object(reader, page), "/MediaBox")]
    return box[2] - box[0], box[3] - box[1]


def page_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def page_object(reader: Any, index: int) -> Any:
    """The `index`-th page dictionary (0-based), walking nested /Pages nodes by /Count."""
    node = reader.root["/Pages"]
    seen = 0
    while True:
        for kid in node["/Kids"]:
            kid = kid.get_object()
            if kid.get("/Type") == "/Pages" or "/Kids" in kid:
                count = int(kid.get("/Count", 0))
                if index < seen + count:
                    node = kid
                    break
                seen += count
            elif seen == index:
                return kid
            else:
                seen += 1
        else:
            raise SigningError(_("Tài liệu không có trang cần đặt chữ ký."), "bad_pdf")


def inherited(page: Any, key: str) -> Any:
    """A page attribute, looked up through /Parent as the PDF specification says."""
    node, depth = page, 0
    while node is not None and depth < 64:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
        depth += 1
    if key == "/MediaBox":
        return [0, 0, 595.28, 841.89]  # A4: the default when a broken file has none
    raise KeyError(key)


# --- free space (a text block never covers page content) ----------------------------------


def occupied(pdf: bytes, page_index: int) -> list[Box]:
    """Everything drawn on a page (text lines, images, vector graphics, forms) and every
    annotation (earlier signatures' widgets included), as boxes."""
    from pdfminer.layout import LTComponent, LTTextContainer, LTTextLine
    from pyhanko.pdf_utils.reader import PdfFileReader

    boxes: list[Box] = []
    for page in _layout_pages(pdf, page_index):
        for el in page:
            if isinstance(el, LTTextContainer):
                boxes += [ln.bbox for ln in el if isinstance(ln, LTTextLine)]
            elif isinstance(el, LTComponent):
                boxes.append(el.bbox)
        break
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    for annot in page_object(reader, page_index).get("/Annots", []) or []:
        rect = annot.get_object().get("/Rect")
        if rect is not None:
            x0, y0, x1, y1 = (float(v) for v in rect)
            boxes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return boxes


def free_box(
    pdf: bytes, width: float, height: float, *, margin_mm: float = 15, pages: list[int]
) -> FieldPlacement | None:
    """The first place of `width` × `height` points that overlaps nothing, trying `pages` in
    order, each from the bottom up, right column first (where NĐ 30 puts signatures)."""
    margin, pad = margin_mm * PT_PER_MM, 3.0
    for index in pages:
        page_w, page_h = page_size(pdf, index)
        taken = occupied(pdf, index)
        xs = [page_w - margin - width, margin, (page_w - width) / 2]
        y = margin
        while y + height <= page_h - margin:
            for x in xs:
                box = (x, y, x + width, y + height)
                if x >= margin - 0.1 and not any(_overlaps(box, t, pad) for t in taken):
                    return FieldPlacement(index, box)
            y += 6
    return None


def _overlaps(a: Box, b: Box, pad: float) -> bool:
    return not (
        a[2] + pad <= b[0] or b[2] + pad <= a[0] or a[3] + pad <= b[1] or b[3] + pad <= a[1]
    )


def with_signature_page(pdf: bytes) -> bytes:
    """`pdf` plus a blank last page of the size of the last page, as an incremental update
    (only for a document nobody has signed yet: a new page after a signature is a change
    validators refuse)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    last = page_count(pdf) - 1
    width, height = page_size(pdf, last)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject(
                [generic.FloatObject(0), generic.FloatObject(0)]
                + [generic.FloatObject(width), generic.FloatObject(height)]
            ),
            generic.NameObject("/Resources"): generic.DictionaryObject(),
            generic.NameObject("/Contents"): writer.add_object(
                generic.StreamObject(stream_data=b" ")
            ),
        }
    )
    writer.insert_page(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def text_block_size(
    lines: list[str], *, width_mm: float = 75, font_size: int = 10
) -> tuple[float, float]:
    leading = round(font_size * 1.45)
    return width_mm * PT_PER_MM, leading * len(lines) + 8


# --- text positions (pdfminer.six) ------------------------------------------------------------


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


def _layout_pages(pdf: bytes, page: int | None = None):  # type: ignore[no-untyped-def]
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    # Only text lines are used: skip pdfminer's grouping of boxes into a reading order, the
    # slowest part (minutes on a long table), and read only the page asked for.
    return extract_pages(
        BytesIO(pdf),
        page_numbers=None if page is None else [page],
        laparams=LAParams(boxes_flow=None),
    )


@dataclass(frozen=True)
class TextLine:
    page: int
    box: Box
    text: str  # as drawn, stripped
    block: str  # the text of the line's block, normalised (an NĐ 30 title block)


class PdfText:
    """Every text line of a PDF with its page and box, read once (pdfminer's layout is the
    slow part of placing a signature: each title looked for used to read the file again)."""

    def __init__(self, lines: list[TextLine]) -> None:
        self.lines = lines

    @classmethod
    def read(cls, pdf: bytes) -> PdfText:
        from pdfminer.layout import LTTextContainer, LTTextLine

        lines = []
        for index, page in enumerate(_layout_pages(pdf)):
            for el in page:
                if not isinstance(el, LTTextContainer):
                    continue
                block = _norm(el.get_text())
                for line in el:
                    if isinstance(line, LTTextLine):
                        lines.append(TextLine(index, line.bbox, line.get_text().strip(), block))
        return cls(lines)

    def find(self, needle: str) -> list[TextHit]:
        """Lines containing `needle` (case-insensitive, NFC)."""
        want = _norm(needle)
        return [TextHit(ln.page, ln.box) for ln in self.lines if want in _norm(ln.text)]

    def line_boxes(self, page: int) -> list[Box]:
        return [ln.box for ln in self.lines if ln.page == page and ln.text]

    def authority_titles(self) -> list[tuple[TextHit, str]]:
        """Lines that start with an NĐ 30 authority prefix, with the text of their block."""
        return [
            (TextHit(ln.page, ln.box), ln.block) for ln in self.lines if AUTHORITY.match(ln.text)
        ]


def find_text(pdf: bytes, needle: str) -> list[TextHit]:
    """Text lines containing `needle` (case-insensitive, NFC), with page and bbox."""
    return PdfText.read(pdf).find(needle)
