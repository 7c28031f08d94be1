"""Every records page answers for every kind of person, and the menu shows the counts."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.org.models import Role, UnitKind
from hoso.records.models import Record, RecordState
from hoso.records.services.workflow import record_return
from tests.factories import (
    RecordFactory,
    UnitFactory,
    UserFactory,
    World,
    grant,
    login,
    province_world,
    reviewed_type,
)

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings: Any) -> World:
    """A province_world and a mầm non school's teacher ("mn.giaovien"), with records that give
    the pages something to show: giaovien's issued record and returned one, giaovien2's record
    waiting for the tổ trưởng's review, the clerk's school plan the PHT approved (waiting for
    the principal's signature)."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    world = province_world("pg")
    mn = UnitFactory(
        code="pg-MN",
        name="Trường Mầm non thử",
        kind=UnitKind.TRUONG,
        parent=world.units["phong"],
        level="MN",
    )
    group = UnitFactory(code="pg-MN-MG", name="Tổ Mẫu giáo", kind=UnitKind.TO, parent=mn)
    world.people["mn.giaovien"] = UserFactory(username="pg.mn.giaovien")
    grant(world.people["mn.giaovien"], Role.GV, group)
    teacher, leader = world.people["giaovien"], world.people["totruong"]
    RecordFactory(
        owner=teacher, record_type=reviewed_type(), title="Đã ban hành", approved_by=leader
    )
    returned = RecordFactory(
        owner=teacher, record_type=reviewed_type("TEST.DUYET2"), title="Bị trả lại", submitted=True
    )
    record_return(actor=leader, record_id=returned.pk, comment="Bổ sung mục tiêu.")
    RecordFactory(
        owner=world.people["giaovien2"],
        record_type=reviewed_type(),
        title="Chờ duyệt",
        submitted=True,
    )
    RecordFactory(
        owner=world.people["vanthu"],
        record_type="TT28.KHGDNT",
        approved_by=world.people["phohieutruong"],
    )
    return world


def client_for(world: World, key: str) -> Any:
    return login(world.people[key])


PAGES = [
    "/ho-so/",
    "/ho-so/tai-len/",
    "/ho-so/cho-duyet/",
    "/ky-so/cho-ky/",
    "/ho-so/thong-bao/",
    "/ho-so/danh-muc/",
    "/ho-so/tim-kiem/?q=ke+hoach",
    "/",
]


@pytest.mark.parametrize(
    "who",
    ["giaovien", "totruong", "hieutruong", "vanthu", "chuyenvien", "so", "mn.giaovien"],
)
def test_pages_render(world: World, who: str) -> None:
    client = client_for(world, who)
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["totruong", "hieutruong", "chuyenvien", "so"])
def test_leaders_and_offices_see_the_completion_dashboard(world: World, who: str) -> None:
    page = client_for(world, who).get("/ho-so/tinh-hinh-nop/")
    assert page.status_code == 200
    assert "Tình hình nộp hồ sơ" in page.content.decode()


def test_teachers_have_no_completion_dashboard(world: World) -> None:
    assert client_for(world, "giaovien").get("/ho-so/tinh-hinh-nop/").status_code == 404


def test_the_principal_sees_the_school_plan_waiting_for_signature(world: World) -> None:
    client = client_for(world, "hieutruong")
    moved = client.get("/ho-so/cho-ky/?trang=2")
    assert (moved.status_code, moved["Location"]) == (301, "/ky-so/cho-ky/?trang=2")
    page = client.get("/ky-so/cho-ky/").content.decode()
    plan = Record.objects.get(record_type__code="TT28.KHGDNT", owner=world.people["vanthu"])
    assert plan.title in page
    home = client.get("/").content.decode()
    assert _menu(home).count('href="/ky-so/cho-ky/"') == 1
    assert 'href="/ho-so/cho-ky/"' not in home


def test_the_old_waiting_for_signature_address_asks_for_login_first(client: Any) -> None:
    response = client.get("/ho-so/cho-ky/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/")


@pytest.mark.parametrize("who", ["school2.hieutruong", "vanthu"])
def test_one_waiting_for_signature_entry_even_when_nothing_waits(world: World, who: str) -> None:
    menu = _menu(client_for(world, who).get("/").content.decode())
    expected = 1 if who.endswith("hieutruong") else 0
    assert menu.count('href="/ky-so/cho-ky/"') == expected
    assert "/ho-so/cho-ky/" not in menu


def _menu(page: str) -> str:
    return page.split('aria-label="Chức năng chính"', 1)[1].split("</nav>", 1)[0]


def test_the_group_leader_menu_counts_what_waits_for_review(world: World) -> None:
    from hoso.records.models import Workflow

    waiting = Workflow.objects.filter(
        is_open=True, pending_role="TTCM", record__unit=world.units["to"]
    ).count()
    assert waiting > 0
    page = client_for(world, "totruong").get("/ho-so/cho-duyet/").content.decode()
    import re

    assert re.search(rf'Chờ duyệt <span class="badge"[^>]*>{waiting}</span>', page)


def test_the_teacher_home_lists_returned_records(world: World) -> None:
    home = client_for(world, "giaovien").get("/").content.decode()
    assert "Hồ sơ bị trả lại" in home


def test_an_issued_record_offers_a_new_version_only_folded_under_revise(world: World) -> None:
    teacher = world.people["giaovien"]
    record = Record.objects.filter(owner=teacher, state=RecordState.ISSUED).first()
    assert record is not None
    page = client_for(world, "giaovien").get(f"/ho-so/{record.pk}/").content.decode()
    revise = page.index('data-testid="revise"')
    assert page.index("<summary>Sửa đổi: tải lên phiên bản mới") > revise
    assert page.index('name="file"') > revise  # the file field sits inside the fold
