"""The official books' policy as a matrix: every role × every books action × which school,
class, pupil or batch.

Expectations are written by hand from docs/books.md and the docstring of
hoso/books/policies.py (the GVCN of the pupil's class and the school's HT, PHT, VT fill the
particulars; the school's HT, PHT, VT generate the school's books and start batches; a class's
books also its GVCN), never computed. The actors and places are a province_world's: "th1"
below is its school, "thcs1" its THCS school, "th2" the school of the second Phòng; of the
actors only giaovien is a GVCN, of th1 1A. Where an action has a list scope, `visible` must
agree with `can`.
"""

from __future__ import annotations

import pytest

from hoso.books.models import BookBatch
from hoso.org.models import SchoolYear, Student, Unit
from hoso.policy.tests.matrix import assert_row
from tests.factories import ClassFactory, HomeroomFactory, StudentFactory, World, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {
    "books.student.fill",
    "books.school.generate",
    "books.class.generate",
    "books.batch.view",
}

# role → the province_world's person holding it
ACTORS = {
    "GV": "giaovien",
    "TTCM": "totruong",
    "PHT": "phohieutruong",
    "HT": "hieutruong",
    "VT": "vanthu",
    "TV": "thuthu",
    "CV_PHONG": "chuyenvien",
    "CV_SO": "so",
    "QTHT": "admin",
}
T, F = True, False


def _rows(default, **rows):
    return {role: rows.get(role, default) for role in ACTORS}


# Pupils of th1 1A, th1 5A, thcs1 6A, th2 1A.
STUDENT_FILL = _rows(
    (F, F, F, F),
    GV=(T, F, F, F),
    PHT=(T, T, F, F),
    HT=(T, T, F, F),
    VT=(T, T, F, F),
    QTHT=(T, T, T, T),
)
# Schools th1, thcs1, th2.
SCHOOL_GENERATE = _rows((F, F, F), PHT=(T, F, F), HT=(T, F, F), VT=(T, F, F), QTHT=(T, T, T))
# Classes th1 1A, th1 5A, thcs1 6A.
CLASS_GENERATE = _rows(
    (F, F, F), GV=(T, F, F), PHT=(T, T, F), HT=(T, T, F), VT=(T, T, F), QTHT=(T, T, T)
)
# Batches: the actor's own (at th1), thcs1's principal's, th2's principal's. The starter and
# the school's HT, PHT, VT.
BATCH_VIEW = _rows((T, F, F), QTHT=(T, T, T))


@pytest.fixture
def world() -> World:
    """A province_world whose classes th1 1A (GVCN giaovien), th1 5A, thcs1 6A and th2 1A have
    a pupil each."""
    world = province_world("bm")
    units, year = world.units, world.year
    units["lop5a"] = ClassFactory(
        code="bm-5A", name="Lớp 5A", parent=units["school"], school_year=year, grade=5
    )
    units["lop6a"] = ClassFactory(
        code="bm-6A", name="Lớp 6A", parent=units["thcs"], school_year=year, grade=6
    )
    units["school2.lop1a"] = ClassFactory(
        code="bm-TR2-1A", name="Lớp 1A", parent=units["school2"], school_year=year, grade=1
    )
    for key in ("lop", "lop5a", "lop6a", "school2.lop1a"):
        StudentFactory(school_class=units[key])
    HomeroomFactory(teacher=world.people["giaovien"], school_class=units["lop"], school_year=year)
    return world


@pytest.mark.parametrize("role", ACTORS)
def test_books(world, role):
    year = SchoolYear.objects.get(is_current=True)
    user = world.people[ACTORS[role]]
    classes = [world.units[key] for key in ("lop", "lop5a", "lop6a", "school2.lop1a")]
    pupils = [
        Student.objects.filter(enrolments__school_class=c, enrolments__school_year=year).first()
        for c in classes
    ]
    assert_row(user, "books.student.fill", pupils, STUDENT_FILL[role], Student)
    schools = [world.units[key] for key in ("school", "thcs", "school2")]
    assert_row(user, "books.school.generate", schools, SCHOOL_GENERATE[role], Unit)
    assert_row(user, "books.class.generate", classes[:3], CLASS_GENERATE[role])
    starters = [
        (user, "school"),
        (world.people["thcs.hieutruong"], "thcs"),
        (world.people["school2.hieutruong"], "school2"),
    ]
    batches = [
        BookBatch.objects.create(school=world.units[key], school_year=year, term="CN", user=starter)
        for starter, key in starters
    ]
    assert_row(user, "books.batch.view", batches, BATCH_VIEW[role], BookBatch)
