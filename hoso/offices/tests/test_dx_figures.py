"""The automatic figures kept for an open criteria set (hoso/offices/transformation/
services_figures.py): computed in bulk they are exactly the per-school figures; the refresh
task keeps them and the ranking reads them (entered values still show at once); the page says
when they were computed and that they are old; "Tính lại ngay" is the office's, audited, and a
school's principal is refused (404, nothing changed)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.audit.models import AuditEntry
from hoso.offices.models import ReportAssignment, ReportRequest, ReportState, SchoolSheet, SetState
from hoso.offices.tasks import refresh_dx_figures, refresh_open_dx_figures
from hoso.offices.transformation import measures, selectors, services
from hoso.offices.transformation.scoring import breakdown, figures_now
from hoso.org.models import Enrolment, Staff, Student, UnitKind
from tests.factories import UnitFactory, UserFactory, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

AT = timezone.make_aware(dt.datetime(2026, 3, 2, 12, 0))
MOMENTS = (
    timezone.make_aware(dt.datetime(2025, 9, 10, 12)),  # before any assessment point
    timezone.make_aware(dt.datetime(2025, 12, 1, 12)),  # after the first mid-term
    AT,
    timezone.make_aware(dt.datetime(2026, 6, 15, 12)),  # after the year
)


def _now(days: float = 0) -> dt.datetime:
    return AT + dt.timedelta(days=days)


def _record_type():
    from hoso.records.models import RecordType

    return RecordType.objects.filter(owner_unit__isnull=True).order_by("pk").first()


def _class(school, code: str, grade: int, year):
    return UnitFactory(
        code=code,
        name=f"Lớp {code}",
        kind=UnitKind.LOP,
        parent=school,
        school_year=year,
        grade=grade,
    )


def _pupils(lop, year, prefix: str, n: int) -> list[Student]:
    found = []
    for i in range(n):
        pupil = Student.objects.create(
            code=f"{prefix}{i:03d}",
            full_name=f"Học sinh {prefix} {i}",
            gender="NAM",
            birth_date=dt.date(2015, 1, 1),
            school=lop.school,
        )
        Enrolment.objects.create(student=pupil, school_class=lop, school_year=year)
        found.append(pupil)
    return found


def _due_items(world, school, unit, pattern: list[tuple[float, float | None]]) -> None:
    from hoso.records.models import DueItem

    for n, (due, submitted) in enumerate(pattern):
        DueItem.objects.create(
            record_type=_record_type(),
            school_year=world.year,
            school=school,
            unit=unit,
            owner=world.people["giaovien"],
            period_key=f"{school.code}-T{n}-{due}",
            period_label=f"Tuần {n}",
            due_at=_now(due),
            effective_due_at=_now(due),
            submitted_at=None if submitted is None else _now(submitted),
        )


def _versions(world, school, specs: list[tuple[bool, bool]]) -> None:
    from hoso.records.models import Record, RecordVersion
    from hoso.signing.models import Certificate, SignatureRecord

    head = world.people["hieutruong"]
    cert = Certificate.objects.filter(owner=head).first() or Certificate.objects.create(
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
    for n, (issued, signed) in enumerate(specs):
        record = Record.objects.create(
            record_type=_record_type(),
            unit=school,
            school=school,
            school_year=world.year,
            owner=head,
            title=f"Hồ sơ {school.code} {n}",
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
            issued_at=_now(-4 + n) if issued else None,
        )
        for step in range(2 if signed else 0):  # two signatures count once
            SignatureRecord.objects.create(
                version=version,
                step=step,
                role="HT",
                action="sign",
                signer=head,
                certificate=cert,
                backend="pkcs12",
                level="B-B",
                field_name=f"Sig{step}",
                input_sha256="a" * 64,
                output_sha256="b" * 64,
                signed_at=_now(-4),
            )


def _grades(world, lop, pupils, slots: list[str]) -> None:
    from hoso.grading.catalogue import class_subjects
    from hoso.grading.models import Entry

    code = class_subjects(lop)[0].code
    for pupil in pupils:
        for slot in slots:
            Entry.objects.create(
                school_year=world.year,
                school_class=lop,
                student=pupil,
                area=code,
                slot=slot,
                value="T",
            )


def _hocba(world, lop, pupil, status: str, issued_days: float | None) -> None:
    from hoso.grading.models import HocBaVersion

    HocBaVersion.objects.create(
        student=pupil,
        school_year=world.year,
        school_class=lop,
        status=status,
        data={},
        pdf_sha256="a" * 64,
        xml_sha256="b" * 64,
        issued_at=None if issued_days is None else _now(issued_days),
    )


def _staff(world, school, n: int, valid: int) -> None:
    from hoso.signing.models import Certificate

    for i in range(n):
        person = UserFactory(username=f"{school.code}.cb{i}")
        Staff.objects.create(
            code=f"{school.code}-CB{i}", full_name=f"CB {i}", gender="NU", unit=school, user=person
        )
        if i < valid:
            Certificate.objects.create(
                kind="personal",
                owner=person,
                pem="-",
                subject="CN",
                common_name="CN",
                issuer="CA",
                serial=f"{school.code}{i}",
                not_before=_now(-10),
                not_after=_now(30 * (i + 1)),
                fingerprint=f"{school.pk:032d}{i:032d}",
                backend="remote",
                registered_at=_now(-10),
            )
    Staff.objects.create(
        code=f"{school.code}-OFF", full_name="Nghỉ", gender="NAM", unit=school, is_active=False
    )


def _library(world, school, pupils, loans: list[tuple[int, float]]) -> None:
    from hoso.library.models import BibRecord, Copy, Loan

    book = BibRecord.objects.create(school=school, kind="STK", title="Dế Mèn phiêu lưu ký")
    for n, (who, days) in enumerate(loans, start=1):
        copy = Copy.objects.create(
            record=book, school=school, reg_number=n, barcode=f"{school.code}-{n}"
        )
        Loan.objects.create(
            copy=copy,
            school=school,
            student=pupils[who],
            issued_at=_now(days),
            due_on=(_now(days) + dt.timedelta(days=14)).date(),
            issued_by=world.people["vanthu"],
            returned_at=_now(days + 1),
        )


def _reports(world, school, specs: list[tuple[float, str, bool]]) -> None:
    for n, (deadline, state, late) in enumerate(specs):
        request = ReportRequest.objects.create(
            office=world.units["phong"],
            school_year=world.year,
            title=f"Báo cáo {school.code} {n}",
            deadline=_now(deadline),
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


@pytest.fixture
def pages(settings, client_for):
    """Clients of the factory people, whose roles would otherwise be sent to set up a second
    factor first."""
    settings.HOSO_2FA_REQUIRED_ROLES = []
    return client_for


@pytest.fixture
def world():
    """A primary school with something for every measure, a lower-secondary school with
    less, and a kindergarten with nothing (no gradebook, no library)."""
    world = school_world("dxf")
    phong, year = world.units["phong"], world.year
    first = world.units["school"]
    second = UnitFactory(
        code="dxf-THCS", name="THCS thử", kind=UnitKind.TRUONG, parent=phong, level="THCS"
    )
    third = UnitFactory(
        code="dxf-MN", name="MN thử", kind=UnitKind.TRUONG, parent=phong, level="MN"
    )
    world.units.update(second=second, third=third)
    lop1, lop6 = _class(first, "dxf-1B", 1, year), _class(second, "dxf-6A", 6, year)
    small = _class(third, "dxf-MG", 0, year)
    p1, p6, pm = (
        _pupils(lop1, year, "F1", 4),
        _pupils(lop6, year, "F6", 3),
        _pupils(small, year, "FM", 2),
    )
    _due_items(
        world, first, world.units["to"], [(-10, -11), (-8, -7), (-7, None), (3, -1), (3, None)]
    )
    _due_items(world, second, second, [(-5, -6), (-4, None)])
    _versions(world, first, [(True, True), (True, False), (False, True)])
    _versions(world, second, [(True, False)])
    _grades(world, lop1, p1[:3], ["giua_hk1.muc", "cuoi_hk1.muc"])
    _hocba(world, lop1, p1[0], "issued", -1)
    _hocba(world, lop1, p1[1], "superseded", 5)  # issued after AT
    _hocba(world, lop6, p6[0], "ht_signed", None)
    _staff(world, first, 3, 2)
    _staff(world, second, 2, 1)
    _library(world, first, p1, [(0, -20), (0, -2), (1, -3), (2, 5)])
    _library(world, third, pm, [])  # no copy: still no data
    _reports(
        world,
        first,
        [
            (-5, ReportState.SUBMITTED, False),
            (-5, ReportState.SUBMITTED, True),
            (-5, "pending", False),
        ],
    )
    _reports(world, second, [(5, ReportState.SUBMITTED, False), (5, "pending", False)])
    return world


def _schools(world):
    return [world.units[k] for k in ("school", "second", "third")]


@pytest.mark.parametrize("code", sorted(measures.MEASURES))
def test_bulk_figures_are_exactly_the_per_school_figures(world, code):
    measure = measures.MEASURES[code]
    schools = _schools(world)
    for at in MOMENTS:
        each = {s.pk: measure.compute(s, world.year, at) for s in schools}
        assert measure.bulk(schools, world.year, at) == each, (code, at)
    # The world is not empty for the measure: some school has data at AT.
    assert any(f.total for f in measure.bulk(schools, world.year, AT).values()), code


def test_figures_for_groups_every_measure_by_school(world):
    schools = _schools(world)
    found = measures.figures_for(
        ["records_on_time", "nope", "hocba_issued"], schools, world.year, AT
    )
    first, third = world.units["school"].pk, world.units["third"].pk
    assert found[first] == {
        "records_on_time": measures.Figure(2, 4),
        "hocba_issued": measures.Figure(1, 4),
    }
    assert found[third] == {
        "records_on_time": measures.Figure(0, 0),
        "hocba_issued": measures.Figure(0, 2),
    }


def _published(world, django_capture_on_commit_callbacks):
    from hoso.offices.transformation.demo import CRITERIA

    office_person = world.people["chuyenvien"]
    today = timezone.localdate()
    cset = services.criteria_set_create(
        actor=office_person,
        office=world.units["phong"],
        title="Chỉ số chuyển đổi số thử",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=10),
        criteria=[services.CriterionIn(**c) for c in CRITERIA],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.criteria_set_publish(actor=office_person, set_id=cset.pk)
    cset.refresh_from_db()
    return cset


def test_publishing_keeps_every_schools_figures_and_the_ranking_reads_them(
    world, django_capture_on_commit_callbacks
):
    cset = _published(world, django_capture_on_commit_callbacks)
    # The task ran after commit: every sheet has its figures, the set says when.
    assert cset.figures_at is not None
    first = SchoolSheet.objects.get(criteria_set=cset, school=world.units["school"])
    at = cset.figures_at
    assert first.figures == {
        code: [f.done, f.total]
        for code, f in figures_now(
            selectors.criteria_of(cset), world.units["school"], world.year, at
        ).items()
    }
    # The ranking shows what the per-school computation gives at that moment.
    table = selectors.ranking(world.people["chuyenvien"], cset)
    assert table.computed_at == at and len(table.rows) == 3
    for row in table.rows:
        alone = breakdown(row.sheet, selectors.criteria_of(cset), {}, at, None)
        assert [(x.points, x.detail) for x in row.lines] == [
            (x.points, x.detail) for x in alone.lines
        ]
        assert row.total == alone.total
    # A figure changing afterwards shows at the next refresh, not before.
    _due_items(world, world.units["second"], world.units["second"], [(-3, -4)])
    before = {r.sheet.pk: r.total for r in selectors.ranking(world.people["chuyenvien"], cset).rows}
    second = SchoolSheet.objects.get(criteria_set=cset, school=world.units["second"])
    assert second.figures["records_on_time"] == [1, 2]
    assert refresh_dx_figures.call_local(cset.pk) == 3
    second.refresh_from_db()
    assert second.figures["records_on_time"] == [2, 3]
    after = {r.sheet.pk: r.total for r in selectors.ranking(world.people["chuyenvien"], cset).rows}
    assert after[second.pk] == before[second.pk] + Decimal("3.33")  # 13.33 − 10.00 of 20


def test_the_nightly_task_refreshes_open_sets_only(world, django_capture_on_commit_callbacks):
    cset = _published(world, django_capture_on_commit_callbacks)
    SchoolSheet.objects.filter(criteria_set=cset).update(figures={})
    open_sheets = SchoolSheet.objects.filter(criteria_set__state=SetState.OPEN)
    # Every open set's sheets (the demo's too, when another test loaded it in this database).
    assert refresh_open_dx_figures.call_local() == open_sheets.count() >= 3
    assert all(s.figures for s in SchoolSheet.objects.filter(criteria_set=cset))
    services.criteria_set_close(actor=world.people["chuyenvien"], set_id=cset.pk)
    kept = {s.pk: s.figures for s in SchoolSheet.objects.filter(criteria_set=cset)}
    assert refresh_open_dx_figures.call_local() == open_sheets.count()
    assert {s.pk: s.figures for s in SchoolSheet.objects.filter(criteria_set=cset)} == kept


def test_entered_values_show_at_once_without_a_refresh(world, django_capture_on_commit_callbacks):
    from hoso.offices.services.reports import FileIn
    from hoso.records.pdfmaker import simple_pdf

    cset = _published(world, django_capture_on_commit_callbacks)
    figures_at = cset.figures_at
    sheet = SchoolSheet.objects.get(criteria_set=cset, school=world.units["school"])
    head = world.people["hieutruong"]
    for code, value in (("2.2", "80"), ("3.1", "3"), ("3.3", "1")):
        services.answer_save(
            actor=head,
            sheet_id=sheet.pk,
            criterion_id=cset.criteria.get(code=code).pk,
            value=value,
            upload=FileIn(simple_pdf("Minh chứng", ["x"]), "mc.pdf"),
        )
    services.sheet_submit(actor=head, sheet_id=sheet.pk)
    row = next(r for r in selectors.ranking(head, cset).rows if r.sheet.pk == sheet.pk)
    entered = {x.criterion.code: x.points for x in row.lines if x.criterion.kind == "entered"}
    assert entered == {"2.2": Decimal("8.00"), "3.1": Decimal("10.00"), "3.3": Decimal("5.00")}
    cset.refresh_from_db()
    assert cset.figures_at == figures_at  # nothing recomputed


def test_the_page_says_when_the_figures_were_computed_and_that_they_are_old(
    world, django_capture_on_commit_callbacks, pages
):
    from hoso.offices.models import CriteriaSet

    cset = _published(world, django_capture_on_commit_callbacks)
    old = dt.datetime(2026, 12, 3, 13, 16, tzinfo=dt.UTC)  # 20:16 in Hà Nội
    CriteriaSet.objects.filter(pk=cset.pk).update(figures_at=old)
    office = pages("dxf.chuyenvien")
    page = office.get(reverse("offices:dx-set", args=[cset.pk])).content.decode()
    assert "Số liệu tính lúc 20:16, 03/12/2026" in page
    assert "đã cũ hơn một ngày" in page
    assert "Tính lại ngay" in page
    sheet = SchoolSheet.objects.get(criteria_set=cset, school=world.units["school"])
    school_page = pages("dxf.hieutruong").get(reverse("offices:dx-sheet", args=[sheet.pk]))
    assert "Số liệu tính lúc 20:16, 03/12/2026" in school_page.content.decode()
    CriteriaSet.objects.filter(pk=cset.pk).update(figures_at=timezone.now())
    page = office.get(reverse("offices:dx-set", args=[cset.pk])).content.decode()
    assert "Số liệu tính lúc" in page and "đã cũ hơn một ngày" not in page


def test_recompute_now_is_the_offices_and_audited(world, django_capture_on_commit_callbacks, pages):
    from hoso.offices.models import CriteriaSet

    cset = _published(world, django_capture_on_commit_callbacks)
    old = timezone.now() - dt.timedelta(days=3)
    CriteriaSet.objects.filter(pk=cset.pk).update(figures_at=old)
    SchoolSheet.objects.filter(criteria_set=cset).update(figures={"records_on_time": [0, 9]})
    url = reverse("offices:dx-set-recompute", args=[cset.pk])
    audits = AuditEntry.objects.filter(action="offices.dx.figures.recomputed")
    # The school's principal: 404 (not theirs to run), nothing recomputed, nothing logged.
    for username in ("dxf.hieutruong", "dxf.giaovien"):
        assert pages(username).post(url).status_code == 404
    cset.refresh_from_db()
    assert cset.figures_at == old and not audits.exists()
    assert {tuple(s.figures["records_on_time"]) for s in cset.sheets.all()} == {(0, 9)}
    # The office: recomputed now for every school, one audit entry.
    response = pages("dxf.chuyenvien").post(url)
    assert response.status_code == 302
    cset.refresh_from_db()
    assert cset.figures_at > old
    first = cset.sheets.get(school=world.units["school"])
    assert first.figures["records_on_time"] == [2, 5]  # every deadline has passed by now
    entry = audits.get()
    assert entry.actor_id == world.people["chuyenvien"].pk
    assert json.loads(entry.data)["schools"] == 3
    # Closed: nothing to recompute (the snapshot is final), said in Vietnamese.
    services.criteria_set_close(actor=world.people["chuyenvien"], set_id=cset.pk)
    page = pages("dxf.chuyenvien").post(url, follow=True).content.decode()
    assert "Chỉ tính lại được số liệu của bộ tiêu chí đang mở." in page
    assert audits.count() == 1
    assert CriteriaSet.objects.get(pk=cset.pk).state == SetState.CLOSED
