"""The issuing services announce their events: a submitted report reaches the submitting
school's endpoints and the office's above it, with ids and labels only (no figures)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook

from hoso.core import events
from hoso.offices.demo import filled_copy
from hoso.offices.services import reports
from hoso.webhooks import services
from hoso.webhooks.models import Delivery, Event
from hoso.webhooks.tests.factories import webhook_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]

URL = "https://hooks.example.invalid/"


def _template() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Số liệu"
    sheet.append(["Chỉ tiêu", "Số liệu"])
    sheet.append(["Tổng số học sinh", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_submitted_report_reaches_the_school_and_the_office(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = webhook_world("we1")
    school = services.endpoint_create(
        actor=world.people["vanthu"],
        unit=world.units["school"],
        name="Trường",
        url=URL + "school",
        events=[events.REPORT_SUBMITTED],
    )[0]
    phong = services.endpoint_create(
        actor=world.people["phong.vanthu"],
        unit=world.units["phong"],
        name="Phòng",
        url=URL + "phong",
        events=[events.REPORT_SUBMITTED],
    )[0]
    services.endpoint_create(
        actor=world.people["thcs.hieutruong"],
        unit=world.units["thcs"],
        name="THCS",
        url=URL + "thcs",
        events=[events.REPORT_SUBMITTED],
    )
    request = reports.report_request_create(
        actor=world.people["chuyenvien"],
        office=world.units["phong"],
        title="Sĩ số đầu năm",
        deadline=timezone.now() + dt.timedelta(days=5),
        template_kind="excel",
        template=reports.FileIn(_template(), "mau.xlsx"),
        cells="B2",
        audience="all",
    )
    row = request.units.get(unit=world.units["school"])
    data = filled_copy(_template(), list(request.cells), {"Số liệu!B2": 321})
    with django_capture_on_commit_callbacks(execute=False):
        reports.report_submit(
            actor=world.people["hieutruong"],
            assignment_id=row.pk,
            upload=reports.FileIn(data, "bc.xlsx"),
        )
    event = Event.objects.get()
    assert (event.kind, event.unit_id) == ("report.submitted", world.units["school"].pk)
    assert event.data["report"] == request.pk and event.data["title"] == "Sĩ số đầu năm"
    assert event.data["late"] is False and "figures" not in event.data
    assert 321 not in event.data.values()
    reached = set(Delivery.objects.values_list("endpoint_id", flat=True))
    assert reached == {school.pk, phong.pk}


def test_emit_without_a_unit_records_nothing() -> None:
    events.emit(events.RECORD_ISSUED, unit_id=None, data={"record": 1})
    assert Event.objects.count() == 0


def test_an_issued_hocba_reaches_the_schools_endpoint_when_the_seal_completes_it() -> None:
    """GVCN, principal and the school's seal sign (demo certificates); only the seal issues."""
    from hoso.grading.hocba.services.versions import hocba_create
    from hoso.grading.models import HocBaStatus
    from hoso.grading.tests.conftest import first_student, gvcn_of
    from hoso.grading.tests.factories import gradebook_as_in_the_demo
    from hoso.grading.tests.test_hocba_verify_batch import _sign
    from hoso.grading.tests.test_outputs_hocba import _complete_year
    from hoso.signing import demo as signing_demo

    world = gradebook_as_in_the_demo("th1.1A")
    lop = world.units["th1.1A"]
    gvcn, ht, vt = gvcn_of(lop), world.people["th1.hieutruong"], world.people["th1.vanthu"]
    signing_demo.create_demo_pki(users=[gvcn, ht, vt], schools=[world.units["th1"]])
    endpoint = services.endpoint_create(
        actor=vt,
        unit=world.units["th1"],
        name="Học bạ",
        url=URL + "hocba",
        events=[events.HOCBA_ISSUED],
    )[0]
    pupil = first_student(lop, 3)
    _complete_year(lop, pupil)
    version = hocba_create(actor=gvcn, school_class=lop, student=pupil)
    _sign(gvcn, version)
    _sign(ht, version)
    assert Event.objects.count() == 0  # signed, not yet issued
    _sign(vt, version, seal=True)
    version.refresh_from_db()
    assert version.status == HocBaStatus.ISSUED
    event = Event.objects.get()
    assert (event.kind, event.unit_id) == ("hocba.issued", world.units["th1"].pk)
    assert event.data["hocba_version"] == version.pk and event.data["student"] == pupil.pk
    assert list(Delivery.objects.values_list("endpoint_id", flat=True)) == [endpoint.pk]
