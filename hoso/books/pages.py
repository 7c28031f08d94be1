"""The WeasyPrint step of a book alone: HTML laid out as PDF, and the blanks of the signers'
blocks found in that layout. It imports no Django app (only WeasyPrint), so that the pool's
processes (hoso.core.cores) can run it for a batch without loading the apps."""

from __future__ import annotations

import threading
from typing import Any

SIGN_ATTRIBUTE = "data-sign"  # on the blank of a signer's block: the field's name
CSS_PX_PT = 0.75
IMAGE_WIDTH_PT = 40 * 72 / 25.4  # the signer image's width (as appearance._box_below)

Place = tuple[str, int, tuple[float, float, float, float]]


def laid_out(job: tuple[str, str]) -> tuple[bytes, list[Place]]:
    """(html, base URL) → the PDF and the place of every blank marked `data-sign`."""
    from weasyprint import HTML  # heavy import; only when a PDF is made

    html, base_url = job
    document = HTML(string=html, base_url=base_url).render(font_config=_fonts())
    return document.write_pdf(), signature_places(document)


def laid_out_or_none(job: tuple[str, str] | None) -> tuple[bytes, list[Place]] | None:
    """For a batch laying out ahead: a page that cannot be laid out here is laid out again
    (and fails, with its message) where the batch stores it."""
    if job is None:
        return None
    try:
        return laid_out(job)
    except Exception:  # noqa: BLE001 — reported where it happens again
        return None


_THREAD = threading.local()


def _fonts() -> Any:
    """One WeasyPrint font configuration per thread, for every document it lays out: a fresh
    one per document (WeasyPrint's default) kept about 0.4 MB each in Pango's font maps, over
    100 MB across a school's 500 học bạ. The books use installed fonts (no @font-face), so a
    shared configuration lays them out the same."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_THREAD, "fonts", None)
    if config is None:
        config = _THREAD.fonts = FontConfiguration()
    return config


def signature_places(document: Any) -> list[Place]:
    """(field name, page, box in points from the bottom left) of every blank marked
    `data-sign` in the laid-out document: the image's width, centred, the blank's height."""
    places: list[Place] = []
    for index, page in enumerate(document.pages):
        height = page.height
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            name = element.get(SIGN_ATTRIBUTE) if element is not None else None
            if not name or getattr(box, "element_tag", "") != "div":
                continue
            x, y = box.border_box_x(), box.border_box_y()
            w, h = box.border_width(), box.border_height()
            centre = (x + w / 2) * CSS_PX_PT
            top, bottom = (height - y) * CSS_PX_PT, (height - y - h) * CSS_PX_PT
            half = min(IMAGE_WIDTH_PT, w * CSS_PX_PT) / 2
            places.append((name, index, (centre - half, bottom, centre + half, top)))
    return places
