"""What the official học bạ forms print beyond the gradebook: the student's particulars, the
QUÁ TRÌNH HỌC TẬP rows, the place-and-date line, the completion/promotion decision — and
what is still missing before the học bạ may be signed (docs/books.md).

`hocba_extra` is merged into `hoso.grading.outputs.tables.hoc_ba_data`, so the PDF and the XML
of a version are rendered from the same frozen dict."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.books.missing import hocba_book, particulars_missing
from hoso.grading.models import Entry
from hoso.grading.rules import primary, secondary
from hoso.grading.sheets import ABSENCES_SLOT, REN_LUYEN
from hoso.org.models import Enrolment, Student, Unit, UnitKind
from hoso.org.particulars import ethnicity_name

PARTICULARS = (
    "personal_id",
    "nationality",
    "birth_place",
    "hometown",
    "address",
    "father_name",
    "father_job",
    "mother_name",
    "mother_job",
    "guardian_name",
    "guardian_job",
    "priority_group",
    "register_number",
    "previous_school",
)
# "Phòng GDĐT Huyện An Phú" → "Huyện An Phú"; the place of the date line is the địa danh,
# never the school's name (docs/sources/official-books.md §1).
OFFICE_PREFIXES = (
    "Phòng GDĐT ",
    "Phòng Giáo dục và Đào tạo ",
    "Sở GDĐT ",
    "Sở Giáo dục và Đào tạo ",
)


def _strip(name: str) -> str:
    for prefix in OFFICE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def place_of(school: Unit) -> dict[str, str]:
    """District and province of a school, from the Phòng and Sở above it."""
    above = Unit.objects.filter(pk__in=school.ancestor_ids()).values_list("kind", "name")
    names = dict(above)
    district = _strip(names.get(UnitKind.PHONG, ""))
    province = _strip(names.get(UnitKind.SO, ""))
    short = district
    for word in ("Huyện ", "Quận ", "Thị xã ", "Thành phố "):
        short = short.removeprefix(word)
    return {"district": district, "province": province, "place": short or province}


def date_line(place: str, day: dt.date) -> str:
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def student_block(student: Student) -> dict[str, str]:
    block = {field: getattr(student, field) for field in PARTICULARS}
    block["ethnicity"] = ethnicity_name(student.ethnicity)
    block["admitted_on"] = student.admitted_on.strftime("%d/%m/%Y") if student.admitted_on else ""
    return block


def history(student: Student) -> list[dict[str, str]]:
    """QUÁ TRÌNH HỌC TẬP: one row per school year the student was enrolled, oldest first."""
    rows = (
        Enrolment.objects.filter(student=student)
        .select_related("school_year", "school_class__school")
        .order_by("school_year__start_date")
    )
    out = []
    for index, row in enumerate(rows):
        school = row.school_class.school
        admitted = student.admitted_on if index == 0 else None
        out.append(
            {
                "year": row.school_year.name,
                "class": row.school_class.name.removeprefix("Lớp "),
                "school": school.name if school else "",
                "register_number": student.register_number,
                "admitted": admitted.strftime("%d/%m/%Y") if admitted else "",
            }
        )
    return out


def primary_completion(grade: int, result: str | None) -> str:
    """Mục 6 "Hoàn thành chương trình lớp học/chương trình tiểu học": never empty once the
    year-end result exists; empty (and listed as missing) before."""
    if not result:
        return ""
    outcome = primary.YearEndResult(result)
    if grade >= primary.LAST_PRIMARY_GRADE:
        what = "chương trình tiểu học"
    else:
        what = f"chương trình lớp {grade}"
    return f"Hoàn thành {what}" if outcome.completes_grade else f"Chưa hoàn thành {what}"


def _secondary_terms(school_class: Unit, student: Student) -> tuple[dict[str, dict[str, str]], str]:
    """Kết quả rèn luyện and học tập of each term (the right-hand page of the TT 22 học bạ), and
    the GVCN's comment of the year."""
    from hoso.grading.compute import class_gradebook

    terms: dict[str, dict[str, str]] = {}
    for term in ("HK1", "HK2"):
        overall = class_gradebook(school_class, term, students=[student])["students"][0]["overall"]
        terms[term] = {
            "hoc_tap": secondary.Level(overall["academic"]).label if overall["academic"] else "",
            "ren_luyen": secondary.Level(overall["conduct"]).label if overall["conduct"] else "",
        }
    comment = (
        Entry.objects.filter(
            student=student,
            school_year_id=school_class.school_year_id,
            area=REN_LUYEN,
            slot="hk2.nx",
        )
        .values_list("value", flat=True)
        .first()
    )
    return terms, comment or ""


def _absences(school_class: Unit, student: Student) -> int | None:
    value = (
        Entry.objects.filter(
            student=student,
            school_year_id=school_class.school_year_id,
            area=REN_LUYEN,
            slot=ABSENCES_SLOT,
        )
        .values_list("value", flat=True)
        .first()
    )
    return int(value) if value and value.isdigit() else None


LAST_GRADE = {9: "trung học cơ sở", 12: "trung học phổ thông"}


def secondary_decision(grade: int, overall: dict[str, Any], absences: int | None) -> str:
    """ "Được lên lớp" / "Không được lên lớp" (lớp 9, 12: hoàn thành chương trình or not);
    empty while the year's results or the absences are not known."""
    if absences is None or not overall.get("academic") or not overall.get("conduct"):
        return ""
    decision = secondary.promotion_decision(
        conduct=overall["conduct"], academic=overall["academic"], absent_sessions=absences
    )
    if grade in LAST_GRADE:
        what = f"hoàn thành chương trình {LAST_GRADE[grade]}"
        return what.capitalize() if decision.promoted else f"Chưa {what}"
    return "Được lên lớp" if decision.promoted else "Không được lên lớp"


def hocba_extra(
    school_class: Unit,
    student: Student,
    level: str,
    result: dict[str, Any],
    overall: dict[str, Any],
) -> dict[str, Any]:
    """Particulars, history, place/date and the extra missing items of one học bạ."""
    assert school_class.school is not None
    place = place_of(school_class.school)
    today = timezone.localdate()
    missing = [
        _("lý lịch: %(label)s") % {"label": label}
        for label in particulars_missing(student, hocba_book(level))
    ]
    if level == "TH":
        completion = primary_completion(school_class.grade or 0, overall.get("result"))
        result["hoan_thanh_chuong_trinh"] = completion
        if not completion:
            missing.append(_("quyết định Hoàn thành chương trình lớp học"))
    else:
        terms, comment = _secondary_terms(school_class, student)
        extra_data: dict[str, Any] = {"terms": terms}
        result["nhan_xet_gvcn"] = comment
        absences = _absences(school_class, student)
        result["so_buoi_nghi"] = "" if absences is None else str(absences)
        result["len_lop"] = secondary_decision(school_class.grade or 0, overall, absences)
        if absences is None:
            missing.append(_("tổng số buổi nghỉ học cả năm"))
        if not result["len_lop"]:
            missing.append(_("quyết định lên lớp / hoàn thành chương trình"))
    return {
        **(extra_data if level != "TH" else {}),
        "particulars": student_block(student),
        "history": history(student),
        "place": place,
        "date_line": date_line(place["place"], today),
        "extra_missing": missing,
    }
