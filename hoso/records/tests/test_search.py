"""Search: accent-insensitive, filtered by the same policy as every list."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.records import workflow
from hoso.records.search_index import visibility_for
from hoso.records.selectors import search_records
from hoso.records.tests.helpers import pdf, upload
from hoso.search.folding import fold

pytestmark = pytest.mark.django_db


def test_folding_makes_accents_and_d_stroke_equal() -> None:
    assert fold("Kế hoạch bài dạy") == "ke hoach bai day"
    assert fold("ĐỘI") == fold("đội") == "doi"


@pytest.fixture
def indexed(demo_user: Any, django_capture_on_commit_callbacks: Any) -> Any:
    teacher = demo_user("th1.giaovien2")
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


def test_unaccented_words_find_the_title_and_the_text(demo_user: Any, indexed: Any) -> None:
    leader = demo_user("th1.hieutruong")
    assert indexed in search_records(leader, "ke hoach bai day tuan 21 dao duc")
    assert indexed in search_records(leader, "dinh lang phu my")  # extracted from the PDF
    assert indexed not in search_records(leader, "ke hoach tuan 22 dao duc que huong xyz")


@pytest.mark.parametrize(
    ("who", "found"),
    [
        ("th1.giaovien2", True),
        ("th1.totruong", True),
        ("phong1.chuyenvien", True),
        ("th1.giaovien1", False),
        ("th2.hieutruong", False),
        ("phong2.chuyenvien", False),
    ],
)
def test_results_are_filtered_by_the_policy(
    demo_user: Any, indexed: Any, who: str, found: bool
) -> None:
    assert (indexed in search_records(demo_user(who), "em yeu que huong")) is found


def test_the_api_and_the_page_search_the_same_way(
    api_for: Any, client_for: Any, indexed: Any
) -> None:
    data = api_for("th1.hieutruong").get("/api/v1/records/", {"q": "em yeu que huong"}).json()
    assert [r["id"] for r in data["results"]] == [indexed.pk]
    page = client_for("th1.hieutruong").get("/ho-so/tim-kiem/", {"q": "em yeu que huong"})
    assert indexed.title in page.content.decode()


def test_a_nobody_sees_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert visibility_for(AnonymousUser()).grants == ()
