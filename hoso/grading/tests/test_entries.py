"""Entering values: rules applied through the services, windows enforced, nothing changes on
bad input, every change audited with before/after."""

from __future__ import annotations

import json

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError, NotAllowed, NotFound
from hoso.grading.services.entries import CellChange, entries_save
from hoso.grading.tests.conftest import cell, first_student, snapshot, teacher_of
from hoso.grading.tests.factories import gradebook_as_in_the_demo, open_window

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return gradebook_as_in_the_demo("th1.1A", "th1.1B", "thcs1.6A", "th2.1A")


def test_teacher_saves_primary_levels_and_integer_scores_in_open_window(world):
    lop = world.units["th1.1A"]
    # The demo's first pupil has the whole year entered: take one with year end still open.
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop, 1)
    open_window(world, "th1", "cuoi_nam")
    saved = entries_save(
        actor=teacher,
        school_class=lop,
        sheet="toan",
        changes=[
            CellChange(pupil.pk, "toan", "cuoi_nam.muc", "t"),
            CellChange(pupil.pk, "toan", "cuoi_nam.diem", " 9 "),
        ],
    )
    assert [s["value"] for s in saved] == ["T", "9"]
    assert cell(pupil, "toan", "cuoi_nam.muc") == "T"
    entry = AuditEntry.objects.filter(action="grading.entries.saved").latest("seq")
    changes = json.loads(entry.data)["changes"]
    assert {
        "area": "toan",
        "slot": "cuoi_nam.diem",
        "before": "",
        "after": "9",
        "student": pupil.pk,
    } in changes


@pytest.mark.parametrize(
    ("slot", "value", "message"),
    [
        ("cuoi_nam.diem", "7.5", "số nguyên"),
        ("cuoi_nam.diem", "11", "ngoài thang điểm"),
        ("cuoi_nam.muc", "Giỏi", "không hợp lệ"),
        ("giua_hk2.diem", "8", "Cột này không thuộc"),  # lớp 1 has no mid-term test
    ],
)
def test_bad_primary_value_changes_nothing(world, slot, value, message):
    lop = world.units["th1.1A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop)
    open_window(world, "th1")
    before = snapshot(lop)
    with pytest.raises(DomainError) as exc:
        entries_save(
            actor=teacher,
            school_class=lop,
            sheet="toan",
            changes=[
                CellChange(pupil.pk, "toan", "cuoi_nam.muc", "H"),
                CellChange(pupil.pk, "toan", slot, value),
            ],
        )
    assert message in exc.value.message
    assert list(exc.value.fields) == [f"{pupil.pk}|toan|{slot}"]
    assert snapshot(lop) == before


def test_comment_subject_accepts_only_dat_chua_dat(world):
    lop = world.units["thcs1.6A"]
    teacher, pupil = teacher_of(lop, "giao_duc_the_chat"), first_student(lop)
    open_window(world, "thcs1", "hk2")
    before = snapshot(lop)
    with pytest.raises(DomainError, match="chỉ nhận mức Đạt hoặc Chưa đạt"):
        entries_save(
            actor=teacher,
            school_class=lop,
            sheet="giao_duc_the_chat",
            changes=[CellChange(pupil.pk, "giao_duc_the_chat", "hk2.gk", "8")],
        )
    assert snapshot(lop) == before
    entries_save(
        actor=teacher,
        school_class=lop,
        sheet="giao_duc_the_chat",
        changes=[CellChange(pupil.pk, "giao_duc_the_chat", "hk2.gk", "cđ")],
    )
    assert cell(pupil, "giao_duc_the_chat", "hk2.gk") == "CĐ"


def test_secondary_score_one_decimal_with_comma(world):
    lop = world.units["thcs1.6A"]
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop)
    open_window(world, "thcs1", "hk2")
    entries_save(
        actor=teacher,
        school_class=lop,
        sheet="toan",
        changes=[CellChange(pupil.pk, "toan", "hk2.gk", "7,5")],
    )
    assert cell(pupil, "toan", "hk2.gk") == "7.5"
    with pytest.raises(DomainError, match="một chữ số"):
        entries_save(
            actor=teacher,
            school_class=lop,
            sheet="toan",
            changes=[CellChange(pupil.pk, "toan", "hk2.ck", "7.25")],
        )
    assert cell(pupil, "toan", "hk2.ck") is None


def test_closed_window_refuses_and_changes_nothing(world):
    lop = world.units["th1.1A"]  # demo: giữa/cuối HK I closed
    teacher, pupil = teacher_of(lop, "toan"), first_student(lop)
    before = snapshot(lop)
    with pytest.raises(DomainError) as exc:
        entries_save(
            actor=teacher,
            school_class=lop,
            sheet="toan",
            changes=[CellChange(pupil.pk, "toan", "cuoi_hk1.muc", "C")],
        )
    assert "yêu cầu điều chỉnh" in exc.value.message
    assert snapshot(lop) == before


def test_teacher_of_other_class_gets_not_found_and_nothing_changes(world):
    lop = world.units["th1.1A"]
    other = teacher_of(world.units["th1.1B"], "toan")
    open_window(world, "th1")
    before = snapshot(lop)
    with pytest.raises(NotFound):
        entries_save(
            actor=other,
            school_class=lop,
            sheet="toan",
            changes=[CellChange(first_student(lop).pk, "toan", "cuoi_nam.muc", "T")],
        )
    with pytest.raises(NotFound):
        entries_save(
            actor=world.people["th2.giaovien1"],
            school_class=lop,
            sheet="toan",
            changes=[CellChange(first_student(lop).pk, "toan", "cuoi_nam.muc", "T")],
        )
    assert snapshot(lop) == before


def test_principal_reads_but_does_not_enter(world):
    lop = world.units["th1.1A"]
    open_window(world, "th1")
    with pytest.raises(NotAllowed):
        entries_save(
            actor=world.people["th1.hieutruong"],
            school_class=lop,
            sheet="toan",
            changes=[CellChange(first_student(lop).pk, "toan", "cuoi_nam.muc", "T")],
        )


def test_student_of_another_class_refused(world):
    lop = world.units["th1.1A"]
    teacher = teacher_of(lop, "toan")
    open_window(world, "th1")
    stranger = first_student(world.units["th1.1B"])
    with pytest.raises(DomainError, match="không thuộc lớp"):
        entries_save(
            actor=teacher,
            school_class=lop,
            sheet="toan",
            changes=[CellChange(stranger.pk, "toan", "cuoi_nam.muc", "T")],
        )
    assert cell(stranger, "toan", "cuoi_nam.muc") is None


def test_gvcn_enters_traits_with_shortcuts(world):
    from hoso.grading.tests.conftest import gvcn_of

    lop = world.units["th1.1A"]
    pupil = first_student(lop)
    open_window(world, "th1", "giua_hk1", sheet="pcnl")  # demo: giữa HK I closed for everything
    entries_save(
        actor=gvcn_of(lop),
        school_class=lop,
        sheet="pcnl",
        changes=[CellChange(pupil.pk, "pcnl.khoa_hoc", "giua_hk1.muc", "Đ")],
    )
    assert cell(pupil, "pcnl.khoa_hoc", "giua_hk1.muc") == "dat"
    # A window for one sheet does not open the others.
    with pytest.raises(DomainError, match="Chưa mở hoặc đã khóa"):
        entries_save(
            actor=teacher_of(lop, "toan"),
            school_class=lop,
            sheet="toan",
            changes=[CellChange(pupil.pk, "toan", "giua_hk1.muc", "T")],
        )
