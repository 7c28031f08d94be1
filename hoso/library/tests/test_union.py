"""The union catalogue goes through the project's search engine, limited to the unit's schools."""

from __future__ import annotations

import pytest

from hoso.library.search_index import index_pending_titles, index_records, union_search
from hoso.library.services import catalogue
from hoso.library.tests.factories import BibRecordFactory, library_world
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return library_world()


def test_union_search_finds_titles_below_the_unit_only(
    world, django_capture_on_commit_callbacks
) -> None:
    th1 = world.units["th1"]
    with django_capture_on_commit_callbacks(execute=True):
        record = catalogue.record_create(
            actor=world.people["th1.thuthu"],
            school=th1,
            data={"title": "Những ngày thơ ấu", "authors": "Nguyên Hồng", "isbn": "9780306406157"},
        )
    phong1, phong2 = th1.parent, world.units["th2"].parent
    ids, total = union_search(phong1, "nhung ngay tho au")
    assert record.pk in ids and total >= 1
    assert record.pk in union_search(phong1, "9780306406157")[0]
    assert record.pk in union_search(phong1.parent, "Nguyên Hồng")[0]
    assert record.pk not in union_search(phong2, "nhung ngay tho au")[0]


def test_union_page_for_the_phong(world) -> None:
    phong1 = world.units["th1"].parent
    toan = [
        BibRecordFactory(school=world.units[k], kind="SGK", title="Toán 1") for k in ("th1", "th2")
    ]
    index_records([r.pk for r in toan])  # as the demo's titles are, after its load
    page = login(world.people["phong1.chuyenvien"]).get(f"/thu-vien/lien-hop/{phong1.pk}/?q=toan 1")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Toán 1" in body and "Trường Tiểu học Nguyễn Du" in body
    assert "Trường Tiểu học Kim Đồng" not in body  # th2 is under phong2
    other = login(world.people["phong2.chuyenvien"]).get(f"/thu-vien/lien-hop/{phong1.pk}/?q=toan")
    assert other.status_code == 404


def test_a_title_whose_indexing_was_cut_off_is_found_after_the_sweep(world) -> None:
    # The callbacks after the commit never run here: as when the process dies right after it.
    th1 = world.units["th1"]
    record = catalogue.record_create(
        actor=world.people["th1.thuthu"],
        school=th1,
        data={"title": "Dế Mèn phiêu lưu ký bị bỏ sót", "authors": "Tô Hoài"},
    )
    record.refresh_from_db()
    assert record.index_pending is True
    assert record.pk not in union_search(th1.parent, "de men phieu luu ky bi bo sot")[0]

    assert index_pending_titles() >= 1

    record.refresh_from_db()
    assert record.index_pending is False
    assert record.pk in union_search(th1.parent, "de men phieu luu ky bi bo sot")[0]
    assert index_pending_titles() == 0


def test_indexing_after_the_commit_clears_the_mark(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record = catalogue.record_create(
            actor=world.people["th1.thuthu"], school=world.units["th1"], data={"title": "Tắt đèn"}
        )
    record.refresh_from_db()
    assert record.index_pending is False
