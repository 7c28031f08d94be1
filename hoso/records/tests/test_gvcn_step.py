"""A chain step performed by "the GVCN of the record's class" (issue 11 item 1): set by the Sở
for homeroom books, resolved for each record from the class's current GVCN, refused for types
whose records have no class, audited; nobody acts while the class has no GVCN."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.conf import settings

from hoso.audit.models import AuditEntry
from hoso.core.errors import DomainError
from hoso.grading.models import Homeroom
from hoso.org.models import Role, SchoolYear
from hoso.policy import can, visible
from hoso.records import chains
from hoso.records.models import ChainSetting, Record, RecordState, RecordType, Workflow
from hoso.records.policies import steps_open_to
from hoso.records.services.chain_settings import chain_setting_save
from hoso.records.services.versions import Upload, record_upload
from hoso.records.services.workflow import record_submit
from hoso.records.tests.helpers import pdf, sign_step
from hoso.records.tests.test_homeroom import name_gvcn
from tests.factories import (
    UserFactory,
    World,
    api_login,
    classes_world,
    grant,
    login,
    with_certificates,
)

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings: Any) -> World:
    """A primary school whose classes 1A, 1B and 2A have their GVCN (giaovien and giaovien2
    sign with certificates, as does the PHT), the Sở's specialist and the administrator."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    world = classes_world("gs")
    for key, role in (("so", Role.CV_SO), ("admin", Role.QTHT)):
        person = UserFactory(username=f"gs.{key}", is_superuser=key == "admin")
        grant(person, role, world.units["so"])
        world.people[key] = person
    return with_certificates(world, ["giaovien", "giaovien2", "phohieutruong"])


GVCN_THEN_PHT = [{"role": "GVCN", "action": "sign"}, {"role": "PHT", "action": "approve_sign"}]


def _book_type(code: str = "TT28.SCN") -> RecordType:
    return RecordType.objects.get(code=code)


def set_gvcn_chain(world: World, code: str = "TT28.SCN") -> ChainSetting:
    """The Sở's chain for the homeroom book `code` (TT28.SCN primary, TT32.SCN secondary)."""
    return chain_setting_save(
        actor=world.people["so"],
        unit=world.units["so"],
        record_type=_book_type(code),
        chain=GVCN_THEN_PHT,
    )


def homeroom(world: World, skip: int = 0) -> Homeroom:
    rows = Homeroom.objects.filter(school_class__school=world.units["school"]).order_by("pk")
    return rows.select_related("teacher", "school_class")[skip]


def submitted_book(gvcn: Homeroom, period: str = "HK1", code: str = "TT28.SCN") -> Record:
    """The class's GVCN uploads and submits its book: the GVCN step waits."""
    version = record_upload(
        actor=gvcn.teacher,
        record_type=_book_type(code),
        upload=Upload(io.BytesIO(pdf("Sổ chủ nhiệm")), "so-chu-nhiem.pdf"),
        period_key=period,
        unit_id=gvcn.school_class_id,
    )
    return record_submit(actor=gvcn.teacher, record_id=version.record_id)


def _flow(record: Record) -> Workflow:
    return Workflow.objects.select_related("record__unit").get(record=record, is_open=True)


def _waiting_for(user: Any) -> set[int]:
    flows = visible(user, "records.workflow.act", Workflow.objects.filter(is_open=True))
    return set(flows.values_list("record_id", flat=True))


# --- setting the step ---------------------------------------------------------------------------


def test_the_so_sets_a_gvcn_step_for_homeroom_books_and_it_is_audited(world: World) -> None:
    setting = set_gvcn_chain(world)

    assert setting.chain == GVCN_THEN_PHT
    assert chains.describe(setting.chain) == [
        "Giáo viên chủ nhiệm của lớp ký số",
        "Phó hiệu trưởng ký duyệt",
    ]
    entry = AuditEntry.objects.filter(action="records.chain.set").latest("pk")
    assert entry.actor == world.people["so"]
    data = json.loads(entry.data)
    assert data["chain"] == GVCN_THEN_PHT
    assert data["before"] == [
        {"role": "AUTHOR", "action": "sign"},
        {"role": "PHT", "action": "approve_sign"},
    ]


