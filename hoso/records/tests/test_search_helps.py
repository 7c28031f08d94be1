"""Search that helps (issue 16 item 6): relevance first, one typo, no words → nothing,
count and pages, filters that cannot widen what a person sees, highlighting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hoso.records.models import Record
from hoso.records.search_index import records_index, search_backend
from hoso.records.selectors_search import SearchParams, search_page
from hoso.records.services import workflow
from hoso.records.tests.helpers import pdf, upload
from tests.factories import World, api_login, login, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def people(settings: Any) -> World:
    """The school's teacher giaovien2 and principal, another Phòng's school's principal."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the principals' pages without a phone at hand
    return province_world("sh")


def person(people: World, key: str) -> Any:
    return people.people[key]


@pytest.fixture
def world(people: World, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """In an otherwise empty index: two submitted records of the school (the older one holds
    the exact "Sổ", the newer a different word folding the same), one HTML-ish title, and
    a draft of the school that only its author may see."""
    search_backend().clear()
    teacher = person(people, "giaovien2")
    made: dict[str, Any] = {}
    for key, title, period in [
        ("exact", "Sổ theo dõi chuyên cần", "W10"),
        ("other", "Số theo dõi chuyên cần", "W11"),
        ("html", "<b>Biên bản</b> họp tổ & môn Toán", "W12"),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            version = upload(teacher, period=period, title=title, data=pdf("Trang 1", [title]))
        with django_capture_on_commit_callbacks(execute=True):
            workflow.record_submit(actor=teacher, record_id=version.record_id)
        made[key] = version.record
    with django_capture_on_commit_callbacks(execute=True):
        draft = upload(teacher, period="W13", title="Phiếu nháp bí mật", data=pdf("x", ["y"]))
    made["draft"] = draft.record
    # The index keeps whole seconds; make "other" clearly the newer one.
    later = made["other"].updated_at + dt.timedelta(minutes=5)
    Record.objects.filter(pk=made["other"].pk).update(updated_at=later)
    made["other"].refresh_from_db()
    records_index([made["other"].pk])
    return made


def _ids(user: Any, **params: Any) -> list[int]:
    return [r.pk for r in search_page(user, SearchParams(**params)).records]


def test_the_exact_accented_match_ranks_above_a_newer_folded_other_word(
    people: World, world: dict[str, Any]
) -> None:
    leader = person(people, "hieutruong")
    assert world["other"].updated_at > world["exact"].updated_at
    assert _ids(leader, q="sổ theo dõi") == [world["exact"].pk, world["other"].pk]
    newest = _ids(leader, q="sổ theo dõi", newest_first=True)
    assert newest == [world["other"].pk, world["exact"].pk]


def test_one_typo_is_tolerated(people: World, world: dict[str, Any]) -> None:
    leader = person(people, "hieutruong")
    both = {world["exact"].pk, world["other"].pk}
    assert set(_ids(leader, q="theo doi chuyeen")) == both
    assert set(_ids(leader, q="theo doi chuyne")) == both  # swapped letters
    assert _ids(leader, q="theo doi chuyeeen") == []  # two typos: too far


def test_a_query_without_words_finds_nothing_and_says_so(
    people: World, world: dict[str, Any]
) -> None:
    leader = person(people, "hieutruong")
    found = search_page(leader, SearchParams(q="?!… --- ***"))
    assert (found.records, found.total, found.no_terms) == ([], 0, True)
    page = (
        login(person(people, "hieutruong")).get("/ho-so/tim-kiem/", {"q": "?!…"}).content.decode()
    )
    assert "Hãy nhập ít nhất một từ để tìm." in page
    assert world["exact"].title not in page
    data = api_login(person(people, "hieutruong")).get("/api/v1/records/", {"q": "!!!"}).json()
    assert (data["count"], data["results"]) == (0, [])


def test_count_and_pages(people: World, world: dict[str, Any]) -> None:
    leader = person(people, "hieutruong")
    every = _ids(leader, q="theo doi")
    assert len(every) == 2
    first = search_page(leader, SearchParams(q="theo doi", page=1), per_page=1)
    second = search_page(leader, SearchParams(q="theo doi", page=2), per_page=1)
    assert (first.total, first.pages, second.page) == (2, 2, 2)
    # "theo doi" scores both titles alike (folded): the pages follow the one order of the
    # whole result, each record once (which of the two comes first is the index's tie).
    assert [r.pk for r in [*first.records, *second.records]] == every
    assert set(every) == {world["exact"].pk, world["other"].pk}


def test_the_page_shows_the_count_and_marks_words_in_escaped_titles(
    people: World, world: dict[str, Any]
) -> None:
    page = login(person(people, "hieutruong")).get("/ho-so/tim-kiem/", {"q": "bien ban"})
    html = page.content.decode()
    assert "Tìm thấy 1 hồ sơ" in html
    assert "&lt;b&gt;<mark>Biên</mark> <mark>bản</mark>&lt;/b&gt; họp tổ &amp; môn Toán" in html
    assert "<b>Biên bản</b>" not in html


def test_the_api_orders_by_relevance_counts_and_filters(
    people: World, world: dict[str, Any]
) -> None:
    api = api_login(person(people, "hieutruong"))
    data = api.get("/api/v1/records/", {"q": "sổ theo dõi"}).json()
    assert data["count"] == 2
    assert [r["id"] for r in data["results"]] == [world["exact"].pk, world["other"].pk]
    newest = api.get("/api/v1/records/", {"q": "sổ theo dõi", "sort": "newest"}).json()
    assert [r["id"] for r in newest["results"]] == [world["other"].pk, world["exact"].pk]
    year = world["exact"].school_year.name
    assert api.get("/api/v1/records/", {"q": "theo doi", "school_year": year}).json()["count"] == 2
    assert (
        api.get("/api/v1/records/", {"q": "theo doi", "school_year": "1999-2000"}).json()["count"]
        == 0
    )
    assert api.get("/api/v1/records/", {"q": "theo doi", "page": 9}).status_code == 404


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("record_type", "TT28.KHBD", "KHONG.CO"),
        ("state", "submitted", "issued"),
    ],
)
def test_filters_narrow(
    people: World, world: dict[str, Any], field: str, good: str, bad: str
) -> None:
    leader = person(people, "hieutruong")
    assert len(_ids(leader, q="theo doi", **{field: good})) == 2
    assert _ids(leader, q="theo doi", **{field: bad}) == []


