"""The school-life policy as a matrix: every person of an office_world × every schoollife
action × which student, school, package or received file.

Expectations are written by hand from docs/school-life.md ("Who") and the docstrings of
hoso/schoollife/policies.py, never computed:

- history.view: the staff of the student's school (every school role), the Phòng/Sở above it
  (chuyên viên and the office leaders, as `org.student.view`; not the office's văn thư), the
  administrator;
- movement.record and transfer.receive: the principal, the deputy and the văn thư of the
  student's (receiving) school, the administrator;
- package.download, file.view and movement.list (the school's list of movements): the
  recorders of the school that made or received the package, or recorded the movement (the
  sending school keeps the package it made after the student left), the administrator.

The places are an office_world's: "th1" below is its school (Phòng 1), "thcs" the THCS school
of Phòng 1, "th2" the school of Phòng 2. The student "moved" was taken in by th2 from th1 with a
package (the same Student row now at th2, as for a transfer inside this HoSo). Where an action
has a list scope, `visible` must agree with `can`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hoso.org.models import Student, Unit
from hoso.org.tests.factories import StudentFactory
from hoso.policy.tests.matrix import assert_row
from hoso.schoollife.models import Movement, MovementKind, ReceivedFile
from tests.factories import World, office_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {
    "schoollife.history.view",
    "schoollife.movement.record",
    "schoollife.transfer.receive",
    "schoollife.package.download",
    "schoollife.file.view",
    "schoollife.movement.list",
}
T, F = True, False
NONE3, NONE4 = (F, F, F), (F, F, F, F)

# Every person of office_world → (role, where), for reading the tables below:
#   hieutruong HT th1, phohieutruong PHT th1, vanthu VT th1, totruong TTCM (+GV) th1,
#   giaovien / giaovien2 / giaovien45 GV th1, thuthu TV th1, thcs.hieutruong HT thcs,
#   school2.hieutruong HT th2, school2.giaovien GV th2, chuyenvien CV_PHONG Phòng 1,
#   truongphong TP Phòng 1, photruongphong PTP Phòng 1, phong.vanthu VT_CQ Phòng 1,
#   chuyenvien2 CV_PHONG Phòng 2, truongphong2 TP Phòng 2, so CV_SO, giamdoc GD, phogiamdoc PGD,
#   so.vanthu VT_CQ Sở, admin QTHT (and superuser).
PEOPLE = (
    "hieutruong",
    "phohieutruong",
    "vanthu",
    "totruong",
    "giaovien",
    "giaovien2",
    "giaovien45",
    "thuthu",
    "thcs.hieutruong",
    "school2.hieutruong",
    "school2.giaovien",
    "chuyenvien",
    "truongphong",
    "photruongphong",
    "phong.vanthu",
    "chuyenvien2",
    "truongphong2",
    "so",
    "giamdoc",
    "phogiamdoc",
    "so.vanthu",
    "admin",
)


def _rows(default, **rows):
    table = dict.fromkeys(PEOPLE, default)
    table.update({key.replace("__", "."): row for key, row in rows.items()})
    return table


# Students: a pupil of th1, a pupil of thcs, the student moved from th1 to th2.
HISTORY_VIEW = _rows(
    NONE3,
    hieutruong=(T, F, F),
    phohieutruong=(T, F, F),
    vanthu=(T, F, F),
    totruong=(T, F, F),
    giaovien=(T, F, F),
    giaovien2=(T, F, F),
    giaovien45=(T, F, F),
    thuthu=(T, F, F),
    thcs__hieutruong=(F, T, F),
    school2__hieutruong=(F, F, T),
    school2__giaovien=(F, F, T),
    chuyenvien=(T, T, F),
    truongphong=(T, T, F),
    photruongphong=(T, T, F),
    chuyenvien2=(F, F, T),
    truongphong2=(F, F, T),
    so=(T, T, T),
    giamdoc=(T, T, T),
    phogiamdoc=(T, T, T),
    admin=(T, T, T),
)
MOVEMENT_RECORD = _rows(
    NONE3,
    hieutruong=(T, F, F),
    phohieutruong=(T, F, F),
    vanthu=(T, F, F),
    thcs__hieutruong=(F, T, F),
    school2__hieutruong=(F, F, T),
    admin=(T, T, T),
)
# Schools th1, thcs, th2.
TRANSFER_RECEIVE = MOVEMENT_RECORD
# Movements with a package: th1's transfer out of the moved student, th1's transfer in of its
# pupil, thcs's transfer in of its pupil, th2's transfer in of the moved student.
PACKAGE_DOWNLOAD = _rows(
    NONE4,
    hieutruong=(T, T, F, F),
    phohieutruong=(T, T, F, F),
    vanthu=(T, T, F, F),
    thcs__hieutruong=(F, F, T, F),
    school2__hieutruong=(F, F, F, T),
    admin=(T, T, T, T),
)
# The school's list of movements: the same four movements, the recorders of the school where
# each was recorded (th1 sees its transfer out of the moved student, not th2's transfer in).
MOVEMENT_LIST = PACKAGE_DOWNLOAD
# The học bạ files the three transfers in brought (th1's, thcs's, th2's).
FILE_VIEW = {key: row[1:] for key, row in PACKAGE_DOWNLOAD.items()}


@pytest.fixture
def world() -> World:
    return office_world("slm")


def _movement(world, student, school_key, kind, sha):
    return Movement.objects.create(
        student=student,
        school=world.units[school_key],
        kind=kind,
        on=dt.date(2026, 3, 10),
        school_year=world.year,
        other_school="Trường ngoài" if kind == MovementKind.TRANSFER_IN else "",
        package_sha256=sha * 64,
        recorded_by=world.people["admin"],
    )


def _file(movement):
    return ReceivedFile.objects.create(
        movement=movement,
        name="hoc-ba/2025-2026-1.pdf",
        kind="pdf",
        school_year="2025-2026",
        sha256="f" * 64,
        size=100,
    )


def test_every_person_of_the_world_has_a_row(world):
    assert set(PEOPLE) == set(world.people)
    for table in (HISTORY_VIEW, MOVEMENT_RECORD, PACKAGE_DOWNLOAD, FILE_VIEW):
        assert set(table) == set(PEOPLE)


@pytest.mark.parametrize("key", PEOPLE)
def test_school_life(world, key):
    units = world.units
    pupil = StudentFactory(school=units["school"])
    thcs_pupil = StudentFactory(school=units["thcs"])
    moved = StudentFactory(school=units["school2"])
    movements = [
        _movement(world, moved, "school", MovementKind.TRANSFER_OUT, "a"),
        _movement(world, pupil, "school", MovementKind.TRANSFER_IN, "b"),
        _movement(world, thcs_pupil, "thcs", MovementKind.TRANSFER_IN, "c"),
        _movement(world, moved, "school2", MovementKind.TRANSFER_IN, "a"),
    ]
    files = [_file(movement) for movement in movements[1:]]
    user = world.people[key]
    students = [pupil, thcs_pupil, moved]
    schools = [units["school"], units["thcs"], units["school2"]]
    assert_row(user, "schoollife.history.view", students, HISTORY_VIEW[key], Student)
    assert_row(user, "schoollife.movement.record", students, MOVEMENT_RECORD[key], Student)
    assert_row(user, "schoollife.transfer.receive", schools, TRANSFER_RECEIVE[key], Unit)
    assert_row(user, "schoollife.package.download", movements, PACKAGE_DOWNLOAD[key], Movement)
    assert_row(user, "schoollife.file.view", files, FILE_VIEW[key], ReceivedFile)
    assert_row(user, "schoollife.movement.list", movements, MOVEMENT_LIST[key], Movement)


@pytest.mark.parametrize("key", ["hieutruong", "phohieutruong", "vanthu"])
def test_a_recorder_takes_no_student_in_at_a_unit_that_is_no_school(world, key):
    """The receiving unit is a school: not its Tổ, a class of it, nor the Phòng above."""
    units = world.units
    others = [units["to"], units["lop"], units["phong"]]
    assert_row(world.people[key], "schoollife.transfer.receive", others, NONE3, Unit)
