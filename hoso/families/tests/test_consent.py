"""Consent before any of a child's data is shown: a linked parent without consent gets the
consent page (pages) or 404 (API, học bạ, loans) and sees nothing; giving it shows the child;
withdrawing hides everything again; a new text version needs a new consent; the school enters
a paper form; a parent never sees another child."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, DomainError, NotFound
from hoso.families import consent_text
from hoso.families.models import Consent
from hoso.families.services.consent import consent_give, consent_withdraw
from hoso.families.tests.factories import parent_of
from hoso.grading.models import HocBaVersion
from hoso.grading.tests.factories import pupil
from hoso.library.selectors import my_loans, own_patrons
from hoso.library.services.catalogue import library_of
from hoso.library.tests.factories import BibRecordFactory, CopyFactory, lent
from hoso.policy import can, visible
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def family(world):
    """ph.hs1 consented for the first pupil of th1 1A, which has an issued học bạ and a book
    on loan; a second parent linked to the same child who has not answered."""
    lop = world.units["th1.1A"]
    child = pupil(lop)
    HocBaVersion.objects.create(  # a row as the demo leaves it: visibility is under test
        student=child,
        school_year=world.year,
        school_class=lop,
        status="issued",
        data={"year": "2025-2026"},
        pdf_sha256="0" * 64,
        xml_sha256="1" * 64,
        issued_at=timezone.now(),
    )
    school = world.units["th1"]
    library_of(school)
    copy = CopyFactory(record=BibRecordFactory(school=school, title="Dế Mèn phiêu lưu ký"))
    lent(world.people["th1.thuthu"], copy, child.code)
    waiting = parent_of(child, "gb.me.hs1", consent=False, relation="Mẹ")
    return {"child": child, "parent": world.people["ph.hs1"], "waiting": waiting, "lop": lop}


def _sees(user, child):
    """Everything a parent may see of the child, each through its own door."""
    return {
        "results": can(user, "grading.student.results", child),
        "hoc_ba": visible(user, "grading.hocba.view", HocBaVersion.objects.all()).count(),
        "loans": my_loans(user).filter(student=child).count(),
        "patron": len(own_patrons(user, child.school)),
    }


NOTHING = {"results": False, "hoc_ba": 0, "loans": 0, "patron": 0}
EVERYTHING = {"results": True, "hoc_ba": 1, "loans": 1, "patron": 1}


def test_without_consent_a_linked_parent_sees_nothing(family):
    waiting, child = family["waiting"], family["child"]
    assert _sees(waiting, child) == NOTHING
    page = login(waiting).get(f"/so-diem/con-toi/{child.pk}/")
    assert page.status_code == 302 and page["Location"] == f"/phu-huynh/con/{child.pk}/dong-y/"
    api = api_login(waiting)
    assert api.get(f"/api/v1/students/{child.pk}/results/").status_code == 404
    version = HocBaVersion.objects.get(student=child)
    assert login(waiting).get(f"/so-diem/hoc-ba/{version.pk}/").status_code == 404
    home = login(waiting).get("/phu-huynh/").content.decode()
    assert "đọc và quyết định đồng ý" in home and "Dế Mèn" not in home
    assert [c["data_shown"] for c in api.get("/api/v1/families/children/").json()] == [False]


def test_consent_shows_the_child_and_withdrawal_hides_it_again(family):
    waiting, child = family["waiting"], family["child"]
    page = login(waiting).get(f"/phu-huynh/con/{child.pk}/dong-y/").content.decode()
    assert "91/2025/QH15" in page and "356/2025/NĐ-CP" in page and "2026.1" in page

    assert login(waiting).post(f"/phu-huynh/con/{child.pk}/dong-y/").status_code == 302
    consent = Consent.objects.get(user=waiting)
    assert (consent.text_version, consent.channel, consent.recorded_by) == (
        consent_text.CURRENT_VERSION,
        "web",
        waiting,
    )
    assert _sees(waiting, child) == EVERYTHING
    home = login(waiting).get("/phu-huynh/").content.decode()
    assert "Dế Mèn phiêu lưu ký" in home and "Học bạ năm học 2025-2026" in home
    assert login(waiting).get(f"/so-diem/con-toi/{child.pk}/").status_code == 200

    assert login(waiting).post(f"/phu-huynh/con/{child.pk}/rut-lai/").status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_channel == "web"
    assert _sees(waiting, child) == NOTHING
    assert api_login(waiting).get(f"/api/v1/students/{child.pk}/results/").status_code == 404
    assert "Dế Mèn" not in login(waiting).get("/phu-huynh/").content.decode()
    # the other parent's consent is theirs: unchanged
    assert _sees(family["parent"], child) == EVERYTHING

    consent_give(actor=waiting, student=child)  # given again: a new row, the history stays
    assert Consent.objects.filter(user=waiting).count() == 2
    assert _sees(waiting, child) == EVERYTHING
    actions = AuditEntry.objects.filter(action__startswith="families.consent").values_list(
        "action", flat=True
    )
    assert list(actions.filter(actor_id=waiting.pk).order_by("pk")) == [
        "families.consent.given",
        "families.consent.withdrawn",
        "families.consent.given",
    ]


def test_twice_or_nothing_to_withdraw_is_refused(family):
    with pytest.raises(Conflict, match="Đã đồng ý rồi"):
        consent_give(actor=family["parent"], student=family["child"])
    with pytest.raises(Conflict, match="Chưa có sự đồng ý"):
        consent_withdraw(actor=family["waiting"], student=family["child"])
    assert Consent.objects.filter(student=family["child"]).count() == 1


def test_a_new_text_version_needs_a_new_consent(family, monkeypatch):
    parent, child = family["parent"], family["child"]
    monkeypatch.setattr("hoso.families.selectors.CURRENT_VERSION", "2027.1")
    monkeypatch.setattr("hoso.families.services.consent.CURRENT_VERSION", "2027.1")
    assert _sees(parent, child) == NOTHING
    consent_give(actor=parent, student=child)
    old, new = Consent.objects.filter(user=parent).order_by("pk")
    assert old.withdrawn_at is not None and old.withdrawn_channel == ""  # replaced, not withdrawn
    assert new.text_version == "2027.1" and _sees(parent, child) == EVERYTHING


def test_a_parent_never_sees_another_child(family, world):
    parent = family["parent"]
    other = pupil(family["lop"], 1)
    assert not can(parent, "grading.student.results", other)
    assert login(parent).get(f"/so-diem/con-toi/{other.pk}/").status_code == 404
    assert login(parent).get(f"/phu-huynh/con/{other.pk}/dong-y/").status_code == 404
    assert login(parent).post(f"/phu-huynh/con/{other.pk}/dong-y/").status_code == 404
    api = api_login(parent)
    assert api.post(f"/api/v1/families/children/{other.pk}/consent/").status_code == 404
    assert api.get(f"/api/v1/students/{other.pk}/results/").status_code == 404
    assert [c["id"] for c in api.get("/api/v1/families/children/").json()] == [family["child"].pk]
    with pytest.raises(NotFound):
        consent_give(actor=parent, student=other)
    assert not Consent.objects.filter(student=other).exists()


def test_paper_consent_entered_by_the_gvcn(family, world):
    gvcn, waiting, child = world.people["th1.giaovien1"], family["waiting"], family["child"]
    consent = consent_give(actor=gvcn, student=child, parent=waiting)
    assert (consent.channel, consent.recorded_by, consent.user) == ("paper", gvcn, waiting)
    assert _sees(waiting, child) == EVERYTHING
    consent_withdraw(actor=gvcn, student=child, parent=waiting)
    assert _sees(waiting, child) == NOTHING
    # another school's GVCN, and an account that is not this child's parent: refused
    with pytest.raises(NotFound):
        consent_give(actor=world.people["thcs1.giaovien1"], student=child, parent=waiting)
    with pytest.raises(DomainError, match="không phải của cha mẹ"):
        consent_give(actor=gvcn, student=pupil(family["lop"], 2), parent=waiting)
    assert Consent.objects.filter(user=waiting, withdrawn_at__isnull=True).count() == 0


def test_consent_api(family):
    api = api_login(family["waiting"])
    child = family["child"]
    text = api.get("/api/v1/families/consent-text/").json()
    assert text["version"] == consent_text.CURRENT_VERSION and len(text["paragraphs"]) == 6
    given = api.post(f"/api/v1/families/children/{child.pk}/consent/")
    assert given.status_code == 201 and given.json()["standing"] is True
    assert api.get(f"/api/v1/students/{child.pk}/results/").status_code == 200
    again = api.post(f"/api/v1/families/children/{child.pk}/consent/")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    withdrawn = api.post(f"/api/v1/families/children/{child.pk}/consent/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["standing"] is False
    assert api.get(f"/api/v1/students/{child.pk}/results/").status_code == 404
