"""Demo gradebook: assignments and GVCN for th1 and thcs1, học kì I complete and part of học kì
II entered, HK I closed (a few correction requests pending), HK II open, th1 1A's HK I results
published, and the parent account ph.hs1 linked to the first pupil of th1 1A.

Entries are bulk-inserted (one demo load, not a user's action) to stay fast."""

from __future__ import annotations

import random
import zlib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from hoso.accounts.models import AccountProfile
from hoso.grading.catalogue import class_subjects, sheet_columns
from hoso.grading.models import Entry, Guardian, Homeroom, TeachingAssignment
from hoso.grading.services.windows import (
    correction_request,
    results_publish,
    window_close,
    window_open,
)
from hoso.grading.sheets import PCNL, REN_LUYEN, Column, is_primary
from hoso.org.demo import DemoProvince, register_demo_step
from hoso.org.models import Enrolment, Unit

SPECIALIST_SUBJECTS = {
    "ngoai_ngu_1",
    "am_nhac",
    "mi_thuat",
    "giao_duc_the_chat",
    "tin_hoc_cong_nghe",
}
DONE_PRIMARY = {"giua_hk1", "cuoi_hk1"}
PARENT = "ph.hs1"


def _teachers(demo: DemoProvince, school: str) -> list[Any]:
    names = sorted(
        (u for u in demo.users if u.startswith(f"{school}.giaovien")),
        key=lambda u: int(u.rsplit("giaovien", 1)[1]),
    )
    return [demo.users[u] for u in names]


def _classes(demo: DemoProvince, school: str) -> list[Unit]:
    return sorted(
        (u for k, u in demo.units.items() if k.startswith(f"{school}.lop.")),
        key=lambda u: (u.grade or 0, u.name),
    )


def _assign(demo: DemoProvince) -> None:
    year = demo.year
    rows: list[TeachingAssignment] = []
    homerooms: list[Homeroom] = []
    th1 = _teachers(demo, "th1")
    specialist = demo.users["th1.totruong"]
    for index, school_class in enumerate(_classes(demo, "th1")):
        gvcn = th1[index % len(th1)]
        homerooms.append(Homeroom(teacher=gvcn, school_class=school_class, school_year=year))
        for subject in class_subjects(school_class):
            teacher = specialist if subject.code in SPECIALIST_SUBJECTS else gvcn
            rows.append(
                TeachingAssignment(
                    teacher=teacher,
                    school_class=school_class,
                    subject_code=subject.code,
                    school_year=year,
                )
            )
    thcs = _teachers(demo, "thcs1")
    for index, school_class in enumerate(_classes(demo, "thcs1")):
        homerooms.append(
            Homeroom(teacher=thcs[index % len(thcs)], school_class=school_class, school_year=year)
        )
        for number, subject in enumerate(class_subjects(school_class)):
            teacher = thcs[0] if subject.code == "toan" else thcs[1 + number % (len(thcs) - 1)]
            rows.append(
                TeachingAssignment(
                    teacher=teacher,
                    school_class=school_class,
                    subject_code=subject.code,
                    school_year=year,
                )
            )
    TeachingAssignment.objects.bulk_create(rows)
    Homeroom.objects.bulk_create(homerooms)


def _value(column: Column, rng: random.Random) -> str:
    kind = column.kind
    if kind == "level":
        return rng.choices(["T", "H", "C"], weights=[45, 52, 3])[0]
    if kind == "score_int":
        return str(rng.choices(range(4, 11), weights=[1, 3, 6, 10, 14, 12, 8])[0])
    if kind == "trait":
        return rng.choices(["tot", "dat", "can_co_gang"], weights=[55, 42, 3])[0]
    if kind == "score":
        return str(max(0, min(10, round(rng.gauss(7.2, 1.3) * 2) / 2))).removesuffix(".0")
    if kind == "rating":
        return rng.choices(["Đ", "CĐ"], weights=[97, 3])[0]
    if kind == "conduct":
        return rng.choices(["tot", "kha", "dat"], weights=[60, 32, 8])[0]
    return rng.choice(["Chăm chỉ, tiến bộ.", "Cần rèn thêm kĩ năng trình bày.", "Học tốt."])


