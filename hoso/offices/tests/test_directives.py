"""Directives down: issue to units below, inbox, who opened when, answers, late list, bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.offices.models import Directive, DirectiveOpen, DirectiveRecipient
from hoso.offices.selectors import directive_rows
from hoso.offices.services import directives
from hoso.offices.tests.factories import directive, letter, offices_province
from hoso.records.models import Notification, RecordState
from tests.factories import World, api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings) -> World:
    """A Sở whose first Phòng has a primary (dr-TR), a THCS (dr-THCS) and a mầm non school
    (dr-MN), its second Phòng (dr-PGD2) a primary school (dr-TR2)."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    return offices_province("dr")


def client_for(world: World, key: str):
    return login(world.people[key])


def api_for(world: World, key: str):
    return api_login(world.people[key])


def _codes(d: Directive) -> list[str]:
    return sorted(d.recipients.values_list("unit__code", flat=True))


def test_a_phong_sends_to_all_its_schools_and_they_are_notified(world):
    before = Notification.objects.filter(user=world.people["hieutruong"]).count()
    d = directive(world)
    assert _codes(d) == ["dr-MN", "dr-THCS", "dr-TR"]
    assert (
        AuditEntry.objects.filter(action="offices.directive.issued", object_id=str(d.pk)).count()
        == 1
    )
    assert Notification.objects.filter(user=world.people["hieutruong"]).count() == before + 1
    assert not Notification.objects.filter(
        user=world.people["school2.hieutruong"], title__contains=d.title
    ).exists()


def test_the_so_reaches_every_phong_and_school_of_the_province(world):
    d = directive(world, by="so", office="so")
    assert _codes(d) == ["dr-MN", "dr-PGD", "dr-PGD2", "dr-THCS", "dr-TR", "dr-TR2"]


def test_one_level_only(world):
    d = directive(world, by="so", office="so", audience="level", level="TH")
    assert _codes(d) == ["dr-TR", "dr-TR2"]


def test_a_unit_outside_the_office_tree_is_refused_and_nothing_is_stored(world):
    count = Directive.objects.count()
    rows = DirectiveRecipient.objects.count()
    th1, th2 = world.units["school"], world.units["school2"]
    with pytest.raises(DomainError) as error:
        directive(world, audience="list", unit_ids=[th1.pk, th2.pk])
    assert error.value.message == (
        "Đơn vị không thuộc phạm vi quản lý của Phòng GDĐT thử: Trường thứ hai."
    )
    assert (Directive.objects.count(), DirectiveRecipient.objects.count()) == (count, rows)


def test_a_record_not_yet_issued_cannot_be_sent(world):
    record = letter(world, state=RecordState.SUBMITTED)
    with pytest.raises(Conflict, match="chưa ban hành"):
        directives.directive_issue(
            actor=world.people["chuyenvien"],
            office=record.school,
            record_id=record.pk,
            audience="all",
        )


def test_another_offices_record_cannot_be_sent(world):
    record = letter(world, by="chuyenvien2", office="phong2")
    with pytest.raises(DomainError, match="Không tìm thấy văn bản"):
        directives.directive_issue(
            actor=world.people["chuyenvien"],
            office=world.units["phong"],
            record_id=record.pk,
            audience="all",
        )


@pytest.mark.parametrize(
    ("due", "message"),
    [(None, "Hãy ghi hạn phản hồi."), (-1, "Hạn phản hồi phải sau thời điểm gửi.")],
)
def test_a_reply_needs_a_future_due_date(world, due, message):
    record = letter(world)
    count = Directive.objects.count()
    with pytest.raises(DomainError) as error:
        directives.directive_issue(
            actor=world.people["chuyenvien"],
            office=record.school,
            record_id=record.pk,
            audience="all",
            reply_kind="reply",
            reply_due_at=None if due is None else timezone.now() + dt.timedelta(days=due),
        )
    assert error.value.message == message
    assert Directive.objects.count() == count


@pytest.mark.parametrize("username", ["hieutruong", "giaovien", "chuyenvien2"])
def test_only_the_offices_staff_send_in_its_name(world, username):
    record = letter(world)
    with pytest.raises(NotAllowed):
        directives.directive_issue(
            actor=world.people[username], office=record.school, record_id=record.pk, audience="all"
        )


