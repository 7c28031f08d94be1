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
from hoso.offices.tests.factories import IssuedLetterFactory, directive, user
from hoso.org.models import Unit
from hoso.records.models import Notification, RecordState

pytestmark = pytest.mark.django_db


def _codes(d: Directive) -> list[str]:
    return sorted(d.recipients.values_list("unit__code", flat=True))


def test_a_phong_sends_to_all_its_schools_and_they_are_notified():
    before = Notification.objects.filter(user=user("th1.hieutruong")).count()
    d = directive()
    assert _codes(d) == ["MN1", "TH1", "THCS1"]
    assert (
        AuditEntry.objects.filter(action="offices.directive.issued", object_id=str(d.pk)).count()
        == 1
    )
    assert Notification.objects.filter(user=user("th1.hieutruong")).count() == before + 1
    assert not Notification.objects.filter(
        user=user("th2.hieutruong"), title__contains=d.title
    ).exists()


def test_the_so_reaches_every_phong_and_school_of_the_province():
    d = directive(by="so.chuyenvien", office="SO-DEMO")
    assert _codes(d) == ["MN1", "PGD-1", "PGD-2", "TH1", "TH2", "THCS1"]


def test_one_level_only():
    d = directive(by="so.chuyenvien", office="SO-DEMO", audience="level", level="TH")
    assert _codes(d) == ["TH1", "TH2"]


def test_a_unit_outside_the_office_tree_is_refused_and_nothing_is_stored():
    count = Directive.objects.count()
    rows = DirectiveRecipient.objects.count()
    th1, th2 = Unit.objects.get(code="TH1"), Unit.objects.get(code="TH2")
    with pytest.raises(DomainError) as error:
        directive(audience="list", unit_ids=[th1.pk, th2.pk])
    assert error.value.message == (
        "Đơn vị không thuộc phạm vi quản lý của Phòng GDĐT Huyện An Phú: Trường Tiểu học Kim Đồng."
    )
    assert (Directive.objects.count(), DirectiveRecipient.objects.count()) == (count, rows)


def test_a_record_not_yet_issued_cannot_be_sent():
    record = IssuedLetterFactory(state=RecordState.SUBMITTED)
    with pytest.raises(Conflict, match="chưa ban hành"):
        directives.directive_issue(
            actor=user("phong1.chuyenvien"),
            office=record.school,
            record_id=record.pk,
            audience="all",
        )


def test_another_offices_record_cannot_be_sent():
    record = IssuedLetterFactory(
        unit=Unit.objects.get(code="PGD-2"), owner=user("phong2.chuyenvien")
    )
    with pytest.raises(DomainError, match="Không tìm thấy văn bản"):
        directives.directive_issue(
            actor=user("phong1.chuyenvien"),
            office=Unit.objects.get(code="PGD-1"),
            record_id=record.pk,
            audience="all",
        )


@pytest.mark.parametrize(
    ("due", "message"),
    [(None, "Hãy ghi hạn phản hồi."), (-1, "Hạn phản hồi phải sau thời điểm gửi.")],
)
def test_a_reply_needs_a_future_due_date(due, message):
    record = IssuedLetterFactory()
    count = Directive.objects.count()
    with pytest.raises(DomainError) as error:
        directives.directive_issue(
            actor=user("phong1.chuyenvien"),
            office=record.school,
            record_id=record.pk,
            audience="all",
            reply_kind="reply",
            reply_due_at=None if due is None else timezone.now() + dt.timedelta(days=due),
        )
    assert error.value.message == message
    assert Directive.objects.count() == count


@pytest.mark.parametrize("username", ["th1.hieutruong", "th1.giaovien1", "phong2.chuyenvien"])
def test_only_the_offices_staff_send_in_its_name(username):
    record = IssuedLetterFactory()
    with pytest.raises(NotAllowed):
        directives.directive_issue(
            actor=user(username), office=record.school, record_id=record.pk, audience="all"
        )