def _wanted(column: Column, rng: random.Random) -> bool:
    """HK I complete; HK II: mid-term levels for half the subjects, the first two ĐĐGtx."""
    cp = column.checkpoint
    if cp in DONE_PRIMARY or cp == "hk1":
        return column.kind != "text" or cp in ("cuoi_hk1", "hk1")
    if cp == "giua_hk2":
        return column.kind in ("level", "trait") and zlib.crc32(column.area.encode()) % 2 == 0
    return column.slot in ("hk2.tx1", "hk2.tx2")


def _entries(demo: DemoProvince, school_class: Unit, rng: random.Random) -> list[Entry]:
    sheets = [s.code for s in class_subjects(school_class)]
    sheets.append(PCNL if is_primary(school_class.grade or 0) else REN_LUYEN)
    columns = [c for sheet in sheets for c in sheet_columns(school_class, sheet)]
    students = Enrolment.objects.filter(school_class=school_class).values_list(
        "student_id", flat=True
    )
    return [
        Entry(
            school_year=demo.year,
            school_class=school_class,
            student_id=sid,
            area=c.area,
            slot=c.slot,
            value=_value(c, rng),
        )
        for sid in students
        for c in columns
        if _wanted(c, rng)
    ]


def _windows(demo: DemoProvince) -> None:
    for school, closed, opened in (
        ("th1", ("giua_hk1", "cuoi_hk1"), ("giua_hk2", "cuoi_nam")),
        ("thcs1", ("hk1",), ("hk2",)),
    ):
        ht = demo.users[f"{school}.hieutruong"]
        for checkpoint in closed:
            window = window_open(
                actor=ht,
                school=demo.units[school],
                checkpoint=checkpoint,
                reason="Nhập điểm học kì I theo kế hoạch năm học",
            )
            window_close(actor=ht, window=window, reason="Hết hạn nhập điểm học kì I, khóa sổ")
        for checkpoint in opened:
            window_open(
                actor=ht,
                school=demo.units[school],
                checkpoint=checkpoint,
                reason="Nhập điểm học kì II theo kế hoạch năm học",
            )


def _other(student: Any, area: str, slot: str, preferred: str, alternative: str) -> str:
    current = Entry.objects.filter(student=student, area=area, slot=slot).first()
    return alternative if current is not None and current.value == preferred else preferred


def _corrections(demo: DemoProvince) -> None:
    lop1a = demo.units["th1.lop.1A"]
    first = Enrolment.objects.filter(school_class=lop1a).order_by("student__sort_key")
    students = [e.student for e in first[:2]]
    gvcn = Homeroom.objects.get(school_class=lop1a).teacher
    correction_request(
        actor=gvcn,
        school_class=lop1a,
        sheet="toan",
        student=students[0],
        area="toan",
        slot="cuoi_hk1.diem",
        new_value=_other(students[0], "toan", "cuoi_hk1.diem", "9", "10"),
        reason="Chấm phúc khảo bài kiểm tra cuối kì I: cộng sót 1 điểm",
    )
    correction_request(
        actor=gvcn,
        school_class=lop1a,
        sheet="tieng_viet",
        student=students[1],
        area="tieng_viet",
        slot="cuoi_hk1.muc",
        new_value=_other(students[1], "tieng_viet", "cuoi_hk1.muc", "T", "H"),
        reason="Nhập nhầm mức đạt được so với sổ theo dõi",
    )
    lop6a = demo.units["thcs1.lop.6A"]
    pupil = Enrolment.objects.filter(school_class=lop6a).order_by("student__sort_key")[0].student
    correction_request(
        actor=demo.users["thcs1.giaovien1"],
        school_class=lop6a,
        sheet="toan",
        student=pupil,
        area="toan",
        slot="hk1.ck",
        new_value=_other(pupil, "toan", "hk1.ck", "8.5", "9"),
        reason="Nhập nhầm điểm cuối kì I (bài làm được 8,5)",
    )


