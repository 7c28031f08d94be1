"""Subjects of a school's grade (seeded from `data/subjects.json` the first time they are asked
for, by `services.catalogue.school_subjects_ensure`; the school then switches electives on/off or
adjusts periods), the settings of the unconfirmed rules (GradingConfig) and the columns of each
grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.core.errors import NotFound
from hoso.grading.models import GradingConfig, SchoolSubject
from hoso.grading.rules.subjects import (
    Checkpoint,
    Source,
    primary_subjects,
    secondary_subjects,
    source,
)
from hoso.grading.services.catalogue import school_subjects_ensure
from hoso.grading.sheets import (
    CHECKPOINTS,
    PCNL,
    REN_LUYEN,
    Column,
    conduct_columns,
    is_primary,
    pcnl_columns,
    subject_columns,
)
from hoso.org.models import Unit


def class_subjects(school_class: Unit) -> list[SchoolSubject]:
    assert school_class.school is not None and school_class.grade is not None
    subjects = school_subjects_ensure(school=school_class.school, grade=school_class.grade)
    return sorted((s for s in subjects if s.enabled), key=lambda s: s.order)


def class_subject(school_class: Unit, code: str) -> SchoolSubject:
    for subject in class_subjects(school_class):
        if subject.code == code:
            return subject
    raise NotFound(_("Lớp này không học môn đã chọn."))


def config_for(school: Unit) -> GradingConfig:
    """The settings that apply to `school`: its own row, else the nearest row on a unit above it
    (Phòng, Sở), else the defaults (the assumptions stated in DOMAIN.md)."""
    ids = school.ancestor_ids() or [school.pk]
    rows = {c.school_id: c for c in GradingConfig.objects.filter(school_id__in=ids)}
    for unit_id in reversed(ids):
        if unit_id in rows:
            return rows[unit_id]
    return GradingConfig(school=school)


def config_summary(school: Unit) -> dict[str, Any]:
    """The settings in force for a school, for the gradebook API and pages."""
    config = config_for(school)
    return {
        "hoan_thanh_min_test_score": config.hoan_thanh_min_test_score,
        "conduct_year_rule": config.conduct_year_rule,
        "set_on_unit": config.school_id if config.pk else None,
        "confirmed": False,
    }


# The facts of a subject that the catalogue (data/subjects.json) marks as not yet checked
# against the official texts, by their code there, as the catalogue page names them.
UNCONFIRMED_FACTS = {
    "periods_per_year": gettext_lazy("số tiết/năm"),
    "test_checkpoints": gettext_lazy("các lần kiểm tra định kì"),
    "no_periodic_test": gettext_lazy("không có kiểm tra định kì"),
    "split_of_nghe_thuat": gettext_lazy("tách Âm nhạc, Mĩ thuật thành hai môn"),
    "single_subject": gettext_lazy("ghi Nghệ thuật là một môn"),
    "counts_in_hoc_tap": gettext_lazy("tính vào kết quả học tập"),
    "assessment_kind": gettext_lazy("hình thức đánh giá"),
}


@dataclass(frozen=True)
class CatalogueRow:
    """One subject of the national catalogue for a grade, with its sources and what the
    school does with it."""

    code: str
    name: str
    kind: str
    periods_per_year: int
    elective: bool
    enabled: bool
    confirmed: bool
    unconfirmed: tuple[str, ...]
    sources: tuple[Source, ...]
    test_checkpoints: tuple[str, ...]

    @property
    def unconfirmed_facts(self) -> list[str]:
        """The unconfirmed facts in words (the API keeps their codes)."""
        return [str(UNCONFIRMED_FACTS.get(code, code)) for code in self.unconfirmed]


def catalogue(school: Unit, grade: int) -> list[CatalogueRow]:
    """The national catalogue of `grade` joined with the school's choices (seeding them)."""
    mine = {s.code: s for s in school_subjects_ensure(school=school, grade=grade)}
    out: list[CatalogueRow] = []
    rule_rows: list[Any] = list(
        primary_subjects(grade) if is_primary(grade) else secondary_subjects(grade)
    )
    for rule in rule_rows:
        own = mine.get(rule.code)
        checkpoints: frozenset[Checkpoint] = getattr(rule, "test_checkpoints", frozenset())
        out.append(
            CatalogueRow(
                code=rule.code,
                name=rule.name,
                kind=own.kind if own else "",
                periods_per_year=own.periods_per_year if own else rule.periods_per_year,
                elective=rule.elective,
                enabled=bool(own and own.enabled),
                confirmed=rule.confirmed,
                unconfirmed=rule.unconfirmed,
                sources=tuple(source(key) for key in rule.sources),
                test_checkpoints=tuple(c.label for c in Checkpoint if c in checkpoints),
            )
        )
    return out


def sheet_columns(school_class: Unit, sheet: str, checkpoint: str | None = None) -> list[Column]:
    """Columns of one grid. For "pcnl", one checkpoint, or all four when `checkpoint` is None."""
    grade = school_class.grade or 0
    if sheet == PCNL:
        if not is_primary(grade):
            raise NotFound(_("Phần phẩm chất, năng lực chỉ có ở tiểu học."))
        points = [checkpoint] if checkpoint else CHECKPOINTS
        return [col for cp in points for col in pcnl_columns(grade, cp)]
    if sheet == REN_LUYEN:
        if is_primary(grade):
            raise NotFound(_("Kết quả rèn luyện chỉ có ở THCS, THPT."))
        return conduct_columns(grade)
    return subject_columns(class_subject(school_class, sheet))


def sheets_of(school_class: Unit) -> list[tuple[str, str]]:
    """(sheet, title) for every grid of a class."""
    found = [(s.code, s.name) for s in class_subjects(school_class)]
    if is_primary(school_class.grade or 0):
        found.append((PCNL, _("Phẩm chất, năng lực")))
    else:
        found.append((REN_LUYEN, _("Rèn luyện")))
    return found


def cell_labels(cells: list[tuple[Unit, str, str]]) -> list[str]:
    """Human labels ("Toán · Điểm CN") for (class, area, slot) cells, e.g. in correction lists."""
    cache: dict[tuple[int, str], dict[str, Column]] = {}
    out: list[str] = []
    for school_class, area, slot in cells:
        sheet = PCNL if area.startswith(f"{PCNL}.") else area
        key = (school_class.pk, sheet)
        if key not in cache:
            try:
                cache[key] = {c.key: c for c in sheet_columns(school_class, sheet)}
            except NotFound:
                cache[key] = {}
        column = cache[key].get(f"{area}|{slot}")
        title = dict(sheets_of(school_class)).get(sheet, sheet) if column else area
        out.append(f"{title} · {column.label}" if column else f"{area} · {slot}")
    return out
