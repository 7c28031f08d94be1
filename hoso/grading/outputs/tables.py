"""The data of the printouts, computed once and rendered identically to Excel, PDF and XML.

- `summary_table`: Bảng tổng hợp kết quả đánh giá của lớp (TT 27 layout for tiểu học: per
  subject Mức đạt được + Điểm KTĐK, năng lực chung, năng lực đặc thù, phẩm chất, khen thưởng,
  hoàn thành chương trình; TT 22 layout for THCS/THPT: per subject ĐTBm or Đ/CĐ, học tập,
  rèn luyện, danh hiệu). The exact official column order is UNCONFIRMED (docs/grading.md).
- `hoc_ba_data`: one student's học bạ for a year, as display strings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hoso.grading.compute import PRIMARY_CHECKPOINT, class_gradebook
from hoso.grading.models import Homeroom
from hoso.grading.outputs.forms import hocba_form
from hoso.grading.rules import primary, secondary
from hoso.grading.rules.subjects import Checkpoint, primary_traits
from hoso.grading.sheets import display, grid_text
from hoso.org.models import RoleAssignment, Student, Unit

TRAIT_GROUPS = [
    ("nang_luc_chung", "Năng lực chung"),
    ("nang_luc_dac_thu", "Năng lực đặc thù"),
    ("pham_chat", "Phẩm chất chủ yếu"),
]
TERM_LABELS = {"HK1": "Học kì I", "HK2": "Học kì II", "CN": "Cả năm"}


@dataclass
class Table:
    title: str
    groups: list[tuple[str, int]]  # first header row: (label, colspan)
    header: list[str]  # second header row
    rows: list[list[str]]

    @property
    def group_cells(self) -> list[tuple[str, int, int]]:
        """(label, colspan, rowspan): a group without sub-columns spans both header rows."""
        cells, col = [], 0
        for label, span in self.groups:
            rows = 2 if span == 1 and not self.header[col] else 1
            cells.append((label, span, rows))
            col += span
        return cells


def _score(value: str | None) -> str:
    return (value or "").replace(".", ",")


def summary_table(school_class: Unit, term: str) -> Table:
    book = class_gradebook(school_class, term)
    title = (
        f"BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ GIÁO DỤC CỦA LỚP {school_class.name.removeprefix('Lớp ')}"
        f" — {TERM_LABELS[term].upper()}"
    )
    if book["level"] == "TH":
        return _primary_table(book, title, term)
    return _secondary_table(book, title, term)


def _primary_table(book: dict[str, Any], title: str, term: str) -> Table:
    subjects = book["subjects"]
    cp = Checkpoint(PRIMARY_CHECKPOINT[term])
    grade = book["class"]["grade"]
    tested = {
        s["code"]
        for s in subjects
        if cp in primary.primary_subject(grade, s["code"]).test_checkpoints
    }
    groups: list[tuple[str, int]] = [("STT", 1), ("Họ và tên", 1)]
    header = ["", ""]
    for s in subjects:
        span = 2 if s["code"] in tested else 1
        groups.append((s["name"], span))
        header += ["MĐ", "Đ"][:span]
    traits = primary_traits()
    for group, label in TRAIT_GROUPS:
        members = [t for t in traits if t.group == group]
        groups.append((label, len(members)))
        header += [t.name for t in members]
    groups += [("Khen thưởng", 1), ("Hoàn thành chương trình lớp học", 1)]
    header += ["", ""]
    rows = []
    for n, st in enumerate(book["students"], start=1):
        row = [str(n), st["student"]["full_name"]]
        for s in subjects:
            res = st["subjects"][s["code"]]["result"]
            row.append(res["muc"] or "")
            if s["code"] in tested:
                row.append(res["diem"] or "")
        for group, _ in TRAIT_GROUPS:
            row += [
                grid_text("trait", st["traits"][t.code]["muc"] or "")
                for t in traits
                if t.group == group
            ]
        overall = st["overall"]
        row.append(overall.get("award_suggestion") or "")
        row.append(_completion(overall))
        rows.append(row)
    return Table(title, groups, header, rows)


def _completion(overall: dict[str, Any]) -> str:
    if "result" not in overall:
        return ""
    if overall["result"] is None:
        return "Chưa đủ dữ liệu"
    return overall["result_label"]


def _secondary_table(book: dict[str, Any], title: str, term: str) -> Table:
    subjects = book["subjects"]
    groups = [("STT", 1), ("Họ và tên", 1)] + [(s["name"], 1) for s in subjects]
    groups += [("Kết quả học tập", 1), ("Kết quả rèn luyện", 1), ("Danh hiệu", 1)]
    header = ["", ""] + ["ĐTBm" if s["kind"] == "score" else "Đ/CĐ" for s in subjects]
    header += ["", "", ""]
    rows = []
    for n, st in enumerate(book["students"], start=1):
        row = [str(n), st["student"]["full_name"]]
        row += [_score(st["subjects"][s["code"]]["result"][term]) for s in subjects]
        overall = st["overall"]
        row.append(secondary.Level(overall["academic"]).label if overall["academic"] else "")
        row.append(secondary.Level(overall["conduct"]).label if overall["conduct"] else "")
        row.append(overall.get("title") or "")
        rows.append(row)
    return Table(title, groups, header, rows)


# --- học bạ -----------------------------------------------------------------------------------


def _person_name(user: Any) -> str:
    staff = getattr(user, "staff", None)
    return staff.full_name if staff else (user.get_full_name() or user.username)


def homeroom_name(school_class: Unit) -> str:
    row = (
        Homeroom.objects.filter(
            school_class=school_class, school_year_id=school_class.school_year_id
        )
        .select_related("teacher__staff")
        .first()
    )
    return _person_name(row.teacher) if row else ""


def principal_name(school_class: Unit) -> str:
    if school_class.school_id is None:
        return ""
    row = (
        RoleAssignment.objects.filter(
            unit_id=school_class.school_id, role="HT", school_year_id=school_class.school_year_id
        )
        .select_related("user__staff")
        .first()
    )
    return _person_name(row.user) if row else ""


def hoc_ba_data(school_class: Unit, student: Student) -> dict[str, Any]:
    """Everything printed on (and exported from) one học bạ; strings only."""
    book = class_gradebook(school_class, "CN", students=[student])
    st = book["students"][0]
    assert school_class.school is not None and school_class.school_year is not None
    data: dict[str, Any] = {
        "schema": "hoso-hocba-1",
        "level": book["level"],
        "school": {"code": school_class.school.code, "name": school_class.school.name},
        "year": school_class.school_year.name,
        "class": {"name": school_class.name, "grade": str(school_class.grade)},
        "student": {
            "code": student.code,
            "full_name": student.full_name,
            "birth_date": student.birth_date.strftime("%d/%m/%Y"),
            "gender": student.get_gender_display(),
        },
        "homeroom": homeroom_name(school_class),
        "principal": principal_name(school_class),
        "corrections": [],
    }
    if book["level"] == "TH":
        data.update(_primary_hocba(book, st))
    else:
        data.update(_secondary_hocba(book, st))
    # The official forms' particulars, history, date line and completion (hoso.books).
    extra = hocba_form().additions(
        school_class, student, book["level"], data["result"], st["overall"]
    )
    data["missing"] = data["missing"] + extra.pop("extra_missing")
    data.update(extra)
    return data


def _primary_hocba(book: dict[str, Any], st: dict[str, Any]) -> dict[str, Any]:
    subjects = [
        {
            "code": s["code"],
            "name": s["name"],
            "muc": st["subjects"][s["code"]]["result"]["muc"] or "",
            "muc_label": primary.SubjectLevel(m).label
            if (m := st["subjects"][s["code"]]["result"]["muc"])
            else "",
            "diem": st["subjects"][s["code"]]["result"]["diem"] or "",
            "nhan_xet": st["subjects"][s["code"]]["result"]["nhan_xet"] or "",
        }
        for s in book["subjects"]
    ]
    traits = [
        {
            "code": code,
            "name": t["name"],
            "group": t["group"],
            "muc": display("trait", t["muc"] or ""),
        }
        for code, t in st["traits"].items()
    ]
    overall = st["overall"]
    return {
        "subjects": subjects,
        "traits": traits,
        "result": {
            "ket_qua": overall.get("result_label") or "",
            "hoan_thanh_chuong_trinh": overall.get("completion_note") or "",
            "khen_thuong": overall.get("award_suggestion") or "",
        },
        "missing": list(overall.get("missing", [])),
    }


def _secondary_hocba(book: dict[str, Any], st: dict[str, Any]) -> dict[str, Any]:
    subjects = []
    for s in book["subjects"]:
        res = st["subjects"][s["code"]]["result"]
        subjects.append(
            {
                "code": s["code"],
                "name": s["name"],
                "hk1": _score(res["HK1"]),
                "hk2": _score(res["HK2"]),
                "cn": _score(res["CN"]),
                "nhan_xet": res["nhan_xet"] or "",
            }
        )
    overall = st["overall"]
    return {
        "subjects": subjects,
        "traits": [],
        "result": {
            "hoc_tap": secondary.Level(overall["academic"]).label if overall["academic"] else "",
            "ren_luyen": secondary.Level(overall["conduct"]).label if overall["conduct"] else "",
            "danh_hieu": overall.get("title") or "",
        },
        "missing": list(overall.get("missing", [])),
    }


def diff_corrections(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """What a correction version changes, for the struck-through rendering (DOMAIN §10.12)."""
    changes: list[dict[str, str]] = []
    for key in ("subjects", "traits"):
        before = {row["code"]: row for row in old.get(key, [])}
        for row in new.get(key, []):
            prev = before.get(row["code"], {})
            for field, value in row.items():
                if field in ("code", "name", "group", "muc_label"):
                    continue
                if prev.get(field, "") != value:
                    changes.append(
                        {
                            "item": row["name"],
                            "field": field,
                            "old": prev.get(field, ""),
                            "new": value,
                        }
                    )
    for field, value in new.get("result", {}).items():
        if old.get("result", {}).get(field, "") != value:
            changes.append(
                {
                    "item": "Kết quả",
                    "field": field,
                    "old": old.get("result", {}).get(field, ""),
                    "new": value,
                }
            )
    return changes
