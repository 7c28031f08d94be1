"""Printable A4 sheets (reportlab): patron cards with a Code 128 barcode and a QR code of the
mã định danh, and barcode labels for copies (số ĐKCB). 2 × 5 cards or 3 × 8 labels a sheet."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from hoso.records.pdfmaker import _font

MAX_ITEMS = 2000


@dataclass(frozen=True)
class Card:
    code: str
    name: str
    line: str  # class or tổ
    school: str


def _qr(value: str, size: float) -> Drawing:
    widget = qr.QrCodeWidget(value)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def patron_cards(cards: Iterable[Card]) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    page.setTitle("Thẻ bạn đọc")
    width, height = 90 * mm, 54 * mm  # the size of a bank card
    left, top = (A4[0] - 2 * width) / 2, A4[1] - 13 * mm
    for index, card in enumerate(list(cards)[:MAX_ITEMS]):
        slot = index % 10
        if index and slot == 0:
            page.showPage()
        x = left + (slot % 2) * width
        y = top - (slot // 2 + 1) * height
        page.setLineWidth(0.3)
        page.rect(x, y, width, height)
        page.setFont(_font(), 8)
        page.drawString(x + 4 * mm, y + height - 6 * mm, card.school[:48])
        page.setFont(_font(), 11)
        page.drawString(x + 4 * mm, y + height - 12 * mm, "THẺ THƯ VIỆN")
        page.setFont(_font(), 10)
        page.drawString(x + 4 * mm, y + height - 19 * mm, card.name[:34])
        page.setFont(_font(), 8)
        page.drawString(x + 4 * mm, y + height - 24 * mm, card.line[:40])
        barcode = code128.Code128(card.code, barHeight=11 * mm, barWidth=0.33 * mm)
        barcode.drawOn(page, x + 1 * mm, y + 8 * mm)
        page.drawString(x + 4 * mm, y + 4 * mm, card.code)
        renderPDF.draw(_qr(card.code, 24 * mm), page, x + width - 27 * mm, y + height - 27 * mm)
    page.showPage()
    page.save()
    return out.getvalue()


@dataclass(frozen=True)
class Label:
    barcode: str
    reg_number: int
    title: str
    call_number: str


def copy_labels(labels: Iterable[Label]) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    page.setTitle("Nhãn mã vạch")
    width, height = 70 * mm, 37 * mm
    for index, label in enumerate(list(labels)[:MAX_ITEMS]):
        slot = index % 24
        if index and slot == 0:
            page.showPage()
        x = (slot % 3) * width
        y = A4[1] - (slot // 3 + 1) * height
        page.setFont(_font(), 7)
        page.drawString(x + 4 * mm, y + height - 6 * mm, label.title[:45])
        page.drawString(
            x + 4 * mm, y + height - 10 * mm, f"ĐKCB {label.reg_number}  {label.call_number}"[:45]
        )
        barcode = code128.Code128(label.barcode, barHeight=12 * mm, barWidth=0.3 * mm)
        barcode.drawOn(page, x + 2 * mm, y + 8 * mm)
        page.drawString(x + 4 * mm, y + 4 * mm, label.barcode)
    page.showPage()
    page.save()
    return out.getvalue()
