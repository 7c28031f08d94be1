"""Helpers for the gradebook tests: demo units by key, windows, a teacher's assignment."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.grading.models import Entry, Homeroom, TeachingAssignment
from hoso.org.models import Enrolment, Student, Unit

CODES = {
    "th1": "TH1",
    "thcs1": "THCS1",
    "th2": "TH2",
    "th1.1A": "TH1-2025-1A",
    "th1.1B": "TH1-2025-1B",
    "th1.5A": "TH1-2025-5A",
    "thcs1.6A": "THCS1-2025-6A",
    "thcs1.8A": "THCS1-2025-8A",
    "th2.1A": "TH2-2025-1A",
}


@pytest.fixture
def unit(db: Any) -> Any:
    def get(key: str) -> Unit:
        return Unit.objects.select_related("school", "school_year").get(code=CODES[key])

    return get


@pytest.fixture
def open_window(demo_user: Any, unit: Any) -> Any:
    from hoso.grading.services.windows import window_open

    def make(school: str, checkpoint: str = "", **kw: Any) -> Any:
        ht = demo_user(f"{school}.hieutruong")
        return window_open(
            actor=ht, school=unit(school), checkpoint=checkpoint, reason="Mở để kiểm thử", **kw
        )

    return make


def teacher_of(school_class: Unit, subject: str) -> Any:
    return TeachingAssignment.objects.get(school_class=school_class, subject_code=subject).teacher


def gvcn_of(school_class: Unit) -> Any:
    return Homeroom.objects.get(school_class=school_class).teacher


def first_student(school_class: Unit, index: int = 0) -> Student:
    rows = Enrolment.objects.filter(school_class=school_class).order_by("student__sort_key")
    return rows[index].student


def cell(student: Student, area: str, slot: str) -> str | None:
    entry = Entry.objects.filter(student=student, area=area, slot=slot).first()
    return entry.value if entry else None


def snapshot(school_class: Unit) -> list[tuple[int, str, str, str]]:
    return sorted(
        Entry.objects.filter(school_class=school_class).values_list(
            "student_id", "area", "slot", "value"
        )
    )
