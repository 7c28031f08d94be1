"""The digital library: shared down the tree, teacher → tổ trưởng vetting, proposals up."""

from __future__ import annotations

import io

import pytest

from hoso.core.errors import DomainError, NotAllowed
from hoso.library import selectors
from hoso.library.models import DigitalResource
from hoso.library.services import digital
from hoso.library.tests.factories import library_world
from hoso.records.pdfmaker import simple_pdf
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return library_world()


def _titles(user) -> set[str]:
    return set(selectors.digital_visible(user).values_list("title", flat=True))


def test_the_sos_collection_reaches_every_school_below(world) -> None:
    so = world.units["so"]
    resource = digital.resource_add(
        actor=world.people["so.chuyenvien"],
        unit=so,
        meta={"title": "Sách điện tử Lịch sử địa phương", "fmt": "pdf"},
        stream=io.BytesIO(simple_pdf("Lịch sử địa phương")),
    )
    for username in ("th1.giaovien1", "thcs1.giaovien1", "th2.giaovien1", "phong2.chuyenvien"):
        assert resource.title in _titles(world.people[username]), username


def test_a_phong_shares_only_with_its_own_schools(world) -> None:
    phong1 = world.units["th1"].parent
    resource = digital.resource_add(
        actor=world.people["phong1.chuyenvien"],
        unit=phong1,
        meta={"title": "Học liệu Phòng 1", "fmt": "link"},
        url="https://example.org/a",
    )
    assert resource.title in _titles(world.people["thcs1.giaovien1"])
    assert resource.title not in _titles(world.people["th2.giaovien1"])
    with pytest.raises(NotAllowed):
        digital.resource_add(
            actor=world.people["phong1.chuyenvien"],
            unit=world.units["th2"].parent,
            meta={"title": "X", "fmt": "link"},
            url="https://example.org/b",
        )


def test_teacher_proposes_the_group_leader_vets_then_up_to_the_phong(world) -> None:
    th1 = world.units["th1"]
    resource = digital.resource_propose(
        actor=world.people["th1.giaovien2"],
        school=th1,
        meta={"title": "Bài giảng Tiếng Việt 1 điện tử", "fmt": "link"},
        url="https://example.org/tv1",
    )
    assert resource.group.name == "Tổ khối 1"
    assert resource.title not in _titles(world.people["th1.giaovien1"])  # not yet vetted
    with pytest.raises(NotAllowed):
        digital.resource_vet(actor=world.people["th1.hieutruong"], resource=resource, approve=True)
    digital.resource_vet(actor=world.people["th1.totruong"], resource=resource, approve=True)
    assert resource.title in _titles(world.people["th1.giaovien1"])
    assert resource.title not in _titles(world.people["thcs1.giaovien1"])
    digital.resource_propose_up(actor=world.people["th1.thuthu"], resource=resource)
    digital.resource_vet(actor=world.people["phong1.chuyenvien"], resource=resource, approve=True)
    assert DigitalResource.objects.get(pk=resource.pk).owner_unit == th1.parent
    assert resource.title in _titles(world.people["thcs1.giaovien1"])


def test_files_are_sniffed_not_trusted(world) -> None:
    th1 = world.units["th1"]
    before = DigitalResource.objects.count()
    with pytest.raises(DomainError, match="Tệp không phải PDF"):
        digital.resource_add(
            actor=world.people["th1.thuthu"],
            unit=th1,
            meta={"title": "Giả PDF", "fmt": "pdf"},
            stream=io.BytesIO(b"MZ\x90\x00 not a pdf"),
        )
    with pytest.raises(DomainError, match="https://"):
        digital.resource_add(
            actor=world.people["th1.thuthu"],
            unit=th1,
            meta={"title": "Link", "fmt": "link"},
            url="javascript:alert(1)",
        )
    assert DigitalResource.objects.count() == before


def test_reading_in_the_browser_and_another_schools_resource(world) -> None:
    # Given the Sở's PDF and a th2 teacher's proposal, as in the demo's digital library
    so_pdf = digital.resource_add(
        actor=world.people["so.chuyenvien"],
        unit=world.units["so"],
        meta={"title": "Sách điện tử Lịch sử địa phương", "fmt": "pdf"},
        stream=io.BytesIO(simple_pdf("Lịch sử địa phương")),
    )
    digital.resource_propose(
        actor=world.people["th2.giaovien1"],
        school=world.units["th2"],
        meta={"title": "Bài giảng Toán 2 điện tử", "fmt": "link"},
        url="https://example.org/toan2",
    )
    response = login(world.people["th2.giaovien1"]).get(f"/thu-vien/so/{so_pdf.pk}/tep/?xem=1")
    assert response.status_code == 200
    assert not response["Content-Disposition"].startswith("attachment")
    proposal = DigitalResource.objects.get(school=world.units["th2"], state="proposed")
    assert (
        login(world.people["th1.totruong"]).get(f"/thu-vien/so/{proposal.pk}/").status_code == 404
    )
    assert (
        login(world.people["th1.totruong"])
        .post(f"/thu-vien/so/{proposal.pk}/duyet/", {"approve": "1"})
        .status_code
        == 404
    )
    assert DigitalResource.objects.get(pk=proposal.pk).state == "proposed"
