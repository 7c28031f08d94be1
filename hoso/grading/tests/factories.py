"""A small province in the demo's shape for the gradebook tests, keyed by the demo's names (th1,
th1.1A, th1.hieutruong…) but with codes and usernames of its own ("GB-TH1", "gb.th1.hieutruong":
a worker may have loaded the demo too), only the classes a test asks for, a few pupils in each,
and the assignments, entries and windows made by the grading services.

    world = gradebook_world("th1.1A", "th2.1A")      # two classes, six pupils each
    world.units["th1.1A"], world.people["th1.hieutruong"]
    hk1_filled(world, "th1.1A")                      # học kì I entered, as in the demo
    windows_as_in_the_demo(world, "th1")             # HK I closed, HK II open
"""

from __future__ import annotations

import random
from typing import Any

from hoso.families.tests.factories import consented
from hoso.grading.catalogue import class_subjects, sheet_columns
from hoso.grading.models import Entry, Guardian
from hoso.grading.selectors import HOMEROOM
from hoso.grading.services.assignments import AssignmentChange, assignments_assign
from hoso.grading.services.windows import results_publish, window_close, window_open
from hoso.grading.sheets import PCNL, REN_LUYEN, Column, is_primary
from hoso.org.models import Role, Unit
from hoso.org.tests.factories import Province, school_class, small_province, students
from tests.factories import StaffFactory, UserFactory, World, grant

# The demo's classes (hoso.org.demo.CLASSES): name → grade
GRADES = {
    "th1": {"1A": 1, "1B": 1, "2A": 2, "3A": 3, "4A": 4, "5A": 5},
    "thcs1": {"6A": 6, "7A": 7, "8A": 8, "9A": 9},
    "mn1": {"Lá 1": 5, "Chồi 1": 4},
    "th2": {"1A": 1, "2A": 2, "3A": 3, "4A": 4, "5A": 5},
}
ALL_CLASSES = tuple(f"{school}.{name}" for school, names in GRADES.items() for name in names)
# The demo's specialists (hoso.grading.demo): th1's Tổ trưởng teaches these in every class.
SPECIALIST_SUBJECTS = {
    "ngoai_ngu_1",
    "am_nhac",
    "mi_thuat",
    "giao_duc_the_chat",
    "tin_hoc_cong_nghe",
}
PARENT = "ph.hs1"


def gradebook_world(*classes: str, pupils: int | dict[str, int] = 6) -> Province:
    """small_province("gb") (hoso/org/tests/factories.py: Sở > Phòng 1 with th1, thcs1, mn1,
    Phòng 2 with th2, one person per demo account in the demo's roles) with the `classes` asked
    for ("th1.1A", "thcs1.6A"…), `pupils` pupils each (or as many as `pupils` gives the class's
    key, else six); the subjects and GVCN of th1 and thcs1 assigned as the demo assigns them
    (th1: the GVCN teaches everything but the specialists' subjects, which the Tổ trưởng
    teaches; thcs1: giaovien1 teaches toán, giaovien2 the rest); and ph.hs1, the parent of
    th1.1A's first pupil."""
    world = small_province("gb")
    classes = tuple(sorted(classes, key=_class_order))
    for key in classes:
        school, name = key.split(".")
        lop = school_class(
            world.units[school],
            name,
            GRADES[school][name],
            code=f"{world.prefix.upper()}-{key.replace(' ', '')}",
        )
        world.units[key] = lop
        students(lop, pupils if isinstance(pupils, int) else pupils.get(key, 6))
        if school in ("th1", "thcs1"):  # as in the demo: th2 unassigned, mn1 keeps no gradebook
            _assign(world, school, lop)
    if "th1.1A" in classes:
        parent = UserFactory(username=f"{world.prefix}.{PARENT}", first_name="Phụ huynh")
        child = pupil(world.units["th1.1A"])
        Guardian.objects.create(user=parent, student=child)
        consented(parent, child)  # as in the demo: ph.hs1 has consented (hoso.families)
        world.people[PARENT] = parent
    return world


def _class_order(key: str) -> tuple[int, int]:
    school, name = key.split(".")
    return list(GRADES).index(school), list(GRADES[school]).index(name)


def _teacher(world: Province, username: str, group: str) -> Any:
    """A teacher of the world, made on first use (the demo has a dozen in each school)."""
    if username not in world.people:
        person = UserFactory(username=f"{world.prefix}.{username}")
        grant(person, Role.GV, world.units[group])
        StaffFactory(unit=world.units[group], user=person, position=str(Role.GV))
        world.people[username] = person
        world.posts[username] = group
    return world.people[username]


