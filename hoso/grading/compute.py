"""Results computed from the raw entries by the rules, never stored as the source of truth.

`class_gradebook(school_class, term)` returns, per student and subject, the raw entries and
the computed results, as JSON-ready dicts (decimals as strings "7.1")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from hoso.grading.catalogue import class_subjects, config_for, config_summary
from hoso.grading.models import Entry, SchoolSubject, SubjectKind
from hoso.grading.rules import primary, secondary
from hoso.grading.rules.errors import GradingRuleError, MissingAssessmentsError
from hoso.grading.rules.subjects import primary_traits
from hoso.grading.sheets import REN_LUYEN, is_primary, trait_area, tx_count
from hoso.org.models import Student, Unit
from hoso.org.selectors import class_roster, term_last_day

Cells = dict[str, dict[str, str]]  # area → slot → value
PRIMARY_CHECKPOINT = {"HK1": "cuoi_hk1", "HK2": "cuoi_nam", "CN": "cuoi_nam"}


def class_cells(school_class: Unit, student_ids: list[int] | None = None) -> dict[int, Cells]:
    rows = Entry.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    )
    if student_ids is not None:
        rows = rows.filter(student_id__in=student_ids)
    cells: dict[int, Cells] = defaultdict(lambda: defaultdict(dict))
    for student_id, area, slot, value in rows.values_list("student_id", "area", "slot", "value"):
        cells[student_id][area][slot] = value
    return cells


def class_gradebook(
    school_class: Unit, term: str, students: list[Student] | None = None
) -> dict[str, Any]:
    assert school_class.school_year is not None and school_class.school is not None
    year = school_class.school_year
    roster = (
        students
        if students is not None
        else class_roster(school_class, year, on=term_last_day(year, term))
    )
    subjects = class_subjects(school_class)
    cells = class_cells(school_class, [s.pk for s in roster])
    grade = school_class.grade or 0
    rows = [
        {
            "student": {"id": s.pk, "code": s.code, "full_name": s.full_name},
            **student_result(school_class, grade, subjects, cells.get(s.pk, {}), term),
        }
        for s in roster
    ]
    return {
        "class": {"id": school_class.pk, "name": school_class.name, "grade": grade},
        "term": term,
        "level": "TH" if is_primary(grade) else "THCS_THPT",
        "subjects": [{"code": s.code, "name": s.name, "kind": s.kind} for s in subjects],
        # The UNCONFIRMED rule settings the results below were computed with.
        "rules": config_summary(school_class.school),
        "students": rows,
    }


def student_result(
    school_class: Unit, grade: int, subjects: list[SchoolSubject], cells: Cells, term: str
) -> dict[str, Any]:
    if is_primary(grade):
        return _primary(school_class, grade, subjects, cells, term)
    return _secondary(school_class, subjects, cells, term)


# --- tiểu học ----------------------------------------------------------------------------------


def _primary(
    school_class: Unit, grade: int, subjects: list[SchoolSubject], cells: Cells, term: str
) -> dict[str, Any]:
    cp = PRIMARY_CHECKPOINT[term]
    out_subjects = {
        s.code: {
            "name": s.name,
            "entries": dict(cells.get(s.code, {})),
            "result": {
                "muc": cells.get(s.code, {}).get(f"{cp}.muc"),
                "diem": cells.get(s.code, {}).get(f"{cp}.diem"),
                "nhan_xet": cells.get(s.code, {}).get(f"{cp}.nx"),
            },
        }
        for s in subjects
    }
    traits = {
        t.code: _trait(t.name, t.group, cells.get(trait_area(t.code), {}).get(f"{cp}.muc"))
        for t in primary_traits()
    }
    overall: dict[str, Any] = {"checkpoint": cp}
    if term != "HK1":
        overall.update(_primary_year_end(school_class, grade, subjects, cells))
    return {"subjects": out_subjects, "traits": traits, "overall": overall}


def _trait(name: str, group: str, value: str | None) -> dict[str, Any]:
    label = primary.TraitLevel(value).label if value else None
    return {"name": name, "group": group, "muc": value, "muc_label": label}


def _primary_year_end(
    school_class: Unit, grade: int, subjects: list[SchoolSubject], cells: Cells
) -> dict[str, Any]:
    levels = {s.code: v for s in subjects if (v := cells.get(s.code, {}).get("cuoi_nam.muc"))}
    scores = {s.code: v for s in subjects if (v := cells.get(s.code, {}).get("cuoi_nam.diem"))}
    traits = {
        t.code: v
        for t in primary_traits()
        if (v := cells.get(trait_area(t.code), {}).get("cuoi_nam.muc"))
    }
    # Enabled electives must be assessed too; the rule only sees the electives it is given.
    missing = [
        _("mức đạt được môn %(name)s") % {"name": s.name}
        for s in subjects
        if s.elective and s.code not in levels
    ]
    assert school_class.school is not None
    config = config_for(school_class.school)
    thresholds = primary.HoanThanhThresholds(min_test_score=config.hoan_thanh_min_test_score)
    try:
        record = primary.YearEndRecord(grade, levels, traits, scores)
        result = primary.year_end_result(record, thresholds)
    except MissingAssessmentsError as exc:
        return {"result": None, "missing": list(exc.missing) + missing}
    except GradingRuleError as exc:
        return {"result": None, "missing": [exc.message]}
    if missing:
        return {"result": None, "missing": missing}
    award = primary.award_suggestion(result)
    return {
        "result": result.value,
        "result_label": result.label,
        "completion_note": primary.completion_note(grade, result),
        "award_suggestion": award.label if award else None,
        "missing": [],
    }


# --- THCS, THPT ------------------------------------------------------------------------------


def _semester(subject: SchoolSubject, values: dict[str, str], sem: str) -> tuple[Any, list[str]]:
    """The semester result ("7.1", or Đ/CĐ) and, when it cannot be computed, what is missing."""
    n = tx_count(subject)
    tx = [values.get(f"{sem}.tx{i}") for i in range(1, n + 1)]
    gk, ck = values.get(f"{sem}.gk"), values.get(f"{sem}.ck")
    try:
        if subject.kind == SubjectKind.SCORE:
            return str(secondary.semester_average(tx=tx, gk=gk, ck=ck, required_tx=n)), []
        rating = secondary.comment_semester_result(tx=tx, gk=gk, ck=ck, required_tx=n)
        return rating.value, []
    except MissingAssessmentsError as exc:
        return None, list(exc.missing)


def _subject_terms(subject: SchoolSubject, values: dict[str, str]) -> dict[str, Any]:
    """HK1, HK2 and CN results of one subject (None when not computable), and what each
    semester lacks: the one computation behind the API, the outputs and the entry grid."""
    hk1, miss1 = _semester(subject, values, "hk1")
    hk2, miss2 = _semester(subject, values, "hk2")
    year = None
    if hk1 is not None and hk2 is not None:
        if subject.kind == SubjectKind.SCORE:
            year = str(secondary.year_average(hk1=hk1, hk2=hk2))
        else:
            year = secondary.comment_year_result(hk2=hk2).value
    return {"HK1": hk1, "HK2": hk2, "CN": year, "missing": {"HK1": miss1, "HK2": miss2}}


def _subject_secondary(subject: SchoolSubject, values: dict[str, str]) -> dict[str, Any]:
    terms = _subject_terms(subject, values)
    return {
        "name": subject.name,
        "kind": subject.kind,
        "entries": dict(values),
        "result": {
            "HK1": terms["HK1"],
            "HK2": terms["HK2"],
            "CN": terms["CN"],
            "nhan_xet": values.get("hk2.nx"),
        },
        "missing": {
            term: [f"{subject.name} {term}: {m}" for m in missing]
            for term, missing in terms["missing"].items()
        },
    }


@dataclass(frozen=True)
class Average:
    """One subject average as the entry grid shows it: "7,1", or "" with the reason."""

    text: str
    reason: str

    def as_json(self) -> dict[str, str]:
        return {"text": self.text, "reason": self.reason}


AVERAGE_TERMS = ("HK1", "HK2", "CN")


def subject_averages(
    school_class: Unit, subject: SchoolSubject, student_ids: list[int]
) -> dict[int, dict[str, Average]]:
    """ĐTBmhk I, ĐTBmhk II and ĐTBmcn of a scored THCS/THPT subject for these students,
    computed now from the stored entries (TT 22 weights, in `rules.secondary`)."""
    cells = class_cells(school_class, student_ids)
    out: dict[int, dict[str, Average]] = {}
    for student_id in student_ids:
        terms = _subject_terms(subject, dict(cells.get(student_id, {}).get(subject.code, {})))
        out[student_id] = {term: _average(terms, term) for term in AVERAGE_TERMS}
    return out


def _average(terms: dict[str, Any], term: str) -> Average:
    value = terms[term]
    if value is not None:
        return Average(f"{Decimal(value):.1f}".replace(".", ","), "")
    if term == "CN":
        return Average("", _("Chưa tính được: cần đủ điểm trung bình cả hai học kì."))
    missing = "; ".join(terms["missing"][term])
    return Average("", _("Chưa tính được: còn thiếu {missing}.").format(missing=missing))


def _secondary(
    school_class: Unit, subjects: list[SchoolSubject], cells: Cells, term: str
) -> dict[str, Any]:
    out = {s.code: _subject_secondary(s, dict(cells.get(s.code, {}))) for s in subjects}
    missing: list[str] = []
    for s in subjects:
        if out[s.code]["result"][term] is None:
            missing += out[s.code]["missing"].get(term) or [
                _("%(name)s: chưa đủ điểm hai học kì") % {"name": s.name}
            ]
    overall: dict[str, Any] = {"academic": None, "conduct": None, "title": None}
    if not missing:
        scored = {c: v["result"][term] for c, v in out.items() if v["kind"] == SubjectKind.SCORE}
        comment = {c: v["result"][term] for c, v in out.items() if v["kind"] != SubjectKind.SCORE}
        overall["academic"] = secondary.academic_result(scored=scored, comment=comment).value
    overall["conduct"] = _conduct(school_class, cells.get(REN_LUYEN, {}), term)
    if overall["conduct"] is None:
        missing.append(_("kết quả rèn luyện %(term)s") % {"term": term})
    if term == "CN" and overall["academic"] and overall["conduct"]:
        year_scores = {c: v["result"]["CN"] for c, v in out.items() if v["kind"] == "score"}
        title = secondary.year_title(
            conduct=overall["conduct"], academic=overall["academic"], year_averages=year_scores
        )
        overall["title"] = title.label if title else None
    overall["missing"] = missing
    return {"subjects": out, "overall": overall}


def _conduct(school_class: Unit, conduct: dict[str, str], term: str) -> str | None:
    if term in ("HK1", "HK2"):
        return conduct.get(term.lower())
    if not conduct.get("hk1") or not conduct.get("hk2"):
        return None
    assert school_class.school is not None
    rule = secondary.ConductYearRule(config_for(school_class.school).conduct_year_rule)
    return secondary.conduct_year_result(hk1=conduct["hk1"], hk2=conduct["hk2"], rule=rule).value
