"""Stock-taking with its discrepancy report; weeding approved by the principal only."""

from __future__ import annotations

import pytest

from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.library import selectors
from hoso.library.models import Copy, Loan, Weeding
from hoso.library.services import stock
from hoso.library.tests.factories import BibRecordFactory, CopyFactory, lent, library_world
from hoso.org.tests.factories import StudentFactory
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings):
    """th1 as the demo leaves its library: a stocktake under way, a copy out with a pupil, two
    copies proposed for weeding."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    world = library_world()
    th1, librarian = world.units["th1"], world.people["th1.thuthu"]
    stock.stocktake_open(actor=librarian, school=th1, name="Kiểm kê giữa năm học")
    lent(
        librarian, CopyFactory(record=BibRecordFactory(school=th1)), StudentFactory(school=th1).code
    )
    worn = [CopyFactory(record=BibRecordFactory(school=th1)) for _ in range(2)]
    stock.weeding_propose(
        actor=librarian, school=th1, barcodes=[c.barcode for c in worn], reason="Rách nát"
    )
    return world


def test_stocktake_reports_missing_misplaced_and_on_loan(world) -> None:
    librarian = world.people["th1.thuthu"]
    th1 = world.units["th1"]
    on_shelf = CopyFactory(record=BibRecordFactory(school=th1), location="Giá 9")
    lost_one = CopyFactory(record=on_shelf.record, location="Giá 9")
    wrong_place = CopyFactory(record=on_shelf.record, location="Giá 9")
    lent = Loan.objects.filter(school=th1, returned_at__isnull=True).select_related("copy").first()
    stock.stocktake_close(actor=librarian, stocktake=th1_open(th1))
    take = stock.stocktake_open(actor=librarian, school=th1, name="Kiểm kê thử")
    with pytest.raises(Conflict, match="chưa kết thúc"):
        stock.stocktake_open(actor=librarian, school=th1, name="Lần hai")
    stock.stocktake_scan(
        actor=librarian,
        stocktake=take,
        barcodes=[on_shelf.barcode, lent.copy.barcode, "LA-1"],
        location="Giá 9",
    )
    stock.stocktake_scan(
        actor=librarian, stocktake=take, barcodes=[wrong_place.barcode], location="Giá 2"
    )
    report = selectors.discrepancies(take)
    assert lost_one in report.missing and on_shelf not in report.missing
    assert (wrong_place, "Giá 2") in report.misplaced
    assert report.on_loan_scanned == [lent.copy]
    assert report.unknown == ["LA-1"]
    stock.stocktake_close(actor=librarian, stocktake=take)
    with pytest.raises(Conflict, match="đã kết thúc"):
        stock.stocktake_scan(actor=librarian, stocktake=take, barcodes=["X"])


def th1_open(th1):
    from hoso.library.models import StockTake

    return StockTake.objects.get(school=th1, closed_at__isnull=True)


def test_weeding_needs_the_principal(world) -> None:
    librarian = world.people["th1.thuthu"]
    th1 = world.units["th1"]
    copies = [CopyFactory(record=BibRecordFactory(school=th1)) for _ in range(2)]
    with pytest.raises(DomainError, match="lý do"):
        stock.weeding_propose(actor=librarian, school=th1, barcodes=[copies[0].barcode], reason=" ")
    proposal = stock.weeding_propose(
        actor=librarian, school=th1, barcodes=[c.barcode for c in copies], reason="Rách nát"
    )
    for username in ("th1.thuthu", "th1.phohieutruong", "th2.hieutruong"):
        with pytest.raises(NotAllowed):
            stock.weeding_decide(actor=world.people[username], weeding=proposal, approve=True)
    assert Weeding.objects.get(pk=proposal.pk).state == "proposed"
    stock.weeding_decide(actor=world.people["th1.hieutruong"], weeding=proposal, approve=True)
    assert {c.status for c in Copy.objects.filter(pk__in=[c.pk for c in copies])} == {"weeded"}
    with pytest.raises(NotAllowed):
        stock.weeding_decide(actor=world.people["th1.hieutruong"], weeding=proposal, approve=False)


def test_a_copy_on_loan_cannot_be_proposed_for_weeding(world) -> None:
    th1 = world.units["th1"]
    lent = Loan.objects.filter(school=th1, returned_at__isnull=True).select_related("copy").first()
    with pytest.raises(Conflict, match="đang cho mượn"):
        stock.weeding_propose(
            actor=world.people["th1.thuthu"], school=th1, barcodes=[lent.copy.barcode], reason="Cũ"
        )


def test_weeding_page_for_the_principal(world) -> None:
    th1 = world.units["th1"]
    proposal = Weeding.objects.get(school=th1, state="proposed")
    page = login(world.people["th1.hieutruong"]).get(f"/thu-vien/{th1.pk}/thanh-ly/")
    assert "Duyệt thanh lý" in page.content.decode()
    assert (
        login(world.people["th1.giaovien1"]).get(f"/thu-vien/{th1.pk}/thanh-ly/").status_code == 404
    )
    login(world.people["th1.hieutruong"]).post(
        f"/thu-vien/thanh-ly/{proposal.pk}/quyet-dinh/", {"approve": "0"}
    )
    assert Weeding.objects.get(pk=proposal.pk).state == "refused"
