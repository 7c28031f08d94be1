"""The review workflow: transitions, the chain, refusals that change nothing, concurrency,
notifications (in the app and by real SMTP)."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from hoso.records import selectors
from hoso.records.models import Comment, Notification, Record, Workflow
from hoso.records.services import workflow
from hoso.records.tests.helpers import sign_and_submit, sign_step, upload
from tests.factories import RecordFactory, World, login, province_world, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

# Who signs in this file (a demo certificate each); the others are refused before any key.
SIGNERS = ["giaovien", "giaovien2", "totruong", "phohieutruong", "hieutruong", "vanthu"]


@pytest.fixture
def world(settings: Any) -> World:
    """The school's Tổ 1 (giaovien, giaovien2, the tổ trưởng), its PHT, principal and clerk
    with certificates; principals of a THCS school and of another Phòng's school, the
    administrator."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the record pages without a phone at hand
    world = province_world("wf")
    with_certificates(world, [*SIGNERS, "school2.hieutruong", "thcs.hieutruong", "admin"])
    return world


def person(world: World, key: str) -> Any:
    return world.people[key]


def _submitted(user: Any, **kwargs: Any) -> Record:
    """Submitted as the type's chain says: a lesson plan is signed by its author ("Ký và
    trình"), a group's book is only submitted."""
    version = upload(user, **kwargs)
    if version.record.record_type.author_signs:
        return sign_and_submit(user, version.record_id)
    return workflow.record_submit(actor=user, record_id=version.record_id)


def _snapshot(record: Record) -> tuple[Any, ...]:
    record.refresh_from_db()
    flow = Workflow.objects.filter(record=record, is_open=True).first()
    return (
        record.state,
        flow and (flow.step, flow.pending_role),
        Comment.objects.filter(version__record=record).count(),
    )


def test_lesson_plan_signed_by_its_author_then_ky_duyet_by_the_group_leader_is_issued(
    world: World,
) -> None:
    teacher, leader = person(world, "giaovien2"), person(world, "totruong")
    record = _submitted(teacher, period="W10")
    assert record.state == "submitted"
    flow = Workflow.objects.get(record=record, is_open=True)
    assert (flow.pending_role, flow.pending_action) == ("TTCM", "approve_sign")
    assert [w.record_id for w in selectors.review_queue(leader)].count(record.pk) == 1
    with pytest.raises(Conflict):  # ký duyệt is one act: approving alone would issue unsigned
        workflow.record_approve(actor=leader, record_id=record.pk)
    sign_step(leader, record.pk)
    record.refresh_from_db()
    assert record.state == "issued"
    version = record.versions.get()
    assert version.issued_at is not None
    assert not Workflow.objects.filter(record=record, is_open=True).exists()
    actions = set(
        AuditEntry.objects.filter(object_id__in=[str(record.pk), str(version.pk)]).values_list(
            "action", flat=True
        )
    )
    assert {
        "records.record.submitted",
        "records.record.approved",
        "records.version.signed",
        "records.version.issued",
    } <= actions
    assert [s.role for s in version.signatures.order_by("signed_at", "id")] == ["AUTHOR", "TTCM"]
    assert Notification.objects.filter(user=teacher, title__startswith="Hồ sơ đã ban hành").exists()


@pytest.mark.parametrize(
    "who",
    [
        "giaovien",
        "phohieutruong",
        "school2.hieutruong",
        "thcs.hieutruong",
        "admin",
        "giaovien2",
    ],
)
def test_people_outside_the_chain_cannot_approve_and_nothing_changes(
    world: World, who: str
) -> None:
    record = _submitted(person(world, "giaovien2"), period="W11")
    before = _snapshot(record)
    with pytest.raises((NotAllowed, NotFound)):  # NotFound: a record they may not even see
        sign_step(person(world, who), record.pk)
    with pytest.raises(NotAllowed):
        workflow.record_return(actor=person(world, who), record_id=record.pk, comment="Không đạt")
    assert _snapshot(record) == before


def test_a_group_leaders_own_record_goes_to_the_vice_principal(world: World) -> None:
    leader = person(world, "totruong")
    record = _submitted(leader, period="W10")
    with pytest.raises(NotAllowed):
        sign_step(leader, record.pk)
    flow = Workflow.objects.get(record=record, is_open=True)
    assert flow.pending_role == "PHT"
    sign_step(person(world, "phohieutruong"), record.pk)
    record.refresh_from_db()
    assert record.state == "issued"


def test_returning_needs_a_comment_and_a_return_reopens_the_record(world: World) -> None:
    teacher, leader = person(world, "giaovien2"), person(world, "totruong")
    record = _submitted(teacher, period="W12")
    before = _snapshot(record)
    with pytest.raises(DomainError) as refused:
        workflow.record_return(actor=leader, record_id=record.pk, comment="   ")
    assert refused.value.message == "Hãy ghi góp ý khi trả lại hồ sơ."
    assert _snapshot(record) == before
    workflow.record_return(actor=leader, record_id=record.pk, comment="Bổ sung mục tiêu bài học")
    record.refresh_from_db()
    assert record.state == "returned"
    comment = Comment.objects.get(version__record=record)
    assert (comment.author, comment.body, comment.version.number) == (
        leader,
        "Bổ sung mục tiêu bài học",
        1,
    )
    note = Notification.objects.get(user=teacher, title__startswith="Hồ sơ bị trả lại")
    assert "Bổ sung mục tiêu bài học" in note.body
    assert selectors.returned_to(teacher).filter(pk=record.pk).exists()
    # the teacher fixes it: a second version, submitted again, approved
    upload(teacher, period="W12")
    sign_and_submit(teacher, record.pk)
    sign_step(leader, record.pk)
    record.refresh_from_db()
    assert (record.state, record.version_count) == ("issued", 2)
    assert Workflow.objects.filter(record=record).count() == 2


