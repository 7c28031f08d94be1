"""Small worlds for tests marked `own_world`: units, people, roles, staff, certificates and
records made through the services of the product (so paths, schools, audit entries, stored files
and workflows are what the product makes), nothing else.

    world = school_world()            # Sở > Phòng > a primary school > Tổ 1, Lớp 1A (this year)
    world.people["giaovien"]          # a teacher of Tổ 1; also hieutruong, totruong, vanthu…
    with_certificates(world)          # staff rows and a demo certificate for each, the seal
    RecordFactory(owner=world.people["giaovien"], period_key="W03")   # a draft lesson plan
    login(world.people["giaovien"])   # a test client signed in as them (api_login: by token)
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.test import Client
from factory.django import DjangoModelFactory

from hoso.grading.models import Homeroom
from hoso.org.models import Gender, Role, SchoolYear, Staff, Student, Unit, UnitKind
from hoso.org.services import (
    enrolment_set,
    role_assign,
    staff_create,
    student_create,
    unit_create,
)
from hoso.records.models import Record, RecordType

PASSWORD = "hoso-test-2025"


class SchoolYearFactory(DjangoModelFactory[SchoolYear]):
    """The current school year 2025-2026 (one per database: got when it exists)."""

    class Meta:
        model = SchoolYear
        django_get_or_create = ("name",)

    name = "2025-2026"
    start_date = dt.date(2025, 9, 5)
    end_date = dt.date(2026, 5, 31)
    term1_end = dt.date(2026, 1, 17)
    is_current = True


class UserFactory(DjangoModelFactory[Any]):
    """An account whose full name is its first_name, each its own, as the demo's accounts (the
    pages, the completion matrix and the certificates show first_name as the person's name)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"nguoi{n}")
    first_name = factory.Sequence(lambda n: f"Nguyễn Thị Lan {n}")
    last_name = ""
    password = factory.django.Password(PASSWORD)


class UnitFactory(DjangoModelFactory[Unit]):
    """A unit made by org.services.unit_create (path and school set as in the product)."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"DV{n:04d}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = UnitKind.SO
    parent = None
    level = ""

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return unit_create(actor=None, **kwargs)


class ClassFactory(UnitFactory):
    """A class (lớp) of the current school year below `parent`, its school."""

    name = factory.Sequence(lambda n: f"Lớp {n}")
    kind = UnitKind.LOP
    school_year = factory.SubFactory(SchoolYearFactory)
    grade = 1


class StudentFactory(DjangoModelFactory[Student]):
    """A pupil made by org.services.student_create, enrolled through enrolment_set in
    `school_class` (this year) when one is given; the school is the class's."""

    class Meta:
        model = Student

    school_class = None
    school = factory.LazyAttribute(lambda o: o.school_class.school)
    code = factory.Sequence(lambda n: f"HST{n:06d}")
    full_name = factory.Sequence(lambda n: f"Trần Văn An {n}")
    gender = Gender.NAM
    birth_date = dt.date(2019, 3, 1)

    @classmethod
    def _create(cls, model_class: type[Student], *args: Any, **kwargs: Any) -> Student:
        school_class = kwargs.pop("school_class")
        student = student_create(actor=None, **kwargs)
        if school_class is not None:
            year = school_class.school_year or SchoolYearFactory()
            enrolment_set(actor=None, student=student, school_class=school_class, school_year=year)
        return student


class HomeroomFactory(DjangoModelFactory[Homeroom]):
    """`teacher` is the GVCN of `school_class` this year: the row as the gradebook's demo writes
    it (naming a GVCN through the principal's page is hoso.grading's own test)."""

    class Meta:
        model = Homeroom

    teacher = factory.SubFactory(UserFactory)
    school_class = None
    school_year = factory.SubFactory(SchoolYearFactory)


def grant(user: Any, role: str, unit: Unit) -> Any:
    """`user` holds `role` at `unit` in the current year."""
    return role_assign(actor=None, user=user, role=role, unit=unit, school_year=SchoolYearFactory())