def _assign(world: Province, school: str, lop: Unit) -> None:
    """As hoso.grading.demo: th1's classes in order have giaovien1, giaovien2… as GVCN."""
    people = world.people
    homeroom = {
        "th1": lambda: _teacher(
            world, f"th1.giaovien{list(GRADES['th1']).index(lop.name[4:]) + 1}", "th1.to1"
        ),
        "thcs1": lambda: people["thcs1.giaovien1"],
    }[school]()
    changes = [AssignmentChange(lop.pk, HOMEROOM, homeroom.pk)]
    for subject in class_subjects(lop):
        teacher = homeroom
        if school == "th1" and subject.code in SPECIALIST_SUBJECTS:
            teacher = people["th1.totruong"]
        elif school == "thcs1" and subject.code != "toan":
            teacher = people["thcs1.giaovien2"]
        changes.append(AssignmentChange(lop.pk, subject.code, teacher.pk))
    assignments_assign(
        actor=people[f"{school}.hieutruong"], school=world.units[school], changes=changes
    )


def pupil(school_class: Unit, index: int = 0) -> Any:
    from hoso.grading.tests.conftest import first_student

    return first_student(school_class, index)


def _value(column: Column, rng: random.Random) -> str:
    """A value of the column's kind, drawn as hoso.grading.demo draws them."""
    from hoso.grading.demo import _value as demo_value

    return demo_value(column, rng)


def hk1_filled(world: World, key: str, seed: int = 2026) -> None:
    """Every cell of học kì I of the class entered (bulk, as the demo enters them)."""
    lop = world.units[key]
    sheets = [s.code for s in class_subjects(lop)]
    sheets.append(PCNL if is_primary(lop.grade or 0) else REN_LUYEN)
    columns = [
        c
        for sheet in sheets
        for c in sheet_columns(lop, sheet)
        if c.checkpoint in ("giua_hk1", "cuoi_hk1", "hk1")
        and (c.kind != "text" or c.checkpoint in ("cuoi_hk1", "hk1"))
    ]
    rng = random.Random(seed)
    pupils = [e.student_id for e in lop_enrolments(lop)]
    Entry.objects.bulk_create(
        Entry(
            school_year=world.year,
            school_class=lop,
            student_id=sid,
            area=c.area,
            slot=c.slot,
            value=_value(c, rng),
        )
        for sid in pupils
        for c in columns
    )


def lop_enrolments(lop: Unit) -> Any:
    from hoso.org.models import Enrolment

    return Enrolment.objects.filter(school_class=lop).order_by("student__sort_key")


def year_end_filled(world: World, key: str, student: Any) -> None:
    """Every year-end assessment of `student` entered (hoso.grading.demo's YEAR_END values)."""
    from hoso.grading.demo import YEAR_END

    lop = world.units[key]
    sheets = [s.code for s in class_subjects(lop)] + [PCNL]
    Entry.objects.bulk_create(
        Entry(
            school_year=world.year,
            school_class=lop,
            student=student,
            area=c.area,
            slot=c.slot,
            value=YEAR_END[c.kind],
        )
        for sheet in sheets
        for c in sheet_columns(lop, sheet)
        if c.checkpoint == "cuoi_nam"
    )


def windows_as_in_the_demo(world: World, school: str) -> None:
    """Học kì I opened and closed, học kì II open, by the principal (hoso.grading.demo)."""
    closed, opened = {
        "thcs1": (("hk1",), ("hk2",)),
    }.get(school, (("giua_hk1", "cuoi_hk1"), ("giua_hk2", "cuoi_nam")))
    ht, unit = world.people[f"{school}.hieutruong"], world.units[school]
    for checkpoint in closed:
        window = window_open(
            actor=ht, school=unit, checkpoint=checkpoint, reason="Nhập điểm học kì I"
        )
        window_close(actor=ht, window=window, reason="Hết hạn nhập điểm học kì I, khóa sổ")
    for checkpoint in opened:
        window_open(actor=ht, school=unit, checkpoint=checkpoint, reason="Nhập điểm học kì II")


def open_window(world: World, school: str, checkpoint: str = "", **kw: Any) -> Any:
    """The school's principal opens a window, as the conftest fixture `open_window` does."""
    return window_open(
        actor=world.people[f"{school}.hieutruong"],
        school=world.units[school],
        checkpoint=checkpoint,
        reason="Mở để kiểm thử",
        **kw,
    )


def gradebook_as_in_the_demo(*classes: str, pupils: int | dict[str, int] = 6) -> Province:
    """gradebook_world with the demo's gradebook state for th1 and thcs1: học kì I entered in
    their classes, học kì I closed and học kì II open (th2 has no gradebook in the demo), and
    th1 1A's results of học kì I published for its parent, whose child has every year-end
    assessment entered (the demo issues its học bạ)."""
    world = gradebook_world(*classes, pupils=pupils)
    for key in classes:
        if not key.startswith("th2."):
            hk1_filled(world, key)
    for school in sorted({key.split(".")[0] for key in classes} - {"th2"}):
        windows_as_in_the_demo(world, school)
    if "th1.1A" in classes:
        year_end_filled(world, "th1.1A", pupil(world.units["th1.1A"]))
        results_publish(
            actor=world.people["th1.hieutruong"], school_class=world.units["th1.1A"], term="HK1"
        )
    return world