def _parent(demo: DemoProvince) -> None:
    lop1a = demo.units["th1.lop.1A"]
    student = Enrolment.objects.filter(school_class=lop1a).order_by("student__sort_key")[0].student
    user = get_user_model().objects.create(
        username=PARENT,
        password=make_password(settings.DEMO_PASSWORD),
        first_name=f"Phụ huynh em {student.full_name}",
    )
    AccountProfile.objects.create(user=user, is_demo=True, full_name=user.first_name)
    Guardian.objects.create(user=user, student=student, relation="Cha/mẹ")
    demo.users[PARENT] = user
    results_publish(actor=demo.users["th1.hieutruong"], school_class=lop1a, term="HK1")


YEAR_END = {"level": "T", "score_int": "9", "trait": "tot", "text": "Chăm ngoan, học tốt."}


def _first_pupil(school_class: Unit) -> Any:
    rows = Enrolment.objects.filter(school_class=school_class).order_by("student__sort_key")
    return rows[0].student


def _complete_year_end(demo: DemoProvince, school_class: Unit, pupil: Any) -> None:
    """The parent's child has every year-end assessment, so that a học bạ can be issued."""
    sheets = [s.code for s in class_subjects(school_class)] + [PCNL]
    have = set(Entry.objects.filter(student=pupil).values_list("area", "slot"))
    Entry.objects.bulk_create(
        Entry(
            school_year=demo.year,
            school_class=school_class,
            student=pupil,
            area=c.area,
            slot=c.slot,
            value=YEAR_END[c.kind],
        )
        for sheet in sheets
        for c in sheet_columns(school_class, sheet)
        if c.checkpoint == "cuoi_nam" and (c.area, c.slot) not in have
    )


def _hocba(demo: DemoProvince) -> None:
    """Through the background batches (run here at once; the queued task is then a no-op): an
    issued học bạ for the parent's child (th1 1A: GVCN signs, HT signs, văn thư seals), and a
    draft made by a batch in th1 1B, thcs1 6A and th2 1A — objects at every distance for the
    authorization tests."""
    from hoso.grading.hocba.services.batches import (
        hocba_batch_create,
        hocba_batch_run,
        hocba_batch_sign,
    )

    lop1a = demo.units["th1.lop.1A"]
    pupil = _first_pupil(lop1a)
    _complete_year_end(demo, lop1a, pupil)
    gvcn = Homeroom.objects.get(school_class=lop1a).teacher
    hocba_batch_run(
        batch_id=hocba_batch_create(actor=gvcn, school_class=lop1a, students=[pupil.pk]).pk
    )
    for signer in (gvcn, demo.users["th1.hieutruong"], demo.users["th1.vanthu"]):
        batch = hocba_batch_sign(
            actor=signer, school_class=lop1a, passphrase=settings.DEMO_PASSWORD
        )
        if hocba_batch_run(batch_id=batch.pk).failed:
            raise RuntimeError(f"demo học bạ: {batch.items.get().message}")
    for key, who in (
        ("th1.lop.1B", "th1.giaovien2"),
        ("thcs1.lop.6A", "thcs1.giaovien1"),
        ("th2.lop.1A", "th2.hieutruong"),
    ):
        school_class = demo.units[key]
        batch = hocba_batch_create(
            actor=demo.users[who],
            school_class=school_class,
            students=[_first_pupil(school_class).pk],
        )
        hocba_batch_run(batch_id=batch.pk)


def load(demo: DemoProvince) -> None:
    rng = random.Random(2026)
    _assign(demo)
    rows: list[Entry] = []
    for school in ("th1", "thcs1"):
        for school_class in _classes(demo, school):
            rows += _entries(demo, school_class, rng)
    Entry.objects.bulk_create(rows, batch_size=2000)
    _windows(demo)
    _corrections(demo)
    _parent(demo)
    _hocba(demo)


def register() -> None:
    register_demo_step(load, order=300)