@dataclass
class World:
    year: SchoolYear
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Any] = field(default_factory=dict)
    # person key → the unit key where they work (their staff row's unit, see staff_of)
    posts: dict[str, str] = field(default_factory=dict)


SCHOOL_PEOPLE = {
    "hieutruong": (Role.HT, "school"),
    "phohieutruong": (Role.PHT, "school"),
    "totruong": (Role.TTCM, "to"),
    "giaovien": (Role.GV, "to"),
    "giaovien2": (Role.GV, "to"),
    "vanthu": (Role.VT, "school"),
    "chuyenvien": (Role.CV_PHONG, "phong"),
}


def school_world(prefix: str = "w", level: str = "TH") -> World:
    """Sở > Phòng > one school (`level`) > Tổ 1 > Lớp 1A, with one person per role in
    SCHOOL_PEOPLE (usernames `<prefix>.<key>`); the Tổ trưởng also teaches in the Tổ."""
    year = SchoolYearFactory()
    so = UnitFactory(code=f"{prefix}-SO", name="Sở GDĐT thử", kind=UnitKind.SO)
    phong = UnitFactory(code=f"{prefix}-PGD", name="Phòng GDĐT thử", kind=UnitKind.PHONG, parent=so)
    school = UnitFactory(
        code=f"{prefix}-TR", name="Trường thử", kind=UnitKind.TRUONG, parent=phong, level=level
    )
    to = UnitFactory(code=f"{prefix}-TO1", name="Tổ 1", kind=UnitKind.TO, parent=school)
    lop = ClassFactory(code=f"{prefix}-1A", name="Lớp 1A", parent=school, school_year=year, grade=1)
    world = World(year, {"so": so, "phong": phong, "school": school, "to": to, "lop": lop})
    for key, (role, where) in SCHOOL_PEOPLE.items():
        person = UserFactory(username=f"{prefix}.{key}")
        grant(person, role, world.units[where])
        world.people[key] = person
        world.posts[key] = where
    grant(world.people["totruong"], Role.GV, to)
    return world


# The leaders and clerks of the offices (key → role, unit key), as the demo's offices have them.
OFFICE_PEOPLE = {
    "giamdoc": (Role.GD, "so"),
    "phogiamdoc": (Role.PGD, "so"),
    "so.vanthu": (Role.VT_CQ, "so"),
    "truongphong": (Role.TP, "phong"),
    "photruongphong": (Role.PTP, "phong"),
    "phong.vanthu": (Role.VT_CQ, "phong"),
    "truongphong2": (Role.TP, "phong2"),
}


def office_world(prefix: str = "o") -> World:
    """province_world with the leaders and clerks of its offices (OFFICE_PEOPLE): the Sở's
    giám đốc, phó giám đốc and văn thư, the first Phòng's trưởng phòng, phó trưởng phòng and
    văn thư, the second Phòng's trưởng phòng."""
    world = province_world(prefix)
    for key, (role, where) in OFFICE_PEOPLE.items():
        _person(world, prefix, key, role, where)
    return world


# Every person of two_provinces(): the office_world's, the other province's ("x."), and the two
# accounts beside them. Written out, so that a matrix naming them is checked against the world.
TWO_PROVINCES_PEOPLE = (
    "hieutruong",
    "phohieutruong",
    "totruong",
    "giaovien",
    "giaovien2",
    "vanthu",
    "chuyenvien",
    "giaovien45",
    "thuthu",
    "thcs.hieutruong",
    "chuyenvien2",
    "school2.hieutruong",
    "school2.giaovien",
    "so",
    "admin",
    "giamdoc",
    "phogiamdoc",
    "so.vanthu",
    "truongphong",
    "photruongphong",
    "phong.vanthu",
    "truongphong2",
    "x.hieutruong",
    "x.phohieutruong",
    "x.totruong",
    "x.giaovien",
    "x.giaovien2",
    "x.vanthu",
    "x.chuyenvien",
    "x.admin",
    "root",
    "nobody",
)


