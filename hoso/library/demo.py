"""Demo libraries: real textbook and reference titles (docs/sources/data/library-demo-titles.json,
no ISBN invented), a few thousand copies per school, loans in progress and overdue, holds, a
weeding proposal for the principal, and a digital collection the Sở shares with every school.

Rows are bulk-created (thousands of copies): demo data, not a librarian's actions."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hoso.library.catalog import DATA
from hoso.library.models import (
    Accession,
    BibRecord,
    Copy,
    CopyStatus,
    DigitalResource,
    Hold,
    ItemKind,
    LibrarySettings,
    Loan,
    ReadingSession,
    ResourceState,
    StockScan,
    StockTake,
    Weeding,
)
from hoso.library.services.catalogue import _search_text
from hoso.org.demo import DemoProvince, register_demo_step
from hoso.org.models import Enrolment, Staff, Unit, UnitKind
from hoso.storage import blob_store

KINDS = {
    "sach_giao_khoa": ItemKind.SGK,
    "sach_giao_vien": ItemKind.SGV,
    "sach_tham_khao": ItemKind.STK,
    "thieu_nhi": ItemKind.THIEU_NHI,
}
GRADES = {"TH": range(1, 6), "THCS": range(6, 10), "THPT": range(10, 13), "MN": range(0)}
SGK_COPIES = 40
OTHER_COPIES = 6
SERIES = "Kết nối tri thức với cuộc sống"
SO_RESOURCES = [
    ("Hướng dẫn sử dụng thư viện số của Sở", "pdf", ""),
    ("Kho học liệu số của Bộ GDĐT (igiaoduc.vn)", "link", "https://igiaoduc.vn/"),
    ("Hệ tri thức Việt số hóa", "link", "https://itrithuc.vn/"),
    ("Thư viện Quốc gia Việt Nam", "link", "https://nlv.gov.vn/"),
]


def _titles() -> list[dict[str, Any]]:
    data = json.loads((DATA / "library-demo-titles.json").read_text(encoding="utf-8"))
    return list(data["items"])


def _wanted(item: dict[str, Any], level: str) -> bool:
    if item["kind"] in ("sach_giao_khoa", "sach_giao_vien"):
        return item.get("series") == SERIES and item.get("grade") in GRADES.get(level, range(0))
    return True


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    fields = {
        "kind": KINDS.get(item["kind"], ItemKind.STK),
        "title": item["title"][:400],
        "authors": (item.get("authors") or "Nhiều tác giả")[:400],
        "publisher": (item.get("publisher") or "")[:200],
        "pub_place": "",
        "pub_year": None,
        "isbn": "",
        "subject": (item.get("subject") or "")[:200],
        "grade": item.get("grade"),
        "series": (item.get("series") or "")[:200],  # only where the source data names it
        "language": "vie",
        "class_number": (item.get("ddc") or "")[:40],
        "author_mark": "",
        "scheme": "DDC",
    }
    return fields


def _school_library(school: Unit, librarian: Any, rng: Any, received: dt.date) -> list[Copy]:
    settings, _ = LibrarySettings.objects.get_or_create(school=school)
    records = BibRecord.objects.bulk_create(
        [
            BibRecord(school=school, search_text=_search_text(f), **f)
            for f in (_fields(i) for i in _titles() if _wanted(i, school.level))
        ]
    )
    accession = Accession.objects.create(
        school=school,
        number=1,
        day=received,
        source="Nhà xuất bản Giáo dục Việt Nam — cấp phát đầu năm học",
        document=f"Biên bản giao nhận số 12/BB, ngày {received:%d/%m/%Y}",
        created_by=librarian,
    )
    copies: list[Copy] = []
    number = 1
    for record in records:
        count = SGK_COPIES if record.kind == ItemKind.SGK else OTHER_COPIES
        shelf = "Kho SGK" if record.kind == ItemKind.SGK else f"Giá {rng.randint(1, 8)}"
        price = 15000 + 1000 * rng.randint(0, 40)
        for _ in range(count):
            copies.append(
                Copy(
                    record=record,
                    school=school,
                    reg_number=number,
                    barcode=f"{school.code}-{number:06d}",
                    location=shelf,
                    price=price,
                    accession=accession,
                )
            )
            number += 1
    copies = Copy.objects.bulk_create(copies)
    from hoso.library.search_index import index_later

    index_later([r.pk for r in records])
    settings.next_reg_number = number
    settings.next_accession = 2
    settings.save(update_fields=["next_reg_number", "next_accession"])
    return copies


def _parents_child(school: Unit) -> int | None:
    """The demo parent's (ph.hs1) child at this school: their book is due back in two days,
    so the parent's home page has something to do."""
    from hoso.grading.models import Guardian

    return (
        Guardian.objects.filter(user__username="ph.hs1", student__school=school)
        .values_list("student_id", flat=True)
        .first()
    )


