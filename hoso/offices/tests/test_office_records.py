"""Item 1: an office keeps its own records and signs them through its own chain, with the same
records and signing machinery as a school; item 4: a school record's chain may end at the Phòng."""

from __future__ import annotations

import io

import pytest
from django.conf import settings

from hoso.core.errors import NotAllowed, NotFound
from hoso.records.models import RecordState, RecordType
from hoso.records.pdfmaker import simple_pdf
from hoso.records.selectors import records_visible_to, types_for_upload
from hoso.records.services import versions as services
from hoso.records.services import workflow
from hoso.records.services.signing import version_seal, version_sign
from tests.factories import World, office_world, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

SIGNERS = ["hieutruong", "vanthu", "truongphong", "phong.vanthu", "truongphong2"]


@pytest.fixture
def world() -> World:
    """A province with the leaders and clerks of its offices; the school's principal and clerk,
    the Phòng's head and clerk and the other Phòng's head hold certificates, the school and the
    Phòng their seals."""
    return with_certificates(office_world("or"), SIGNERS, seals=("school", "phong"))


def _upload(world: World, key: str, code: str) -> int:
    version = services.record_upload(
        actor=world.people[key],
        record_type=RecordType.objects.get(code=code),
        upload=services.Upload(
            io.BytesIO(simple_pdf("Công văn", ["Kính gửi: các trường."])), "cv.pdf"
        ),
    )
    return version.record_id


def test_each_office_keeps_its_own_kinds(world):
    phong = {t.code for t in types_for_upload(world.people["chuyenvien"])}
    so = {t.code for t in types_for_upload(world.people["so"])}
    school = {t.code for t in types_for_upload(world.people["hieutruong"])}
    kinds = {"BBKT", "BCTK", "CV", "KHNH", "QD"}
    assert phong == {f"VP.PHONG.{kind}" for kind in kinds}
    assert so == {f"VP.SO.{kind}" for kind in kinds}
    # a school keeps only the report it sends up, never an office's types
    assert {code for code in school if code.startswith("VP.")} == {"VP.BCDV"}


def test_two_letters_are_two_records(world):
    assert _upload(world, "chuyenvien", "VP.PHONG.CV") != _upload(
        world, "chuyenvien", "VP.PHONG.CV"
    )


def test_a_phong_letter_is_signed_by_its_deputy_head_and_sealed_by_its_clerk(world):
    record_id = _upload(world, "chuyenvien", "VP.PHONG.CV")
    workflow.record_submit(actor=world.people["chuyenvien"], record_id=record_id)
    with pytest.raises(NotFound):  # a school's principal does not even see a Phòng's letter
        version_sign(
            actor=world.people["hieutruong"], record_id=record_id, passphrase=settings.DEMO_PASSWORD
        )
    with pytest.raises(NotFound):  # nor does the other Phòng's head
        version_sign(
            actor=world.people["truongphong2"],
            record_id=record_id,
            passphrase=settings.DEMO_PASSWORD,
        )
    version_sign(
        actor=world.people["truongphong"], record_id=record_id, passphrase=settings.DEMO_PASSWORD
    )
    version_seal(
        actor=world.people["phong.vanthu"], record_id=record_id, passphrase=settings.DEMO_PASSWORD
    )
    record = records_visible_to(world.people["phong.vanthu"]).get(pk=record_id)
    assert record.state == RecordState.ISSUED
    assert record.school == world.units["phong"]
    signers = list(record.versions.get().signatures.values_list("role", "signer"))
    assert signers == [
        ("PTP", world.people["truongphong"].pk),
        ("VT_CQ", world.people["phong.vanthu"].pk),
    ]
    # the Sở oversees; a school does not read the Phòng's own records
    assert records_visible_to(world.people["so"]).filter(pk=record_id).exists()
    assert not records_visible_to(world.people["hieutruong"]).filter(pk=record_id).exists()


def test_a_school_record_whose_chain_ends_at_the_phong(world):
    kind = RecordType.objects.get(code="TT28.KHGDNT")
    RecordType.objects.filter(pk=kind.pk).update(
        signing_chain=[*kind.signing_chain, {"role": "TP", "action": "sign"}]
    )
    version = services.record_upload(
        actor=world.people["hieutruong"],
        record_type=RecordType.objects.get(pk=kind.pk),
        upload=services.Upload(
            io.BytesIO(simple_pdf("Kế hoạch giáo dục", ["HIỆU TRƯỞNG"])), "kh.pdf"
        ),
    )
    rid = version.record_id
    workflow.record_submit(actor=world.people["hieutruong"], record_id=rid)
    workflow.record_approve(actor=world.people["phohieutruong"], record_id=rid)
    version_sign(actor=world.people["hieutruong"], record_id=rid, passphrase=settings.DEMO_PASSWORD)
    version_seal(actor=world.people["vanthu"], record_id=rid, passphrase=settings.DEMO_PASSWORD)
    with pytest.raises(NotAllowed):  # the school's own principal is not the Phòng
        version_sign(
            actor=world.people["hieutruong"], record_id=rid, passphrase=settings.DEMO_PASSWORD
        )
    with pytest.raises(NotFound):  # the Phòng of another district does not see it
        version_sign(
            actor=world.people["truongphong2"], record_id=rid, passphrase=settings.DEMO_PASSWORD
        )
    from hoso.records.models import Workflow

    flow = Workflow.objects.get(record_id=rid, is_open=True)
    assert workflow.pending_people(flow) == [world.people["truongphong"].pk]
    version_sign(
        actor=world.people["truongphong"], record_id=rid, passphrase=settings.DEMO_PASSWORD
    )
    record = records_visible_to(world.people["hieutruong"]).get(pk=rid)
    assert record.state == RecordState.ISSUED