def two_provinces(prefix: str) -> tuple[World, World, dict[str, Any]]:
    """An office_world (`prefix`), another province (school_world `prefix`x) whose Sở has its
    own QTHT ("admin"), a superuser who holds no role ("root") and an account with no role
    ("nobody"): both worlds, and every person keyed as in TWO_PROVINCES_PEOPLE."""
    here = office_world(prefix)
    there = school_world(f"{prefix}x")
    there.people["admin"] = UserFactory(
        username=f"{prefix}x.admin", is_staff=True, is_superuser=True
    )
    there.posts["admin"] = "so"
    grant(there.people["admin"], Role.QTHT, there.units["so"])
    people = dict(here.people)
    people.update({f"x.{key}": person for key, person in there.people.items()})
    people["root"] = UserFactory(username=f"{prefix}.root", is_staff=True, is_superuser=True)
    people["nobody"] = UserFactory(username=f"{prefix}.nobody")
    return here, there, people


def classes_world(prefix: str = "c") -> World:
    """school_world with three classes of this year, each with its GVCN: Lớp 1A (giaovien),
    Lớp 1B (giaovien2) and Lớp 2A (giaovien3, a third teacher of Tổ 1); the tổ trưởng keeps no
    class. Everyone has a staff row (the gradebook lists a school's teachers from them)."""
    world = school_world(prefix)
    school, year = world.units["school"], world.year
    world.units["lop1b"] = ClassFactory(
        code=f"{prefix}-1B", name="Lớp 1B", parent=school, school_year=year, grade=1
    )
    world.units["lop2a"] = ClassFactory(
        code=f"{prefix}-2A", name="Lớp 2A", parent=school, school_year=year, grade=2
    )
    _person(world, prefix, "giaovien3", Role.GV, "to")
    for key, lop in (("giaovien", "lop"), ("giaovien2", "lop1b"), ("giaovien3", "lop2a")):
        HomeroomFactory(teacher=world.people[key], school_class=world.units[lop], school_year=year)
    return staff_of(world)


def _person(world: World, prefix: str, key: str, role: str, where: str, **fields: Any) -> Any:
    person = UserFactory(username=f"{prefix}.{key}", **fields)
    grant(person, role, world.units[where])
    world.people[key], world.posts[key] = person, where
    return person


def province_world(prefix: str = "p") -> World:
    """school_world (its school is "the school" of the tests), and around it what a province
    holds: a Tổ 4-5 of the school ("to45", with a teacher "giaovien45"), a THCS school under
    the same Phòng ("thcs", its principal "thcs.hieutruong"), a second Phòng ("phong2", its
    specialist "chuyenvien2") with a primary school ("school2", its Tổ "school2.to", with
    "school2.hieutruong" and the teacher "school2.giaovien"), the librarian of the school
    ("thuthu"), a Sở specialist ("so") and the administrator ("admin", QTHT at the Sở)."""
    world = school_world(prefix)
    so, phong, school = world.units["so"], world.units["phong"], world.units["school"]
    units = world.units
    units["to45"] = UnitFactory(
        code=f"{prefix}-TO45", name="Tổ 4-5", kind=UnitKind.TO, parent=school
    )
    units["thcs"] = UnitFactory(
        code=f"{prefix}-THCS",
        name="Trường THCS thử",
        kind=UnitKind.TRUONG,
        parent=phong,
        level="THCS",
    )
    units["phong2"] = UnitFactory(
        code=f"{prefix}-PGD2", name="Phòng GDĐT thứ hai", kind=UnitKind.PHONG, parent=so
    )
    units["school2"] = UnitFactory(
        code=f"{prefix}-TR2",
        name="Trường thứ hai",
        kind=UnitKind.TRUONG,
        parent=units["phong2"],
        level="TH",
    )
    units["school2.to"] = UnitFactory(
        code=f"{prefix}-TR2-TO", name="Tổ 1-2", kind=UnitKind.TO, parent=units["school2"]
    )
    for key, role, where in (
        ("giaovien45", Role.GV, "to45"),
        ("thuthu", Role.TV, "school"),
        ("thcs.hieutruong", Role.HT, "thcs"),
        ("chuyenvien2", Role.CV_PHONG, "phong2"),
        ("school2.hieutruong", Role.HT, "school2"),
        ("school2.giaovien", Role.GV, "school2.to"),
        ("so", Role.CV_SO, "so"),
    ):
        _person(world, prefix, key, role, where)
    _person(world, prefix, "admin", Role.QTHT, "so", is_staff=True, is_superuser=True)
    return world


