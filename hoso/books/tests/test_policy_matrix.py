"""The official books' policy as a matrix: every role × every books action × which school,
class, pupil or batch.

Expectations are written by hand from docs/books.md and the docstring of
hoso/books/policies.py (the GVCN of the pupil's class and the school's HT, PHT, VT fill the
particulars; the school's HT, PHT, VT generate the school's books and start batches; a class's
books also its GVCN), never computed. The demo's GVCN of the actors are replaced by one:
th1.giaovien1 is the GVCN of th1 1A. Where an action has a list scope, `visible` must agree
with `can`.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from hoso.books.models import BookBatch
from hoso.grading.models import Homeroom
from hoso.org.models import SchoolYear, Student, Unit
from hoso.policy.tests.matrix import assert_row

pytestmark = pytest.mark.django_db

COVERED = {
    "books.student.fill",
    "books.school.generate",
    "books.class.generate",
    "books.batch.view",
}

ACTORS = {
    "GV": "th1.giaovien1",
    "TTCM": "th1.totruong",
    "PHT": "th1.phohieutruong",
    "HT": "th1.hieutruong",
    "VT": "th1.vanthu",
    "TV": "th1.thuthu",
    "CV_PHONG": "phong1.chuyenvien",
    "CV_SO": "so.chuyenvien",
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


def _user(username):
    return get_user_model().objects.get(username=username)


def _class(school_code, name):
    return Unit.objects.get(school__code=school_code, kind="LOP", name=name)


@pytest.mark.parametrize("role", ACTORS)
def test_books(role):
    year = SchoolYear.objects.get(is_current=True)
    Homeroom.objects.filter(teacher__in=[_user(u) for u in ACTORS.values()]).delete()
    lop1a = _class("TH1", "Lớp 1A")
    Homeroom.objects.filter(school_class=lop1a, school_year=year).delete()
    Homeroom.objects.create(teacher=_user("th1.giaovien1"), school_class=lop1a, school_year=year)
    user = _user(ACTORS[role])
    classes = [lop1a, _class("TH1", "Lớp 5A"), _class("THCS1", "Lớp 6A"), _class("TH2", "Lớp 1A")]
    pupils = [
        Student.objects.filter(enrolments__school_class=c, enrolments__school_year=year).first()
        for c in classes
    ]
    assert_row(user, "books.student.fill", pupils, STUDENT_FILL[role], Student)
    schools = [Unit.objects.get(code=code) for code in ("TH1", "THCS1", "TH2")]
    assert_row(user, "books.school.generate", schools, SCHOOL_GENERATE[role], Unit)
    assert_row(user, "books.class.generate", classes[:3], CLASS_GENERATE[role])
    starters = [
        (user, "TH1"),
        (_user("thcs1.hieutruong"), "THCS1"),
        (_user("th2.hieutruong"), "TH2"),
    ]
    batches = [
        BookBatch.objects.create(
            school=Unit.objects.get(code=code), school_year=year, term="CN", user=starter
        )
        for starter, code in starters
    ]
    assert_row(user, "books.batch.view", batches, BATCH_VIEW[role], BookBatch)
