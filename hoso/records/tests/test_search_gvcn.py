"""The GVCN of a class finds its submitted books in search as in the lists, only in the school
years they are its GVCN and never a draft: one rule (`RecordViewScope.homerooms_of`), three
engines (the database filter, the one-record check, the search index)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from hoso.grading.models import Homeroom
from hoso.policy import can
from hoso.records import search_index
from hoso.records.models import Record, RecordType
from hoso.records.search_index import search_backend, search_record_ids
from hoso.records.selectors import records_visible_to
from hoso.records.services.versions import Upload, record_upload
from hoso.records.services.workflow import record_submit
from hoso.records.tests.helpers import pdf
from tests.factories import SchoolYearFactory, World, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

WORDS = "sinh hoat lop tuan"


@dataclass
class ClassBooks:
    world: World
    submitted: Record
    draft: Record


def _book(keeper: Any, world: World, period: str) -> Record:
    version = record_upload(
        actor=keeper,
        record_type=RecordType.objects.get(code="TT28.SCN"),
        upload=Upload(io.BytesIO(pdf("Sổ chủ nhiệm", ["Sinh hoạt lớp tuần 3"])), "scn.pdf"),
        period_key=period,
        unit_id=world.units["lop"].pk,
    )
    return Record.objects.get(pk=version.record_id)


@pytest.fixture(params=["embedded", "postgres"])
def backend_kind(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """An empty index of each backend (PostgreSQL's on a PostgreSQL run only)."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backend: run with a PostgreSQL DATABASE_URL")
    settings.HOSO_SEARCH_BACKEND = request.param
    search_backend().clear()
    yield str(request.param)
    conn = getattr(search_backend(), "conn", None)
    if conn is not None:  # the backend's own connection would keep the test database open
        conn.close()
        search_index._backend.cache_clear()


@pytest.fixture
def books(backend_kind: str, django_capture_on_commit_callbacks: Any) -> ClassBooks:
    """Lớp 1A's GVCN this year (giaovien2) submits the first term's book and keeps the
    second's as a draft, in an index that holds nothing else."""
    world = school_world("gs")
    keeper = world.people["giaovien2"]
    Homeroom.objects.create(teacher=keeper, school_class=world.units["lop"], school_year=world.year)
    with django_capture_on_commit_callbacks(execute=True):
        submitted, draft = _book(keeper, world, "HK1"), _book(keeper, world, "HK2")
    with django_capture_on_commit_callbacks(execute=True):
        record_submit(actor=keeper, record_id=submitted.pk)
    return ClassBooks(world, Record.objects.get(pk=submitted.pk), draft)


def _last_year() -> Any:
    return SchoolYearFactory(
        name="2024-2025",
        start_date=dt.date(2024, 9, 5),
        end_date=dt.date(2025, 5, 31),
        term1_end=dt.date(2025, 1, 17),
        is_current=False,
    )


def _found(user: Any) -> set[int]:
    ids, total = search_record_ids(user, WORDS)
    assert total == len(ids)
    return set(ids)


def _listed(user: Any, books: ClassBooks) -> set[int]:
    mine = records_visible_to(user).filter(pk__in=[books.submitted.pk, books.draft.pk])
    return set(mine.values_list("pk", flat=True))


def test_the_keeper_finds_both_books_and_a_teacher_of_the_school_none(books: ClassBooks) -> None:
    keeper, teacher = books.world.people["giaovien2"], books.world.people["giaovien"]
    assert _found(keeper) == _listed(keeper, books) == {books.submitted.pk, books.draft.pk}
    assert _found(teacher) == _listed(teacher, books) == set()


def test_a_new_gvcn_finds_the_submitted_book_of_the_class_not_the_draft(
    books: ClassBooks,
) -> None:
    # Given the class handed over to giaovien this year
    successor = books.world.people["giaovien"]
    Homeroom.objects.filter(school_class=books.world.units["lop"]).update(teacher=successor)
    # Then search, the list and the record page agree: the submitted book, never the draft
    assert _found(successor) == _listed(successor, books) == {books.submitted.pk}
    assert can(successor, "records.record.view", books.submitted)
    assert not can(successor, "records.record.view", books.draft)
    client = Client()
    client.force_login(successor)
    page = client.get("/ho-so/tim-kiem/", {"q": WORDS}).content.decode()
    assert f'href="/ho-so/{books.submitted.pk}/"' in page
    assert f'href="/ho-so/{books.draft.pk}/"' not in page


def test_the_gvcn_of_another_year_does_not_find_this_years_book(books: ClassBooks) -> None:
    # Given giaovien was Lớp 1A's GVCN last year, giaovien2 is this year
    teacher = books.world.people["giaovien"]
    lop = books.world.units["lop"]
    Homeroom.objects.create(teacher=teacher, school_class=lop, school_year=_last_year())
    # Then this year's book stays hidden from them everywhere
    assert _found(teacher) == _listed(teacher, books) == set()
    assert not can(teacher, "records.record.view", books.submitted)
    # And once they keep the class this year too, they find it
    Homeroom.objects.filter(school_class=lop, school_year=books.world.year).update(teacher=teacher)
    assert _found(teacher) == _listed(teacher, books) == {books.submitted.pk}