# --- staff and certificates ------------------------------------------------------------------


class StaffFactory(DjangoModelFactory[Staff]):
    """A member of staff made by org.services.staff_create, tied to `user` as the demo ties its
    people (the certificates, the e-mail of notifications and the books read the staff row)."""

    class Meta:
        model = Staff

    unit = factory.SubFactory(UnitFactory)
    user = None
    code = factory.Sequence(lambda n: f"CBT{n:05d}")
    full_name = factory.LazyAttribute(
        lambda o: o.user.get_full_name() if o.user is not None else "Nguyễn Thị Lan"
    )
    gender = Gender.NU
    position = ""
    email = factory.LazyAttribute(
        lambda o: f"{o.user.username}@test.hoso.edu.vn" if o.user is not None else ""
    )

    @classmethod
    def _create(cls, model_class: type[Staff], *args: Any, **kwargs: Any) -> Staff:
        user = kwargs.pop("user")
        staff = staff_create(actor=None, **kwargs)
        if user is not None:
            staff.user = user
            staff.save(update_fields=["user"])
        return staff


def staff_of(world: World, keys: Iterable[str] | None = None) -> World:
    """A staff row for each person of the world (or those of `keys`) who has none yet, at the
    unit where they hold their role (world.posts; the Tổ for its teachers)."""
    for key in keys if keys is not None else list(world.people):
        person = world.people[key]
        if Staff.objects.filter(user=person).exists():
            continue
        StaffFactory(unit=world.units[world.posts.get(key, "school")], user=person)
    return world


def with_certificates(
    world: World, keys: Iterable[str] | None = None, seals: Iterable[str] = ("school",)
) -> World:
    """Staff rows and a demo certificate (PKCS#12 under the demo password, with a signature
    image) for each person of the world (or those of `keys`), and the seal of each unit of
    `seals` (the school's): made by hoso.signing.demo as the demo province makes them, without
    the rest of the demo."""
    from hoso.signing.demo import create_demo_pki

    keys = list(keys) if keys is not None else list(world.people)
    staff_of(world, keys)
    units = [world.units[key] for key in seals]
    create_demo_pki(users=[world.people[k] for k in keys], schools=units)
    return world


def signing_world(prefix: str = "sg", level: str = "TH") -> World:
    """school_world whose people of the school (not the Phòng's specialist) hold demo
    certificates, and whose school holds its seal: who signs, ký duyệt or seals in a chain."""
    world = school_world(prefix, level=level)
    return with_certificates(world, [key for key in world.people if key != "chuyenvien"])


def demo_ca() -> Any:
    """The demo CA on disk (hoso.signing.demo), made as create_demo_pki makes it when there is
    none yet: for a certificate issued outside any world's people."""
    from hoso.signing import conf
    from hoso.signing.demo import create_demo_pki, load_ca

    create_demo_pki(users=[], schools=[])
    return load_ca(conf.pki_dir())


def demo_password() -> str:
    """The passphrase of every certificate of with_certificates."""
    from django.conf import settings

    return str(settings.DEMO_PASSWORD)


# --- records ---------------------------------------------------------------------------------


def record_pdf(title: str = "Kế hoạch bài dạy tuần 2", lines: list[str] | None = None) -> bytes:
    """A small real PDF, as hoso.records.tests.helpers.pdf makes them."""
    from hoso.records.pdfmaker import simple_pdf

    return simple_pdf(title, lines or ["Môn Toán lớp 1A", "Hoạt động khởi động"])


