"""Small real PDFs with Vietnamese text (reportlab), for the demo, tests and benchmarks.
reportlab is imported when a PDF is made: the demo steps that import this module are registered
by every web process, which never makes one (its memory)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

_CANDIDATES = [
    Path(__file__).resolve().parent.parent / "signing" / "fonts" / "NotoSerif-Regular-vi.ttf",
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
]


@cache
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in _CANDIDATES:
        if path.is_file():
            pdfmetrics.registerFont(TTFont("HosoVi", str(path)))
            return "HosoVi"
    return "Helvetica"  # no Vietnamese glyphs, but still a valid PDF


def simple_pdf(title: str, lines: list[str] | None = None, *, pad_to: int = 0) -> bytes:
    """A one-page A4 PDF with `title` and `lines`; `pad_to` bytes of incompressible filler
    (a PDF comment) make files of a chosen size for throughput tests."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    page.setTitle(title)
    page.setFont(_font(), 14)
    page.drawString(72, 770, title)
    page.setFont(_font(), 11)
    for number, line in enumerate(lines or [], start=1):
        page.drawString(72, 770 - 20 * (number + 1), line[:100])
    page.showPage()
    page.save()
    data = out.getvalue()
    return _padded(data, pad_to) if pad_to > len(data) else data


def _padded(data: bytes, size: int) -> bytes:
    import os

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        filler = pdf.make_stream(os.urandom(max(size - len(data) - 200, 0)))
        pdf.Root.HosoPadding = filler  # an unused, valid object: the page is unchanged
        out = io.BytesIO()
        pdf.save(out, compress_streams=False)
    return out.getvalue()
