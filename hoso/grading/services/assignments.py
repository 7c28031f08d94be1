"""Phân công giảng dạy, giáo viên chủ nhiệm, the electives a school teaches, and the rule
settings DOMAIN.md marks UNCONFIRMED (HT/CHT threshold of TT 27, year conduct rule of TT 22).

Every write checks the policy, validates everything first (Vietnamese messages keyed by cell,
nothing saved when one cell is wrong), runs in one transaction and is audited with before and
after. A school's classes, teachers and current assignments are read in `selectors`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from hoso.audit.services import audit_log
from hoso.core.errors import DomainError, NotAllowed
from hoso.grading.catalogue import class_subjects
from hoso.grading.models import Entry, GradingConfig, Homeroom, TeachingAssignment
from hoso.grading.rules.secondary import ConductYearRule
from hoso.grading.selectors import HOMEROOM, school_classes, school_teachers
from hoso.grading.services.catalogue import school_subjects_ensure
from hoso.org.models import Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can
from hoso.records.keepers import keeper_changed_later
from hoso.records.models import Keeper

NOT_STAFF = _lazy("Giáo viên được phân công phải là cán bộ, giáo viên đang làm việc tại trường.")
CONDUCT_RULES = {
    ConductYearRule.TT22_MATRIX.value: _lazy(
        "Theo bảng kết hợp HK I và HK II (cách đọc TT 22 Điều 8)"
    ),
    ConductYearRule.HK2.value: _lazy("Lấy kết quả rèn luyện học kì II"),
}


@dataclass(frozen=True)
class AssignmentChange:
    """One cell of the grid: a subject code (or HOMEROOM) of a class; teacher None = nobody."""

    school_class_id: int
    subject_code: str
    teacher_id: int | None

    @property
    def key(self) -> str:
        return f"{self.school_class_id}|{self.subject_code}"


def require_manage(actor: Any, school: Unit) -> None:
    if not can(actor, "grading.assignment.manage", school):
        raise NotAllowed(_("Chỉ hiệu trưởng, phó hiệu trưởng của trường được phân công giảng dạy."))


# --- teaching assignments and GVCN ----------------------------------------------------------


@transaction.atomic
def assignments_assign(
    *, actor: Any, school: Unit, changes: list[AssignmentChange], ip: str = ""
) -> int:
    """Apply a grid of assignments (subjects and GVCN). Returns how many cells changed."""
    require_manage(actor, school)
    classes = {c.pk: c for c in school_classes(school)}
    teachers = {t.pk: t for t in school_teachers(school)}
    errors: dict[str, list[str]] = {}
    for change in changes:
        message = _check(change, classes, teachers)
        if message:
            errors[change.key] = [message]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(
            _("%(errors)s ô chưa hợp lệ, chưa lưu ô nào. %(first)s")
            % {"errors": len(errors), "first": first},
            fields=errors,
        )
    applied = [row for c in changes if (row := _apply(classes[c.school_class_id], c))]
    if applied:
        audit_log(
            "grading.assignment.assigned",
            actor=actor,
            obj=school,
            unit_id=school.pk,
            ip=ip,
            data={"changes": applied},
        )
    return len(applied)


def _check(change: AssignmentChange, classes: dict[int, Unit], teachers: dict[int, Any]) -> str:
    school_class = classes.get(change.school_class_id)
    if school_class is None:
        return _("Lớp không thuộc trường trong năm học hiện tại.")
    if change.teacher_id is not None and change.teacher_id not in teachers:
        return str(NOT_STAFF)
    if change.subject_code == HOMEROOM:
        return ""
    codes = {s.code for s in class_subjects(school_class)}
    if change.subject_code not in codes:
        return _(
            "Môn '%(subject_code)s' không thuộc chương trình khối %(grade)s mà trường đang dạy."
        ) % {"subject_code": change.subject_code, "grade": school_class.grade}
    return ""


def _apply(school_class: Unit, change: AssignmentChange) -> dict[str, Any] | None:
    year = school_class.school_year or current_year()
    assert year is not None
    rows = (
        Homeroom.objects.filter(school_class=school_class, school_year=year)
        if change.subject_code == HOMEROOM
        else TeachingAssignment.objects.filter(
            school_class=school_class, subject_code=change.subject_code, school_year=year
        )
    )
    current = rows.select_for_update().first()
    before = current.teacher_id if current else None
    if before == change.teacher_id:
        return None
    if change.teacher_id is None:
        assert current is not None
        current.delete()
    elif current is not None:
        current.teacher_id = change.teacher_id
        current.save(update_fields=["teacher"])
    elif change.subject_code == HOMEROOM:
        Homeroom.objects.create(
            school_class=school_class, school_year=year, teacher_id=change.teacher_id
        )
    else:
        TeachingAssignment.objects.create(
            school_class=school_class,
            subject_code=change.subject_code,
            school_year=year,
            teacher_id=change.teacher_id,
        )
    if change.subject_code == HOMEROOM:
        keeper_changed_later(
            unit_id=school_class.pk,
            school_year_id=year.pk,
            keeper=Keeper.HOMEROOM,
            owner_id=change.teacher_id,
        )
    return {
        "class": school_class.pk,
        "subject": change.subject_code,
        "before": before,
        "after": change.teacher_id,
    }


# --- electives taught by the school ------------------------------------------------------------


@transaction.atomic
def school_subjects_assign(
    *, actor: Any, school: Unit, grade: int, enabled: set[str], ip: str = ""
) -> list[str]:
    """Switch the school's electives of `grade` on or off (compulsory subjects stay on).
    Switching one off removes its teaching assignments; refused when marks exist for it."""
    require_manage(actor, school)
    subjects = {s.code: s for s in school_subjects_ensure(school=school, grade=grade)}
    unknown = sorted(enabled - set(subjects))
    if unknown:
        raise DomainError(
            _("Môn không có trong chương trình khối %(grade)s: %(items)s.")
            % {"grade": grade, "items": ", ".join(unknown)}
        )
    changed: list[dict[str, Any]] = []
    for code, subject in sorted(subjects.items()):
        wanted = code in enabled or not subject.elective
        if wanted == subject.enabled:
            continue
        if not wanted:
            _drop_elective(school, grade, subject.code, subject.name)
        subject.enabled = wanted
        subject.save(update_fields=["enabled"])
        changed.append({"subject": code, "before": not wanted, "after": wanted})
    if changed:
        audit_log(
            "grading.subjects.assigned",
            actor=actor,
            obj=school,
            unit_id=school.pk,
            ip=ip,
            data={"grade": grade, "changes": changed},
        )
    return [c["subject"] for c in changed]


def _drop_elective(school: Unit, grade: int, code: str, name: str) -> None:
    year = current_year()
    classes = Unit.objects.filter(kind=UnitKind.LOP, school=school, grade=grade, school_year=year)
    if Entry.objects.filter(school_class__in=classes, school_year=year, area=code).exists():
        raise DomainError(
            _("Môn %(name)s khối %(grade)s đã có điểm/nhận xét trong năm học nên không thể bỏ.")
            % {"name": name, "grade": grade}
        )
    TeachingAssignment.objects.filter(
        school_class__in=classes, school_year=year, subject_code=code
    ).delete()


# --- rule settings (UNCONFIRMED rules) -----------------------------------------------------------


def parse_min_score(raw: Any) -> int:
    text = str(raw if raw is not None else "").strip()
    # ASCII digits only and short: "²".isdigit() is true but int("²") fails, and int() refuses
    # strings of more than 4,300 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 2) or not 0 <= int(text) <= 10:
        raise DomainError(
            _("Điểm kiểm tra định kì tối thiểu phải là số nguyên từ 0 đến 10."),
            fields={"hoan_thanh_min_test_score": [text]},
        )
    return int(text)


@transaction.atomic
def grading_config_assign(
    *, actor: Any, unit: Unit, min_test_score: Any, conduct_year_rule: str, ip: str = ""
) -> GradingConfig:
    """The settings for `unit` (a Sở; applies to every school below it that has no own row)."""
    if not can(actor, "grading.config.manage", unit):
        raise NotAllowed(_("Chỉ quản trị của Sở được thay đổi cấu hình quy tắc đánh giá."))
    score = parse_min_score(min_test_score)
    if conduct_year_rule not in CONDUCT_RULES:
        raise DomainError(
            _("Cách tính rèn luyện cả năm không hợp lệ."),
            fields={"conduct_year_rule": [conduct_year_rule]},
        )
    config = GradingConfig.objects.select_for_update().filter(school=unit).first()
    before = (
        {"min": config.hoan_thanh_min_test_score, "conduct": config.conduct_year_rule}
        if config
        else None
    )
    after = {"min": score, "conduct": conduct_year_rule}
    if before == after:
        assert config is not None
        return config
    if config is None:
        config = GradingConfig.objects.create(
            school=unit, hoan_thanh_min_test_score=score, conduct_year_rule=conduct_year_rule
        )
    else:
        config.hoan_thanh_min_test_score = score
        config.conduct_year_rule = conduct_year_rule
        config.save(update_fields=["hoan_thanh_min_test_score", "conduct_year_rule"])
    audit_log(
        "grading.config.assigned",
        actor=actor,
        obj=unit,
        unit_id=unit.pk,
        ip=ip,
        data={"before": before, "after": after},
    )
    return config