class RecordTypeFactory(DjangoModelFactory[RecordType]):
    """A national record type beside the catalogue's (owner_unit None), written as
    hoso.records.catalogue.load_catalogue writes the catalogue's rows: got when its code exists."""

    class Meta:
        model = RecordType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST.LHS{n:03d}")
    name = factory.Sequence(lambda n: f"Loại hồ sơ thử {n}")
    levels = factory.LazyFunction(lambda: ["TH"])
    keeper = "TEACHER"
    period = "ONCE"
    signing_chain = factory.LazyFunction(lambda: [{"role": "TTCM", "action": "review"}])
    formats = factory.LazyFunction(lambda: ["pdf", "docx"])
    retention_years = 5


def catalogue() -> None:
    """The national catalogue (a flushed test database lost the migration's rows)."""
    from hoso.records.catalogue import load_catalogue

    if not RecordType.objects.filter(code="TT28.KHBD", owner_unit=None).exists():
        load_catalogue(RecordType)


def reviewed_type(code: str = "TEST.DUYET") -> RecordType:
    """A national type whose chain is one review by the tổ trưởng: once approved, its record
    is issued (without a signature). One record per person and year (period ONCE): another
    `code` for a second."""
    return RecordTypeFactory(
        code=code,
        name=f"Biên bản thử {code} (tổ trưởng duyệt)",
        signing_chain=[{"role": "TTCM", "action": "review"}],
    )


class RecordFactory(DjangoModelFactory[Record]):
    """A record its owner uploaded through records.services.versions.record_upload (a one-page
    PDF unless `data` says otherwise), then submitted through record_submit when `submitted`,
    and approved through record_approve by `approved_by` (the pending review step's person).
    `record_type` is a RecordType or a code (the national catalogue's TT28.KHBD by default)."""

    class Meta:
        model = Record

    owner = None
    record_type = "TT28.KHBD"
    period_key = ""
    title = ""
    unit_id = None
    data = factory.LazyFunction(record_pdf)
    filename = "ke-hoach.pdf"
    submitted = False
    approved_by = None

    @classmethod
    def _create(cls, model_class: type[Record], *args: Any, **kwargs: Any) -> Record:
        from hoso.records.services.versions import Upload, record_upload
        from hoso.records.services.workflow import record_approve, record_submit

        owner, kind = kwargs["owner"], kwargs["record_type"]
        if isinstance(kind, str):
            catalogue()
            kind = RecordType.objects.get(code=kind)
        version = record_upload(
            actor=owner,
            record_type=kind,
            upload=Upload(io.BytesIO(kwargs["data"]), kwargs["filename"]),
            title=kwargs["title"],
            period_key=kwargs["period_key"],
            unit_id=kwargs["unit_id"],
        )
        if kwargs["submitted"] or kwargs["approved_by"] is not None:
            record_submit(actor=owner, record_id=version.record_id)
        if kwargs["approved_by"] is not None:
            record_approve(actor=kwargs["approved_by"], record_id=version.record_id)
        return Record.objects.get(pk=version.record_id)


def due_items(world: World) -> int:
    """The due items the school of the world owes this year (records.services.deadlines), as
    the nightly run makes them: how many were made."""
    from hoso.records.services.deadlines import due_items_generate

    catalogue()
    return due_items_generate(school_year=world.year, schools=[world.units["school"]])


# --- signing in ------------------------------------------------------------------------------


def login(user: Any) -> Client:
    """A test client signed in as `user` (a leader, clerk or office specialist also needs
    settings.HOSO_2FA_REQUIRED_ROLES = [] for the pages: a test account has no TOTP)."""
    client = Client()
    client.force_login(user)
    return client


def api_login(user: Any) -> Any:
    """A DRF client that carries an API token of `user`, as conftest's api_for does."""
    from rest_framework.test import APIClient

    from hoso.accounts.services import create_token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user=user, name='test')[1]}")
    return client