def test_a_type_whose_records_have_no_class_cannot_use_it(world: World) -> None:
    lesson_plan = RecordType.objects.get(code="TT28.KHBD")
    with pytest.raises(DomainError) as refused:
        chain_setting_save(
            actor=world.people["so"],
            unit=world.units["so"],
            record_type=lesson_plan,
            chain=[{"role": "AUTHOR", "action": "sign"}, {"role": "GVCN", "action": "sign"}],
        )
    assert refused.value.fields["chain"] == [
        "Bước 2: hồ sơ “Kế hoạch bài dạy” không thuộc một lớp nên không có giáo viên chủ nhiệm "
        "của lớp; hãy chọn người thực hiện khác."
    ]
    assert not ChainSetting.objects.exists()
    assert "GVCN" not in chains.step_roles(lesson_plan)
    assert "GVCN" in chains.step_roles(_book_type())


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            {"role": "GVCN", "action": "approve_sign"},
            "Bước 1: giáo viên chủ nhiệm là người lập sổ của lớp nên chỉ ký số, không duyệt hay "
            "ký duyệt.",
        ),
        (
            {"role": "GVCN", "action": "seal"},
            "Bước 1: chỉ văn thư đóng dấu, và văn thư chỉ đóng dấu.",
        ),
    ],
)
def test_the_gvcn_only_signs(world: World, step: dict[str, Any], message: str) -> None:
    with pytest.raises(DomainError) as refused:
        chain_setting_save(
            actor=world.people["so"], unit=world.units["so"], record_type=_book_type(), chain=[step]
        )
    assert refused.value.fields["chain"] == [message]
    assert not ChainSetting.objects.exists()


def test_the_gvcn_is_never_named(world: World) -> None:
    gvcn = homeroom(world).teacher
    with pytest.raises(DomainError) as refused:
        chain_setting_save(
            actor=world.people["so"],
            unit=world.units["so"],
            record_type=_book_type(),
            chain=[{"role": "GVCN", "action": "sign", "user": gvcn.pk}],
        )
    assert refused.value.fields["chain"] == [
        "Bước 1: giáo viên chủ nhiệm được xác định theo lớp của từng hồ sơ, không chọn đích danh."
    ]


# --- who acts ------------------------------------------------------------------------------------


def test_the_gvcn_of_the_records_class_takes_the_step(world: World) -> None:
    set_gvcn_chain(world)
    gvcn = homeroom(world)
    other = homeroom(world, skip=1)
    assert other.teacher_id != gvcn.teacher_id
    record = submitted_book(gvcn)
    flow = _flow(record)

    assert (flow.pending_role, flow.pending_action, flow.pending_keys) == (
        "GVCN",
        "sign",
        "|RGVCN|",
    )
    assert flow.pending_who == "giáo viên chủ nhiệm của lớp"
    assert can(gvcn.teacher, "records.workflow.act", flow)
    assert [s["role"] for s in steps_open_to(gvcn.teacher, flow)] == ["GVCN"]
    assert record.pk in _waiting_for(gvcn.teacher)
    for key in ("hieutruong", "phohieutruong", "totruong", "admin"):
        assert not can(world.people[key], "records.workflow.act", flow), key
        assert record.pk not in _waiting_for(world.people[key]), key
    assert not can(other.teacher, "records.workflow.act", flow)
    assert record.pk not in _waiting_for(other.teacher)


def test_a_new_gvcn_takes_over_a_waiting_step(world: World) -> None:
    set_gvcn_chain(world)
    gvcn = homeroom(world)
    record = submitted_book(gvcn)
    newcomer = homeroom(world, skip=1).teacher

    name_gvcn(world.people["hieutruong"], gvcn.school_class, newcomer)

    flow = _flow(record)
    assert can(newcomer, "records.workflow.act", flow)
    assert record.pk in _waiting_for(newcomer)
    assert not can(gvcn.teacher, "records.workflow.act", flow)
    assert record.pk not in _waiting_for(gvcn.teacher)
    assert can(newcomer, "records.record.view", record)  # the class's book, now theirs to sign
    sign_step(newcomer, record.pk)
    flow = _flow(record)
    assert (flow.pending_role, flow.pending_action) == ("PHT", "approve_sign")


