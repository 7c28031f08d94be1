"""Generate a school book from the data and issue it as a record: the PDF goes through the
records file gate as a version of the book's record (retention from the catalogue: sổ đăng
bộ and học bạ permanent), the record is submitted into its type's signing chain (hoso.records
workflow, signatures by hoso.signing) — no download and upload by a person. A book with
anything missing is refused with the list. Generating again after issue makes the next version
of the same record, with what changed written on the book ("Điều chỉnh so với bản số …")."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.books.data import register_data, score_book_data, summary_data
from hoso.books.layouts import book_pdf
from hoso.books.models import BookEdition, BookKind
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.org.models import SchoolYear, Unit, UnitKind
from hoso.org.years import current_year
from hoso.policy import can
from hoso.records.models import RecordState, RecordType
from hoso.records.services.versions import Upload, record_generated
from hoso.records.services.workflow import record_submit

# The catalogue's record type of each book, by level (hoso/records/data/catalogue.json).
RECORD_TYPES = {
    (BookKind.SO_DANG_BO, "TH"): "TT28.SDB",
    (BookKind.SO_DANG_BO, "THCS"): "TT32.SDB",
    (BookKind.SO_DANG_BO, "THPT"): "TT32.SDB",
    (BookKind.SO_THEO_DOI, "THCS"): "TT32.STDDGL",
    (BookKind.SO_THEO_DOI, "THPT"): "TT32.STDDGL",
    (BookKind.BANG_TONG_HOP, "TH"): "TT28.BTHKQ",
}
TERMS = {
    BookKind.SO_DANG_BO: ("",),
    BookKind.SO_THEO_DOI: ("HK1", "HK2"),
    BookKind.BANG_TONG_HOP: ("HK1", "CN"),
}
IN_CHAIN = (RecordState.SUBMITTED, RecordState.APPROVED)
MAX_LISTED = 8


def level_of(school: Unit, school_class: Unit | None) -> str:
    if school_class is not None and school_class.grade:
        grade = school_class.grade
        return "TH" if grade <= 5 else ("THCS" if grade <= 9 else "THPT")
    return school.level


def check_request(kind: str, school: Unit, school_class: Unit | None, term: str) -> str:
    """The record type code of the requested book, or a Vietnamese refusal."""
    if kind not in BookKind.values:
        raise DomainError(_("Loại sổ không hợp lệ."))
    if kind == BookKind.SO_DANG_BO and school_class is not None:
        raise DomainError(_("Sổ đăng bộ lập cho cả trường, không lập theo lớp."))
    if kind != BookKind.SO_DANG_BO and (school_class is None or school_class.kind != UnitKind.LOP):
        raise DomainError(_("Hãy chọn lớp của sổ."))
    if term not in TERMS[BookKind(kind)]:
        raise DomainError(_("Kỳ của sổ không hợp lệ."), fields={"term": [_("Sai kỳ.")]})
    code = RECORD_TYPES.get((BookKind(kind), level_of(school, school_class)))
    if code is None:
        label = BookKind(kind).label
        raise DomainError(
            _("%(label)s không dùng cho cấp học của lớp/trường này.") % {"label": label}
        )
    return code


def build(kind: str, school: Unit, school_class: Unit | None, term: str, year: SchoolYear) -> Any:
    if kind == BookKind.SO_DANG_BO:
        return register_data(school, year.name)
    assert school_class is not None
    if kind == BookKind.SO_THEO_DOI:
        return score_book_data(school_class, term)
    return summary_data(school_class, term)


def missing_message(kind: str, missing: list[str]) -> str:
    shown = "; ".join(missing[:MAX_LISTED])
    book = BookKind(kind).label.lower()
    if len(missing) > MAX_LISTED:
        return _("Chưa lập được %(book)s: còn thiếu %(items)s (và %(more)s mục khác).") % {
            "book": book,
            "items": shown,
            "more": len(missing) - MAX_LISTED,
        }
    return _("Chưa lập được %(book)s: còn thiếu %(items)s.") % {"book": book, "items": shown}


def _may_generate(actor: Any, school: Unit, school_class: Unit | None) -> bool:
    if school_class is not None:
        return can(actor, "books.class.generate", school_class)
    return can(actor, "books.school.generate", school)


def book_issue(
    *,
    actor: Any,
    kind: str,
    school: Unit,
    school_class: Unit | None = None,
    term: str = "",
    ip: str = "",
    then: Callable[[BookEdition], None] | None = None,
) -> BookEdition:
    """Generate the book and submit it into its signing chain (see the module docstring).
    `then` runs inside the transaction that stores the edition (a batch marks its item done
    there, so that a crash leaves both or neither)."""
    if not _may_generate(actor, school, school_class):
        raise NotAllowed(_("Bạn không được lập sổ này (GVCN của lớp, lãnh đạo hoặc văn thư)."))
    code = check_request(kind, school, school_class, term)
    year = current_year()
    if year is None:
        raise DomainError(_("Chưa có năm học hiện tại; hãy báo quản trị hệ thống."))
    data = build(kind, school, school_class, term, year)
    if data["missing"]:
        raise DomainError(
            missing_message(kind, data["missing"]), fields={"missing": data["missing"]}
        )
    previous = _previous(kind, school, school_class, year, term)
    note = _check_previous(actor, previous, kind, data)
    number = previous.number + 1 if previous else 1
    pdf = book_pdf(kind, data, number=number, note=note)  # slow: outside the transaction
    return _store(
        actor, code, kind, school, school_class, year, term, data, pdf, number, note, ip, then
    )


def _previous(
    kind: str, school: Unit, school_class: Unit | None, year: SchoolYear, term: str
) -> BookEdition | None:
    return (
        BookEdition.objects.select_related("record")
        .filter(kind=kind, school=school, school_class=school_class, school_year=year, term=term)
        .order_by("-number")
        .first()
    )


def _check_previous(
    actor: Any, previous: BookEdition | None, kind: str, data: dict[str, Any]
) -> str:
    if previous is None:
        return ""
    record = previous.record
    if record.owner_id != actor.pk:
        raise NotAllowed(_("Sổ này do người khác lập; người lập sổ lập bản điều chỉnh."))
    if record.state in IN_CHAIN:
        raise Conflict(
            _("Bản trước của sổ đang trong chuỗi duyệt, ký; hãy chờ hoặc đề nghị trả lại.")
        )
    note = change_note(kind, previous.data, data)
    if record.state in (RecordState.ISSUED, RecordState.ARCHIVED) and not note:
        raise DomainError(_("Dữ liệu hiện tại giống bản đã ban hành; không có gì để điều chỉnh."))
    return note


@transaction.atomic
def _store(
    actor: Any,
    code: str,
    kind: str,
    school: Unit,
    school_class: Unit | None,
    year: SchoolYear,
    term: str,
    data: dict[str, Any],
    pdf: bytes,
    number: int,
    note: str,
    ip: str,
    then: Callable[[BookEdition], None] | None = None,
) -> BookEdition:
    record_type = RecordType.objects.get(code=code, owner_unit=None)
    unit = school_class or school
    where = f" — lớp {school_class.name.removeprefix('Lớp ')}" if school_class else ""
    when = {"HK1": " — học kì I", "HK2": " — học kì II", "CN": " — cả năm"}.get(term, "")
    title = f"{BookKind(kind).label}{where}{when} — năm học {year.name}"
    filename = f"{kind}-{unit.code}-{term or year.name}-ban-{number}.pdf"
    version = record_generated(
        actor=actor,
        record_type=record_type,
        unit=unit,
        upload=Upload(io.BytesIO(pdf), filename, len(pdf)),
        title=title,
        period_key="HK2" if term == "CN" else term,
        ip=ip,
    )
    edition = BookEdition.objects.create(
        kind=kind,
        school=school,
        school_class=school_class,
        school_year=year,
        term=term,
        number=number,
        data=data,
        pdf_sha256=version.original_sha256,
        record=version.record,
        record_version=version,
        change_note=note,
        created_by=actor,
    )
    audit_log(
        "books.edition.created",
        actor=actor,
        obj=edition,
        unit_id=school.pk,
        ip=ip,
        data={"kind": kind, "number": number, "record": version.record_id, "change": note[:500]},
    )
    record_submit(actor=actor, record_id=version.record_id, ip=ip)
    if then is not None:
        then(edition)
    return edition


# --- what changed between two editions --------------------------------------------------------


def _flatten(kind: str, data: dict[str, Any]) -> dict[str, str]:
    cells: dict[str, str] = {}
    if kind == BookKind.SO_DANG_BO:
        for line in data["lines"]:
            for field, value in line.items():
                if field != "number":
                    cells[f"Số {line['number']} ({line['name']}), {LINE_LABELS[field]}"] = value
    elif kind == BookKind.SO_THEO_DOI:
        for table in data["tables"]:
            for row in table["rows"]:
                for i, value in enumerate(row["tx"], start=1):
                    cells[f"{table['name']}, {row['name']}, thường xuyên {i}"] = value
                for field, label in (("gk", "giữa kì"), ("ck", "cuối kì"), ("term", "học kì")):
                    cells[f"{table['name']}, {row['name']}, {label}"] = row[field]
        for row in data["summary"]:
            cells[f"{row['name']}, kết quả học tập"] = row["hoc_tap"]
            cells[f"{row['name']}, kết quả rèn luyện"] = row["ren_luyen"]
    else:
        columns = [label for label, span, _rows in data["groups"] for _ in range(span)]
        labels = [
            f"{group} ({sub})" if sub and sub != group else group
            for group, sub in zip(columns, data["header"], strict=False)
        ]
        for row in data["rows"]:
            for label, value in zip(labels[2:], row[2:], strict=False):
                cells[f"{row[1]}, {label}"] = value
    return cells


LINE_LABELS = {
    "name": "họ và tên",
    "birth_date": "ngày sinh",
    "gender": "giới tính",
    "birth_place": "nơi sinh",
    "ethnicity": "dân tộc",
    "hometown": "quê quán",
    "father": "cha",
    "mother": "mẹ",
    "guardian": "người giám hộ",
    "address": "chỗ ở",
    "admitted_on": "ngày vào trường",
    "first_class": "vào lớp",
    "previous_school": "chuyển từ trường",
    "years": "theo học các năm",
    "left_on": "ngày rời trường",
    "leave_reason": "lí do rời trường",
}


def change_note(kind: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    """One line per changed cell: "- <where>: <old> → <new>" (the red-ink rule, electronically)."""
    before, after = _flatten(kind, old), _flatten(kind, new)
    lines = [
        f"- {key}: {before.get(key) or '(trống)'} → {after.get(key) or '(trống)'}"
        for key in list(after) + [k for k in before if k not in after]
        if before.get(key, "") != after.get(key, "")
    ]
    return "\n".join(lines)
