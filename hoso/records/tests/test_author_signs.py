"""The author signs ("Ký và trình") and the group leader ký duyệt, through the pages: the issued
lesson plan carries both signatures, valid for poppler's pdfsig and pyHanko's validator; a
refused key changes nothing; a record waiting for its author's signature can be taken back; a
record in flight keeps the chain it started with."""

from __future__ import annotations

import pytest
from django.conf import settings

from hoso.records.models import Record, RecordType, Workflow
from hoso.records.tests.helpers import sign_and_submit, sign_step, upload
from hoso.signing.documents import read_blob
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import SignatureRecord
from hoso.signing.verification import validator
from tests.factories import World, api_login, login, school_world, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> World:
    """A primary school's Tổ 1: the teacher giaovien2 and the tổ trưởng, with certificates."""
    return with_certificates(school_world("as"), ["giaovien2", "totruong"])


def test_lesson_plan_signed_by_teacher_and_leader_through_the_pages(world: World) -> None:
    teacher, leader = world.people["giaovien2"], world.people["totruong"]
    record_id = upload(teacher, period="W30").record_id
    page = login(teacher).get(f"/ho-so/{record_id}/").content.decode()
    assert "Ký và trình" in page and ">Trình duyệt<" not in page

    answer = login(teacher).post(
        f"/ho-so/{record_id}/ky-va-trinh/", {"passphrase": settings.DEMO_PASSWORD}
    )
    assert answer.status_code == 302
    record = Record.objects.get(pk=record_id)
    assert record.state == "submitted"

    leader_page = login(leader).get(f"/ho-so/{record_id}/").content.decode()
    assert 'data-testid="step-sign"' in leader_page and "Ký duyệt" in leader_page
    signed = login(leader).post(
        f"/ky-so/ky/{record_id}/",
        {"action": "sign", "back": "record", "passphrase": settings.DEMO_PASSWORD},
    )
    assert signed.status_code == 302 and signed["Location"] == f"/ho-so/{record_id}/"

    record.refresh_from_db()
    version = record.versions.get()
    assert record.state == "issued" and version.issued_at is not None
    sigs = list(SignatureRecord.objects.filter(version=version).order_by("signed_at", "id"))
    assert [(s.role, s.signer.username) for s in sigs] == [
        ("AUTHOR", "as.giaovien2"),
        ("TTCM", "as.totruong"),
    ]
    pdf = read_blob(version.signed_sha256)
    assert pdfsig_all_intact(pdf, 2)
    report = validator().validate(pdf)
    assert len(report.signatures) == 2 and report.all_valid, [s.verdict for s in report.signatures]

    panel = login(teacher).get(f"/ky-so/ho-so/{record_id}/").content.decode()
    assert "(Người lập)" in panel and "(Tổ trưởng chuyên môn)" in panel


def test_a_refused_key_at_ky_va_trinh_leaves_the_draft_untouched(world: World) -> None:
    teacher = world.people["giaovien2"]
    record_id = upload(teacher, period="W31").record_id
    answer = login(teacher).post(
        f"/ho-so/{record_id}/ky-va-trinh/", {"passphrase": "sai-mat-khau"}, follow=True
    )
    assert answer.status_code == 200
    assert "mật khẩu" in answer.content.decode().lower()
    record = Record.objects.get(pk=record_id)
    assert (record.state, record.first_submitted_at) == ("draft", None)
    assert not Workflow.objects.filter(record=record).exists()
    assert not SignatureRecord.objects.filter(version__record=record).exists()


def test_usb_or_remote_path_opens_the_authors_step_and_it_can_be_taken_back(
    world: World,
) -> None:
    teacher, leader = world.people["giaovien2"], world.people["totruong"]
    record_id = upload(teacher, period="W32").record_id
    answer = login(teacher).post(f"/ho-so/{record_id}/trinh/")
    assert answer["Location"].startswith("/ky-so/cho-ky/")
    queue = login(teacher).get("/ky-so/cho-ky/").content.decode()
    assert f'id="ho-so-{record_id}"' in queue
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert (flow.pending_role, flow.pending_action) == ("AUTHOR", "sign")
    # nobody else acts for the author, and nobody is told before the author has signed
    with pytest.raises(Exception):  # noqa: B017 — NotAllowed or NotFound, both refuse
        sign_step(leader, record_id)
    page = login(teacher).get(f"/ho-so/{record_id}/").content.decode()
    assert 'data-testid="author-sign"' in page and "Rút lại" in page

    login(teacher).post(f"/ho-so/{record_id}/rut-lai/")
    record = Record.objects.get(pk=record_id)
    assert record.state == "draft"
    assert not Workflow.objects.filter(record=record, is_open=True).exists()
    # a new version, then "Ký và trình" as usual
    upload(teacher, period="W32")
    sign_and_submit(teacher, record_id)
    sign_step(leader, record_id)
    record.refresh_from_db()
    assert (record.state, record.version_count) == ("issued", 2)


def test_a_record_in_flight_keeps_the_chain_it_started_with(world: World) -> None:
    teacher, leader = world.people["giaovien2"], world.people["totruong"]
    record_id = upload(teacher, period="W33").record_id
    sign_and_submit(teacher, record_id)
    kind = RecordType.objects.get(code="TT28.KHBD")
    kind.signing_chain = [{"role": "TTCM", "action": "review"}]  # changed after submission
    kind.save(update_fields=["signing_chain"])
    sign_step(leader, record_id)
    assert Record.objects.get(pk=record_id).state == "issued"
    assert SignatureRecord.objects.filter(version__record_id=record_id).count() == 2


def test_withdraw_through_the_api(world: World) -> None:
    teacher = world.people["giaovien2"]
    record_id = upload(teacher, period="W35").record_id
    api = api_login(teacher)
    assert api.post(f"/api/v1/records/{record_id}/submit/").json()["state"] == "submitted"
    withdrawn = api.post(f"/api/v1/records/{record_id}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "draft"
    again = api.post(f"/api/v1/records/{record_id}/withdraw/")  # nothing left to take back
    assert again.status_code == 409 and again.json()["message"]