def test_who_opened_and_when_per_unit(world):
    d = directive(world)
    row = d.recipients.get(unit=world.units["school"])
    assert (
        client_for(world, "hieutruong")
        .get(reverse("offices:inbox-item", args=[row.pk]))
        .status_code
        == 200
    )
    client_for(world, "phohieutruong").get(reverse("offices:inbox-item", args=[row.pk]))
    client_for(world, "hieutruong").get(reverse("offices:inbox-item", args=[row.pk]))  # again
    row.refresh_from_db()
    assert row.first_opened_by == world.people["hieutruong"]
    openers = list(
        DirectiveOpen.objects.filter(recipient=row).values_list("user__username", flat=True)
    )
    assert openers == ["dr.hieutruong", "dr.phohieutruong"]
    status = {r.recipient.unit.code: r.status for r in directive_rows(d)}
    assert status == {"dr-MN": "Chưa mở", "dr-TR": "Đã mở", "dr-THCS": "Chưa mở"}
    page = client_for(world, "chuyenvien").get(reverse("offices:directive", args=[d.pk]))
    assert page.status_code == 200
    assert "Đã mở" in page.content.decode()


def test_a_teacher_does_not_receive_for_the_school(world):
    d = directive(world)
    row = d.recipients.get(unit=world.units["school"])
    response = client_for(world, "giaovien").get(reverse("offices:inbox-item", args=[row.pk]))
    assert response.status_code == 404
    assert not DirectiveOpen.objects.filter(recipient=row).exists()


def test_guessing_another_schools_or_phongs_urls_shows_nothing(world):
    d = directive(world)
    th1_row = d.recipients.get(unit=world.units["school"])
    for url in (
        reverse("offices:inbox-item", args=[th1_row.pk]),
        reverse("offices:inbox-file", args=[th1_row.pk]),
    ):
        assert client_for(world, "thcs.hieutruong").get(url).status_code == 404
        assert client_for(world, "school2.hieutruong").get(url).status_code == 404
    assert (
        client_for(world, "chuyenvien2").get(reverse("offices:directive", args=[d.pk])).status_code
        == 404
    )
    api = api_for(world, "chuyenvien2")
    assert api.get(reverse("api-offices-directive", args=[d.pk])).status_code == 404
    assert api.get(reverse("api-offices-directive-status", args=[d.pk])).status_code == 404
    assert (
        api_for(world, "school2.hieutruong")
        .get(reverse("api-offices-inbox-item", args=[th1_row.pk]))
        .status_code
        == 404
    )
    listed = (
        api_for(world, "school2.hieutruong").get(reverse("api-offices-inbox")).json()["results"]
    )
    assert th1_row.pk not in {item["id"] for item in listed}
    th1_row.refresh_from_db()
    assert th1_row.first_opened_at is None


