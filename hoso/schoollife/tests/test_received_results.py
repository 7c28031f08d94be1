"""The results a transfer package carries go into the receiving gradebook: a pupil of TH
Nguyễn Du 1A (học kì I entered, the year's end complete, học bạ issued) moves to TH Kim Đồng
1A; the year's cells are in Kim Đồng's gradebook as "kết quả chuyển đến" from Nguyễn Du,
read-only, shown in the grid and counted in the year's result; a subject Kim Đồng's grade
lacks is listed on the movement, not dropped silently."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.core.errors import DomainError
from hoso.grading.catalogue import class_subjects
from hoso.grading.compute import class_gradebook
from hoso.grading.models import Entry, EntryWindow, SchoolSubject
from hoso.grading.selectors import HOMEROOM
from hoso.grading.services.assignments import AssignmentChange, assignments_assign
from hoso.grading.services.entries import CellChange, entries_save_valid
from hoso.grading.services.windows import correction_request
from hoso.grading.tests.conftest import gvcn_of
from hoso.org.models import Student
from hoso.schoollife.models import Movement
from hoso.schoollife.services.receive import transfer_in
from hoso.schoollife.services.transfer import transfer_out
from hoso.schoollife.tests.factories import MARCH, pupil_with_hocba, seal_of, transfer_world
from hoso.signing.services.signers import signer_close
from hoso.storage import blob_store
from tests.factories import login
from tests.security.test_vietnamese_pages import problems_in

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

SENDER = "Trường Tiểu học Nguyễn Du"
ARRIVED = dt.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def no_2fa(settings: Any) -> None:
    settings.HOSO_2FA_REQUIRED_ROLES = []


def _package(world: Any, pupil: Student) -> bytes:
    clerk = world.people["th1.vanthu"]
    handle = seal_of(clerk, world.units["th1"])
    try:
        out = transfer_out(
            actor=clerk,
            student=pupil,
            on=MARCH,
            to_school_name="Trường Tiểu học Kim Đồng",
            signer=handle.signer,
        )
    finally:
        signer_close(handle)
    with blob_store().open(out.package_sha256) as stream:
        return stream.read()


def _elective_only_at_the_sender(world: Any, pupil: Student) -> SchoolSubject:
    """Nguyễn Du teaches the elective Ngoại ngữ 1 in lớp 1 (the pupil has its học kì I);
    Kim Đồng does not."""
    lop = world.units["th1.1A"]
    class_subjects(lop)  # the school's subjects of the grade, seeded
    elective = SchoolSubject.objects.get(school=world.units["th1"], grade=1, code="ngoai_ngu_1")
    SchoolSubject.objects.filter(pk=elective.pk).update(enabled=True)
    for slot, value in (("giua_hk1.muc", "H"), ("cuoi_hk1.muc", "T"), ("cuoi_hk1.diem", "8")):
        Entry.objects.create(
            school_year=world.year,
            school_class=lop,
            student=pupil,
            area=elective.code,
            slot=slot,
            value=value,
        )
    return elective


def _gvcn_at_kim_dong(world: Any) -> Any:
    lop2, teacher = world.units["th2.1A"], world.people["th2.giaovien1"]
    changes = [AssignmentChange(lop2.pk, HOMEROOM, teacher.pk)]
    changes += [AssignmentChange(lop2.pk, s.code, teacher.pk) for s in class_subjects(lop2)]
    school = world.units["th2"]
    assignments_assign(actor=world.people["th2.hieutruong"], school=school, changes=changes)
    return teacher


@pytest.fixture
def moved() -> Any:
    world = transfer_world()
    pupil, _version = pupil_with_hocba(world)
    dropped = _elective_only_at_the_sender(world, pupil)
    _gvcn_at_kim_dong(world)
    sent = {
        (e.area, e.slot): e.value
        for e in Entry.objects.filter(student=pupil, school_year=world.year)
    }
    data = _package(world, pupil)
    came = transfer_in(
        actor=world.people["th2.hieutruong"],
        school_class=world.units["th2.1A"],
        data=data,
        on=ARRIVED,
    )
    return world, pupil, sent, dropped, came


def test_the_years_results_are_in_the_receiving_gradebook_marked_with_their_origin(moved):
    world, pupil, sent, dropped, came = moved
    lop2 = world.units["th2.1A"]
    here = {(e.area, e.slot): e for e in Entry.objects.filter(student=pupil, school_class=lop2)}
    kept = {key: value for key, value in sent.items() if key[0] != dropped.code}
    assert {key: e.value for key, e in here.items()} == kept
    assert {e.origin for e in here.values()} == {SENDER}
    assert came.received_results == {
        "year": "2025-2026",
        "entered": len(kept),
        "left_out": [{"area": "ngoai_ngu_1", "name": "Ngoại ngữ 1", "cells": 3}],
    }
    # the học kì I results and the year's result are computed from them, not retyped
    hk1 = class_gradebook(lop2, "HK1", students=[pupil])["students"][0]
    first = class_subjects(lop2)[0].code
    assert hk1["subjects"][first]["result"]["muc"] == sent[(first, "cuoi_hk1.muc")]
    year = class_gradebook(lop2, "CN", students=[pupil])["students"][0]
    assert year["overall"]["result"] is not None, year["overall"]


def test_the_gvcn_sees_them_read_only_and_the_missing_subject_is_listed(moved):
    world, pupil, sent, dropped, _came = moved
    lop2 = world.units["th2.1A"]
    first = class_subjects(lop2)[0].code
    gvcn = login(gvcn_of(lop2))
    grid = gvcn.get(reverse("grading:grid", args=[lop2.pk, first])).content.decode()
    key = f'data-key="{pupil.pk}|{first}|cuoi_hk1.muc"'
    cell = grid[grid.rindex("<td", 0, grid.index(key)) : grid.index("</td>", grid.index(key))]
    assert 'class="level received"' in cell and "readonly" in cell
    assert f"Kết quả chuyển đến từ {SENDER} (chỉ xem)" in cell
    assert f"<strong>kết quả chuyển đến</strong> từ {SENDER}" in grid
    page = login(world.people["th2.hieutruong"]).get(reverse("schoollife:student", args=[pupil.pk]))
    text = page.content.decode()
    assert "Ngoại ngữ 1 (3 ô)" in text
    assert "Kết quả học tập năm học 2025-2026:" in text
    assert problems_in(text) == []


def test_a_received_value_is_neither_typed_over_nor_corrected(moved):
    world, pupil, sent, _dropped, _came = moved
    lop2 = world.units["th2.1A"]
    first = class_subjects(lop2)[0].code
    gvcn = gvcn_of(lop2)
    EntryWindow.objects.create(school=world.units["th2"], school_year=world.year, reason="Mở")
    outcome = entries_save_valid(
        actor=gvcn,
        school_class=lop2,
        sheet=first,
        changes=[CellChange(pupil.pk, first, "cuoi_hk1.muc", "C")],
    )
    message = f"Ô này là kết quả chuyển đến từ {SENDER}: chỉ xem, không sửa ở trường nhận."
    assert (outcome.saved, outcome.refused) == ([], {f"{pupil.pk}|{first}|cuoi_hk1.muc": message})
    EntryWindow.objects.filter(school=world.units["th2"]).update(closed_at=timezone.now())
    with pytest.raises(DomainError) as refused:
        correction_request(
            actor=gvcn,
            school_class=lop2,
            sheet=first,
            student=pupil,
            area=first,
            slot="cuoi_hk1.muc",
            new_value="C",
            reason="Nhập nhầm khi chuyển",
        )
    assert refused.value.message == message
    entry = Entry.objects.get(student=pupil, area=first, slot="cuoi_hk1.muc")
    assert (entry.value, entry.origin) == (sent[(first, "cuoi_hk1.muc")], SENDER)
    assert Movement.objects.filter(student=pupil).count() == 2