def test_school_and_owner_filters(people: World, world: dict[str, Any]) -> None:
    leader = person(people, "hieutruong")
    school = world["exact"].school_id
    owner = world["exact"].owner_id
    assert len(_ids(leader, q="theo doi", school_id=school)) == 2
    assert len(_ids(leader, q="theo doi", owner_id=owner)) == 2
    assert _ids(leader, q="theo doi", owner_id=leader.pk) == []
    # Filters alone (no words) list the newest first.
    assert _ids(leader, owner_id=owner)[0] == world["other"].pk  # moved 5 minutes later


def test_another_school_never_sees_foreign_records_through_filters(
    people: World, world: dict[str, Any]
) -> None:
    stranger = person(people, "school2.hieutruong")
    school = world["draft"].school_id
    owner = world["draft"].owner_id
    for params in [
        {"q": "theo doi"},
        {"q": "theo doi", "school_id": school},
        {"q": "nhap bi mat", "state": "draft", "owner_id": owner, "school_id": school},
        {"school_id": school},
    ]:
        assert _ids(stranger, **params) == []
    data = api_login(person(people, "school2.hieutruong")).get(
        "/api/v1/records/", {"q": "nhap bi mat", "school": school, "state": "draft"}
    )
    assert (data.status_code, data.json()["count"]) == (200, 0)
    page = login(person(people, "school2.hieutruong")).get(
        "/ho-so/tim-kiem/", {"q": "theo doi", "truong": school}
    )
    assert "theo dõi" not in page.content.decode().split("<h1>", 1)[1].split("</form>", 1)[1]
    # The school is not even offered to choose.
    assert f'value="{school}"' not in page.content.decode()
    # Inside the school, the draft stays its author's: the principal does not see it either.
    leader = person(people, "hieutruong")
    assert world["draft"].pk not in _ids(leader, q="nhap bi mat", state="draft")
    assert _ids(person(people, "giaovien2"), q="nhap bi mat") == [world["draft"].pk]


def test_the_choices_follow_the_reach_without_reading_every_record(
    people: World, world: dict[str, Any]
) -> None:
    """The school choices come from the units the person's `record.view` reaches (a Sở's
    list must not scan a million records); the author choices only within one school."""
    from hoso.records.selectors_search import search_owners, search_schools

    units = people.units
    assert set(search_schools(person(people, "hieutruong"))) == {units["school"]}
    assert set(search_schools(person(people, "chuyenvien2"))) == {units["phong2"], units["school2"]}
    reached_by_so = set(search_schools(person(people, "so")))
    assert {units["school"], units["thcs"], units["school2"], units["so"]} <= reached_by_so
    # The principal's school is the only one: its authors with records he may see.
    owners = search_owners(person(people, "hieutruong"))
    assert owners is not None and list(owners) == [person(people, "giaovien2")]
    # A Sở specialist chooses a school first; then the same list.
    assert search_owners(person(people, "so")) is None
    assert list(search_owners(person(people, "so"), units["school"].pk)) == [
        person(people, "giaovien2")
    ]
    # Nobody of another school appears, even when its id is asked for.
    assert list(search_owners(person(people, "school2.hieutruong"), units["school"].pk)) == []
    page = login(person(people, "so")).get("/ho-so/tim-kiem/", {"q": "theo doi"})
    assert "Chọn trường trước" in page.content.decode()
