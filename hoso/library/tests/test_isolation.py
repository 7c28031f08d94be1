"""A person of one school guessing the addresses of another school's library gets 404 — the
same answer as for an id that does not exist — on pages and on the API."""

from __future__ import annotations

import pytest

from hoso.library.models import BibRecord, Copy, DigitalResource, Loan, StockTake, Weeding
from hoso.library.tests.factories import library_world, school_library
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    """Three school libraries with something of everything, as the demo's."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    world = library_world()
    for key in ("th1", "thcs1", "th2"):
        school_library(world, key)
    return world


def _addresses(other) -> list[str]:
    record = BibRecord.objects.filter(school=other).first()
    copy = Copy.objects.filter(school=other).first()
    loan = Loan.objects.filter(school=other).first()
    take = StockTake.objects.filter(school=other).first()
    weeding = Weeding.objects.filter(school=other).first()
    proposal = DigitalResource.objects.filter(school=other, state="proposed").first()
    return [
        f"/thu-vien/{other.pk}/",
        f"/thu-vien/{other.pk}/muc-luc/",
        f"/thu-vien/{other.pk}/muon-tra/",
        f"/thu-vien/{other.pk}/dang-muon/",
        f"/thu-vien/{other.pk}/tra-cuu/",
        f"/thu-vien/{other.pk}/xuat.mrc",
        f"/thu-vien/{other.pk}/so-sach/CB.pdf",
        f"/thu-vien/{other.pk}/the-ban-doc.pdf",
        f"/thu-vien/{other.pk}/thanh-ly/",
        f"/thu-vien/bao-cao/{other.pk}/",
        f"/thu-vien/sach/{record.pk}/",
        f"/thu-vien/kiem-ke/{take.pk}/",
        f"/thu-vien/so/{proposal.pk}/",
        f"/api/v1/library/records/{record.pk}/",
        f"/api/v1/library/records/{record.pk}/copies/",
        f"/api/v1/library/loans/{loan.pk}/",
        f"/api/v1/library/stocktakes/{take.pk}/",
        f"/api/v1/library/schools/{other.pk}/patrons/x/",
        f"/api/v1/library/digital/{proposal.pk}/",
    ] + [f"/thu-vien/ban/{copy.pk}/tinh-trang/", f"/thu-vien/thanh-ly/{weeding.pk}/quyet-dinh/"]


@pytest.mark.parametrize("username", ["th1.thuthu", "th1.hieutruong", "th1.giaovien1"])
def test_th1_people_cannot_read_thcs1_or_th2_library_data(username, world) -> None:
    person = world.people[username]
    for key in ("thcs1", "th2"):
        for url in _addresses(world.units[key]):
            client = api_login(person) if url.startswith("/api/") else login(person)
            method = client.post if url.endswith(("tinh-trang/", "quyet-dinh/")) else client.get
            response = method(url)
            assert response.status_code == 404, f"{username} {url}: {response.status_code}"


def test_lists_never_show_another_schools_rows(world) -> None:
    th1 = world.units["th1"]
    for path in ("records/", "loans/", "holds/", "stocktakes/"):
        body = (
            api_login(world.people["th1.thuthu"])
            .get(f"/api/v1/library/{path}?page_size=1000")
            .json()
        )
        rows = body["results"] if isinstance(body, dict) else body
        assert rows, path
        assert {row["school"] for row in rows} == {th1.pk}, path
