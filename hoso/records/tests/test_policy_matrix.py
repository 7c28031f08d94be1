"""The records policy as a matrix: every role × every records action × where the record sits.

Actors are the people of a province_world (tests/factories.py) by role, as
hoso/policy/tests/test_matrix.py names them in the demo. Expectations are written by hand
from the documented rules (docs/records.md, docs/conventions.md, the docstrings of
hoso/records/policies.py), never computed: drafts (never submitted) are their owner's alone; a
school's HT, PHT and VT read every submitted record of the school; a TTCM reads the submitted
records of the tổ; the offices read the submitted records of the schools below them; everyone
else at a school reads only its issued or archived records; the administrator reads every
submitted record. Where an action has a list scope, `visible` must agree with `can`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from hoso.org.models import Role, SchoolYear, Unit, UnitKind
from hoso.policy import can, visible
from hoso.policy.tests.matrix import assert_row
from hoso.records.models import DueItem, Record, RecordType, Workflow
from tests.factories import UnitFactory, UserFactory, World, grant, province_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

COVERED = {
    "records.record.view",
    "records.record.edit",
    "records.record.archive",
    "records.record.delete",
    "records.record.create",
    "records.unit.oversee",
    "records.due.view",
    "records.due.extend",
    "records.type.manage",
    "records.type.view",
    "records.chain.set",
    "records.workflow.act",
    "records.evidence.tag",
    "records.evidence.view",
    "records.type.define",
    "records.type.delegate",
    "records.type.revise",
}

# role → the province_world's person holding it ("th1" below is the world's school, "thcs1"
# its THCS school, "th2" the school of the second Phòng)
ACTORS = {
    "GV": "giaovien",
    "TTCM": "totruong",
    "PHT": "phohieutruong",
    "HT": "hieutruong",
    "VT": "vanthu",
    "TV": "thuthu",
    "CV_PHONG": "chuyenvien",
    "CV_SO": "so",
    "QTHT": "admin",
}
T, F = True, False

# Records: the actor's own draft (in the actor's own unit), then, relative to th1 Tổ 1:
# a colleague's draft in Tổ 1, a colleague's submitted record in Tổ 1, a submitted record of
# Tổ 4-5 of th1, an issued record of Tổ 4-5 of th1, a submitted and a draft record of thcs1
# (same Phòng), a submitted and an issued record of th2 (the other Phòng).
RECORD_CELLS = (
    "own_draft",
    "group_draft",
    "group_submitted",
    "school_submitted",
    "school_issued",
    "other_school_submitted",
    "other_school_draft",
    "district_submitted",
    "district_issued",
)
RECORD_VIEW = {
    "GV": (T, F, F, F, T, F, F, F, F),
    "TTCM": (T, F, T, F, T, F, F, F, F),
    "PHT": (T, F, T, T, T, F, F, F, F),
    "HT": (T, F, T, T, T, F, F, F, F),
    "VT": (T, F, T, T, T, F, F, F, F),
    "TV": (T, F, F, F, T, F, F, F, F),
    "CV_PHONG": (T, F, T, T, T, T, F, F, F),
    "CV_SO": (T, F, T, T, T, T, F, T, T),
    "QTHT": (T, F, T, T, T, T, F, T, T),
}
# Upload a new version, submit: the owner only.
RECORD_EDIT = dict.fromkeys(ACTORS, (T, F, F, F, F, F, F, F, F))
# Archive: the HT or the VT of the record's school (an office's own records: its TP, GD or
# clerk), the administrator everywhere. Office specialists keep their own drafts at their
# office but are not its head: they may not archive them.
RECORD_ARCHIVE = {
    "GV": (F, F, F, F, F, F, F, F, F),
    "TTCM": (F, F, F, F, F, F, F, F, F),
    "PHT": (F, F, F, F, F, F, F, F, F),
    "HT": (T, T, T, T, T, F, F, F, F),
    "VT": (T, T, T, T, T, F, F, F, F),
    "TV": (F, F, F, F, F, F, F, F, F),
    "CV_PHONG": (F, F, F, F, F, F, F, F, F),
    "CV_SO": (F, F, F, F, F, F, F, F, F),
    "QTHT": (T, T, T, T, T, T, T, T, T),
}
# Ask to delete: the owner of a never-submitted record; the HT or VT of its school
# (docs/records.md).
RECORD_DELETE = {
    role: tuple(own or archive for own, archive in zip(RECORD_EDIT[role], row, strict=True))
    for role, row in RECORD_ARCHIVE.items()
}

# Units: Tổ 1 of th1, Tổ 4-5 of th1, th1, thcs1 (same Phòng), Phòng 1, th2 (other Phòng).
UNIT_CODES = ("to", "to45", "school", "thcs", "phong", "school2")
# See completion: leaders of the unit's school, its group leader, the offices above, the admin.
UNIT_OVERSEE = {
    "GV": (F, F, F, F, F, F),
    "TTCM": (T, F, F, F, F, F),
    "PHT": (T, T, T, F, F, F),
    "HT": (T, T, T, F, F, F),
    "VT": (T, T, T, F, F, F),
    "TV": (F, F, F, F, F, F),
    "CV_PHONG": (T, T, T, T, T, F),
    "CV_SO": (T, T, T, T, T, T),
    "QTHT": (T, T, T, T, T, T),
}

# Places to create or configure in: th1, thcs1, th2, Phòng 1, Phòng 2, the Sở.
PLACE_CODES = ("school", "thcs", "school2", "phong", "phong2", "so")
# Create a record: staff of the school at a school; an office's own staff for the office.
RECORD_CREATE = {
    "GV": (T, F, F, F, F, F),
    "TTCM": (T, F, F, F, F, F),
    "PHT": (T, F, F, F, F, F),
    "HT": (T, F, F, F, F, F),
    "VT": (T, F, F, F, F, F),
    "TV": (T, F, F, F, F, F),
    "CV_PHONG": (F, F, F, T, F, F),
    "CV_SO": (F, F, F, F, F, T),
    "QTHT": (F, F, F, F, F, F),
}
# Add record types below a unit: its HT or VT at a school, its own inspectors at an office.
TYPE_MANAGE = {
    "GV": (F, F, F, F, F, F),
    "TTCM": (F, F, F, F, F, F),
    "PHT": (F, F, F, F, F, F),
    "HT": (T, F, F, F, F, F),
    "VT": (T, F, F, F, F, F),
    "TV": (F, F, F, F, F, F),
    "CV_PHONG": (F, F, F, T, F, F),
    "CV_SO": (F, F, F, F, F, T),
    "QTHT": (T, T, T, T, T, T),
}
# Set signing chains: GD/PGD/CV_SO at the Sở, TP/PTP/CV_PHONG at a Phòng, the HT at a school.
CHAIN_SET = {
    "GV": (F, F, F, F, F, F),
    "TTCM": (F, F, F, F, F, F),
    "PHT": (F, F, F, F, F, F),
    "HT": (T, F, F, F, F, F),
    "VT": (F, F, F, F, F, F),
    "TV": (F, F, F, F, F, F),
    "CV_PHONG": (F, F, F, T, F, F),
    "CV_SO": (F, F, F, F, F, T),
    "QTHT": (T, T, T, T, T, T),
}

# Define or adapt record types for the schools below: the Sở's leaders and specialists at the
# Sở; a Phòng's only when the Sở allows it (this Sở does not); never at a school.
TYPE_DEFINE = {
    "GV": (F, F, F, F, F, F),
    "TTCM": (F, F, F, F, F, F),
    "PHT": (F, F, F, F, F, F),
    "HT": (F, F, F, F, F, F),
    "VT": (F, F, F, F, F, F),
    "TV": (F, F, F, F, F, F),
    "CV_PHONG": (F, F, F, F, F, F),
    "CV_SO": (F, F, F, F, F, T),
    "QTHT": (F, F, F, F, F, T),
}
# Let the Phòng define types: at the Sở only, by its people (or the administrator).
TYPE_DELEGATE = {role: (F, F, F, F, F, role in ("CV_SO", "QTHT")) for role in TYPE_DEFINE}
# With the Sở's permission, the Phòng's specialist defines for the Phòng (and only there).
TYPE_DEFINE_ALLOWED = {
    **TYPE_DEFINE,
    "CV_PHONG": (F, F, F, T, F, F),
    "QTHT": (F, F, F, T, T, T),
}

# Due items: the actor's own, a colleague's in Tổ 1, one of Tổ 4-5 of th1, one of thcs1, one
# of th2. Seen by the owner and by whoever oversees the item's unit.
DUE_VIEW = {
    "GV": (T, F, F, F, F),
    "TTCM": (T, T, F, F, F),
    "PHT": (T, T, T, F, F),
    "HT": (T, T, T, F, F),
    "VT": (T, T, T, F, F),
    "TV": (T, F, F, F, F),
    "CV_PHONG": (T, T, T, T, F),
    "CV_SO": (T, T, T, T, T),
    "QTHT": (T, T, T, T, T),
}
# Extend a deadline: the HT or PHT of the item's school (docs/records.md), the administrator.
# The actor's own item sits at the actor's school (an office's item: no school leader there).
DUE_EXTEND = {
    "GV": (F, F, F, F, F),
    "TTCM": (F, F, F, F, F),
    "PHT": (T, T, T, F, F),
    "HT": (T, T, T, F, F),
    "VT": (F, F, F, F, F),
    "TV": (F, F, F, F, F),
    "CV_PHONG": (F, F, F, F, F),
    "CV_SO": (F, F, F, F, F),
    "QTHT": (T, T, T, T, T),
}


@pytest.fixture
def world() -> World:
    """A province_world whose THCS school has a Tổ with a teacher ("thcs.giaovien")."""
    world = province_world("rm")
    group = UnitFactory(
        code="rm-THCS-TOAN", name="Tổ Toán", kind=UnitKind.TO, parent=world.units["thcs"]
    )
    world.units["thcs.to"] = group
    teacher = UserFactory(username="rm.thcs.giaovien")
    grant(teacher, Role.GV, group)
    world.people["thcs.giaovien"], world.posts["thcs.giaovien"] = teacher, "thcs.to"
    return world


def _user(world, key):
    return world.people[key]


def _unit_of(world, key):
    """Where the person works (their post in the world)."""
    return world.units[world.posts[key]]


def _school_of(unit):
    return unit.school if unit.school_id else unit


def _unit(world, key):
    return world.units[key]


def _record(world, owner_username, unit, state, n):
    year = SchoolYear.objects.get(is_current=True)
    submitted = None if state == "draft" else timezone.now() - timedelta(days=1)
    return Record.objects.create(
        record_type=RecordType.objects.get(code="TT28.KHBD"),
        unit=unit,
        school=_school_of(unit),
        school_year=year,
        owner=_user(world, owner_username),
        title=f"Ma trận {n}",
        period_key=f"MX{n}",
        state=state,
        first_submitted_at=submitted,
    )


def _teacher_of(world, key):
    """A teacher of the Tổ `key`."""
    return next(k for k, where in world.posts.items() if where == key and "giaovien" in k)


def _records(world, actor):
    to45 = _teacher_of(world, "to45")
    places = [
        (actor, _unit_of(world, actor), "draft"),
        ("giaovien2", _unit(world, "to"), "draft"),
        ("giaovien2", _unit(world, "to"), "submitted"),
        (to45, _unit(world, "to45"), "submitted"),
        (to45, _unit(world, "to45"), "issued"),
        ("thcs.giaovien", _unit_of(world, "thcs.giaovien"), "submitted"),
        ("thcs.giaovien", _unit_of(world, "thcs.giaovien"), "draft"),
        ("school2.giaovien", _unit_of(world, "school2.giaovien"), "submitted"),
        ("school2.giaovien", _unit_of(world, "school2.giaovien"), "issued"),
    ]
    return [_record(world, owner, unit, state, n) for n, (owner, unit, state) in enumerate(places)]


@pytest.mark.parametrize("role", ACTORS)
def test_records(world, role):
    user = _user(world, ACTORS[role])
    objects = _records(world, ACTORS[role])
    assert_row(user, "records.record.view", objects, RECORD_VIEW[role], Record)
    assert_row(user, "records.record.edit", objects, RECORD_EDIT[role])
    assert_row(user, "records.record.archive", objects, RECORD_ARCHIVE[role])
    assert_row(user, "records.record.delete", objects, RECORD_DELETE[role])


@pytest.mark.parametrize("role", ACTORS)
def test_units_and_places(world, role):
    user = _user(world, ACTORS[role])
    units = [_unit(world, code) for code in UNIT_CODES]
    assert_row(user, "records.unit.oversee", units, UNIT_OVERSEE[role], Unit)
    places = [_unit(world, code) for code in PLACE_CODES]
    assert_row(user, "records.record.create", places, RECORD_CREATE[role])
    assert_row(user, "records.type.manage", places, TYPE_MANAGE[role])
    assert_row(user, "records.chain.set", places, CHAIN_SET[role])
    assert_row(user, "records.type.define", places, TYPE_DEFINE[role])
    assert_row(user, "records.type.delegate", places, TYPE_DELEGATE[role])


@pytest.mark.parametrize("role", ACTORS)
def test_defining_types_once_the_so_allows_the_phong(world, role):
    from hoso.records.services.office_types import type_delegation_set

    type_delegation_set(actor=_user(world, "so"), unit=_unit(world, "so"), allow_phong=True)
    places = [_unit(world, code) for code in PLACE_CODES]
    assert_row(_user(world, ACTORS[role]), "records.type.define", places, TYPE_DEFINE_ALLOWED[role])


# Change or retire a type: the office that defined it (the Sở's own type), never a catalogue
# type nor a school's own.
TYPE_REVISE = {role: (role in ("CV_SO", "QTHT"), F, F) for role in ACTORS}


@pytest.mark.parametrize("role", ACTORS)
def test_revising_types(world, role):
    from hoso.records.services.office_types import office_type_create
    from hoso.records.services.record_types import record_type_create
    from hoso.records.tests.factories import fields

    school_type = record_type_create(
        actor=_user(world, "hieutruong"),
        unit=_unit(world, "school"),
        code="MX",
        name="Sổ riêng của trường",
        keeper="SCHOOL",
        period="YEAR",
    )
    so_type = office_type_create(
        actor=_user(world, "so"),
        unit=_unit(world, "so"),
        fields=fields(),
        effective_from=timezone.localdate(),
    )
    types = [so_type, RecordType.objects.get(code="TT28.KHBD"), school_type]
    assert_row(_user(world, ACTORS[role]), "records.type.revise", types, TYPE_REVISE[role])


def _due(world, owner_username, unit, n):
    now = timezone.now()
    return DueItem.objects.create(
        record_type=RecordType.objects.get(code="TT28.KHBD"),
        school_year=SchoolYear.objects.get(is_current=True),
        school=_school_of(unit),
        unit=unit,
        owner=_user(world, owner_username),
        period_key=f"MX{n}",
        period_label=f"Ma trận {n}",
        due_at=now,
        effective_due_at=now,
    )


@pytest.mark.parametrize("role", ACTORS)
def test_due_items(world, role):
    user = _user(world, ACTORS[role])
    actor = ACTORS[role]
    places = [
        (actor, _unit_of(world, actor)),
        ("giaovien2", _unit(world, "to")),
        (_teacher_of(world, "to45"), _unit(world, "to45")),
        ("thcs.giaovien", _unit_of(world, "thcs.giaovien")),
        ("school2.giaovien", _unit_of(world, "school2.giaovien")),
    ]
    items = [_due(world, owner, unit, n) for n, (owner, unit) in enumerate(places)]
    assert_row(user, "records.due.view", items, DUE_VIEW[role], DueItem)
    assert_row(user, "records.due.extend", items, DUE_EXTEND[role])


def test_record_types_are_public_to_signed_in_people_only(world):
    record_type = RecordType.objects.get(code="TT28.KHBD")
    for username in ACTORS.values():
        assert can(_user(world, username), "records.type.view", record_type)
        listed = visible(_user(world, username), "records.type.view", RecordType.objects.all())
        assert listed.filter(pk=record_type.pk).exists()
    assert not can(AnonymousUser(), "records.type.view", record_type)
    assert not visible(AnonymousUser(), "records.type.view", RecordType.objects.all()).exists()


def test_anonymous_people_see_no_record(world):
    record = _records(world, "giaovien")[4]  # issued
    assert not can(AnonymousUser(), "records.record.view", record)
    assert not visible(AnonymousUser(), "records.record.view", Record.objects.all()).exists()


# --- the workflow: who may take the pending step -------------------------------------------------

# Lesson plans signed and submitted by their authors ("Ký và trình"): the next step is the
# TTCM's ký duyệt. Authors: giaovien2 (Tổ 1 of th1), a teacher of Tổ 4-5 of th1, a teacher of
# thcs1, a teacher of th2. The TTCM of the record's tổ takes the step; a tổ without a
# leader (Tổ 4-5 of th1) sends it to the school's PHT/HT (docs/records.md). Nobody else: not
# the leaders of another school, not the offices, not the administrator.
WORKFLOW_ACT = {
    "GV": (F, F, F, F),
    "TTCM": (T, F, F, F),
    "PHT": (F, T, F, F),
    "HT": (F, T, F, F),
    "VT": (F, F, F, F),
    "TV": (F, F, F, F),
    "CV_PHONG": (F, F, F, F),
    "CV_SO": (F, F, F, F),
    "QTHT": (F, F, F, F),
}


@pytest.fixture
def pending_lesson_plans(world):
    from hoso.records.tests.helpers import sign_and_submit, upload
    from tests.factories import with_certificates

    authors = [
        ("giaovien2", "TT28.KHBD"),
        (_teacher_of(world, "to45"), "TT28.KHBD"),
        ("thcs.giaovien", "TT32.KHBD"),
        ("school2.giaovien", "TT28.KHBD"),
    ]
    with_certificates(world, [author for author, _ in authors])
    flows = []
    for author, code in authors:
        version = upload(_user(world, author), code=code, period="W33")
        sign_and_submit(_user(world, author), version.record_id)
        flows.append(Workflow.objects.get(record_id=version.record_id, is_open=True))
    return flows


def test_workflow_steps(world, pending_lesson_plans):
    for role, username in ACTORS.items():
        user = _user(world, username)
        assert_row(user, "records.workflow.act", pending_lesson_plans, WORKFLOW_ACT[role], Workflow)
    # The author may not approve their own lesson plan.
    author = _user(world, "giaovien2")
    assert not can(author, "records.workflow.act", pending_lesson_plans[0])


# Homeroom books waiting at a step performed by "the GVCN of the record's class" (the Sở's
# chain: GVCN signs, then the PHT ký duyệt): the book of a class the GV actor is GVCN of, of
# another th1 class, of a thcs1 class. Only the class's GVCN takes it: not the principal (the
# step names no role a head stands in for), not the offices, not the administrator.
GVCN_STEP_ACT = {
    "GV": (T, F, F),
    "TTCM": (F, F, F),
    "PHT": (F, F, F),
    "HT": (F, F, F),
    "VT": (F, F, F),
    "TV": (F, F, F),
    "CV_PHONG": (F, F, F),
    "CV_SO": (F, F, F),
    "QTHT": (F, F, F),
}


@pytest.fixture
def books_at_gvcn_step(world):
    from hoso.grading.models import Homeroom
    from hoso.records.tests.test_gvcn_step import set_gvcn_chain, submitted_book
    from tests.factories import ClassFactory, HomeroomFactory

    # Lớp 1A (the GV actor's class) and 1B of th1, 6A of thcs1, each with its GVCN
    year = world.year
    classes = [
        (world.units["lop"], "giaovien"),
        (
            ClassFactory(
                code="rm-1B", name="Lớp 1B", parent=_unit(world, "school"), school_year=year
            ),
            "giaovien2",
        ),
        (
            ClassFactory(
                code="rm-6A", name="Lớp 6A", parent=_unit(world, "thcs"), school_year=year, grade=6
            ),
            "thcs.giaovien",
        ),
    ]
    for school_class, key in classes:
        HomeroomFactory(teacher=_user(world, key), school_class=school_class, school_year=year)
    set_gvcn_chain(world)
    set_gvcn_chain(world, "TT32.SCN")
    th1 = Homeroom.objects.filter(school_class__school=_unit(world, "school")).select_related(
        "teacher"
    )
    mine = th1.filter(teacher=_user(world, ACTORS["GV"])).order_by("pk").first()
    other = th1.exclude(teacher=_user(world, ACTORS["GV"])).order_by("pk").first()
    thcs = Homeroom.objects.filter(school_class__school=_unit(world, "thcs")).order_by("pk").first()
    assert None not in (mine, other, thcs)
    books = [submitted_book(mine), submitted_book(other), submitted_book(thcs, code="TT32.SCN")]
    return [Workflow.objects.get(record=book, is_open=True) for book in books]


def test_gvcn_steps(world, books_at_gvcn_step):
    for role, username in ACTORS.items():
        user = _user(world, username)
        assert_row(user, "records.workflow.act", books_at_gvcn_step, GVCN_STEP_ACT[role], Workflow)


# Evidence for accreditation: tag the first version of each record of RECORD_CELLS — the
# owner and the school's HT, PHT, văn thư, once submitted (a draft is nobody's evidence).
EVIDENCE_TAG = {
    "GV": (F, F, F, F, F, F, F, F, F),
    "TTCM": (F, F, F, F, F, F, F, F, F),
    "PHT": (F, F, T, T, T, F, F, F, F),
    "HT": (F, F, T, T, T, F, F, F, F),
    "VT": (F, F, T, T, T, F, F, F, F),
    "TV": (F, F, F, F, F, F, F, F, F),
    "CV_PHONG": (F, F, F, F, F, F, F, F, F),
    "CV_SO": (F, F, F, F, F, F, F, F, F),
    "QTHT": (F, F, F, F, F, F, F, F, F),
}
# Browse a school's evidence (PLACE_CODES): its HT, PHT, văn thư; the offices above; the
# administrator. An office has no evidence page of its own.
EVIDENCE_VIEW = {
    "GV": (F, F, F, F, F, F),
    "TTCM": (F, F, F, F, F, F),
    "PHT": (T, F, F, F, F, F),
    "HT": (T, F, F, F, F, F),
    "VT": (T, F, F, F, F, F),
    "TV": (F, F, F, F, F, F),
    "CV_PHONG": (T, T, F, F, F, F),
    "CV_SO": (T, T, T, F, F, F),
    "QTHT": (T, T, T, F, F, F),
}


def _first_version(record):
    from hoso.records.models import RecordVersion

    return RecordVersion.objects.create(
        record=record,
        number=1,
        original_sha256="0" * 64,
        size=1,
        filename="minh-chung.pdf",
        kind="pdf",
        uploaded_by=record.owner,
        uploaded_at=timezone.now(),
    )


@pytest.mark.parametrize("role", ACTORS)
def test_evidence(world, role):
    user = _user(world, ACTORS[role])
    versions = [_first_version(record) for record in _records(world, ACTORS[role])]
    assert_row(user, "records.evidence.tag", versions, EVIDENCE_TAG[role])
    places = [_unit(world, code) for code in PLACE_CODES]
    assert_row(user, "records.evidence.view", places, EVIDENCE_VIEW[role], Unit)


def test_the_owner_of_a_submitted_record_tags_it(world):
    owner = "giaovien2"
    record = _record(world, owner, _unit(world, "to"), "submitted", 99)
    version = _first_version(record)
    assert can(_user(world, owner), "records.evidence.tag", version)
    assert not can(_user(world, "giaovien"), "records.evidence.tag", version)
