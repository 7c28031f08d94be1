"""The library's legally kept books, generated from the data as PDFs (reportlab). Issuing one
(`hoso.library.services.registers.register_issue`) hands it to the records app: it becomes a
version of a school record of its type (codes TV.*), submitted into the signing chain thủ thư →
hiệu trưởng and kept with the type's retention period.

Layouts: docs/sources/library.md §2 (column lists of the registers printed for schools; the
column-by-column wording is UNCONFIRMED and kept as data in COLUMNS)."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hoso.core.errors import Conflict, DomainError
from hoso.library.models import (
    Accession,
    Copy,
    CopyStatus,
    ItemKind,
    Loan,
    RegisterKind,
    StockTake,
    Weeding,
)
from hoso.library.selectors import discrepancies
from hoso.org.models import Unit
from hoso.records.pdfmaker import _font

MAX_LINES = 60_000


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=14, leading=18, alignment=1)
    head = ParagraphStyle("h", fontName=font, fontSize=9, leading=11, alignment=1)
    cell = ParagraphStyle("c", fontName=font, fontSize=7.5, leading=9)
    return title, head, cell


def _table(header: Sequence[str], rows: list[list[Any]], widths: list[float]) -> Table:
    _, head, cell = _styles()
    data = [[Paragraph(h, head) for h in header]]
    data += [[Paragraph(str(v if v is not None else ""), cell) for v in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


def _header(school: Unit, title: str, subtitle: str) -> list[Any]:
    style, head, _ = _styles()
    parent = school.parent.name.upper() if school.parent else ""
    return [
        Table(
            [
                [Paragraph(parent, head), Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", head)],
                [
                    Paragraph(school.name.upper(), head),
                    Paragraph("Độc lập - Tự do - Hạnh phúc", head),
                ],
            ],
            colWidths=[110 * mm, 150 * mm],
        ),
        Spacer(1, 6 * mm),
        Paragraph(title, style),
        Paragraph(subtitle, head),
        Spacer(1, 4 * mm),
    ]


def _signatures(left: str, right: str) -> Table:
    _, head, _ = _styles()
    sign = "(Ký, ghi rõ họ tên)"
    seal = "(Ký, ghi rõ họ tên và đóng dấu)"
    return Table(
        [
            [
                Paragraph(f"<b>{left}</b><br/>{sign}", head),
                Paragraph(f"<b>{right}</b><br/>{seal}", head),
            ]
        ],
        colWidths=[130 * mm, 130 * mm],
        rowHeights=[30 * mm],
    )


def _pdf(story: list[Any], title: str) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        invariant=1,
    )
    doc.build(story)
    return out.getvalue()


def _year_name() -> str:
    from hoso.org.years import current_year

    year = current_year()
    return year.name if year else ""


def ca_biet(school: Unit) -> bytes:
    copies = (
        Copy.objects.filter(school=school)
        .select_related("record", "accession")
        .order_by("reg_number")
    )
    if copies.count() > MAX_LINES:
        raise DomainError(_("Sổ quá %(max)s dòng; hãy in theo từng loại.") % {"max": MAX_LINES})
    rows = [
        [
            f"{c.accession.day:%d/%m/%Y}" if c.accession else f"{c.created_at:%d/%m/%Y}",
            c.reg_number,
            f"{c.record.title}. {c.record.authors}".strip(". "),
            ", ".join(p for p in (c.record.pub_place, c.record.publisher) if p),
            c.record.pub_year or "",
            f"{c.price:,}".replace(",", "."),
            c.record.call_number,
            c.accession.number if c.accession else "",
            f"{c.removed_on:%d/%m/%Y} {c.removal_ref}" if c.removed_on else "",
            c.get_status_display() if c.status in (CopyStatus.LOST, CopyStatus.DAMAGED) else "",
        ]
        for c in copies.iterator(chunk_size=2000)
    ]
    header = [
        "Ngày vào sổ",
        "Số ĐKCB",
        "Tên sách và tác giả",
        "Nơi XB, NXB",
        "Năm XB",
        "Giá tiền",
        "Môn loại / KHPL",
        "Số vào sổ TQ",
        "Ngày, số biên bản xuất",
        "Ghi chú",
    ]
    story = _header(school, "SỔ ĐĂNG KÝ CÁ BIỆT", f"Năm học {_year_name()}")
    story += [_table(header, rows, [20, 15, 80, 40, 13, 18, 25, 15, 30, 17])]
    story += [Spacer(1, 6 * mm), _signatures("THỦ THƯ", "HIỆU TRƯỞNG")]
    return _pdf(story, "Sổ đăng ký cá biệt")


def _kind_counts(copies: Any) -> dict[str, int]:
    return dict(copies.values_list("record__kind").annotate(n=Count("id")))


def tong_quat(school: Unit) -> bytes:
    story = _header(school, "SỔ ĐĂNG KÝ TỔNG QUÁT", f"Năm học {_year_name()}")
    rows = []
    for acc in Accession.objects.filter(school=school).order_by("number"):
        copies = Copy.objects.filter(accession=acc)
        kinds = _kind_counts(copies)
        numbers = copies.aggregate(
            n=Count("id"), titles=Count("record", distinct=True), total=Sum("price")
        )
        first = copies.order_by("reg_number").first()
        last = copies.order_by("-reg_number").first()
        rows.append(
            [
                acc.number,
                f"{acc.day:%d/%m/%Y}",
                f"{acc.source}. {acc.document}",
                numbers["titles"],
                numbers["n"],
                f"{numbers['total'] or 0:,}".replace(",", "."),
                kinds.get(ItemKind.SGK, 0),
                kinds.get(ItemKind.SGV, 0),
                kinds.get(ItemKind.STK, 0),
                kinds.get(ItemKind.THIEU_NHI, 0),
                f"{first.reg_number}–{last.reg_number}" if first and last else "",
            ]
        )
    story.append(Paragraph("Phần I – Nhập tài liệu vào thư viện", _styles()[1]))
    story.append(
        _table(
            [
                "STT",
                "Ngày vào sổ",
                "Nguồn cung cấp, số và ngày chứng từ",
                "Tên",
                "Bản",
                "Giá tiền",
                "SGK",
                "SGV",
                "Tham khảo",
                "Thiếu nhi",
                "Số ĐKCB từ–đến",
            ],
            rows,
            [12, 20, 80, 14, 14, 25, 14, 14, 18, 18, 30],
        )
    )
    removed = Copy.objects.filter(school=school, removed_on__isnull=False)
    groups: dict[tuple[Any, str], list[Copy]] = defaultdict(list)
    for copy in removed.select_related("record"):
        groups[(copy.removed_on, copy.removal_ref)].append(copy)
    out_rows = [
        [
            i,
            f"{day:%d/%m/%Y}",
            ref,
            len(cs),
            f"{sum(c.price for c in cs):,}".replace(",", "."),
            "Thanh lý" if cs[0].status == CopyStatus.WEEDED else "Mất",
        ]
        for i, ((day, ref), cs) in enumerate(sorted(groups.items(), key=lambda g: str(g[0][0])), 1)
    ]
    story += [PageBreak(), Paragraph("Phần II – Xuất tài liệu khỏi thư viện", _styles()[1])]
    story.append(
        _table(
            ["STT", "Ngày xuất", "Số biên bản", "Tổng số bản", "Giá tiền", "Lý do"],
            out_rows,
            [12, 25, 80, 25, 30, 60],
        )
    )
    live = Copy.objects.filter(school=school).exclude(
        status__in=[CopyStatus.WEEDED, CopyStatus.LOST]
    )
    totals = live.aggregate(
        n=Count("id"), titles=Count("record", distinct=True), total=Sum("price")
    )
    story += [Spacer(1, 4 * mm), Paragraph("Phần III – Tổng kết kho", _styles()[1])]
    story.append(
        _table(
            ["Năm học", "Còn lại cuối kỳ: tên", "bản", "tiền", "Đã xuất: bản"],
            [
                [
                    _year_name(),
                    totals["titles"],
                    totals["n"],
                    f"{totals['total'] or 0:,}".replace(",", "."),
                    removed.count(),
                ]
            ],
            [40, 40, 30, 40, 40],
        )
    )
    story += [Spacer(1, 6 * mm), _signatures("THỦ THƯ", "HIỆU TRƯỞNG")]
    return _pdf(story, "Sổ đăng ký tổng quát")


def so_muon(school: Unit) -> bytes:
    from hoso.org.years import current_year

    year = current_year()
    loans = Loan.objects.filter(school=school).select_related("copy__record", "student", "staff")
    if year is not None:
        loans = loans.filter(issued_at__date__gte=year.start_date)
    by_patron: dict[str, list[Loan]] = defaultdict(list)
    for loan in loans.order_by("issued_at")[:MAX_LINES]:
        person = loan.student or loan.staff
        by_patron[f"{loan.patron_name} — {person.code if person else ''}"].append(loan)
    story = _header(school, "SỔ MƯỢN SÁCH", f"Năm học {_year_name()}")
    for patron, items in sorted(by_patron.items()):
        story.append(Paragraph(patron, _styles()[1]))
        story.append(
            _table(
                [
                    "STT",
                    "Ngày mượn",
                    "Số ĐKCB",
                    "Tên sách",
                    "Hạn trả",
                    "Ngày trả",
                    "Người cho mượn",
                ],
                [
                    [
                        i,
                        f"{loan.issued_at:%d/%m/%Y}",
                        loan.copy.reg_number,
                        loan.copy.record.title,
                        f"{loan.due_on:%d/%m/%Y}",
                        f"{loan.returned_at:%d/%m/%Y}" if loan.returned_at else "",
                        "(xác nhận bằng quét mã trong HoSo)",
                    ]
                    for i, loan in enumerate(items, 1)
                ],
                [10, 22, 18, 110, 22, 22, 50],
            )
        )
        story.append(Spacer(1, 3 * mm))
    story += [_signatures("THỦ THƯ", "HIỆU TRƯỞNG")]
    return _pdf(story, "Sổ mượn sách")


def kiem_ke(stocktake: StockTake) -> bytes:
    school = stocktake.school
    found = discrepancies(stocktake)
    story = _header(school, "BIÊN BẢN", f"Kiểm kê tài liệu thư viện — {stocktake.name}")
    story.append(
        Paragraph(
            f"Thời gian: từ {stocktake.started_at:%d/%m/%Y} đến "
            f"{(stocktake.closed_at or timezone.now()):%d/%m/%Y}. Đã quét {found.scanned} mã; "
            f"sổ có {found.expected} bản, trong đó {found.on_loan} bản đang cho mượn.",
            _styles()[2],
        )
    )
    rows = [
        [
            i,
            c.reg_number,
            c.record.title,
            c.record.authors,
            c.record.publisher,
            c.record.pub_year or "",
            c.price,
            "Không thấy trên giá",
            c.location,
        ]
        for i, c in enumerate(found.missing, 1)
    ]
    start = len(rows)
    rows += [
        [
            start + i,
            c.reg_number,
            c.record.title,
            c.record.authors,
            c.record.publisher,
            c.record.pub_year or "",
            c.price,
            "Để sai chỗ",
            f"thấy ở {where}",
        ]
        for i, (c, where) in enumerate(found.misplaced, 1)
    ]
    story.append(
        _table(
            [
                "STT",
                "Số ĐKCB",
                "Tên sách",
                "Tác giả",
                "NXB",
                "Năm XB",
                "Giá",
                "Tình trạng",
                "Ghi chú",
            ],
            rows,
            [10, 16, 80, 40, 35, 14, 16, 30, 30],
        )
    )
    story += [Spacer(1, 6 * mm), _signatures("THƯ KÝ (THỦ THƯ)", "CHỦ TỊCH HỘI ĐỒNG (HIỆU TRƯỞNG)")]
    return _pdf(story, "Biên bản kiểm kê")


def thanh_ly(weeding: Weeding) -> bytes:
    if weeding.state != "approved":
        raise Conflict(_("Chỉ lập biên bản thanh lý khi hiệu trưởng đã duyệt."))
    copies = list(weeding.copies.select_related("record").order_by("reg_number"))
    story = _header(weeding.school, "BIÊN BẢN", "Thanh lý tài liệu thư viện")
    story.append(Paragraph(f"Lý do thanh lý: {weeding.reason}.", _styles()[2]))
    rows = [
        [i, c.reg_number, c.record.title, 1, c.price, c.price, weeding.reason]
        for i, c in enumerate(copies, 1)
    ]
    rows.append(["", "", "Cộng", len(copies), "", sum(c.price for c in copies), ""])
    story.append(
        _table(
            ["STT", "Số ĐKCB", "Tên sách", "Số bản", "Đơn giá", "Thành tiền", "Lý do thanh lý"],
            rows,
            [10, 18, 110, 15, 22, 25, 70],
        )
    )
    story += [Spacer(1, 6 * mm), _signatures("THƯ KÝ (THỦ THƯ)", "CHỦ TỊCH HỘI ĐỒNG (HIỆU TRƯỞNG)")]
    return _pdf(story, "Biên bản thanh lý")


def build(kind: str, school: Unit, obj: Any = None) -> bytes:
    if kind == RegisterKind.CA_BIET:
        return ca_biet(school)
    if kind == RegisterKind.TONG_QUAT:
        return tong_quat(school)
    if kind == RegisterKind.MUON:
        return so_muon(school)
    if kind == RegisterKind.KIEM_KE and isinstance(obj, StockTake):
        return kiem_ke(obj)
    if kind == RegisterKind.THANH_LY and isinstance(obj, Weeding):
        return thanh_ly(obj)
    raise DomainError(_("Loại sổ không hợp lệ."))
