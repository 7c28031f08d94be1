"""The union catalogue goes through the project's search engine, limited to the unit's schools."""

from __future__ import annotations

import pytest

from hoso.library.search_index import union_search
from hoso.library.services import catalogue
from hoso.library.tests.factories import school

pytestmark = pytest.mark.django_db


def test_union_search_finds_titles_below_the_unit_only(
    demo_user, django_capture_on_commit_callbacks
) -> None:
    th1 = school("TH1")
    with django_capture_on_commit_callbacks(execute=True):
        record = catalogue.record_create(
            actor=demo_user("th1.thuthu"),
            school=th1,
            data={"title": "Những ngày thơ ấu", "authors": "Nguyên Hồng", "isbn": "9780306406157"},
        )
    phong1, phong2 = th1.parent, school("TH2").parent
    ids, total = union_search(phong1, "nhung ngay tho au")
    assert record.pk in ids and total >= 1
    assert record.pk in union_search(phong1, "9780306406157")[0]
    assert record.pk in union_search(phong1.parent, "Nguyên Hồng")[0]
    assert record.pk not in union_search(phong2, "nhung ngay tho au")[0]


def test_union_page_for_the_phong(client_for) -> None:
    phong1 = school("TH1").parent
    page = client_for("phong1.chuyenvien").get(f"/thu-vien/lien-hop/{phong1.pk}/?q=toan 1")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Toán 1" in body and "Trường Tiểu học Nguyễn Du" in body
    assert "Trường Tiểu học Kim Đồng" not in body  # th2 is under phong2
    other = client_for("phong2.chuyenvien").get(f"/thu-vien/lien-hop/{phong1.pk}/?q=toan")
    assert other.status_code == 404
