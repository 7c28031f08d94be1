"""Signing chains as data: the Sở sets a type's chain for the units below it and may let the
Phòng, or the Phòng and the schools, set theirs; a chain may name one person; changes are
audited and apply to records submitted afterwards; bad chains are refused in Vietnamese and
change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError, NotAllowed
from hoso.org.models import Unit
from hoso.records import chains
from hoso.records.models import ChainSetting, Record, RecordType, Workflow
from hoso.records.services.chain_settings import chain_setting_reset, chain_setting_save
from hoso.records.services.workflow import record_submit
from hoso.records.tests.helpers import sign_and_submit, sign_step, upload
from hoso.signing.models import SignatureRecord
from tests.factories import World, api_login, login, province_world, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

PHT_SIGNS = [{"role": "AUTHOR", "action": "sign"}, {"role": "PHT", "action": "approve_sign"}]
SIGNERS = ["giaovien2", "totruong", "phohieutruong", "hieutruong"]


@pytest.fixture
def world(settings: Any) -> World:
    """A Sở with two Phòng: the school (its Tổ 1, PHT and principal sign with certificates)
    under the first, another school ("school2") under the second; the Sở's and the first
    Phòng's specialists."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    return with_certificates(province_world("cs"), SIGNERS)


def _lesson_plan() -> RecordType:
    return RecordType.objects.get(code="TT28.KHBD")


def _set(user: Any, unit: Unit, chain: Any, delegate_to: str = "") -> ChainSetting:
    return chain_setting_save(
        actor=user, unit=unit, record_type=_lesson_plan(), chain=chain, delegate_to=delegate_to
    )


def test_the_so_sets_the_chain_through_the_page_and_new_records_follow_it(world: World) -> None:
    so = world.units["so"]
    record_type = _lesson_plan()
    page = login(world.people["so"]).get(f"/ho-so/chuoi-ky/{so.pk}/{record_type.pk}/")
    assert page.status_code == 200
    assert "Người lập ký → Tổ trưởng chuyên môn ký duyệt" in page.content.decode()

    saved = login(world.people["so"]).post(
        f"/ho-so/chuoi-ky/{so.pk}/{record_type.pk}/",
        {
            "action": ["sign", "approve_sign", ""],
            "role": ["AUTHOR", "PHT", ""],
            "user": ["", "", ""],
        },
    )
    assert saved.status_code == 302
    assert ChainSetting.objects.get(unit=so, record_type=record_type).chain == PHT_SIGNS
    entry = AuditEntry.objects.filter(action="records.chain.set").latest("seq")
    assert entry.unit_id == so.pk and entry.actor_name == "cs.so"
    listing = login(world.people["so"]).get("/ho-so/chuoi-ky/").content.decode()
    assert "Người lập ký → Phó hiệu trưởng ký duyệt" in listing

    teacher = world.people["giaovien2"]
    record_id = upload(teacher, period="W33").record_id
    sign_and_submit(teacher, record_id)
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert (flow.chain, flow.pending_role) == (PHT_SIGNS, "PHT")
    sign_step(world.people["phohieutruong"], record_id)
    record = Record.objects.get(pk=record_id)
    assert record.state == "issued"
    roles = SignatureRecord.objects.filter(version__record=record).order_by("signed_at", "id")
    assert [(s.role, s.signer.username) for s in roles] == [
        ("AUTHOR", "cs.giaovien2"),
        ("PHT", "cs.phohieutruong"),
    ]


def test_a_record_in_flight_keeps_the_chain_it_started_with(world: World) -> None:
    teacher = world.people["giaovien2"]
    record_id = upload(teacher, period="W34").record_id
    sign_and_submit(teacher, record_id)
    _set(world.people["so"], world.units["so"], PHT_SIGNS)
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert flow.pending_role == "TTCM" and flow.chain[1]["role"] == "TTCM"
    sign_step(world.people["totruong"], record_id)
    assert Record.objects.get(pk=record_id).state == "issued"


def test_the_phong_and_the_school_set_their_own_only_where_the_so_allows(world: World) -> None:
    phong_specialist, principal = world.people["chuyenvien"], world.people["hieutruong"]
    record_type = _lesson_plan()
    assert not chains.may_set_at(record_type, world.units["phong"])
    with pytest.raises(NotAllowed, match="chưa cho phép"):
        _set(phong_specialist, world.units["phong"], PHT_SIGNS)

    default = list(record_type.signing_chain)
    _set(world.people["so"], world.units["so"], default, delegate_to="PHONG")
    _set(phong_specialist, world.units["phong"], PHT_SIGNS)
    assert chains.resolve(record_type, world.units["school"]).chain == PHT_SIGNS
    assert chains.resolve(record_type, world.units["school2"]).chain == default  # another district
    with pytest.raises(NotAllowed, match="chưa cho phép"):
        _set(principal, world.units["school"], default)

    _set(phong_specialist, world.units["phong"], PHT_SIGNS, delegate_to="TRUONG")
    ttcm_only = [{"role": "AUTHOR", "action": "sign"}, {"role": "TTCM", "action": "review"}]
    _set(principal, world.units["school"], ttcm_only)
    assert chains.resolve(record_type, world.units["school"]).chain == ttcm_only

    chain_setting_reset(actor=principal, unit=world.units["school"], record_type=record_type)
    # the Phòng's again
    assert chains.resolve(record_type, world.units["school"]).chain == PHT_SIGNS