def _loans(school: Unit, copies: list[Copy], librarian: Any, province: DemoProvince) -> None:
    """Reference books out with pupils and staff: some due later, some overdue."""
    students = list(
        Enrolment.objects.filter(school_class__school=school, school_year=province.year)
        .select_related("student")
        .order_by("student__sort_key")[:24]
    )
    staff = list(Staff.objects.filter(unit__school=school).order_by("pk")[:4])
    loose = [c for c in copies if c.record.kind in (ItemKind.STK, ItemKind.THIEU_NHI)]
    today, now = province.today, province.now
    loans: list[Loan] = []
    child = _parents_child(school)
    for index, enrolment in enumerate(students):
        copy = loose[index * 3]
        days_ago = 30 if index % 3 == 0 else 3  # one in three is overdue
        if enrolment.student_id == child:
            days_ago = 12  # due in two days
        loans.append(
            Loan(
                copy=copy,
                school=school,
                student=enrolment.student,
                issued_by=librarian,
                issued_at=now - dt.timedelta(days=days_ago),
                due_on=today - dt.timedelta(days=days_ago - 14),
            )
        )
    for index, person in enumerate(staff):
        loans.append(
            Loan(
                copy=loose[index * 3 + 1],
                school=school,
                staff=person,
                issued_by=librarian,
                issued_at=now - dt.timedelta(days=10),
                due_on=today + dt.timedelta(days=20),
            )
        )
    Loan.objects.bulk_create(loans)
    Copy.objects.filter(pk__in=[loan.copy_id for loan in loans]).update(status=CopyStatus.ON_LOAN)
    if students:
        held = loose[0].record
        Hold.objects.create(record=held, school=school, student=students[-1].student)
    lost = [c for c in copies if c.status == CopyStatus.AVAILABLE and c.record.kind == ItemKind.STK]
    if len(lost) > 40:
        weeding = Weeding.objects.create(
            school=school, reason="Rách nát, hư hỏng không sử dụng được", proposed_by=librarian
        )
        weeding.copies.set([lost[-1], lost[-2]])
    stocktake = StockTake.objects.create(
        school=school, name=f"Kiểm kê giữa năm học {province.year.name}", created_by=librarian
    )
    shelf = [c for c in copies if c.location == "Giá 1"][:20]
    StockScan.objects.bulk_create(
        [StockScan(stocktake=stocktake, copy=c, barcode=c.barcode, location="Giá 1") for c in shelf]
    )
    classes = Unit.objects.filter(school=school, kind=UnitKind.LOP).order_by("path")[:3]
    for offset, school_class in enumerate(classes):
        ReadingSession.objects.create(
            school=school,
            day=today - dt.timedelta(days=7 * (offset + 1)),
            school_class=school_class,
            readers=30,
        )


def _so_collection(province: DemoProvince) -> None:
    from hoso.records.pdfmaker import simple_pdf

    so = province.units["so"]
    author = province.users["so.chuyenvien"]
    for title, fmt, url in SO_RESOURCES:
        sha, size, mime = "", 0, ""
        if fmt == "pdf":
            import io

            data = simple_pdf(title, ["Tài liệu dùng chung của Sở GDĐT cho mọi trường."])
            ref = blob_store().put(io.BytesIO(data))
            sha, size, mime = ref.sha256, len(data), "application/pdf"
        DigitalResource.objects.create(
            owner_unit=so,
            title=title,
            authors="Sở GDĐT Tỉnh Demo",
            fmt=fmt,
            url=url,
            sha256=sha,
            size=size,
            mime=mime,
            state=ResourceState.PUBLISHED,
            proposed_by=author,
            search_text=_search_text(
                {"title": title, "authors": "", "subject": "", "class_number": ""}
            ),
        )


SCHOOL_RESOURCES = {
    "th1": ("th1.giaovien1", "th1.to1"),
    "thcs1": ("thcs1.giaovien1", "thcs1.toan"),
    "th2": ("th2.giaovien1", "th2.to12"),
}


def _school_digital(province: DemoProvince) -> None:
    """Each school: a teacher's proposal waiting for the tổ trưởng, and a published link."""
    for key, (teacher, group) in SCHOOL_RESOURCES.items():
        school = province.units[key]
        for title, state, group_unit in (
            ("Phiếu bài tập Toán cuối tuần", ResourceState.PROPOSED, province.units[group]),
            ("Truyện tranh đọc thêm cho học sinh", ResourceState.PUBLISHED, None),
        ):
            fields = {"title": title, "authors": "", "subject": "", "class_number": ""}
            DigitalResource.objects.create(
                owner_unit=school,
                school=school,
                group=group_unit,
                title=title,
                fmt="link",
                url="https://igiaoduc.vn/",
                state=state,
                proposed_by=province.users[teacher],
                search_text=_search_text(fields),
            )


def demo_library(province: DemoProvince) -> None:
    librarian = province.users.get("th1.thuthu") or province.users["admin"]
    for key in ("th1", "thcs1", "th2"):
        school = province.units[key]
        # The books came from the publisher a fortnight before the school year opened.
        received = province.year.start_date - dt.timedelta(days=16)
        copies = _school_library(school, librarian, province.rng, received)
        _loans(school, copies, librarian, province)
    _so_collection(province)
    _school_digital(province)


register_demo_step(demo_library, order=330)