def test_the_file_is_the_signed_pdf_and_downloading_counts_as_opening(world):
    d = directive(world)
    row = d.recipients.get(unit=world.units["thcs"])
    response = client_for(world, "thcs.hieutruong").get(
        reverse("offices:inbox-file", args=[row.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    row.refresh_from_db()
    assert row.first_opened_by == world.people["thcs.hieutruong"]


def test_the_status_workbook_and_the_signed_pdf_downloads_are_audited(world):
    d = directive(world)
    row = d.recipients.get(unit=world.units["school"])
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    export = client_for(world, "chuyenvien").get(reverse("offices:directive-export", args=[d.pk]))
    assert export.status_code == 200
    pdf = client_for(world, "hieutruong").get(reverse("offices:inbox-file", args=[row.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    actions = ["offices.directive.exported", "records.version.downloaded"]
    entries = AuditEntry.objects.filter(seq__gt=start, action__in=actions).order_by("seq")
    assert [(e.action, e.actor_name, e.unit_id, json.loads(e.data)) for e in entries] == [
        ("offices.directive.exported", "dr.chuyenvien", d.office_id, {}),
        (
            "records.version.downloaded",
            "dr.hieutruong",
            row.unit_id,
            {"what": "pdf", "sha256": d.version.viewing_sha256, "directive": d.pk},
        ),
    ]


def test_acknowledge_once(world):
    d = directive(world)
    row = d.recipients.get(unit=world.units["school"])
    directives.directive_answer(actor=world.people["hieutruong"], recipient_id=row.pk)
    with pytest.raises(Conflict, match="không gửi lần thứ hai"):
        directives.directive_answer(
            actor=world.people["phohieutruong"], recipient_id=row.pk, text="x"
        )
    row.refresh_from_db()
    assert row.answered_by == world.people["hieutruong"]
    assert row.answer_text == ""


def test_a_reply_needs_text_and_a_late_one_is_listed_late(world):
    d = directive(world, reply_kind="reply")
    row = d.recipients.get(unit=world.units["school"])
    with pytest.raises(DomainError, match="Hãy nhập nội dung trả lời."):
        directives.directive_answer(
            actor=world.people["hieutruong"], recipient_id=row.pk, text="  "
        )
    Directive.objects.filter(pk=d.pk).update(reply_due_at=timezone.now() - dt.timedelta(hours=1))
    d.refresh_from_db()
    directives.directive_answer(
        actor=world.people["hieutruong"], recipient_id=row.pk, text="Báo cáo."
    )
    late = {r.recipient.unit.code for r in directive_rows(d) if r.late}
    assert late == {"dr-MN", "dr-TR", "dr-THCS"}  # dr-TR answered late; two never did
    entry = AuditEntry.objects.filter(action="offices.directive.answered").latest("id")
    assert json.loads(entry.data)["late"] is True


def test_remind_only_the_units_that_owe_an_answer(world):
    d = directive(world)
    row = d.recipients.get(unit=world.units["school"])
    directives.directive_answer(actor=world.people["hieutruong"], recipient_id=row.pk)
    assert directives.directive_remind(actor=world.people["chuyenvien"], directive_id=d.pk) == 2
    reminded = set(
        d.recipients.filter(reminded_at__isnull=False).values_list("unit__code", flat=True)
    )
    assert reminded == {"dr-MN", "dr-THCS"}
    with pytest.raises(NotAllowed):
        directives.directive_remind(actor=world.people["so"], directive_id=d.pk)


def test_the_daily_reminder_picks_directives_due_within_a_day(world):
    soon = directive(world, due_in_days=1)
    later = directive(world, due_in_days=10)
    Directive.objects.filter(pk=soon.pk).update(reply_due_at=timezone.now() + dt.timedelta(hours=5))
    assert directives.directives_remind_due() == 3
    assert not later.recipients.filter(reminded_at__isnull=False).exists()
    assert directives.directives_remind_due() == 0  # reminded less than a day ago


def test_issue_from_the_page(world):
    record = letter(world)
    client = client_for(world, "chuyenvien")
    assert client.get(reverse("offices:directive-new")).status_code == 200
    response = client.post(
        reverse("offices:directive-new"),
        {"record": record.pk, "audience": "all", "reply_kind": "ack", "reply_due_at": "2099-12-20"},
    )
    d = Directive.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("offices:directive", args=[d.pk])
    assert timezone.localtime(d.reply_due_at).strftime("%d/%m/%Y %H:%M") == "20/12/2099 17:00"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"audience": "all", "reply_kind": "ack", "reply_due_at": "20/12/2099"},
            "Ngày không hợp lệ",
        ),
        ({"audience": "list", "units": ["abc"]}, "Mã đơn vị không hợp lệ"),
        ({"audience": "level", "level": "XYZ"}, "Hãy chọn cấp học."),
    ],
)
def test_bad_form_input_is_a_clear_400(world, data, message):
    record = letter(world)
    count = Directive.objects.count()
    response = client_for(world, "chuyenvien").post(
        reverse("offices:directive-new"), {"record": record.pk, **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Directive.objects.count() == count


def test_api_issue_open_answer_and_status(world):
    record = letter(world)
    th1 = world.units["school"]
    created = api_for(world, "chuyenvien").post(
        reverse("api-offices-directives"),
        {
            "record": record.pk,
            "audience": "list",
            "units": [th1.pk],
            "reply_kind": "reply",
            "reply_due_at": "2099-01-05",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    inbox = api_for(world, "hieutruong").get(reverse("api-offices-inbox")).json()["results"]
    row_id = next(item["id"] for item in inbox if item["directive"] == pk)
    opened = api_for(world, "hieutruong").get(reverse("api-offices-inbox-item", args=[row_id]))
    assert opened.json()["first_opened_by"] == world.people["hieutruong"].pk
    empty = api_for(world, "hieutruong").post(
        reverse("api-offices-inbox-answer", args=[row_id]), {}, format="json"
    )
    assert (empty.status_code, empty.json()["message"]) == (400, "Hãy nhập nội dung trả lời.")
    done = api_for(world, "hieutruong").post(
        reverse("api-offices-inbox-answer", args=[row_id]), {"text": "Đã thực hiện."}, format="json"
    )
    assert done.status_code == 200
    again = api_for(world, "phohieutruong").post(
        reverse("api-offices-inbox-answer", args=[row_id]), {"text": "Lần hai"}, format="json"
    )
    assert again.status_code == 409
    status = (
        api_for(world, "chuyenvien").get(reverse("api-offices-directive-status", args=[pk])).json()
    )
    assert [(s["recipient"]["unit"], s["status"], s["late"]) for s in status] == [
        (th1.pk, "Đã phản hồi", False)
    ]


def test_api_refuses_a_unit_outside_the_tree(world):
    record = letter(world)
    th2 = world.units["school2"]
    response = api_for(world, "chuyenvien").post(
        reverse("api-offices-directives"),
        {"record": record.pk, "audience": "list", "units": [th2.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "không thuộc phạm vi quản lý" in response.json()["message"]
