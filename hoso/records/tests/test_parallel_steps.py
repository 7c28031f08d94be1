"""Steps that run together: the tổ trưởng and the PHT ký duyệt the same lesson plan in either
order, each sees it waiting, the record is issued only when both have signed (three valid
signatures), one return from either sends it back; the form and the API set such a stage, and
stages that make no sense are refused in Vietnamese."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.core.errors import DomainError, NotAllowed
from hoso.records import chains, selectors
from hoso.records.models import ChainSetting, EventKind, Record, RecordEvent, Workflow
from hoso.records.services.workflow import record_approve, record_return, record_submit
from hoso.records.tests.helpers import sign_and_submit, sign_step, upload
from hoso.records.tests.test_chain_settings import _lesson_plan, _set
from hoso.signing.documents import read_blob
from hoso.signing.engine.validate import pdfsig_all_intact
from hoso.signing.models import SignatureRecord
from hoso.signing.verification import validator
from tests.factories import World, api_login, login, province_world, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

TOGETHER = [
    {"role": "AUTHOR", "action": "sign"},
    {"role": "TTCM", "action": "approve_sign"},
    {"role": "PHT", "action": "approve_sign", "together": True},
]
REVIEWS_TOGETHER = [
    {"role": "TTCM", "action": "review"},
    {"role": "PHT", "action": "review", "together": True},
    {"role": "HT", "action": "approve_sign"},
]


@pytest.fixture
def world(settings: Any) -> World:
    """The school's teacher giaovien2, tổ trưởng, PHT and principal (with certificates), under
    a Sở whose specialist sets the chains."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # the Sở's pages without a phone at hand
    signers = ["giaovien2", "totruong", "phohieutruong", "hieutruong"]
    return with_certificates(province_world("ps"), signers)


def _waiting_for(user: Any) -> list[int]:
    return [w.record_id for w in selectors.review_queue(user)]


def test_to_truong_and_pht_sign_together_in_either_order(world: World) -> None:
    _set(world.people["so"], world.units["so"], TOGETHER)
    teacher, leader, deputy = (
        world.people[key] for key in ("giaovien2", "totruong", "phohieutruong")
    )
    record_id = upload(teacher, period="W31").record_id
    sign_and_submit(teacher, record_id)
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert [s["index"] for s in flow.open_steps] == [1, 2]
    assert record_id in _waiting_for(leader) and record_id in _waiting_for(deputy)
    page = login(world.people["giaovien2"]).get(f"/ho-so/{record_id}/").content.decode()
    assert "tổ trưởng chuyên môn và phó hiệu trưởng" in page

    sign_step(deputy, record_id)  # the PHT first, though the tổ trưởng's step comes first
    flow.refresh_from_db()
    assert Record.objects.get(pk=record_id).state == "submitted"
    assert [s["role"] for s in flow.open_steps] == ["TTCM"]
    assert record_id not in _waiting_for(deputy) and record_id in _waiting_for(leader)
    with pytest.raises(NotAllowed):
        sign_step(deputy, record_id)

    sign_step(leader, record_id)
    record = Record.objects.get(pk=record_id)
    assert record.state == "issued"
    version = record.versions.get()
    sigs = SignatureRecord.objects.filter(version=version).order_by("signed_at", "id")
    assert [(s.step, s.role, s.signer.username) for s in sigs] == [
        (0, "AUTHOR", "ps.giaovien2"),
        (2, "PHT", "ps.phohieutruong"),
        (1, "TTCM", "ps.totruong"),
    ]
    pdf = read_blob(version.signed_sha256)
    assert pdfsig_all_intact(pdf, 3)
    report = validator().validate(pdf)
    assert len(report.signatures) == 3 and report.all_valid


def _submitted_for_joint_review(world: World, period: str) -> int:
    """A lesson plan submitted to a chain where the TTCM and the PHT review together."""
    _set(world.people["so"], world.units["so"], REVIEWS_TOGETHER)
    teacher = world.people["giaovien2"]
    record_id = upload(teacher, period=period).record_id
    record_submit(actor=teacher, record_id=record_id)
    return int(record_id)


def test_one_return_in_a_stage_sends_the_record_back(world: World) -> None:
    record_id = _submitted_for_joint_review(world, "W32")

    record_approve(actor=world.people["totruong"], record_id=record_id)
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert flow.step == 0 and [s["role"] for s in flow.open_steps] == ["PHT"]
    kinds = RecordEvent.objects.filter(record_id=record_id).values_list("kind", flat=True)
    assert EventKind.REVIEWED in kinds and EventKind.APPROVED not in kinds

    record_return(actor=world.people["phohieutruong"], record_id=record_id, comment="Bổ sung.")
    assert Record.objects.get(pk=record_id).state == "returned"
    assert not Workflow.objects.filter(record_id=record_id, is_open=True).exists()


def test_both_reviews_open_the_next_stage(world: World) -> None:
    record_id = _submitted_for_joint_review(world, "W33")
    record_approve(actor=world.people["phohieutruong"], record_id=record_id)
    record_approve(actor=world.people["totruong"], record_id=record_id)
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert flow.step == 2 and flow.pending_role == "HT" and flow.pending_keys == "|RHT|"
    assert record_id in _waiting_for(world.people["hieutruong"])


def test_the_form_sets_a_stage_and_the_page_says_together(world: World) -> None:
    so, record_type = world.units["so"], _lesson_plan()
    url = f"/ho-so/chuoi-ky/{so.pk}/{record_type.pk}/"
    saved = login(world.people["so"]).post(
        url,
        {
            "action": ["sign", "approve_sign", "approve_sign"],
            "role": ["AUTHOR", "TTCM", "PHT"],
            "user": ["", "", ""],
            "together": ["", "", "1"],
        },
    )
    assert saved.status_code == 302
    assert chains.resolve(record_type, so).chain == TOGETHER
    page = login(world.people["so"]).get(url).content.decode()
    assert "Tổ trưởng chuyên môn và Phó hiệu trưởng cùng ký duyệt" in page


def test_the_api_sets_a_stage(world: World) -> None:
    so, record_type = world.units["so"], _lesson_plan()
    answer = api_login(world.people["so"]).put(
        f"/api/v1/signing-chains/{so.pk}/{record_type.pk}/",
        {"chain": TOGETHER, "delegate_to": ""},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert chains.resolve(record_type, so).chain == TOGETHER


def test_stages_that_make_no_sense_are_refused(world: World) -> None:
    so_specialist = world.people["so"]
    bad = {
        "cùng một việc": [
            {"role": "TTCM", "action": "review"},
            {"role": "PHT", "action": "approve_sign", "together": True},
        ],
        "Bước 1 không có bước nào trước": [{"role": "PHT", "action": "review", "together": True}],
        "không thực hiện cùng lúc": [
            {"role": "AUTHOR", "action": "sign"},
            {"role": "PHT", "action": "sign", "together": True},
        ],
        "cùng người thực hiện": [
            {"role": "PHT", "action": "review"},
            {"role": "TTCM", "action": "review", "together": True},
            {"role": "PHT", "action": "review", "together": True},
        ],
    }
    for message, chain in bad.items():
        with pytest.raises(DomainError, match=message):
            _set(so_specialist, world.units["so"], chain)
    assert not ChainSetting.objects.exists()
