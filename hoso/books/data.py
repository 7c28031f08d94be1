"""The data each school book prints, computed once and frozen on the edition: the sổ đăng bộ
(school), the sổ theo dõi và đánh giá học sinh theo lớp học (class, term, THCS/THPT) and the
bảng tổng hợp kết quả đánh giá giáo dục of a tiểu học class. Each builder also lists what is
missing; a book with anything missing is not issued (docs/books.md)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.books.hocba_data import date_line, place_of
from hoso.books.missing import Book, class_missing
from hoso.grading.catalogue import class_subjects
from hoso.grading.compute import class_gradebook
from hoso.grading.models import TeachingAssignment
from hoso.grading.outputs.tables import homeroom_name, principal_name, summary_table
from hoso.grading.rules import secondary
from hoso.grading.sheets import tx_count
from hoso.org.models import Enrolment, Student, Unit
from hoso.org.particulars import ethnicity_name

TERM_TITLES = {"HK1": "HỌC KÌ I", "HK2": "HỌC KÌ II", "CN": "CẢ NĂM HỌC"}
COMMENT_LABEL = {"D": "Đ", "Đ": "Đ", "CD": "CĐ", "CĐ": "CĐ"}


def _missing_lines(students: list[Student], book: str) -> list[str]:
    return [f"{s.full_name}: {', '.join(m)}" for s, m in class_missing(students, book)]


def _heading(school: Unit) -> dict[str, Any]:
    place = place_of(school)
    return {
        "school": {"code": school.code, "name": school.name, "level": school.level},
        "place": place,
        "date_line": date_line(place["place"], timezone.localdate()),
    }


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# --- sổ đăng bộ -------------------------------------------------------------------------------


def register_data(school: Unit, year_name: str) -> dict[str, Any]:
    """Every student ever admitted to the school, in số đăng bộ order."""
    students = list(Student.objects.filter(school=school))
    enrolments: dict[int, list[tuple[str, str]]] = {}
    rows = Enrolment.objects.filter(student__school=school).select_related(
        "school_year", "school_class"
    )
    for row in rows.order_by("school_year__start_date"):
        enrolments.setdefault(row.student_id, []).append(
            (row.school_year.name, row.school_class.name.removeprefix("Lớp "))
        )

    def order(student: Student) -> tuple[int, str]:
        number = student.register_number
        return (int(number) if number.isdigit() else 10**9, student.sort_key)

    lines = []
    for student in sorted(students, key=order):
        years = enrolments.get(student.pk, [])
        lines.append(
            {
                "number": student.register_number,
                "name": student.full_name,
                "birth_date": _date(student.birth_date),
                "gender": student.get_gender_display(),
                "birth_place": student.birth_place,
                "ethnicity": ethnicity_name(student.ethnicity),
                "hometown": student.hometown,
                "father": ", ".join(p for p in (student.father_name, student.father_job) if p),
                "mother": ", ".join(p for p in (student.mother_name, student.mother_job) if p),
                "guardian": student.guardian_name,
                "address": student.address,
                "admitted_on": _date(student.admitted_on),
                "first_class": years[0][1] if years else "",
                "previous_school": student.previous_school,
                "years": "; ".join(f"{y}: {c}" for y, c in years),
                "left_on": _date(student.left_on),
                "leave_reason": student.leave_reason,
            }
        )
    return {
        **_heading(school),
        "year": year_name,
        "lines": lines,
        "principal": _principal_of(school),
        "missing": _missing_lines(sorted(students, key=lambda s: s.sort_key), Book.SO_DANG_BO),
    }


def _principal_of(school: Unit) -> str:
    some_class = Unit.objects.filter(school=school, kind="LOP").order_by("-pk").first()
    return principal_name(some_class) if some_class is not None else ""


# --- sổ theo dõi và đánh giá học sinh (theo lớp học) --------------------------------------------


def _teachers(school_class: Unit) -> dict[str, str]:
    rows = TeachingAssignment.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    ).select_related("teacher__staff")
    names = {}
    for row in rows:
        staff = getattr(row.teacher, "staff", None)
        names[row.subject_code] = staff.full_name if staff else row.teacher.get_username()
    return names


def _cell(value: str | None, kind: str) -> str:
    if not value:
        return ""
    if kind == "score":
        return value.replace(".", ",")
    return COMMENT_LABEL.get(value, value)


def score_book_data(school_class: Unit, term: str) -> dict[str, Any]:
    """One term of the class score book: particulars, one table per subject (with its
    teacher's signature line), the term summary."""
    assert school_class.school is not None and school_class.school_year is not None
    sem = term.lower()
    book = class_gradebook(school_class, term)
    subjects = {s.code: s for s in class_subjects(school_class)}
    teachers = _teachers(school_class)
    students = _students(school_class)
    missing = _missing_lines(students, Book.SO_THEO_DOI)
    tables = []
    for subject in book["subjects"]:
        code, kind = subject["code"], subject["kind"]
        count = min(tx_count(subjects[code]), 4) if code in subjects else 4
        rows = []
        for st in book["students"]:
            entry = st["subjects"][code]
            values = entry["entries"]
            result = entry["result"][term]
            if result is None:
                missing.append(f"{st['student']['full_name']}: {subject['name']} {term}")
            rows.append(
                {
                    "name": st["student"]["full_name"],
                    "tx": [_cell(values.get(f"{sem}.tx{i}"), kind) for i in range(1, count + 1)],
                    "gk": _cell(values.get(f"{sem}.gk"), kind),
                    "ck": _cell(values.get(f"{sem}.ck"), kind),
                    "term": _cell(result, kind),
                    "year": _cell(entry["result"]["CN"], kind) if term == "HK2" else "",
                }
            )
        teacher = teachers.get(code, "")
        if not teacher:
            missing.append(
                _("môn %(subject)s: chưa phân công giáo viên") % {"subject": subject["name"]}
            )
        tables.append(
            {
                "code": code,
                "name": subject["name"],
                "kind": kind,
                "tx_count": count,
                "teacher": teacher,
                "rows": rows,
            }
        )
    summary = []
    for st in book["students"]:
        overall = st["overall"]
        summary.append(
            {
                "name": st["student"]["full_name"],
                "values": [
                    _cell(st["subjects"][s["code"]]["result"][term], s["kind"])
                    for s in book["subjects"]
                ],
                "hoc_tap": secondary.Level(overall["academic"]).label
                if overall["academic"]
                else "",
                "ren_luyen": secondary.Level(overall["conduct"]).label
                if overall["conduct"]
                else "",
            }
        )
        if not overall["conduct"]:
            missing.append(
                _("%(student)s: kết quả rèn luyện %(term)s")
                % {"student": st["student"]["full_name"], "term": term}
            )
    return {
        **_heading(school_class.school),
        "year": school_class.school_year.name,
        "term": term,
        "term_title": TERM_TITLES[term],
        "class": {"name": school_class.name.removeprefix("Lớp "), "grade": school_class.grade},
        "homeroom": homeroom_name(school_class),
        "principal": principal_name(school_class),
        "teachers": [{"subject": t["name"], "teacher": t["teacher"]} for t in tables],
        "students": [_profile(s) for s in students],
        "subjects": [{"code": s["code"], "name": s["name"]} for s in book["subjects"]],
        "tables": tables,
        "summary": summary,
        "missing": missing,
    }


def _students(school_class: Unit) -> list[Student]:
    rows = Enrolment.objects.filter(
        school_class=school_class, school_year_id=school_class.school_year_id
    ).select_related("student")
    return sorted((row.student for row in rows), key=lambda s: s.sort_key)


def _profile(student: Student) -> dict[str, str]:
    """SƠ YẾU LÝ LỊCH HỌC SINH, both facing pages."""
    father = ", ".join(p for p in (student.father_name, student.father_job) if p)
    mother = ", ".join(p for p in (student.mother_name, student.mother_job) if p)
    return {
        "name": student.full_name,
        "birth_date": _date(student.birth_date),
        "birth_place": student.birth_place,
        "gender": student.get_gender_display(),
        "ethnicity": ethnicity_name(student.ethnicity),
        "priority": student.priority_group,
        "address": student.address,
        "father": father
        or (f"Người giám hộ: {student.guardian_name}" if student.guardian_name else ""),
        "mother": mother,
        "changes": f"Rời trường {_date(student.left_on)}: {student.leave_reason}"
        if student.left_on
        else "",
    }


# --- bảng tổng hợp (tiểu học) -----------------------------------------------------------------


def summary_data(school_class: Unit, term: str) -> dict[str, Any]:
    """The class's bảng tổng hợp at the end of a term (the gradebook's own table, TT 27)."""
    assert school_class.school is not None and school_class.school_year is not None
    table = summary_table(school_class, term)
    students = _students(school_class)
    missing = _missing_lines(students, Book.BANG_TONG_HOP)
    book = class_gradebook(school_class, term)
    for st in book["students"]:
        for code, entry in st["subjects"].items():
            if not entry["result"].get("muc"):
                missing.append(
                    _("%(student)s: mức đạt được môn %(code)s")
                    % {"student": st["student"]["full_name"], "code": code}
                )
                break
    return {
        **_heading(school_class.school),
        "year": school_class.school_year.name,
        "term": term,
        "term_title": {"HK1": "CUỐI HỌC KÌ I", "CN": "CUỐI NĂM HỌC", "HK2": "CUỐI NĂM HỌC"}[term],
        "class": {"name": school_class.name.removeprefix("Lớp "), "grade": school_class.grade},
        "homeroom": homeroom_name(school_class),
        "principal": principal_name(school_class),
        "groups": table.group_cells,
        "header": table.header,
        "rows": table.rows,
        "missing": missing,
    }