def test_who_opened_and_when_per_unit(client_for):
    d = directive()
    row = d.recipients.get(unit__code="TH1")
    assert (
        client_for("th1.hieutruong").get(reverse("offices:inbox-item", args=[row.pk])).status_code
        == 200
    )
    client_for("th1.phohieutruong").get(reverse("offices:inbox-item", args=[row.pk]))
    client_for("th1.hieutruong").get(reverse("offices:inbox-item", args=[row.pk]))  # again
    row.refresh_from_db()
    assert row.first_opened_by == user("th1.hieutruong")
    openers = list(
        DirectiveOpen.objects.filter(recipient=row).values_list("user__username", flat=True)
    )
    assert openers == ["th1.hieutruong", "th1.phohieutruong"]
    status = {r.recipient.unit.code: r.status for r in directive_rows(d)}
    assert status == {"MN1": "Chưa mở", "TH1": "Đã mở", "THCS1": "Chưa mở"}
    page = client_for("phong1.chuyenvien").get(reverse("offices:directive", args=[d.pk]))
    assert page.status_code == 200
    assert "Đã mở" in page.content.decode()


def test_a_teacher_does_not_receive_for_the_school(client_for):
    d = directive()
    row = d.recipients.get(unit__code="TH1")
    response = client_for("th1.giaovien1").get(reverse("offices:inbox-item", args=[row.pk]))
    assert response.status_code == 404
    assert not DirectiveOpen.objects.filter(recipient=row).exists()


def test_guessing_another_schools_or_phongs_urls_shows_nothing(client_for, api_for):
    d = directive()
    th1_row = d.recipients.get(unit__code="TH1")
    for url in (
        reverse("offices:inbox-item", args=[th1_row.pk]),
        reverse("offices:inbox-file", args=[th1_row.pk]),
    ):
        assert client_for("thcs1.hieutruong").get(url).status_code == 404
        assert client_for("th2.hieutruong").get(url).status_code == 404
    assert (
        client_for("phong2.chuyenvien").get(reverse("offices:directive", args=[d.pk])).status_code
        == 404
    )
    api = api_for("phong2.chuyenvien")
    assert api.get(reverse("api-offices-directive", args=[d.pk])).status_code == 404
    assert api.get(reverse("api-offices-directive-status", args=[d.pk])).status_code == 404
    assert (
        api_for("th2.hieutruong")
        .get(reverse("api-offices-inbox-item", args=[th1_row.pk]))
        .status_code
        == 404
    )
    listed = api_for("th2.hieutruong").get(reverse("api-offices-inbox")).json()["results"]
    assert th1_row.pk not in {item["id"] for item in listed}
    th1_row.refresh_from_db()
    assert th1_row.first_opened_at is None


