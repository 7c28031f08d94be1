"""The school's side: the consent list of a class (given, withdrawn, no answer) for its HT,
PHT and GVCN only; invitations and codes through the API; the menu entries."""

from __future__ import annotations

import pytest
from django.core import mail

from hoso.core.home import nav_for
from hoso.families.models import Invitation, ParentContact
from hoso.families.services.consent import consent_withdraw
from hoso.families.tests.factories import parent_of
from hoso.grading.tests.factories import pupil
from tests.factories import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def states(world):
    """th1 1A: pupil 1 consented (ph.hs1), pupil 2's parent withdrew, pupil 3 has none yet."""
    lop = world.units["th1.1A"]
    withdrew = parent_of(pupil(lop, 1), "gb.ph.hs2", first_name="Trần Thị Hoa")
    consent_withdraw(actor=withdrew, student=pupil(lop, 1))
    return lop


def _states(client, lop):
    rows = client.get(f"/api/v1/families/classes/{lop.pk}/consents/").json()
    return [(r["student"], r["state"]) for r in rows]


def test_the_consent_list_has_the_three_states(states, world):
    lop = states
    expected = [
        (pupil(lop, 0).pk, "given"),
        (pupil(lop, 1).pk, "withdrawn"),
        (pupil(lop, 2).pk, "no_account"),
    ]
    for who in ("th1.giaovien1", "th1.hieutruong", "th1.phohieutruong"):
        assert _states(api_login(world.people[who]), lop) == expected, who
    page = login(world.people["th1.giaovien1"]).get(f"/phu-huynh/lop/{lop.pk}/").content.decode()
    assert page.count("Đã đồng ý lúc") == 1 and page.count("Đã rút lại lúc") == 1
    assert page.count("Chưa có tài khoản") == 1  # pupil 3: no parent account yet
    parent_of(pupil(lop, 2), "gb.ph.hs3", consent=False)
    assert _states(api_login(world.people["th1.giaovien1"]), lop)[2] == (pupil(lop, 2).pk, "none")
    page = login(world.people["th1.giaovien1"]).get(f"/phu-huynh/lop/{lop.pk}/").content.decode()
    assert page.count("Chưa trả lời") == 1


@pytest.mark.parametrize(
    "who",
    ["thcs1.giaovien1", "thcs1.hieutruong", "th1.totruong", "phong1.chuyenvien", "ph.hs1"],
)
def test_others_cannot_list_your_consents(states, world, who):
    lop = states
    api = api_login(world.people[who])
    assert api.get(f"/api/v1/families/classes/{lop.pk}/consents/").status_code == 404
    assert login(world.people[who]).get(f"/phu-huynh/lop/{lop.pk}/").status_code == 404


def test_invite_and_codes_through_the_api(world):
    lop = world.units["th1.1A"]
    api = api_login(world.people["th1.giaovien1"])
    made = api.post(f"/api/v1/families/classes/{lop.pk}/contacts/")
    assert made.status_code == 201 and made.json() == {"created": 6}
    contact = ParentContact.objects.filter(student=pupil(lop, 2), relation="me").get()
    contact.email = "me.hs3@example.vn"
    contact.save(update_fields=["email"])
    sent = api.post(f"/api/v1/families/classes/{lop.pk}/invitations/", {"contact": contact.pk})
    assert sent.status_code == 201 and sent.json()["sent_to"] == "me.hs3@example.vn"
    assert [m.to for m in mail.outbox] == [["me.hs3@example.vn"]]
    codes = api.post(f"/api/v1/families/classes/{lop.pk}/codes/")
    assert codes.status_code == 201 and len(codes.json()) == 3
    # another school's GVCN: 404, nothing made or sent
    other = api_login(world.people["thcs1.giaovien1"])
    assert other.post(f"/api/v1/families/classes/{lop.pk}/codes/").status_code == 404
    answer = other.post(f"/api/v1/families/classes/{lop.pk}/invitations/", {"contact": contact.pk})
    assert answer.status_code == 404
    assert Invitation.objects.count() == 4 and len(mail.outbox) == 1
    bad = api.post(f"/api/v1/families/classes/{lop.pk}/invitations/", {"contact": "x"})
    assert bad.status_code == 400 and Invitation.objects.count() == 4


def test_paper_consent_through_the_api(states, world):
    lop = states
    parent = world.people["ph.hs1"]
    api = api_login(world.people["th1.giaovien1"])
    body = {"parent": parent.pk, "student": pupil(lop, 0).pk, "action": "withdraw"}
    answer = api.post(f"/api/v1/families/classes/{lop.pk}/paper-consents/", body)
    assert answer.status_code == 200 and answer.json()["standing"] is False
    assert _states(api, lop)[0] == (pupil(lop, 0).pk, "withdrawn")
    body["action"] = "give"
    answer = api.post(f"/api/v1/families/classes/{lop.pk}/paper-consents/", body)
    assert answer.status_code == 201 and answer.json()["channel"] == "paper"


def test_menu_entries(states, world):
    labels = lambda who: {i.label for i in nav_for(world.people[who])}  # noqa: E731
    assert "Con của tôi" in labels("ph.hs1") and "Cha mẹ học sinh" not in labels("ph.hs1")
    assert "Cha mẹ học sinh" in labels("th1.giaovien1")
    assert "Cha mẹ học sinh" not in labels("phong1.chuyenvien")
