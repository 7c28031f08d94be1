"""The rules of a criteria set's figures: valid weights, an entered value's share of the
criterion, points, a school's total and the ranking (shared ranks for equal totals).

A criterion scores `points × ratio`, the ratio being 0..1: an automatic measure's figure
(no data: 0), or the school's entered value (a percentage, yes/no, or a level out of the
highest) once its sheet is submitted. Totals are rounded to hundredths of a point."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from hoso.core.errors import DomainError
from hoso.offices.models import (
    Answer,
    AnswerKind,
    CriteriaSet,
    Criterion,
    MeasureKind,
    SchoolSheet,
    SheetState,
)
from hoso.offices.transformation.measures import Figure, measure

TOTAL_POINTS = Decimal(100)
CENT = Decimal("0.01")
MAX_LEVELS = 10
K = TypeVar("K")
# What a person types for points or a value: up to 4 digits, up to 2 decimals (no exponent).
NUMBER = re.compile(r"\d{1,4}(?:\.\d{1,2})?")


def weights_problem(criteria: Sequence[Criterion]) -> str | None:
    """Why the set cannot be published yet (a Vietnamese sentence), or None."""
    if not criteria:
        return _("Bộ tiêu chí chưa có tiêu chí nào.")
    total = sum((c.points for c in criteria), Decimal(0))
    if total != TOTAL_POINTS:
        return _("Tổng điểm các tiêu chí là %(total)s; phải đúng %(want)s điểm.") % {
            "total": _fmt(total),
            "want": _fmt(TOTAL_POINTS),
        }
    return None


def _fmt(value: Decimal) -> str:
    text = f"{value.quantize(CENT):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def parse_decimal(raw: Any, *, field: str, label: str) -> Decimal:
    """'7,5' or '7.5' → Decimal('7.5'); anything else (a sign, an exponent, more than two
    decimals, 10000 or more) refused in Vietnamese."""
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    if NUMBER.fullmatch(text):
        return Decimal(text)
    message = _("%(label)s phải là một số (vd. 7,5).") % {"label": label.capitalize()}
    raise DomainError(message, fields={field: [message]})


def value_ratio(criterion: Criterion, value: Decimal) -> Decimal:
    """The share of the criterion's points an entered value earns; a bad value is refused."""
    if criterion.answer_kind == AnswerKind.PERCENT:
        if not Decimal(0) <= value <= Decimal(100):
            raise _value_error(_("Tỉ lệ phải từ 0 đến 100."))
        return value / Decimal(100)
    if criterion.answer_kind == AnswerKind.YESNO:
        if value not in (Decimal(0), Decimal(1)):
            raise _value_error(_("Chọn Có hoặc Không."))
        return value
    if value != value.to_integral_value() or not 1 <= value <= criterion.levels:
        raise _value_error(_("Mức phải là số nguyên từ 1 đến %(n)s.") % {"n": criterion.levels})
    return value / Decimal(criterion.levels)


def _value_error(message: str) -> DomainError:
    return DomainError(message, fields={"value": [message]})


def points(weight: Decimal, ratio: Decimal | float | None) -> Decimal:
    if ratio is None:
        return Decimal(0)
    return (weight * Decimal(str(ratio))).quantize(CENT, rounding=ROUND_HALF_UP)


def ranks(totals: Iterable[tuple[K, Decimal]]) -> dict[K, int]:
    """Competition ranking: equal totals share a rank, the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(totals, key=lambda item: item[1], reverse=True)
    found: dict[K, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        found[key] = rank
    return found


@dataclass
class Line:
    """One criterion of a school's breakdown."""

    criterion: Criterion
    ratio: Decimal | None  # None: no data (automatic) or not entered / not submitted
    points: Decimal
    detail: str
    answer: Answer | None = None
    counted: bool = True  # an entered value counts once the sheet is submitted


@dataclass
class Breakdown:
    sheet: SchoolSheet
    lines: list[Line] = field(default_factory=list)
    from_snapshot: bool = False
    computed_at: dt.datetime | None = None  # when its automatic figures were computed (open)

    @property
    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0))


@functools.lru_cache(maxsize=512)
def _said(message: str, language: str | None) -> str:
    """A fixed sentence (marked with gettext_noop) in the active language, translated once per
    language: a ranking of 1,000 schools asks for the same few thousands of times."""
    return _(message)


@functools.lru_cache(maxsize=256)
def _how(code: str, language: str | None) -> str:
    found = measure(code)
    return str(found.how) if found is not None else ""