def test_a_class_without_gvcn_leaves_the_step_to_nobody_and_the_page_says_so(world: World) -> None:
    set_gvcn_chain(world)
    gvcn = homeroom(world)
    record = submitted_book(gvcn)
    name_gvcn(world.people["hieutruong"], gvcn.school_class, None)

    flow = _flow(record)
    for user in [gvcn.teacher, world.people["hieutruong"], world.people["admin"]]:
        assert not can(user, "records.workflow.act", flow)
        assert record.pk not in _waiting_for(user)
    year = SchoolYear.objects.get(is_current=True)
    page = login(world.people["hieutruong"]).get(f"/ho-so/{record.pk}/").content.decode()
    assert (
        f"{gvcn.school_class.name} chưa có giáo viên chủ nhiệm năm học {year.name}: chưa ai "
        "thực hiện được bước này." in page
    )
    assert 'data-testid="pending-missing"' in page
    with pytest.raises(DomainError):
        sign_step(gvcn.teacher, record.pk)
    assert _flow(record).pending_role == "GVCN"  # nothing moved


def test_a_record_in_flight_keeps_its_chain(world: World) -> None:
    gvcn = homeroom(world)
    record = submitted_book(gvcn)  # the catalogue's chain: the author signs first
    set_gvcn_chain(world)
    assert _flow(record).chain[0] == {"role": "AUTHOR", "action": "sign"}
    assert _flow(record).pending_role == "AUTHOR"


# --- over HTTP ------------------------------------------------------------------------------------


def _file(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def test_a_book_moves_through_a_gvcn_step_over_the_api(world: World) -> None:
    so, book = world.units["so"], _book_type()
    chain_api = api_login(world.people["so"])
    url = f"/api/v1/signing-chains/{so.pk}/{book.pk}/"
    answer = chain_api.put(url, {"chain": GVCN_THEN_PHT}, format="json")
    assert answer.status_code == 200, answer.json()
    assert [(s["role"], s["role_label"]) for s in answer.json()["chain"]] == [
        ("GVCN", "Giáo viên chủ nhiệm của lớp"),
        ("PHT", "Phó hiệu trưởng"),
    ]
    gvcn = homeroom(world)
    teacher = api_login(gvcn.teacher)
    created = teacher.post(
        "/api/v1/records/",
        {
            "file": _file(pdf("Sổ chủ nhiệm"), "scn.pdf"),
            "record_type": "TT28.SCN",
            "period": "HK1",
            "unit": gvcn.school_class_id,
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert teacher.post(f"/api/v1/records/{pk}/submit/").json()["state"] == "submitted"
    pending = teacher.get(f"/api/v1/records/{pk}/").json()["pending"]
    assert (pending["role"], pending["who"], pending["missing"]) == (
        "GVCN",
        "giáo viên chủ nhiệm của lớp",
        "",
    )

    outsider = api_login(homeroom(world, skip=1).teacher)
    password = {"passphrase": settings.DEMO_PASSWORD}
    assert outsider.post(f"/api/v1/records/{pk}/sign/", password, format="json").status_code in (
        403,
        404,
    )
    signed = teacher.post(f"/api/v1/records/{pk}/sign/", password, format="json")
    assert signed.status_code == 201, signed.json()
    leader = api_login(world.people["phohieutruong"])
    approved = leader.post(f"/api/v1/records/{pk}/sign/", password, format="json")
    assert approved.status_code == 201, approved.json()
    assert Record.objects.get(pk=pk).state == RecordState.ISSUED
    signatures = teacher.get(f"/api/v1/records/{pk}/signatures/").json()
    assert len(signatures["versions"][0]["signatures"]) == 2


def test_the_chain_page_offers_the_gvcn_for_homeroom_books_only(world: World) -> None:
    so, page = world.units["so"], login(world.people["so"])
    book = page.get(f"/ho-so/chuoi-ky/{so.pk}/{_book_type().pk}/").content.decode()
    assert '<option value="GVCN">Giáo viên chủ nhiệm của lớp</option>' in book
    lesson_plan = RecordType.objects.get(code="TT28.KHBD")
    plan = page.get(f"/ho-so/chuoi-ky/{so.pk}/{lesson_plan.pk}/").content.decode()
    assert 'value="GVCN"' not in plan

    saved = page.post(
        f"/ho-so/chuoi-ky/{so.pk}/{_book_type().pk}/",
        {"action": ["sign", "approve_sign"], "role": ["GVCN", "PHT"], "together": ["", ""]},
    )
    assert saved.status_code == 302
    assert ChainSetting.objects.get(unit=so).chain == GVCN_THEN_PHT
    shown = page.get(saved["Location"]).content.decode()
    assert "Giáo viên chủ nhiệm của lớp ký số → Phó hiệu trưởng ký duyệt" in shown
