"""Every records page answers for every kind of person, and the menu shows the counts."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.records.models import Record, RecordState

pytestmark = pytest.mark.django_db

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
    [
        "th1.giaovien1",
        "th1.totruong",
        "th1.hieutruong",
        "th1.vanthu",
        "phong1.chuyenvien",
        "so.chuyenvien",
        "mn1.giaovien1",
    ],
)
def test_pages_render(client_for: Any, who: str) -> None:
    client = client_for(who)
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["th1.totruong", "th1.hieutruong", "phong1.chuyenvien", "so.chuyenvien"]
)
def test_leaders_and_offices_see_the_completion_dashboard(client_for: Any, who: str) -> None:
    page = client_for(who).get("/ho-so/tinh-hinh-nop/")
    assert page.status_code == 200
    assert "Tình hình nộp hồ sơ" in page.content.decode()


def test_teachers_have_no_completion_dashboard(client_for: Any) -> None:
    assert client_for("th1.giaovien1").get("/ho-so/tinh-hinh-nop/").status_code == 404


def test_the_principal_sees_the_school_plan_waiting_for_signature(client_for: Any) -> None:
    client = client_for("th1.hieutruong")
    moved = client.get("/ho-so/cho-ky/?trang=2")
    assert (moved.status_code, moved["Location"]) == (301, "/ky-so/cho-ky/?trang=2")
    page = client.get("/ky-so/cho-ky/").content.decode()
    plan = Record.objects.get(record_type__code="TT28.KHGDNT", owner__username="th1.vanthu")
    assert plan.title in page
    home = client.get("/").content.decode()
    assert _menu(home).count('href="/ky-so/cho-ky/"') == 1
    assert 'href="/ho-so/cho-ky/"' not in home


def test_the_old_waiting_for_signature_address_asks_for_login_first(client: Any) -> None:
    response = client.get("/ho-so/cho-ky/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/")


@pytest.mark.parametrize("who", ["th2.hieutruong", "th1.vanthu"])
def test_one_waiting_for_signature_entry_even_when_nothing_waits(client_for: Any, who: str) -> None:
    menu = _menu(client_for(who).get("/").content.decode())
    expected = 1 if who.endswith("hieutruong") else 0
    assert menu.count('href="/ky-so/cho-ky/"') == expected
    assert "/ho-so/cho-ky/" not in menu


def _menu(page: str) -> str:
    return page.split('aria-label="Chức năng chính"', 1)[1].split("</nav>", 1)[0]


def test_the_group_leader_menu_counts_what_waits_for_review(client_for: Any) -> None:
    from hoso.records.models import Workflow

    waiting = Workflow.objects.filter(
        is_open=True, pending_role="TTCM", record__unit__code="TH1-TO1"
    ).count()
    assert waiting > 0
    page = client_for("th1.totruong").get("/ho-so/cho-duyet/").content.decode()
    import re

    assert re.search(rf'Chờ duyệt <span class="badge"[^>]*>{waiting}</span>', page)


def test_the_teacher_home_lists_returned_records(client_for: Any) -> None:
    home = client_for("th1.giaovien1").get("/").content.decode()
    assert "Hồ sơ bị trả lại" in home


def test_an_issued_record_offers_a_new_version_only_folded_under_revise(
    client_for: Any, demo_user: Any
) -> None:
    teacher = demo_user("th1.giaovien1")
    record = Record.objects.filter(owner=teacher, state=RecordState.ISSUED).first()
    assert record is not None
    page = client_for("th1.giaovien1").get(f"/ho-so/{record.pk}/").content.decode()
    revise = page.index('data-testid="revise"')
    assert page.index("<summary>Sửa đổi: tải lên phiên bản mới") > revise
    assert page.index('name="file"') > revise  # the file field sits inside the fold
