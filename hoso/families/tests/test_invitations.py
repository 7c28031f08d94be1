"""Inviting parents: contacts from the particulars, an e-mail link, a printed code per child;
a code is single use, expires, is stored only as a keyed hash; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from hoso.core.errors import Conflict, DomainError, NotFound
from hoso.families.codes import secret_hash
from hoso.families.models import Invitation, ParentContact
from hoso.families.services.contacts import contact_update, contacts_from_particulars
from hoso.families.services.invitations import (
    NewAccount,
    code_sheet_issue,
    invitation_email_send,
    invitation_redeem,
)
from hoso.grading.models import Guardian
from hoso.grading.tests.factories import pupil
from tests.factories import login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

PASSWORD = "Hoa-sen-nở-2026"


def _particulars(world):
    child = pupil(world.units["th1.1A"], 1)
    child.father_name, child.mother_name = "Trần Văn Bình", "Lê Thị Cúc"
    child.save(update_fields=["father_name", "mother_name"])
    return child


def test_contacts_from_the_particulars_once(world):
    child = _particulars(world)
    gvcn = world.people["th1.giaovien1"]
    made = contacts_from_particulars(actor=gvcn, school_class=world.units["th1.1A"])
    again = contacts_from_particulars(actor=gvcn, school_class=world.units["th1.1A"])
    rows = ParentContact.objects.filter(student=child).order_by("relation")
    assert made == 6 and again == 0  # three pupils, each with a father and a mother named
    assert [(c.relation, c.full_name) for c in rows] == [
        ("cha", "Trần Văn Bình"),
        ("me", "Lê Thị Cúc"),
    ]


def test_another_schools_gvcn_cannot_make_or_invite(world):
    _particulars(world)
    before = (ParentContact.objects.count(), Invitation.objects.count())
    with pytest.raises(NotFound):
        contacts_from_particulars(
            actor=world.people["thcs1.giaovien1"], school_class=world.units["th1.1A"]
        )
    with pytest.raises(NotFound):
        code_sheet_issue(actor=world.people["thcs1.giaovien1"], school_class=world.units["th1.1A"])
    assert (ParentContact.objects.count(), Invitation.objects.count()) == before


def _contact_with_email(world):
    child = _particulars(world)
    gvcn = world.people["th1.giaovien1"]
    contacts_from_particulars(actor=gvcn, school_class=world.units["th1.1A"])
    contact = ParentContact.objects.get(student=child, relation="me")
    return contact_update(actor=gvcn, contact=contact, phone="0912 345 678", email="Cuc@Example.vn")


def test_email_invitation_creates_the_account_linked_to_the_child(world):
    contact = _contact_with_email(world)
    invitation_email_send(actor=world.people["th1.giaovien1"], contact=contact)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cuc@example.vn"]
    token = re.search(r"\?ma=([\w-]+)", mail.outbox[0].body).group(1)
    assert not Invitation.objects.filter(secret_hash=token).exists()  # only the keyed hash

    answer = login_free_post(token, username="le.thi.cuc", relation="me")
    assert answer.status_code == 302
    assert answer["Location"] == f"/phu-huynh/con/{contact.student_id}/dong-y/"
    user = get_user_model().objects.get(username="le.thi.cuc")
    assert Guardian.objects.filter(user=user).values_list("student_id", "relation").get() == (
        contact.student_id,
        "Mẹ",
    )
    contact.refresh_from_db()
    assert contact.user == user
    invitation = Invitation.objects.get(contact=contact)
    assert invitation.used_by == user and invitation.used_at is not None

    # the same link again: refused, nothing new
    again = login_free_post(token, username="le.thi.cuc2", relation="me")
    assert again.status_code == 400 and "đã được dùng" in again.content.decode()
    assert not get_user_model().objects.filter(username="le.thi.cuc2").exists()


def login_free_post(code, *, username, relation="cha", password=PASSWORD, password2=None):
    from django.test import Client

    return Client().post(
        "/phu-huynh/kich-hoat/",
        {
            "code": code,
            "relation": relation,
            "full_name": "Lê Thị Cúc",
            "username": username,
            "password1": password,
            "password2": password if password2 is None else password2,
        },
    )


def test_no_email_no_invitation(world):
    child = _particulars(world)
    contacts_from_particulars(
        actor=world.people["th1.giaovien1"], school_class=world.units["th1.1A"]
    )
    contact = ParentContact.objects.get(student=child, relation="cha")
    with pytest.raises(DomainError, match="Chưa có địa chỉ thư điện tử"):
        invitation_email_send(actor=world.people["th1.giaovien1"], contact=contact)
    with pytest.raises(DomainError, match="thư điện tử không hợp lệ"):
        contact_update(actor=world.people["th1.giaovien1"], contact=contact, phone="", email="x@")
    assert mail.outbox == [] and Invitation.objects.count() == 0
    contact.refresh_from_db()
    assert contact.email == ""


def test_printed_codes_one_per_child_single_use(world):
    lop = world.units["th1.1A"]
    lines = code_sheet_issue(actor=world.people["th1.giaovien1"], school_class=lop)
    assert [ln.student for ln in lines] == [pupil(lop, i) for i in range(3)]
    assert all(re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", ln.code) for ln in lines)
    stored = set(Invitation.objects.values_list("secret_hash", flat=True))
    assert stored == {secret_hash(ln.code) for ln in lines}
    assert not stored & {ln.code for ln in lines}

    # typed in small letters without dashes: the same code
    code = lines[2].code.replace("-", " ").lower()
    guardian = invitation_redeem(
        secret=code, relation="cha", account=NewAccount("bo.hs3", PASSWORD, "Nguyễn Văn Ba")
    )
    assert guardian.student == pupil(lop, 2) and guardian.relation == "Cha"
    with pytest.raises(Conflict, match="đã được dùng"):
        invitation_redeem(
            secret=lines[2].code, relation="cha", account=NewAccount("bo.hs3b", PASSWORD, "B")
        )
    assert not get_user_model().objects.filter(username="bo.hs3b").exists()


def test_wrong_expired_and_replaced_codes_are_refused(world):
    lop = world.units["th1.1A"]
    gvcn = world.people["th1.giaovien1"]
    first = code_sheet_issue(actor=gvcn, school_class=lop)
    second = code_sheet_issue(actor=gvcn, school_class=lop)  # the sheet printed again
    users = get_user_model().objects.count()

    with pytest.raises(DomainError, match="Mã không đúng"):
        invitation_redeem(
            secret="AAAA-BBBB-CCCC", relation="me", account=NewAccount("x.1", PASSWORD, "X")
        )
    with pytest.raises(DomainError, match="Mã không đúng"):
        invitation_redeem(
            secret=first[0].code, relation="me", account=NewAccount("x.2", PASSWORD, "X")
        )
    Invitation.objects.filter(secret_hash=secret_hash(second[0].code)).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(DomainError, match="hết hạn"):
        invitation_redeem(
            secret=second[0].code, relation="me", account=NewAccount("x.3", PASSWORD, "X")
        )
    assert get_user_model().objects.count() == users
    assert not Invitation.objects.filter(used_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("ab", PASSWORD, "Tên đăng nhập gồm"),
        ("gb.th1.giaovien1", PASSWORD, "đã có người dùng"),
        ("me.moi", "12345678901", "hoàn toàn là số"),
        ("me.moi", "ngắn", "10"),
    ],
)
def test_bad_account_changes_nothing(world, username, password, message):
    lines = code_sheet_issue(
        actor=world.people["th1.giaovien1"], school_class=world.units["th1.1A"]
    )
    users = get_user_model().objects.count()
    with pytest.raises(DomainError, match=message):
        invitation_redeem(
            secret=lines[1].code, relation="me", account=NewAccount(username, password, "Mẹ")
        )
    assert get_user_model().objects.count() == users
    assert Invitation.objects.filter(used_at__isnull=False).count() == 0
    assert Guardian.objects.filter(student=lines[1].student).count() == 0


def test_redeem_page_mismatched_passwords_change_nothing(world):
    lines = code_sheet_issue(
        actor=world.people["th1.giaovien1"], school_class=world.units["th1.1A"]
    )
    answer = login_free_post(lines[1].code, username="me.hs2", password2="Khác-hẳn-2026")
    assert answer.status_code == 400 and "Hai mật khẩu không giống nhau" in answer.content.decode()
    assert not get_user_model().objects.filter(username="me.hs2").exists()


def test_a_signed_in_parent_adds_a_second_child(world):
    parent = world.people["ph.hs1"]
    lines = code_sheet_issue(
        actor=world.people["th1.giaovien1"], school_class=world.units["th1.1A"]
    )
    answer = login(parent).post("/phu-huynh/kich-hoat/", {"code": lines[1].code, "relation": "cha"})
    assert answer.status_code == 302
    assert set(Guardian.objects.filter(user=parent).values_list("student_id", flat=True)) == {
        lines[0].student.pk,
        lines[1].student.pk,
    }


def test_code_sheet_page_prints_each_code_once(world):
    client = login(world.people["th1.giaovien1"])
    page = client.post(f"/phu-huynh/lop/{world.units['th1.1A'].pk}/phieu-ma/")
    text = page.content.decode()
    codes = re.findall(r"<code>([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})</code>", text)
    assert page.status_code == 200 and len(codes) == 3
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 3
    other = login(world.people["thcs1.giaovien1"])
    assert other.post(f"/phu-huynh/lop/{world.units['th1.1A'].pk}/phieu-ma/").status_code == 404
    assert Invitation.objects.count() == 3
