"""The gradebook follows the dates of the student's stay: a pupil who left in March is not
expected (nor listed as missing scores) in học kì II, one who came after học kì I ended is not
expected in học kì I; the học bạ batch leaves out a pupil who left before the year's end."""

from __future__ import annotations

import datetime as dt

import pytest

from hoso.grading.compute import class_gradebook
from hoso.grading.hocba.services.batches import hocba_batch_create
from hoso.grading.models import HocBaBatchItem
from hoso.grading.tests.conftest import gvcn_of
from hoso.grading.tests.factories import gradebook_world
from hoso.org.models import Enrolment
from hoso.org.tests.factories import StudentFactory
from hoso.schoollife.services.movements import admission_record, drop_out_record

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


def test_terms_expect_only_the_pupils_there_at_their_end() -> None:
    # given Lớp 1A with three pupils, one leaving in March and one coming in late January
    world = gradebook_world("th1.1A", pupils=3)
    lop, vt = world.units["th1.1A"], world.people["th1.vanthu"]
    rows = list(Enrolment.objects.filter(school_class=lop).order_by("student__sort_key"))
    leaver, stayer, other = (row.student for row in rows)
    drop_out_record(actor=vt, student=leaver, on=dt.date(2026, 3, 10), reason="Theo gia đình")
    newcomer = StudentFactory(school=world.units["th1"], admitted_on=None)
    admission_record(actor=vt, student=newcomer, school_class=lop, on=dt.date(2026, 1, 26))

    def listed(term: str) -> set[int]:
        return {row["student"]["id"] for row in class_gradebook(lop, term)["students"]}

    def missing(term: str) -> set[int]:
        book = class_gradebook(lop, term)["students"]
        return {row["student"]["id"] for row in book if row["overall"].get("missing")}

    # then học kì I expects the leaver (there on 17/01/2026), not the newcomer
    assert leaver.pk in listed("HK1") and newcomer.pk not in listed("HK1")
    # (primary học kì I has no overall result to be missing: its levels are per subject)
    # and học kì II and the year expect the newcomer, not the leaver
    for term in ("HK2", "CN"):
        assert listed(term) == {stayer.pk, other.pk, newcomer.pk}
        assert leaver.pk not in missing(term)
        assert newcomer.pk in missing(term)

    # and the học bạ batch of the year leaves the leaver out
    batch = hocba_batch_create(actor=gvcn_of(lop), school_class=lop)
    queued = set(HocBaBatchItem.objects.filter(batch=batch).values_list("student_id", flat=True))
    assert queued == {stayer.pk, other.pk, newcomer.pk}