def test_the_file_is_the_signed_pdf_and_downloading_counts_as_opening(client_for):
    d = directive()
    row = d.recipients.get(unit__code="THCS1")
    response = client_for("thcs1.hieutruong").get(reverse("offices:inbox-file", args=[row.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    row.refresh_from_db()
    assert row.first_opened_by == user("thcs1.hieutruong")


def test_the_status_workbook_and_the_signed_pdf_downloads_are_audited(client_for):
    d = directive()
    row = d.recipients.get(unit__code="TH1")
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    export = client_for("phong1.chuyenvien").get(reverse("offices:directive-export", args=[d.pk]))
    assert export.status_code == 200
    pdf = client_for("th1.hieutruong").get(reverse("offices:inbox-file", args=[row.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    actions = ["offices.directive.exported", "records.version.downloaded"]
    entries = AuditEntry.objects.filter(seq__gt=start, action__in=actions).order_by("seq")
    assert [(e.action, e.actor_name, e.unit_id, json.loads(e.data)) for e in entries] == [
        ("offices.directive.exported", "phong1.chuyenvien", d.office_id, {}),
        (
            "records.version.downloaded",
            "th1.hieutruong",
            row.unit_id,
            {"what": "pdf", "sha256": d.version.viewing_sha256, "directive": d.pk},
        ),
    ]


def test_acknowledge_once(client_for):
    d = directive()
    row = d.recipients.get(unit__code="TH1")
    directives.directive_answer(actor=user("th1.hieutruong"), recipient_id=row.pk)
    with pytest.raises(Conflict, match="không gửi lần thứ hai"):
        directives.directive_answer(actor=user("th1.phohieutruong"), recipient_id=row.pk, text="x")
    row.refresh_from_db()
    assert row.answered_by == user("th1.hieutruong")
    assert row.answer_text == ""


def test_a_reply_needs_text_and_a_late_one_is_listed_late():
    d = directive(reply_kind="reply")
    row = d.recipients.get(unit__code="TH1")
    with pytest.raises(DomainError, match="Hãy nhập nội dung trả lời."):
        directives.directive_answer(actor=user("th1.hieutruong"), recipient_id=row.pk, text="  ")
    Directive.objects.filter(pk=d.pk).update(reply_due_at=timezone.now() - dt.timedelta(hours=1))
    d.refresh_from_db()
    directives.directive_answer(actor=user("th1.hieutruong"), recipient_id=row.pk, text="Báo cáo.")
    late = {r.recipient.unit.code for r in directive_rows(d) if r.late}
    assert late == {"MN1", "TH1", "THCS1"}  # TH1 answered after the due time; two never did
    entry = AuditEntry.objects.filter(action="offices.directive.answered").latest("id")
    assert json.loads(entry.data)["late"] is True


def test_remind_only_the_units_that_owe_an_answer():
    d = directive()
    row = d.recipients.get(unit__code="TH1")
    directives.directive_answer(actor=user("th1.hieutruong"), recipient_id=row.pk)
    assert directives.directive_remind(actor=user("phong1.chuyenvien"), directive_id=d.pk) == 2
    reminded = set(
        d.recipients.filter(reminded_at__isnull=False).values_list("unit__code", flat=True)
    )
    assert reminded == {"MN1", "THCS1"}
    with pytest.raises(NotAllowed):
        directives.directive_remind(actor=user("so.chuyenvien"), directive_id=d.pk)


def test_the_daily_reminder_picks_directives_due_within_a_day():
    soon = directive(due_in_days=1)
    later = directive(due_in_days=10)
    Directive.objects.filter(pk=soon.pk).update(reply_due_at=timezone.now() + dt.timedelta(hours=5))
    assert directives.directives_remind_due() == 3
    assert not later.recipients.filter(reminded_at__isnull=False).exists()
    assert directives.directives_remind_due() == 0  # reminded less than a day ago


def test_issue_from_the_page(client_for):
    record = IssuedLetterFactory()
    client = client_for("phong1.chuyenvien")
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
def test_bad_form_input_is_a_clear_400(client_for, data, message):
    record = IssuedLetterFactory()
    count = Directive.objects.count()
    response = client_for("phong1.chuyenvien").post(
        reverse("offices:directive-new"), {"record": record.pk, **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Directive.objects.count() == count


def test_api_issue_open_answer_and_status(api_for):
    record = IssuedLetterFactory()
    th1 = Unit.objects.get(code="TH1")
    created = api_for("phong1.chuyenvien").post(
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
    inbox = api_for("th1.hieutruong").get(reverse("api-offices-inbox")).json()["results"]
    row_id = next(item["id"] for item in inbox if item["directive"] == pk)
    opened = api_for("th1.hieutruong").get(reverse("api-offices-inbox-item", args=[row_id]))
    assert opened.json()["first_opened_by"] == user("th1.hieutruong").pk
    empty = api_for("th1.hieutruong").post(
        reverse("api-offices-inbox-answer", args=[row_id]), {}, format="json"
    )
    assert (empty.status_code, empty.json()["message"]) == (400, "Hãy nhập nội dung trả lời.")
    done = api_for("th1.hieutruong").post(
        reverse("api-offices-inbox-answer", args=[row_id]), {"text": "Đã thực hiện."}, format="json"
    )
    assert done.status_code == 200
    again = api_for("th1.phohieutruong").post(
        reverse("api-offices-inbox-answer", args=[row_id]), {"text": "Lần hai"}, format="json"
    )
    assert again.status_code == 409
    status = (
        api_for("phong1.chuyenvien").get(reverse("api-offices-directive-status", args=[pk])).json()
    )
    assert [(s["recipient"]["unit"], s["status"], s["late"]) for s in status] == [
        (th1.pk, "Đã phản hồi", False)
    ]


def test_api_refuses_a_unit_outside_the_tree(api_for):
    record = IssuedLetterFactory()
    th2 = Unit.objects.get(code="TH2")
    response = api_for("phong1.chuyenvien").post(
        reverse("api-offices-directives"),
        {"record": record.pk, "audience": "list", "units": [th2.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "không thuộc phạm vi quản lý" in response.json()["message"]
