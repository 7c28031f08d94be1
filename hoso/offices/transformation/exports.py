"""The Excel table of a criteria set's scores: one row per school the person may see (rank,
Phòng, total, each criterion's points), values through core.xlsx.safe_row. openpyxl is
imported when the table is made, not when a web process starts (its memory)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from hoso.core.xlsx import safe_row
from hoso.offices.transformation.selectors import Ranking

if TYPE_CHECKING:
    from openpyxl import Workbook


def scores_workbook(table: Ranking) -> Workbook:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Kết quả")
    cset = table.cset
    sheet.append(safe_row([cset.title]))
    sheet.append(
        safe_row(
            [
                _("%(office)s · năm học %(year)s · %(state)s")
                % {
                    "office": cset.office.name,
                    "year": cset.school_year.name,
                    "state": cset.get_state_display(),
                }
            ]
        )
    )
    head = [
        _("Hạng"),
        _("Hạng trong Phòng"),
        _("Trường"),
        _("Phòng GDĐT"),
        _("Phiếu"),
        _("Tổng điểm"),
    ]
    sheet.append(safe_row(head + [f"{c.code} ({c.points:g})" for c in table.criteria]))
    for row in table.rows:
        sheet.append(
            safe_row(
                [
                    row.rank,
                    row.rank_in_phong or "",
                    row.sheet.school.name,
                    row.phong.name if row.phong else "",
                    row.sheet.get_state_display(),
                    float(row.total),
                    *(float(line.points) for line in row.lines),
                ]
            )
        )
    criteria = book.create_sheet(_("Tiêu chí"))
    criteria.append(safe_row([_("Nhóm"), _("Mã"), _("Tiêu chí"), _("Điểm tối đa"), _("Cách đo")]))
    for c in table.criteria:
        how = c.get_kind_display()
        criteria.append(safe_row([c.group, c.code, c.title, float(c.points), how]))
    return book
