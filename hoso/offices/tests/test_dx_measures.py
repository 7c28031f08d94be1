"""Each automatic measure of hoso/offices/transformation/measures.py against a small world
built with the factories: the exact counts done and owed, and "no data" where nothing is owed.
Then the rules of weights, entered values, points and ranks (hoso/.../scoring.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hoso.core.errors import DomainError
from hoso.offices.models import (
    AnswerKind,
    Criterion,
    ReportAssignment,
    ReportRequest,
    ReportState,
)
from hoso.offices.transformation import measures, scoring
from hoso.org.models import Enrolment, Staff, Student, UnitKind
from tests.factories import UnitFactory, UserFactory, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

AT = timezone.make_aware(dt.datetime(2026, 3, 2, 12, 0))


def _now(days: float = 0) -> dt.datetime:
    return AT + dt.timedelta(days=days)


@pytest.fixture
def world():
    return school_world("dx")


def _pupils(world, n: int) -> list[Student]:
    lop = world.units["lop"]
    found = []
    for i in range(n):
        pupil = Student.objects.create(
            code=f"DXHS{i:03d}",
            full_name=f"Học sinh {i}",
            gender="NAM",
            birth_date=dt.date(2019, 1, 1),
            school=world.units["school"],
        )
        Enrolment.objects.create(student=pupil, school_class=lop, school_year=world.year)
        found.append(pupil)
    return found


def _record_type():
    from hoso.records.models import RecordType

    return RecordType.objects.filter(owner_unit__isnull=True).order_by("pk").first()


def test_records_on_time_counts_submitted_by_the_deadline_of_those_owed(world):
    from hoso.records.models import DueItem

    school, teacher = world.units["school"], world.people["giaovien"]

    def item(n: int, due_days: float, submitted_days: float | None) -> None:
        DueItem.objects.create(
            record_type=_record_type(),
            school_year=world.year,
            school=school,
            unit=world.units["to"],
            owner=teacher,
            period_key=f"T{n}",
            period_label=f"Tuần {n}",
            due_at=_now(due_days),
            effective_due_at=_now(due_days),
            submitted_at=None if submitted_days is None else _now(submitted_days),
        )

    item(1, -10, -11)  # on time
    item(2, -9, -9.5)  # on time
    item(3, -8, -7)  # late
    item(4, -7, None)  # missing
    item(5, 3, None)  # not yet due: not owed
    item(6, 3, -1)  # submitted early, deadline ahead: owed and on time
    figure = measures.records_on_time(school, world.year, AT)
    assert (figure.done, figure.total) == (3, 5)
    assert figure.ratio == 0.6


def test_records_signed_counts_issued_versions_with_a_signature(world):
    from hoso.records.models import Record, RecordVersion
    from hoso.signing.models import Certificate, SignatureRecord

    school, head = world.units["school"], world.people["hieutruong"]
    cert = Certificate.objects.create(
        kind="personal",
        owner=head,
        pem="-",
        subject="CN=HT",
        common_name="HT",
        issuer="CA",
        serial="1",
        not_before=_now(-400),
        not_after=_now(400),
        fingerprint="f" * 64,
        backend="pkcs12",
        registered_at=_now(-400),
    )

    def version(n: int, issued: bool, signed: bool) -> None:
        record = Record.objects.create(
            record_type=_record_type(),
            unit=school,
            school=school,
            school_year=world.year,
            owner=head,
            title=f"Hồ sơ {n}",
            state="issued" if issued else "draft",
            version_count=1,
        )
        version = RecordVersion.objects.create(
            record=record,
            number=1,
            original_sha256="a" * 64,
            size=1,
            filename="a.pdf",
            kind="pdf",
            uploaded_by=head,
            uploaded_at=_now(-5),
            issued_at=_now(-4) if issued else None,
        )
        if signed:
            SignatureRecord.objects.create(
                version=version,
                step=0,
                role="HT",
                action="sign",
                signer=head,
                certificate=cert,
                backend="pkcs12",
                level="B-B",
                field_name="Sig1",
                input_sha256="a" * 64,
                output_sha256="b" * 64,
                signed_at=_now(-4),
            )

    version(1, True, True)
    version(2, True, False)
    version(3, True, True)
    version(4, False, True)  # not issued: not counted
    figure = measures.records_signed(school, world.year, AT)
    assert (figure.done, figure.total) == (2, 3)


def test_gradebook_entered_is_the_entry_progress_capped_per_cell(world):
    from hoso.grading.models import Entry
    from hoso.offices.progress import school_progress

    school = world.units["school"]
    lop = UnitFactory(
        code="dx-1B",
        name="Lớp 1B",
        kind=UnitKind.LOP,
        parent=school,
        school_year=world.year,
        grade=1,
    )
    pupils = []
    for i in range(2):
        pupil = Student.objects.create(
            code=f"DXG{i}",
            full_name=f"HS {i}",
            gender="NU",
            birth_date=dt.date(2019, 2, 2),
            school=school,
        )
        Enrolment.objects.create(student=pupil, school_class=lop, school_year=world.year)
        pupils.append(pupil)
    after_midterm = timezone.make_aware(dt.datetime(2025, 12, 1, 12))
    rows = school_progress(school, world.year, today=after_midterm.date())
    subject = next(r.subject for r in rows if r.required_now)
    from hoso.grading.catalogue import class_subjects

    code = next(s.code for s in class_subjects(lop) if s.name == subject)
    for pupil in pupils:
        Entry.objects.create(
            school_year=world.year,
            school_class=lop,
            student=pupil,
            area=code,
            slot="giua_hk1.muc",
            value="T",
        )
    required = sum(
        r.required_now for r in school_progress(school, world.year, after_midterm.date())
    )
    figure = measures.gradebook_entered(school, world.year, after_midterm)
    assert (figure.done, figure.total) == (2, required)
    assert required > 2
    # Before any assessment point nothing is required: no data, not 0 %.
    early = timezone.make_aware(dt.datetime(2025, 9, 10, 12))
    assert measures.gradebook_entered(school, world.year, early).ratio is None


def test_hocba_issued_counts_pupils_with_an_issued_hoc_ba(world):
    from hoso.grading.models import HocBaVersion

    pupils = _pupils(world, 4)
    for pupil, status, issued in (
        (pupils[0], "issued", True),
        (pupils[1], "superseded", True),
        (pupils[2], "ht_signed", False),
    ):
        HocBaVersion.objects.create(
            student=pupil,
            school_year=world.year,
            school_class=world.units["lop"],
            status=status,
            data={},
            pdf_sha256="a" * 64,
            xml_sha256="b" * 64,
            issued_at=_now(-1) if issued else None,
        )
    figure = measures.hocba_issued(world.units["school"], world.year, AT)
    assert (figure.done, figure.total) == (2, 4)


def test_staff_certificates_counts_valid_personal_certificates(world):
    from hoso.signing.models import Certificate

    school = world.units["school"]
    people = [world.people[k] for k in ("hieutruong", "giaovien", "giaovien2", "vanthu")]
    for n, person in enumerate(people):
        unit = world.units["to"] if person.username.endswith("giaovien") else school
        Staff.objects.create(
            code=f"DXCB{n}", full_name=person.username, gender="NU", unit=unit, user=person
        )
    Staff.objects.create(
        code="DXCB9",
        full_name="Nghỉ",
        gender="NAM",
        unit=school,
        user=UserFactory(),
        is_active=False,
    )

    def cert(person, n, status="active", expires_days=300):
        Certificate.objects.create(
            kind="personal",
            owner=person,
            pem="-",
            subject="CN",
            common_name="CN",
            issuer="CA",
            serial=str(n),
            not_before=_now(-10),
            not_after=_now(expires_days),
            fingerprint=f"{n:064d}",
            status=status,
            backend="remote",
            registered_at=_now(-10),
        )

    cert(people[0], 1)
    cert(people[1], 2)
    cert(people[2], 3, status="revoked")
    cert(people[3], 4, expires_days=-1)  # expired
    figure = measures.staff_certificates(school, world.year, AT)
    assert (figure.done, figure.total) == (2, 4)


def test_library_readers_counts_pupils_who_borrowed_and_no_data_without_a_library(world):
    from hoso.library.models import BibRecord, Copy, Loan

    school, librarian = world.units["school"], world.people["vanthu"]
    pupils = _pupils(world, 5)
    assert measures.library_readers(school, world.year, AT).ratio is None
    book = BibRecord.objects.create(school=school, kind="STK", title="Dế Mèn phiêu lưu ký")
    copies = [
        Copy.objects.create(record=book, school=school, reg_number=n, barcode=f"DX{n}")
        for n in range(1, 5)
    ]
    for copy, pupil, days in (
        (copies[0], pupils[0], -20),
        (copies[1], pupils[0], -2),
        (copies[2], pupils[1], -3),
        (copies[3], pupils[2], 5),
    ):
        Loan.objects.create(
            copy=copy,
            school=school,
            student=pupil,
            issued_at=_now(days),
            due_on=(_now(days) + dt.timedelta(days=14)).date(),
            issued_by=librarian,
            returned_at=_now(days + 1) if days < -10 else None,
        )
    figure = measures.library_readers(school, world.year, AT)
    assert (figure.done, figure.total) == (2, 5)  # the loan after AT does not count yet


def test_reports_on_time_counts_reports_sent_by_their_deadline(world):
    school, phong = world.units["school"], world.units["phong"]

    def asked(n, deadline_days, state, late=False):
        request = ReportRequest.objects.create(
            office=phong,
            school_year=world.year,
            title=f"Báo cáo {n}",
            deadline=_now(deadline_days),
            template_kind="document",
            audience="all",
            created_by=world.people["chuyenvien"],
            created_at=_now(-30),
        )
        ReportAssignment.objects.create(
            request=request,
            unit=school,
            state=state,
            late=late,
            submitted_at=_now(-1) if state != ReportState.PENDING else None,
        )

    asked(1, -5, ReportState.SUBMITTED)
    asked(2, -5, ReportState.SUBMITTED, late=True)
    asked(3, -5, ReportState.PENDING)  # missing
    asked(4, 5, ReportState.PENDING)  # not due yet
    asked(5, 5, ReportState.SUBMITTED)  # sent early
    figure = measures.reports_on_time(school, world.year, AT)
    assert (figure.done, figure.total) == (2, 4)


# --- scoring rules -------------------------------------------------------------------------------


def _c(points: str, **extra) -> Criterion:
    return Criterion(code="x", points=Decimal(points), **extra)


def test_weights_must_sum_to_one_hundred():
    assert scoring.weights_problem([]) == "Bộ tiêu chí chưa có tiêu chí nào."
    assert scoring.weights_problem([_c("60"), _c("30.5")]) == (
        "Tổng điểm các tiêu chí là 90,5; phải đúng 100 điểm."
    )
    assert scoring.weights_problem([_c("60"), _c("39.5"), _c("0.5")]) is None


def test_entered_values_their_share_and_points():
    percent = _c("10", answer_kind=AnswerKind.PERCENT)
    yesno = _c("5", answer_kind=AnswerKind.YESNO)
    level = _c("12", answer_kind=AnswerKind.LEVEL, levels=3)
    assert scoring.points(percent.points, scoring.value_ratio(percent, Decimal("85"))) == Decimal(
        "8.50"
    )
    assert scoring.points(yesno.points, scoring.value_ratio(yesno, Decimal("1"))) == Decimal("5.00")
    assert scoring.points(level.points, scoring.value_ratio(level, Decimal("2"))) == Decimal("8.00")
    assert scoring.points(Decimal("15"), None) == Decimal("0")
    assert scoring.points(Decimal("15"), 0.3333) == Decimal("5.00")
    for criterion, value, message in (
        (percent, "100.5", "Tỉ lệ phải từ 0 đến 100."),
        (yesno, "0.5", "Chọn Có hoặc Không."),
        (level, "0", "Mức phải là số nguyên từ 1 đến 3."),
        (level, "2.5", "Mức phải là số nguyên từ 1 đến 3."),
    ):
        with pytest.raises(DomainError) as refused:
            scoring.value_ratio(criterion, Decimal(value))
        assert refused.value.message == message
    assert scoring.parse_decimal("7,5", field="v", label="điểm") == Decimal("7.5")
    for bad in ("", "bảy", "NaN", "1e999", "Infinity"):
        with pytest.raises(DomainError):
            scoring.parse_decimal(bad, field="v", label="điểm")


def test_ranks_share_places_for_equal_totals():
    found = scoring.ranks(
        [("a", Decimal("70")), ("b", Decimal("85.5")), ("c", Decimal("70")), ("d", Decimal("10"))]
    )
    assert found == {"b": 1, "a": 2, "c": 2, "d": 4}
