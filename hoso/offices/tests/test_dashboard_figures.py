"""The dashboard's gradebook, học bạ and library figures: what the kept summary rows give
equals counting directly, a write makes the row stale (counted on the spot), the one-page PDF
summary, and no peeking at another Phòng's unit."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pikepdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hoso.grading.catalogue import class_subjects
from hoso.grading.models import Entry, HocBaStatus, HocBaVersion
from hoso.library.models import BibRecord, Copy, CopyStatus, Loan
from hoso.offices import dashboard
from hoso.offices.progress import school_progress
from hoso.org.models import Enrolment, Role, Student, UnitKind
from hoso.records.models import DueSummary
from hoso.records.services.summary import due_summary_refresh, school_figures_touch
from hoso.records.summary import figures_fresh, unit_school_figures
from tests.factories import UnitFactory, UserFactory, grant, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world():
    world = school_world("fg")
    school, year = world.units["school"], world.year
    lop = UnitFactory(
        code="fg-1B", name="Lớp 1B", kind=UnitKind.LOP, parent=school, school_year=year, grade=1
    )
    pupils = []
    for i in range(3):
        pupil = Student.objects.create(
            code=f"FG{i}",
            full_name=f"HS {i}",
            gender="NU",
            birth_date=dt.date(2019, 2, 2),
            school=school,
        )
        Enrolment.objects.create(student=pupil, school_class=lop, school_year=year)
        pupils.append(pupil)
    code = class_subjects(lop)[0].code
    for pupil in pupils[:2]:
        Entry.objects.create(
            school_year=year,
            school_class=lop,
            student=pupil,
            area=code,
            slot="giua_hk1.muc",
            value="T",
        )
    HocBaVersion.objects.create(
        student=pupils[0],
        school_year=year,
        school_class=lop,
        status=HocBaStatus.ISSUED,
        data={},
        pdf_sha256="0" * 64,
        xml_sha256="0" * 64,
        issued_at=timezone.now(),
    )
    HocBaVersion.objects.create(  # not issued: not counted
        student=pupils[1],
        school_year=year,
        school_class=lop,
        data={},
        pdf_sha256="0" * 64,
        xml_sha256="0" * 64,
    )
    book = BibRecord.objects.create(school=school, kind="BOOK", title="Dế Mèn phiêu lưu kí")
    copies = [
        Copy.objects.create(record=book, school=school, reg_number=n, barcode=f"FG{n}")
        for n in range(1, 5)
    ]
    Copy.objects.filter(pk=copies[3].pk).update(status=CopyStatus.WEEDED)
    today = timezone.localdate()
    librarian = world.people["vanthu"]
    for copy, due in ((copies[0], today - dt.timedelta(days=3)), (copies[1], today)):
        Loan.objects.create(
            copy=copy,
            school=school,
            student=pupils[0],
            issued_at=timezone.make_aware(dt.datetime.combine(year.start_date, dt.time(9))),
            due_on=due,
            issued_by=librarian,
        )
    world.units["lop1b"] = lop
    return world


def _counted_directly(world) -> dict[str, int]:
    school, year = world.units["school"], world.year
    rows = school_progress(school, year, timezone.localdate())
    issued = HocBaVersion.objects.filter(
        school_year=year, status=HocBaStatus.ISSUED, school_class__school=school
    )
    open_loans = Loan.objects.filter(school=school, returned_at__isnull=True)
    return {
        "gb_entered": sum(min(r.entered, r.required_now) for r in rows),
        "gb_required": sum(r.required_now for r in rows),
        "hb_issued": issued.values("student").distinct().count(),
        "pupils": Enrolment.objects.filter(school_year=year, school_class__school=school).count(),
        "lib_copies": Copy.objects.filter(school=school).exclude(status="weeded").count(),
        "lib_loans": Loan.objects.filter(
            school=school, issued_at__date__gte=year.start_date, issued_at__date__lte=year.end_date
        ).count(),
        "lib_overdue": open_loans.filter(due_on__lt=timezone.localdate()).count(),
    }


def test_the_kept_figures_equal_counting_directly(world):
    school, so = world.units["school"], world.units["so"]
    expected = _counted_directly(world)
    assert expected["pupils"] == 3 and expected["hb_issued"] == 1
    assert (expected["lib_copies"], expected["lib_loans"], expected["lib_overdue"]) == (3, 2, 1)
    now = timezone.now()
    assert unit_school_figures(so, world.year, now) == {school.pk: expected}  # counted

    due_summary_refresh(school_year=world.year, now=now)

    row = DueSummary.objects.get(school=school)
    assert row.figures == expected
    assert DueSummary.objects.filter(figures_fresh(world.year, now), pk=row.pk).exists()
    row.figures = {**expected, "pupils": 99}  # a row only the reader can have read
    row.save(update_fields=["figures"])
    assert unit_school_figures(so, world.year, now)[school.pk]["pupils"] == 99


def test_a_write_makes_the_figures_stale_and_they_are_counted(world):
    school, so = world.units["school"], world.units["so"]
    now = timezone.now()
    due_summary_refresh(school_year=world.year, now=now)
    Loan.objects.filter(school=school).delete()

    school_figures_touch([school.pk])

    assert not DueSummary.objects.filter(figures_fresh(world.year, now), school=school).exists()
    found = unit_school_figures(so, world.year, now)[school.pk]
    assert found == _counted_directly(world)
    assert (found["lib_loans"], found["lib_overdue"]) == (0, 0)


def test_the_board_rolls_the_figures_up_and_alerts_on_gradebook(world, settings):
    expected = _counted_directly(world)
    viewer = UserFactory(username="fg.so")
    grant(viewer, Role.CV_SO, world.units["so"])
    settings.HOSO_OFFICES_ALERT_GRADEBOOK_PERCENT = 101
    board = dashboard.build(viewer, world.units["so"], world.year)
    assert board.total.figures == expected
    assert [r.unit for r in board.rows] == [world.units["phong"]]
    assert board.rows[0].figures == expected
    assert any("điểm đã nhập" in b for b in board.rows[0].behind)


def _pdf_text(content: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


def test_the_pdf_summary_is_one_page_with_the_unit(world, settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []  # a test account without TOTP
    client = Client()
    client.force_login(world.people["chuyenvien"])
    response = client.get(reverse("offices:dashboard-pdf"), {"unit": world.units["phong"].pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert len(pikepdf.open(io.BytesIO(response.content)).pages) == 1
    text = _pdf_text(response.content)
    assert "Phòng GDĐT thử" in text and "Trường thử" in text


def test_the_pdf_of_another_phongs_unit_is_refused(world, settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []
    other = school_world("fg2")
    client = Client()
    client.force_login(world.people["chuyenvien"])
    for unit in (other.units["phong"], other.units["school"]):
        response = client.get(reverse("offices:dashboard-pdf"), {"unit": unit.pk})
        assert response.status_code == 404


def test_the_excel_export_carries_the_figures(world, settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []
    expected = _counted_directly(world)
    client = Client()
    client.force_login(world.people["chuyenvien"])
    response = client.get(reverse("offices:dashboard-export"), {"unit": world.units["phong"].pk})
    assert response.status_code == 200
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(response.content)).active.rows]
    head = rows[1]
    school = next(r for r in rows if r[0] == "Trường thử")
    got = dict(zip(head[11:], school[11:], strict=True))
    gradebook = min(100, round(100 * expected["gb_entered"] / expected["gb_required"]))
    assert got == {
        "% điểm đã nhập": gradebook,
        "Học bạ đã ban hành": expected["hb_issued"],
        "Học sinh": expected["pupils"],
        "Bản sách": expected["lib_copies"],
        "Lượt mượn trong năm": expected["lib_loans"],
        "Lượt mượn quá hạn": expected["lib_overdue"],
    }


def test_the_api_gives_the_page_s_figures_and_hides_another_phong(world, settings):
    settings.HOSO_2FA_REQUIRED_ROLES = []
    expected = _counted_directly(world)
    client = Client()
    client.force_login(world.people["chuyenvien"])
    url = reverse("api-offices-dashboard")
    answer = client.get(url, {"unit": world.units["phong"].pk})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["unit"], body["unit_name"]) == (world.units["phong"].pk, "Phòng GDĐT thử")
    school = next(r for r in body["rows"] if r["label"] == "Trường thử")
    assert (school["pupils"], school["hocba_issued"]) == (expected["pupils"], expected["hb_issued"])
    assert (school["library_copies"], school["library_overdue"]) == (
        expected["lib_copies"],
        expected["lib_overdue"],
    )
    assert body["total"]["pupils"] == expected["pupils"]
    other = school_world("fg3")
    assert client.get(url, {"unit": other.units["phong"].pk}).status_code == 404
