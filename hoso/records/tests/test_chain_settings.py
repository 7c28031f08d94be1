"""Signing chains as data: the Sở sets a type's chain for the units below it and may let the
Phòng, or the Phòng and the schools, set theirs; a chain may name one person; changes are
audited and apply to records submitted afterwards; bad chains are refused in Vietnamese and
change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError, NotAllowed
from hoso.org.demo import DEMO_SO_CODE
from hoso.org.models import Unit
from hoso.records import chains
from hoso.records.models import ChainSetting, Record, RecordType, Workflow
from hoso.records.services.chain_settings import chain_setting_reset, chain_setting_save
from hoso.records.services.workflow import record_submit
from hoso.records.tests.helpers import sign_and_submit, sign_step, upload
from hoso.signing.models import SignatureRecord

pytestmark = pytest.mark.django_db

PHT_SIGNS = [{"role": "AUTHOR", "action": "sign"}, {"role": "PHT", "action": "approve_sign"}]


def unit(key: str) -> Unit:
    """A demo unit by its key: "so", "phong1", "th1", "th2"."""
    codes = {"so": DEMO_SO_CODE, "phong1": "PGD-1", "th1": "TH1", "th2": "TH2"}
    return Unit.objects.get(code=codes[key])


def _lesson_plan() -> RecordType:
    return RecordType.objects.get(code="TT28.KHBD")


def _set(user: Any, unit: Unit, chain: Any, delegate_to: str = "") -> ChainSetting:
    return chain_setting_save(
        actor=user, unit=unit, record_type=_lesson_plan(), chain=chain, delegate_to=delegate_to
    )


def test_the_so_sets_the_chain_through_the_page_and_new_records_follow_it(
    demo_user: Any, client_for: Any
) -> None:
    so = unit("so")
    record_type = _lesson_plan()
    page = client_for("so.chuyenvien").get(f"/ho-so/chuoi-ky/{so.pk}/{record_type.pk}/")
    assert page.status_code == 200
    assert "Người lập ký → Tổ trưởng chuyên môn ký duyệt" in page.content.decode()

    saved = client_for("so.chuyenvien").post(
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
    assert entry.unit_id == so.pk and entry.actor_name == "so.chuyenvien"
    listing = client_for("so.chuyenvien").get("/ho-so/chuoi-ky/").content.decode()
    assert "Người lập ký → Phó hiệu trưởng ký duyệt" in listing

    teacher = demo_user("th1.giaovien2")
    record_id = upload(teacher, period="W33").record_id
    sign_and_submit(teacher, record_id)
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert (flow.chain, flow.pending_role) == (PHT_SIGNS, "PHT")
    sign_step(demo_user("th1.phohieutruong"), record_id)
    record = Record.objects.get(pk=record_id)
    assert record.state == "issued"
    roles = SignatureRecord.objects.filter(version__record=record).order_by("signed_at", "id")
    assert [(s.role, s.signer.username) for s in roles] == [
        ("AUTHOR", "th1.giaovien2"),
        ("PHT", "th1.phohieutruong"),
    ]


def test_a_record_in_flight_keeps_the_chain_it_started_with(demo_user: Any) -> None:
    teacher = demo_user("th1.giaovien2")
    record_id = upload(teacher, period="W34").record_id
    sign_and_submit(teacher, record_id)
    _set(demo_user("so.chuyenvien"), unit("so"), PHT_SIGNS)
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert flow.pending_role == "TTCM" and flow.chain[1]["role"] == "TTCM"
    sign_step(demo_user("th1.totruong"), record_id)
    assert Record.objects.get(pk=record_id).state == "issued"


def test_the_phong_and_the_school_set_their_own_only_where_the_so_allows(demo_user: Any) -> None:
    phong_specialist, principal = demo_user("phong1.chuyenvien"), demo_user("th1.hieutruong")
    record_type = _lesson_plan()
    assert not chains.may_set_at(record_type, unit("phong1"))
    with pytest.raises(NotAllowed, match="chưa cho phép"):
        _set(phong_specialist, unit("phong1"), PHT_SIGNS)

    default = list(record_type.signing_chain)
    _set(demo_user("so.chuyenvien"), unit("so"), default, delegate_to="PHONG")
    _set(phong_specialist, unit("phong1"), PHT_SIGNS)
    assert chains.resolve(record_type, unit("th1")).chain == PHT_SIGNS
    assert chains.resolve(record_type, unit("th2")).chain == default  # another district
    with pytest.raises(NotAllowed, match="chưa cho phép"):
        _set(principal, unit("th1"), default)

    _set(phong_specialist, unit("phong1"), PHT_SIGNS, delegate_to="TRUONG")
    ttcm_only = [{"role": "AUTHOR", "action": "sign"}, {"role": "TTCM", "action": "review"}]
    _set(principal, unit("th1"), ttcm_only)
    assert chains.resolve(record_type, unit("th1")).chain == ttcm_only

    chain_setting_reset(actor=principal, unit=unit("th1"), record_type=record_type)
    assert chains.resolve(record_type, unit("th1")).chain == PHT_SIGNS  # the Phòng's again


def test_nobody_sets_a_chain_for_a_unit_they_do_not_lead(demo_user: Any) -> None:
    _set(demo_user("so.chuyenvien"), unit("so"), PHT_SIGNS, delegate_to="TRUONG")
    for username, key in [
        ("th2.hieutruong", "th1"),
        ("th1.giaovien1", "th1"),
        ("th1.hieutruong", "so"),
    ]:
        with pytest.raises(NotAllowed):
            _set(demo_user(username), unit(key), PHT_SIGNS)
    assert ChainSetting.objects.count() == 1


def test_a_chain_names_one_person_and_the_principal_can_stand_in(
    demo_user: Any, client_for: Any
) -> None:
    _set(demo_user("so.chuyenvien"), unit("so"), list(_lesson_plan().signing_chain), "TRUONG")
    deputy = demo_user("th1.phohieutruong")
    named = [
        {"role": "AUTHOR", "action": "sign"},
        {"role": "PHT", "action": "approve_sign", "user": deputy.pk},
    ]
    _set(demo_user("th1.hieutruong"), unit("th1"), named)

    teacher = demo_user("th1.giaovien2")
    record_id = upload(teacher, period="W35").record_id
    sign_and_submit(teacher, record_id)
    flow = Workflow.objects.get(record_id=record_id, is_open=True)
    assert flow.pending_user_id == deputy.pk
    page = client_for("th1.phohieutruong").get(f"/ho-so/{record_id}/").content.decode()
    assert 'data-testid="step-sign"' in page
    assert "(phó hiệu trưởng)" in page and "(PHT)" not in page
    assert client_for("th2.hieutruong").get(f"/ho-so/{record_id}/").status_code == 404
    principal_page = client_for("th1.hieutruong").get(f"/ho-so/{record_id}/").content.decode()
    assert 'data-testid="step-sign"' in principal_page  # stands in for the named deputy

    sign_step(demo_user("th1.hieutruong"), record_id)
    assert Record.objects.get(pk=record_id).state == "issued"


def test_bad_chains_are_refused_in_vietnamese_and_nothing_changes(demo_user: Any) -> None:
    so_specialist = demo_user("so.chuyenvien")
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
            _set(so_specialist, unit("so"), chain)
    _set(so_specialist, unit("so"), list(_lesson_plan().signing_chain), "TRUONG")
    teacher = demo_user("th1.giaovien1")
    with pytest.raises(DomainError, match="không giữ vai trò"):
        _set(
            demo_user("th1.hieutruong"),
            unit("th1"),
            [{"role": "PHT", "action": "sign", "user": teacher.pk}],
        )
    assert ChainSetting.objects.count() == 1
    assert AuditEntry.objects.filter(action="records.chain.set").count() == 1


def test_a_review_only_chain_says_plainly_that_the_record_is_issued_unsigned(
    demo_user: Any, client_for: Any
) -> None:
    _set(demo_user("so.chuyenvien"), unit("so"), [{"role": "TTCM", "action": "review"}])
    record_id = upload(demo_user("th1.giaovien2"), period="W36").record_id
    page = client_for("th1.giaovien2").get(f"/ho-so/{record_id}/").content.decode()
    assert "ban hành không có chữ ký số" in page and "Ký và trình" not in page
    record_submit(actor=demo_user("th1.giaovien2"), record_id=record_id)
    assert Workflow.objects.get(record_id=record_id, is_open=True).pending_action == "review"


def test_the_api_reads_sets_and_resets_a_chain(demo_user: Any, api_for: Any) -> None:
    so, record_type = unit("so"), _lesson_plan()
    api = api_for("so.chuyenvien")
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

    assert api_for("th1.giaovien1").get(url).status_code == 404
    assert (
        api_for("phong1.chuyenvien").put(url, {"chain": PHT_SIGNS}, format="json").status_code
        == 404
    )
    assert api.delete(url).status_code == 204
    assert not ChainSetting.objects.exists()


def test_a_teacher_has_no_chain_pages(client_for: Any) -> None:
    assert client_for("th1.giaovien1").get("/ho-so/chuoi-ky/").status_code == 404
