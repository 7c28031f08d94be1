"""The CSDL ngành exchange and the identity numbers as a matrix (issue 15 items 1-2): every
person of an office_world (every role of a school, of a Phòng and of the Sở, the
administrator), the people of another province, a superuser who holds no role and an account
with no role × the units and people of the province and of the other province.

Written by hand from the docstring of hoso/org/csdl/policies.py and docs/csdl.md, never
computed:

- `org.csdl.import`: the school's HT and VT, into their school only; nobody else, not the PHT,
  not the Phòng or the Sở. A unit that is no school (a Tổ, a class, an office) is imported into
  by nobody.
- `org.csdl.export`: the school's HT and VT, their school; an office's leaders and chuyên viên
  (CV_PHONG, CV_SO, TP, PTP, GD, PGD), their office and every school or office below it, never a
  Tổ or a class; not the offices' văn thư (VT_CQ), who are neither leaders nor chuyên viên.
- `org.personal_id.view`: a student's number whole for the school's HT, VT and PHT and the GVCN
  of the student's class this year; a member of staff's for the HT and VT of their school and
  for themselves; everyone else, the offices included, sees it masked. (The PHT is the
  docstring's, since the books' particulars form they fill shows the number; docs/csdl.md's
  "Who sees it whole" does not name them yet.)

The administrator (a QTHT, or a superuser, who holds QTHT above every unit) passes the import
of every school and sees every number whole, as docs/security.md says ("the administrator
passes most rules"); the export rule lets them export a school but not an office (the docs name
no administrator for either): the table asserts what the rule does there, and the report of
this change asks about it. `visible` agrees with `can` for the two actions with a list scope.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hoso.org.models import SchoolYear, Staff, Unit
from hoso.org.tests.factories import school_class, students
from hoso.policy.tests.matrix import assert_row
from tests.factories import (
    TWO_PROVINCES_PEOPLE,
    HomeroomFactory,
    staff_of,
    two_provinces,
)

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {"org.csdl.import", "org.csdl.export", "org.personal_id.view"}

T, F = True, False

# --- the units ---------------------------------------------------------------------------------
# school (TH, Phòng 1): the school; to, lop: its Tổ 1 and Lớp 1A; thcs: the THCS school under
# the same Phòng; phong: Phòng 1; school2, phong2: the second Phòng and its school; so: the Sở;
# x.school, x.phong, x.so: another province's school, Phòng and Sở.
UNITS = (
    "school",
    "to",
    "lop",
    "thcs",
    "phong",
    "school2",
    "phong2",
    "so",
    "x.school",
    "x.phong",
    "x.so",
)
NO_UNIT = (F,) * len(UNITS)
SCHOOLS_ONLY = (T, F, F, T, F, T, F, F, T, F, F)

# Into which unit may each person import? Only the HT and VT of a school, into it.
IMPORT = {
    "hieutruong": (T, F, F, F, F, F, F, F, F, F, F),
    "vanthu": (T, F, F, F, F, F, F, F, F, F, F),
    "thcs.hieutruong": (F, F, F, T, F, F, F, F, F, F, F),
    "school2.hieutruong": (F, F, F, F, F, T, F, F, F, F, F),
    "x.hieutruong": (F, F, F, F, F, F, F, F, T, F, F),
    "x.vanthu": (F, F, F, F, F, F, F, F, T, F, F),
    # The administrator: every school, of either province (a QTHT is the administrator
    # wherever their role sits).
    "admin": SCHOOLS_ONLY,
    "x.admin": SCHOOLS_ONLY,
    "root": SCHOOLS_ONLY,
}

# Which unit may each person export? The HT and VT their school; an office's leaders and
# chuyên viên their office and the schools and offices below it (not a Tổ, not a class).
PHONG1_SUBTREE = (T, F, F, T, T, F, F, F, F, F, F)
PHONG2_SUBTREE = (F, F, F, F, F, T, T, F, F, F, F)
SO_SUBTREE = (T, F, F, T, T, T, T, T, F, F, F)
EXPORT = {
    "hieutruong": (T, F, F, F, F, F, F, F, F, F, F),
    "vanthu": (T, F, F, F, F, F, F, F, F, F, F),
    "thcs.hieutruong": (F, F, F, T, F, F, F, F, F, F, F),
    "school2.hieutruong": (F, F, F, F, F, T, F, F, F, F, F),
    "chuyenvien": PHONG1_SUBTREE,
    "truongphong": PHONG1_SUBTREE,
    "photruongphong": PHONG1_SUBTREE,
    "chuyenvien2": PHONG2_SUBTREE,
    "truongphong2": PHONG2_SUBTREE,
    "so": SO_SUBTREE,
    "giamdoc": SO_SUBTREE,
    "phogiamdoc": SO_SUBTREE,
    "x.hieutruong": (F, F, F, F, F, F, F, F, T, F, F),
    "x.vanthu": (F, F, F, F, F, F, F, F, T, F, F),
    "x.chuyenvien": (F, F, F, F, F, F, F, F, T, T, F),
    # The administrator exports a school (as its HT would) but no office: what the rule does;
    # the docs name no administrator for the export (asked in the report of this change).
    "admin": SCHOOLS_ONLY,
    "x.admin": SCHOOLS_ONLY,
    "root": SCHOOLS_ONLY,
}

# --- the people whose number is shown ----------------------------------------------------------
# Staff rows: the viewer's own; the school's HT (at the school) and a teacher of its Tổ 1; the
# Phòng 1 chuyên viên; the Sở chuyên viên; the THCS school's HT; the second Phòng's school's
# teacher; the other province's teacher.
STAFF = (
    "own",
    "hieutruong",
    "giaovien",
    "chuyenvien",
    "so",
    "thcs.hieutruong",
    "school2.giaovien",
    "x.giaovien",
)
OWN_ONLY = (T, F, F, F, F, F, F, F)
SCHOOL_KEEPER_STAFF = (T, T, T, F, F, F, F, F)
STAFF_VIEW = {
    "hieutruong": SCHOOL_KEEPER_STAFF,
    "vanthu": SCHOOL_KEEPER_STAFF,
    # Their own row is also a column of the table.
    "giaovien": (T, F, T, F, F, F, F, F),
    "chuyenvien": (T, F, F, T, F, F, F, F),
    "so": (T, F, F, F, T, F, F, F),
    "thcs.hieutruong": (T, F, F, F, F, T, F, F),
    "school2.hieutruong": (T, F, F, F, F, F, T, F),
    "school2.giaovien": (T, F, F, F, F, F, T, F),
    "x.hieutruong": (T, F, F, F, F, F, F, T),
    "x.vanthu": (T, F, F, F, F, F, F, T),
    "x.giaovien": (T, F, F, F, F, F, F, T),
    "admin": (T,) * len(STAFF),
    "x.admin": (T,) * len(STAFF),
}
# Pupils: of the school's Lớp 1A (GVCN giaovien this year) and Lớp 1B (GVCN giaovien2), of the
# THCS school, of the second Phòng's school, of the other province's school.
STUDENTS = ("1A", "1B", "thcs", "school2", "x")
STUDENT_KEEPER = (T, T, F, F, F)
STUDENT_VIEW = {
    "hieutruong": STUDENT_KEEPER,
    "vanthu": STUDENT_KEEPER,
    "phohieutruong": STUDENT_KEEPER,
    "giaovien": (T, F, F, F, F),
    "giaovien2": (F, T, F, F, F),
    "thcs.hieutruong": (F, F, T, F, F),
    "school2.hieutruong": (F, F, F, T, F),
    "x.hieutruong": (F, F, F, F, T),
    "x.vanthu": (F, F, F, F, T),
    "x.phohieutruong": (F, F, F, F, T),
    "admin": (T,) * len(STUDENTS),
    "x.admin": (T,) * len(STUDENTS),
    "root": (T,) * len(STUDENTS),
}

PEOPLE = TWO_PROVINCES_PEOPLE
WITHOUT_STAFF_ROW = {"root", "nobody"}


@pytest.fixture
def world():
    """An office_world ("mo"), another province (school_world "mox" and its Sở's QTHT), a
    superuser who holds no role ("root"), an account with no role ("nobody"); a staff row for
    every person of both provinces; a pupil in each of Lớp 1A and 1B of the school (GVCN
    giaovien and giaovien2 this year), of the THCS school, of the second Phòng's school and of
    the other province's school."""
    here, there, people = two_provinces("mo")
    staff_of(here)
    staff_of(there)

    units = dict(here.units)
    units.update({f"x.{key}": unit for key, unit in there.units.items()})
    school = here.units["school"]
    lop1b = school_class(school, "1B", 1, code="mo-1B")
    HomeroomFactory(
        teacher=here.people["giaovien"], school_class=here.units["lop"], school_year=here.year
    )
    HomeroomFactory(teacher=here.people["giaovien2"], school_class=lop1b, school_year=here.year)
    pupils = {
        "1A": students(here.units["lop"], 1)[0],
        "1B": students(lop1b, 1)[0],
        "thcs": students(school_class(here.units["thcs"], "6A", 6, code="mo-6A"), 1)[0],
        "school2": students(school_class(here.units["school2"], "1A", 1, code="mo2-1A"), 1)[0],
        "x": students(there.units["lop"], 1)[0],
    }
    return {"people": people, "units": units, "pupils": pupils, "year": here.year}


def _staff(people, key):
    return Staff.objects.select_related("unit").get(user=people[key])


def test_the_tables_name_only_people_of_the_world(world):
    assert set(PEOPLE) == set(world["people"])
    for table in (IMPORT, EXPORT, STAFF_VIEW, STUDENT_VIEW):
        assert set(table) <= set(PEOPLE)


@pytest.mark.parametrize("action,table", [("org.csdl.import", IMPORT), ("org.csdl.export", EXPORT)])
def test_import_and_export_of_every_unit(world, action, table):
    units = [world["units"][key] for key in UNITS]
    for key in PEOPLE:
        assert_row(world["people"][key], action, units, table.get(key, NO_UNIT), Unit)


def test_who_sees_a_member_of_staffs_number_whole(world):
    people = world["people"]
    others = [_staff(people, key) for key in STAFF[1:]]
    for key in PEOPLE:
        row = STAFF_VIEW.get(key, OWN_ONLY)
        if key in WITHOUT_STAFF_ROW:
            # No staff row of their own: the other columns only (root is the administrator).
            row = (T,) * (len(STAFF) - 1) if key == "root" else (F,) * (len(STAFF) - 1)
            assert_row(people[key], "org.personal_id.view", others, row)
            continue
        objects = [_staff(people, key), *others]
        assert_row(people[key], "org.personal_id.view", objects, row)


def test_who_sees_a_students_number_whole(world):
    pupils = [world["pupils"][key] for key in STUDENTS]
    for key in PEOPLE:
        row = STUDENT_VIEW.get(key, (F,) * len(STUDENTS))
        assert_row(world["people"][key], "org.personal_id.view", pupils, row)


def test_a_gvcn_of_another_school_year_sees_the_number_masked(world):
    """The GVCN of the student's class *this year*: giaovien45, GVCN of Lớp 1A in a year gone
    by, sees its pupil's number masked; giaovien, its GVCN this year, whole."""
    old, _ = SchoolYear.objects.get_or_create(
        name="2024-2025",
        defaults={
            "start_date": dt.date(2024, 9, 5),
            "end_date": dt.date(2025, 5, 31),
            "term1_end": dt.date(2025, 1, 17),
        },
    )
    HomeroomFactory(
        teacher=world["people"]["giaovien45"], school_class=world["units"]["lop"], school_year=old
    )
    pupil = world["pupils"]["1A"]
    assert_row(world["people"]["giaovien45"], "org.personal_id.view", [pupil], (F,))
    assert_row(world["people"]["giaovien"], "org.personal_id.view", [pupil], (T,))