def test_a_second_approval_of_the_same_step_is_refused(world: World) -> None:
    record = _submitted(person(world, "totruong"), code="TT28.SHTO", period="2025-10")
    workflow.record_approve(actor=person(world, "phohieutruong"), record_id=record.pk)
    with pytest.raises(Conflict):
        workflow.record_approve(actor=person(world, "hieutruong"), record_id=record.pk)
    assert Record.objects.get(pk=record.pk).state == "issued"


def test_a_chain_with_signing_steps_waits_for_them_and_then_issues(world: World) -> None:
    clerk, vice, head = (person(world, k) for k in ("vanthu", "phohieutruong", "hieutruong"))
    # chain: HT sign, VT seal (the signing demo already has QLVB in a batch)
    record = _submitted(clerk, code="TT28.TSTC")
    assert Workflow.objects.get(record=record, is_open=True).pending_action == "sign"
    assert record.pk in [w.record_id for w in selectors.signing_queue(head)]
    assert record.pk not in [w.record_id for w in selectors.signing_queue(vice)]
    with pytest.raises(Conflict):
        workflow.record_approve(actor=head, record_id=record.pk)  # signing is not approving
    with pytest.raises(NotAllowed):
        workflow.workflow_signing_step_done(actor=vice, record_id=record.pk, action="sign")
    workflow.workflow_signing_step_done(actor=head, record_id=record.pk, action="sign")
    flow = Workflow.objects.get(record=record, is_open=True)
    assert (flow.pending_role, flow.pending_action) == ("VT", "seal")
    assert Record.objects.get(pk=record.pk).state == "submitted"
    workflow.workflow_signing_step_done(actor=clerk, record_id=record.pk, action="seal")
    assert Record.objects.get(pk=record.pk).state == "issued"


def test_approval_hands_over_to_signing_when_the_chain_says_so(world: World) -> None:
    # Given the clerk's school plan (PHT review → HT sign → VT seal) the PHT approved
    plan = RecordFactory(
        owner=person(world, "vanthu"),
        record_type="TT28.KHGDNT",
        approved_by=person(world, "phohieutruong"),
    )
    plan.refresh_from_db()
    assert plan.state == "approved"
    assert plan.pk in [w.record_id for w in selectors.signing_queue(person(world, "hieutruong"))]


def test_one_open_workflow_per_record_is_enforced_by_the_database(world: World) -> None:
    from django.db import IntegrityError, transaction

    record = _submitted(person(world, "giaovien2"), period="W13")
    flow = Workflow.objects.get(record=record, is_open=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Workflow.objects.create(
            record=record,
            version=flow.version,
            state="in_review",
            opened_by=flow.opened_by,
            opened_at=flow.opened_at,
        )


def test_a_return_is_e_mailed_through_a_real_smtp_server(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from aiosmtpd.controller import Controller

    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        record = _submitted(person(world, "giaovien2"), period="W14")
        with django_capture_on_commit_callbacks(execute=True):
            workflow.record_return(
                actor=person(world, "totruong"), record_id=record.pk, comment="Sửa lại"
            )
    finally:
        controller.stop()
    assert [e.rcpt_tos for e in received] == [["wf.giaovien2@test.hoso.edu.vn"]]
    from email import message_from_bytes
    from email.header import decode_header, make_header

    message = message_from_bytes(received[0].content)
    assert str(make_header(decode_header(message["Subject"]))).startswith("[HoSo] Hồ sơ bị trả lại")


def test_the_record_page_keeps_the_return_comment_on_top_and_says_issued_unsigned(
    world: World,
) -> None:
    teacher, leader = person(world, "giaovien2"), person(world, "totruong")
    record = _submitted(teacher, period="W14")
    workflow.record_return(actor=leader, record_id=record.pk, comment="Thêm phần\ncủng cố")
    page = login(teacher).get(f"/ho-so/{record.pk}/").content.decode()
    top = page.index('data-testid="return-note"')
    assert top < page.index("Thao tác") and "Thêm phần<br>củng cố" in page[top:]
    assert 'data-testid="issued-unsigned"' not in page
    # signed and submitted again: the note goes; ký duyệt: issued with both signatures
    sign_and_submit(teacher, record.pk)
    assert "return-note" not in login(teacher).get(f"/ho-so/{record.pk}/").content.decode()
    sign_step(leader, record.pk)
    page = login(teacher).get(f"/ho-so/{record.pk}/").content.decode()
    assert 'data-testid="issued-unsigned"' not in page and "return-note" not in page
    # a group's book has only a review step: issued, and the page says it is unsigned
    book = _submitted(leader, code="TT28.SHTO", period="2025-11")
    workflow.record_approve(actor=person(world, "phohieutruong"), record_id=book.pk)
    page = login(leader).get(f"/ho-so/{book.pk}/").content.decode()
    assert 'data-testid="issued-unsigned"' in page and "không có chữ ký số" in page


def test_the_record_page_has_an_actions_section_only_for_someone_who_can_act(
    world: World,
) -> None:
    """Submitted, the author may do nothing more and the tổ trưởng may approve or return; once
    issued, the author may upload a revision and the tổ trưởng nothing: no empty "Thao tác"."""
    teacher, leader = person(world, "giaovien2"), person(world, "totruong")
    record = _submitted(teacher, period="W15")

    def sections(user: Any) -> int:
        page = login(user).get(f"/ho-so/{record.pk}/").content.decode()
        return page.count('<h2 id="thao-tac">')

    assert (sections(teacher), sections(leader)) == (0, 1)
    sign_step(leader, record.pk)
    assert (sections(teacher), sections(leader)) == (1, 0)  # the author: "Sửa đổi: …"
