"""The rows of a digital-transformation ranking, built in one pass: a Sở's ranking has a row
per school (1,000), and the template loop spent most of the page's time on them. Same markup as
the other card tables (labels as data-label), labels translated once, totals as floatformat:2
writes them (the language's decimal separator; totals are at most 100: no grouping)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hoso.offices.models import SheetState
from hoso.offices.transformation.selectors import Ranking

register = template.Library()

ROW = (
    '<tr>\n<td data-label="{}">{}/{}{}</td>\n'
    '<td data-label="{}"><a href="{}{}/">{}</a></td>\n'
    '<td data-label="{}">{}</td>\n'
    '<td data-label="{}">{}</td>\n'
    '<td data-label="{}"><strong>{}</strong>/100</td>\n</tr>'
)


@register.simple_tag
def dx_ranking_rows(table: Ranking) -> SafeString:
    rank, school, phong, sheet, total = (
        _("Hạng"),
        _("Trường"),
        _("Phòng GDĐT"),
        _("Phiếu"),
        _("Tổng điểm"),
    )
    in_phong = _("thứ %(n)s trong Phòng")
    states = {value: str(label) for value, label in SheetState.choices}
    sheet_path = reverse("offices:dx-sheet", args=[0]).removesuffix("0/")
    comma = str(get_format("DECIMAL_SEPARATOR"))
    rows = []
    for r in table.rows:
        place = (
            format_html(" <small>({})</small>", in_phong % {"n": r.rank_in_phong})
            if r.rank_in_phong
            else ""
        )
        office = (
            format_html('<a href="?unit={}">{}</a>', r.phong.pk, r.phong.name) if r.phong else ""
        )
        rows.append(
            format_html(
                ROW,
                rank,
                r.rank,
                table.schools,
                place,
                school,
                sheet_path,
                r.sheet.pk,
                r.sheet.school.name,
                phong,
                office,
                sheet,
                states.get(r.sheet.state, r.sheet.state),
                total,
                f"{r.total:.2f}".replace(".", comma),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 — every part went through format_html