def _auto_line(criterion: Criterion, figure: Figure | None, language: str | None) -> Line:
    found = measure(criterion.measure)
    if found is None or figure is None:  # a code retired from the registry: scores nothing
        retired = _said(gettext_noop("Chỉ số không còn được hỗ trợ."), language)
        return Line(criterion, None, Decimal(0), retired)
    how = _how(criterion.measure, language)
    ratio = None if figure.ratio is None else Decimal(str(round(figure.ratio, 4)))
    if figure.ratio is None:
        detail = _said(gettext_noop("Chưa có số liệu (%(how)s)"), language) % {"how": how}
    else:
        detail = f"{figure.done}/{figure.total} ({how})"
    return Line(criterion, ratio, points(criterion.points, ratio), detail)


def figures_now(
    criteria: Sequence[Criterion], school: Any, year: Any, at: dt.datetime
) -> dict[str, Figure]:
    """One school's figures of the set's automatic measures, computed now (per school)."""
    found = {}
    for c in criteria:
        known = measure(c.measure) if c.kind == MeasureKind.AUTO else None
        if known is not None and c.measure not in found:
            found[c.measure] = known.compute(school, year, at)
    return found


def stored_figures(raw: Any) -> dict[str, Figure]:
    """The figures kept on a sheet ({code: [done, total]}) back as Figures."""
    found = {}
    for code, pair in (raw or {}).items():
        if isinstance(pair, list) and len(pair) == 2:
            found[str(code)] = Figure(int(pair[0]), int(pair[1]))
    return found


def figures_to_store(figures: dict[str, Figure]) -> dict[str, list[int]]:
    return {code: [f.done, f.total] for code, f in figures.items()}


def _entered_line(
    criterion: Criterion, answer: Answer | None, submitted: bool, language: str | None
) -> Line:
    if answer is None:
        return Line(
            criterion,
            None,
            Decimal(0),
            _said(gettext_noop("Chưa tự đánh giá"), language),
            None,
            submitted,
        )
    ratio = value_ratio(criterion, answer.value)
    earned = points(criterion.points, ratio) if submitted else Decimal(0)
    label = answer_label(criterion, answer.value, language)
    return Line(criterion, ratio, earned, label, answer, submitted)


def answer_label(criterion: Criterion, value: Decimal, language: str | None = None) -> str:
    if criterion.answer_kind == AnswerKind.YESNO:
        said = gettext_noop("Có") if value == 1 else gettext_noop("Không")
        return _said(said, language or get_language())
    if criterion.answer_kind == AnswerKind.LEVEL:
        return _("Mức %(v)s/%(n)s") % {"v": int(value), "n": criterion.levels}
    return f"{_fmt(value)}%"


def breakdown(
    sheet: SchoolSheet,
    criteria: Sequence[Criterion],
    answers: dict[int, Answer],
    at: dt.datetime,
    figures: dict[str, Figure] | None = None,
) -> Breakdown:
    """The school's figures per criterion: from the snapshot once the set is closed (never
    recomputed); else the automatic `figures` given (computed in bulk, or kept on the sheet),
    or, without them, computed now for this school alone."""
    cset: CriteriaSet = sheet.criteria_set
    if sheet.snapshot:
        return _from_snapshot(sheet, criteria, answers)
    figures = dict(figures or {})
    lacking = [c for c in criteria if c.kind == MeasureKind.AUTO and c.measure not in figures]
    if lacking:  # none given, or a measure the kept figures miss: this school's, now
        figures.update(figures_now(lacking, sheet.school, cset.school_year, at))
    submitted = sheet.state == SheetState.SUBMITTED
    language = get_language()
    lines = [
        _auto_line(c, figures.get(c.measure), language)
        if c.kind == MeasureKind.AUTO
        else _entered_line(c, answers.get(c.pk), submitted, language)
        for c in criteria
    ]
    return Breakdown(sheet, lines)


def snapshot_of(result: Breakdown) -> dict[str, Any]:
    return {
        line.criterion.code: {
            "ratio": None if line.ratio is None else str(line.ratio),
            "points": str(line.points),
            "detail": line.detail,
            "counted": line.counted,
        }
        for line in result.lines
    }


def _from_snapshot(
    sheet: SchoolSheet, criteria: Sequence[Criterion], answers: dict[int, Answer]
) -> Breakdown:
    lines = []
    for c in criteria:
        kept = sheet.snapshot.get(c.code, {})
        ratio = kept.get("ratio")
        lines.append(
            Line(
                c,
                None if ratio is None else Decimal(ratio),
                Decimal(kept.get("points", "0")),
                str(kept.get("detail", "")),
                answers.get(c.pk),
                bool(kept.get("counted", True)),
            )
        )
    return Breakdown(sheet, lines, from_snapshot=True)