def test_nobody_sets_a_chain_for_a_unit_they_do_not_lead(world: World) -> None:
    _set(world.people["so"], world.units["so"], PHT_SIGNS, delegate_to="TRUONG")
    for username, key in [
        ("school2.hieutruong", "school"),
        ("giaovien", "school"),
        ("hieutruong", "so"),
    ]:
        with pytest.raises(NotAllowed):
            _set(world.people[username], world.units[key], PHT_SIGNS)
    assert ChainSetting.objects.count() == 1


def test_a_chain_names_one_person_and_the_principal_can_stand_in(world: World) -> None:
    _set(world.people["so"], world.units["so"], list(_lesson_plan().signing_chain), "TRUONG")
    deputy = world.people["phohieutruong"]
    named = [
        {"role": "AUTHOR", "action": "sign"},
        {"role": "PHT", "action": "approve_sign", "user": deputy.pk},
    ]
    _set(world.people["hieutruong"], world.units["school"], named)

    teacher = world.people["giaovien2"]
    record_id = upload(teacher, period="W35").record_id
    sign_and_submit(teacher, record_id)
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert flow.pending_user_id == deputy.pk
    page = login(world.people["phohieutruong"]).get(f"/ho-so/{record_id}/").content.decode()
    assert 'data-testid="step-sign"' in page
    assert "(phó hiệu trưởng)" in page and "(PHT)" not in page
    assert login(world.people["school2.hieutruong"]).get(f"/ho-so/{record_id}/").status_code == 404
    principal_page = login(world.people["hieutruong"]).get(f"/ho-so/{record_id}/").content.decode()
    assert 'data-testid="step-sign"' in principal_page  # stands in for the named deputy

    sign_step(world.people["hieutruong"], record_id)
    assert Record.objects.get(pk=record_id).state == "issued"


def test_bad_chains_are_refused_in_vietnamese_and_nothing_changes(world: World) -> None:
    so_specialist = world.people["so"]
    bad = {
        "Chuỗi phải có ít nhất một bước": [],
        "Đóng dấu phải là bước cuối cùng": [
            {"role": "VT", "action": "seal"},
            {"role": "HT", "action": "sign"},
        ],
        "ở bước đầu tiên": [
            {"role": "TTCM", "action": "review"},
            {"role": "AUTHOR", "action": "sign"},
        ],
        "chỉ văn thư đóng dấu": [{"role": "HT", "action": "seal"}],
        "không tự duyệt": [{"role": "AUTHOR", "action": "approve_sign"}],
        "người thực hiện phù hợp": [{"role": "GD", "action": "sign"}],
        "hãy chọn việc": [{"role": "HT", "action": "ky"}],
        "chỉ chọn đích danh": [{"role": "PHT", "action": "sign", "user": 1}],
        "tối đa 8 bước": [{"role": "HT", "action": "review"}] * 9,
    }
    for message, chain in bad.items():
        with pytest.raises(DomainError, match=message):
            _set(so_specialist, world.units["so"], chain)
    _set(so_specialist, world.units["so"], list(_lesson_plan().signing_chain), "TRUONG")
    teacher = world.people["giaovien"]
    with pytest.raises(DomainError, match="không giữ vai trò"):
        _set(
            world.people["hieutruong"],
            world.units["school"],
            [{"role": "PHT", "action": "sign", "user": teacher.pk}],
        )
    assert ChainSetting.objects.count() == 1
    assert AuditEntry.objects.filter(action="records.chain.set").count() == 1


def test_a_review_only_chain_says_plainly_that_the_record_is_issued_unsigned(world: World) -> None:
    _set(world.people["so"], world.units["so"], [{"role": "TTCM", "action": "review"}])
    record_id = upload(world.people["giaovien2"], period="W36").record_id
    page = login(world.people["giaovien2"]).get(f"/ho-so/{record_id}/").content.decode()
    assert "ban hành không có chữ ký số" in page and "Ký và trình" not in page
    record_submit(actor=world.people["giaovien2"], record_id=record_id)
    assert Workflow.objects.get(record_id=record_id, is_open=True).pending_action == "review"


def test_the_api_reads_sets_and_resets_a_chain(world: World) -> None:
    so, record_type = world.units["so"], _lesson_plan()
    api = api_login(world.people["so"])
    listing = api.get(f"/api/v1/signing-chains/?unit={so.pk}")
    assert listing.status_code == 200
    row = next(r for r in listing.json()["types"] if r["code"] == "TT28.KHBD")
    assert row["own"] is False and row["may_set"] is True and row["source_unit"] is None

    url = f"/api/v1/signing-chains/{so.pk}/{record_type.pk}/"
    answer = api.put(url, {"chain": PHT_SIGNS, "delegate_to": "PHONG"}, format="json")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["own"] is True and body["delegate_to"] == "PHONG"
    assert [step["role"] for step in body["chain"]] == ["AUTHOR", "PHT"]
    assert body["history"][0]["action"] == "set"

    refused = api.put(url, {"chain": [{"role": "VT", "action": "review"}]}, format="json")
    assert refused.status_code == 400 and "văn thư" in refused.json()["message"]
    assert ChainSetting.objects.get(unit=so).chain == PHT_SIGNS

    assert api_login(world.people["giaovien"]).get(url).status_code == 404
    assert (
        api_login(world.people["chuyenvien"])
        .put(url, {"chain": PHT_SIGNS}, format="json")
        .status_code
        == 404
    )
    assert api.delete(url).status_code == 204
    assert not ChainSetting.objects.exists()


def test_a_teacher_has_no_chain_pages(world: World) -> None:
    assert login(world.people["giaovien"]).get("/ho-so/chuoi-ky/").status_code == 404
