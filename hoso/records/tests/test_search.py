"""Search: accent-insensitive, filtered by the same policy as every list."""

from __future__ import annotations

import io
from typing import Any

import pytest

from hoso.grading.models import Homeroom
from hoso.policy.grants import grants_for
from hoso.records import policies
from hoso.records.models import Record, RecordType
from hoso.records.policies import record_view_scope
from hoso.records.search_index import (
    index_state,
    search_backend,
    search_record_ids,
    search_visibility,
)
from hoso.records.selectors import records_visible_to, search_records
from hoso.records.services import workflow
from hoso.records.services.versions import Upload, record_upload
from hoso.records.tests.helpers import pdf, upload
from hoso.search.engine import Visibility
from hoso.search.folding import fold
from tests.factories import (
    ClassFactory,
    HomeroomFactory,
    RecordFactory,
    World,
    api_login,
    login,
    province_world,
)

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings: Any) -> World:
    """A province_world whose school has Lớp 1A (GVCN giaovien) and Lớp 1B (GVCN giaovien2)."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the principal's pages without a phone at hand
    world = province_world("se")
    school, year = world.units["school"], world.year
    world.units["lop1b"] = ClassFactory(
        code="se-1B", name="Lớp 1B", parent=school, school_year=year, grade=1
    )
    for key, lop in (("giaovien", "lop"), ("giaovien2", "lop1b")):
        HomeroomFactory(teacher=world.people[key], school_class=world.units[lop], school_year=year)
    return world


def test_folding_makes_accents_and_d_stroke_equal() -> None:
    assert fold("Kế hoạch bài dạy") == "ke hoach bai day"
    assert fold("ĐỘI") == fold("đội") == "doi"


@pytest.fixture
def indexed(world: World, django_capture_on_commit_callbacks: Any) -> Any:
    """One record in an index that holds nothing else: the index lives on disk beside the test
    database and keeps entries of records an earlier test made and rolled back."""
    search_backend().clear()
    teacher = world.people["giaovien2"]
    with django_capture_on_commit_callbacks(execute=True):
        version = upload(
            teacher,
            period="W21",
            title="Kế hoạch bài dạy tuần 21 — Đạo đức: Em yêu quê hương",
            data=pdf("Bài 7", ["Hoạt động trải nghiệm: thăm đình làng Phú Mỹ"]),
        )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.record_submit(actor=teacher, record_id=version.record_id)
    return version.record


def test_unaccented_words_find_the_title_and_the_text(world: World, indexed: Any) -> None:
    leader = world.people["hieutruong"]
    assert indexed in search_records(leader, "ke hoach bai day tuan 21 dao duc")
    assert indexed in search_records(leader, "dinh lang phu my")  # extracted from the PDF
    assert indexed not in search_records(leader, "ke hoach tuan 22 dao duc que huong xyz")


@pytest.mark.parametrize(
    ("who", "found"),
    [
        ("giaovien2", True),
        ("totruong", True),
        ("chuyenvien", True),
        ("giaovien", False),
        ("school2.hieutruong", False),
        ("chuyenvien2", False),
    ],
)
def test_results_are_filtered_by_the_policy(
    world: World, indexed: Any, who: str, found: bool
) -> None:
    assert (indexed in search_records(world.people[who], "em yeu que huong")) is found


def test_the_api_and_the_page_search_the_same_way(world: World, indexed: Any) -> None:
    data = (
        api_login(world.people["hieutruong"])
        .get("/api/v1/records/", {"q": "em yeu que huong"})
        .json()
    )
    assert [r["id"] for r in data["results"]] == [indexed.pk]
    page = login(world.people["hieutruong"]).get("/ho-so/tim-kiem/", {"q": "em yeu que huong"})
    marked = "<mark>Em</mark> <mark>yêu</mark> <mark>quê</mark> <mark>hương</mark>"
    assert marked in page.content.decode()


def test_a_nobody_sees_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    nobody = AnonymousUser()
    assert search_visibility(record_view_scope(grants_for(nobody), nobody)).grants == ()


def _search_shows(visibility: Visibility, record: Record) -> bool:
    """What the index does with a grant, written out for one record (the oracle below)."""
    state = index_state(record)
    return any(
        (grant.unit_ids is None or record.unit_id in grant.unit_ids)
        and (grant.owner_id is None or record.owner_id == grant.owner_id)
        and (grant.school_year is None or record.school_year.name == grant.school_year)
        and state not in grant.exclude_states
        for grant in visibility.grants
    )


@pytest.fixture
def handed_over(world: World, django_capture_on_commit_callbacks: Any) -> Record:
    """Lớp 1B's GVCN (giaovien2) submits its homeroom book, then giaovien (GVCN of Lớp 1A)
    takes the class over: a submitted class book of someone else, read as its GVCN."""
    keeper, successor = world.people["giaovien2"], world.people["giaovien"]
    homeroom = Homeroom.objects.get(teacher=keeper, school_class__name="Lớp 1B")
    with django_capture_on_commit_callbacks(execute=True):
        version = record_upload(
            actor=keeper,
            record_type=RecordType.objects.get(code="TT28.SCN"),
            upload=Upload(io.BytesIO(pdf("Sổ chủ nhiệm")), "so-chu-nhiem.pdf"),
            period_key="HK1",
            unit_id=homeroom.school_class_id,
        )
    with django_capture_on_commit_callbacks(execute=True):
        record = workflow.record_submit(actor=keeper, record_id=version.record_id)
    Homeroom.objects.filter(pk=homeroom.pk).update(teacher=successor)
    return record


@pytest.fixture
def elsewhere(world: World) -> Record:
    """A lesson plan submitted at another Phòng's school."""
    return RecordFactory(owner=world.people["school2.giaovien"], period_key="W21", submitted=True)


@pytest.mark.parametrize(
    "who",
    [
        "giaovien",
        "totruong",
        "hieutruong",
        "vanthu",
        "school2.hieutruong",
        "chuyenvien",
        "so",
        "admin",
    ],
)
def test_search_shows_exactly_the_records_the_policy_lets_a_person_see(
    world: World, indexed: Any, handed_over: Record, elsewhere: Record, who: str
) -> None:
    user = world.people[who]
    visibility = search_visibility(record_view_scope(grants_for(user), user))
    records = Record.objects.select_related("unit", "school", "school_year")
    by_search = {r.pk for r in records if _search_shows(visibility, r)}
    assert by_search == set(records_visible_to(user).values_list("pk", flat=True))
    assert by_search  # every one of them sees something in this world
    if who == "giaovien":  # a teacher reads a book not yet issued as the class's GVCN
        assert handed_over.pk in by_search


def test_a_changed_rule_changes_what_search_finds(
    world: World, indexed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk reads submitted records of the school because the văn thư is a school reader;
    take that role out of the rule and search stops finding the record, without a search edit."""
    clerk = world.people["vanthu"]
    assert search_record_ids(clerk, "em yeu que huong")[0] == [indexed.pk]

    monkeypatch.setattr(policies, "SCHOOL_READERS", frozenset({"HT", "PHT"}))

    assert search_record_ids(clerk, "em yeu que huong") == ([], 0)
    assert not records_visible_to(clerk).filter(pk=indexed.pk).exists()
