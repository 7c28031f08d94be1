"""Reports up: request with an Excel template, submissions (on time, late, twice, text in a
number cell), return with a comment, the summed workbook, recurring requests, isolation."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.offices.demo import filled_copy
from hoso.offices.models import ReportAssignment, ReportRequest, ReportState
from hoso.offices.selectors import report_status
from hoso.offices.services import reports
from hoso.offices.tests.factories import offices_province
from hoso.org.models import SchoolYear
from hoso.records.models import RecordType
from hoso.records.pdfmaker import simple_pdf
from tests.factories import World, api_login, login, with_certificates

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world(settings) -> World:
    """A Sở whose first Phòng has a primary (rp-TR), a THCS (rp-THCS) and a mầm non school
    (rp-MN), its second Phòng a primary school."""
    settings.HOSO_2FA_REQUIRED_ROLES = []  # leaders' pages without a phone at hand
    return offices_province("rp")


def client_for(world: World, key: str):
    return login(world.people[key])


def api_for(world: World, key: str):
    return api_login(world.people[key])


def _named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def _template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    sheet.append(["Chỉ tiêu", "Số liệu"])
    sheet.append(["Tổng số học sinh", None])
    sheet.append(["Học sinh bỏ học", None])
    sheet.append(["Tỉ lệ bỏ học (%)", "=IF(B2=0,0,B3/B2*100)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _request(world: World, **extra) -> ReportRequest:
    values = {
        "actor": world.people["chuyenvien"],
        "office": world.units["phong"],
        "title": "Sơ kết học kỳ I",
        "deadline": timezone.now() + dt.timedelta(days=5),
        "template_kind": "excel",
        "template": reports.FileIn(_template(), "mau.xlsx"),
        "cells": "B2:B3",
        "audience": "all",
    }
    return reports.report_request_create(**{**values, **extra})


def _send(
    world: World, request: ReportRequest, unit: str, person: str, values: dict[str, object]
) -> ReportAssignment:
    row = request.units.get(unit=world.units[unit])
    data = filled_copy(_template(), list(request.cells), values)  # type: ignore[arg-type]
    return reports.report_submit(
        actor=world.people[person], assignment_id=row.pk, upload=reports.FileIn(data, "bc.xlsx")
    )


def test_cells_are_collected_and_summed_and_ratios_recomputed(world):
    request = _request(world)
    assert request.cells == ["Số liệu!B2", "Số liệu!B3"]
    _send(world, request, "school", "hieutruong", {"Số liệu!B2": 100, "Số liệu!B3": 2})
    _send(world, request, "thcs", "thcs.hieutruong", {"Số liệu!B2": 300, "Số liệu!B3": 6})
    response = client_for(world, "chuyenvien").get(reverse("offices:report-sum", args=[request.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Số liệu"]
    assert (sheet["B2"].value, sheet["B3"].value) == (400, 8)
    assert sheet["B4"].value == "=IF(B2=0,0,B3/B2*100)"  # 2 %, from the sums, not an average
    detail = [[c.value for c in row] for row in book["Theo đơn vị"].iter_rows()]
    assert detail[0] == ["Đơn vị", "Nộp lúc", "Trễ hạn", "Số liệu!B2", "Số liệu!B3"]
    assert sorted(row[0] for row in detail[1:-1]) == ["Trường THCS thử", "Trường thử"]
    assert detail[-1] == ["Cộng", None, None, 400, 8]
    assert [[c.value for c in row] for row in book["Chưa nộp"].iter_rows()] == [
        ["Đơn vị chưa nộp"],
        ["Trường Mầm non thử"],
    ]


def test_downloads_of_the_template_the_unit_files_and_the_sum_are_audited(world):
    request = _request(world)
    row = _send(world, request, "school", "hieutruong", {"Số liệu!B2": 100, "Số liệu!B3": 2})
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    office = client_for(world, "chuyenvien")
    for url in (
        reverse("offices:report-template", args=[request.pk]),
        reverse("offices:report-unit-file", args=[row.pk]),
        reverse("offices:report-sum", args=[request.pk]),
    ):
        assert office.get(url).status_code == 200
    school = client_for(world, "hieutruong")
    assert school.get(reverse("offices:report-unit-template", args=[row.pk])).status_code == 200
    actions = [
        "offices.report.template_downloaded",
        "offices.report.file_downloaded",
        "offices.report.summed",
    ]
    entries = AuditEntry.objects.filter(seq__gt=start, action__in=actions).order_by("seq")
    by_row = {"assignment": row.pk}
    assert [(e.action, e.actor_name, e.unit_id, json.loads(e.data)) for e in entries] == [
        ("offices.report.template_downloaded", "rp.chuyenvien", request.office_id, {}),
        ("offices.report.file_downloaded", "rp.chuyenvien", row.unit_id, by_row),
        ("offices.report.summed", "rp.chuyenvien", request.office_id, {"units": 1}),
        ("offices.report.template_downloaded", "rp.hieutruong", row.unit_id, by_row),
    ]


def test_late_is_allowed_and_marked_and_missing_listed_after_the_deadline(world):
    request = _request(world)
    _send(world, request, "school", "hieutruong", {})
    ReportRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    request.refresh_from_db()
    row = _send(world, request, "thcs", "thcs.hieutruong", {})
    assert row.late is True
    status = report_status(request)
    assert [r.unit.code for r in status.late] == ["rp-THCS"]
    assert [r.unit.code for r in status.missing] == ["rp-MN"]
    assert len(status.submitted) == 2


def test_text_where_a_number_belongs_is_refused_and_nothing_saved(world):
    request = _request(world)
    with pytest.raises(DomainError) as error:
        _send(
            world, request, "school", "hieutruong", {"Số liệu!B2": "một trăm", "Số liệu!B3": "2,5"}
        )
    assert error.value.message == "Các ô sau phải là số: Số liệu!B2 (“một trăm”)."
    row = request.units.get(unit=world.units["school"])
    assert (row.state, row.figures, row.file_sha256) == (ReportState.PENDING, {}, "")


def test_a_second_submission_is_refused_until_returned(world):
    request = _request(world)
    _send(world, request, "school", "hieutruong", {"Số liệu!B2": 10})
    with pytest.raises(Conflict, match="chỉ nộp lại được khi Phòng GDĐT thử trả lại"):
        _send(world, request, "school", "phohieutruong", {"Số liệu!B2": 11})
    row = request.units.get(unit=world.units["school"])
    with pytest.raises(DomainError, match="Hãy nhập lý do trả lại."):
        reports.report_return(actor=world.people["chuyenvien"], assignment_id=row.pk, comment="")
    with pytest.raises(NotAllowed):
        reports.report_return(actor=world.people["hieutruong"], assignment_id=row.pk, comment="x")
    reports.report_return(
        actor=world.people["chuyenvien"], assignment_id=row.pk, comment="Sai số HS."
    )
    row = _send(world, request, "school", "phohieutruong", {"Số liệu!B2": 11})
    assert (row.state, row.figures["Số liệu!B2"]) == (ReportState.SUBMITTED, 11.0)


def test_a_bad_template_or_cells_spec_is_refused(world):
    count = ReportRequest.objects.count()
    with pytest.raises(DomainError, match="Mẫu không có trang tính “Khác”"):
        _request(world, cells="Khác!B2")
    with pytest.raises(DomainError, match="không hợp lệ"):
        _request(world, cells="B2:ZZZZZ")
    with pytest.raises(DomainError, match="Tệp phải là xlsx"):
        _request(world, template=reports.FileIn(simple_pdf("Mẫu"), "mau.pdf"))
    with pytest.raises(DomainError, match="Hạn nộp phải sau hôm nay"):
        _request(world, deadline=timezone.now() - dt.timedelta(days=1))
    assert ReportRequest.objects.count() == count


def test_a_signed_report_is_required_when_a_signer_is_asked(world):
    with_certificates(world, ["hieutruong", "vanthu"])
    request = _request(world, template_kind="document", template=None, cells="", signer_role="HT")
    row = request.units.get(unit=world.units["school"])
    with pytest.raises(DomainError, match="phải có chữ ký số của hiệu trưởng"):
        reports.report_submit(
            actor=world.people["hieutruong"],
            assignment_id=row.pk,
            upload=reports.FileIn(simple_pdf("Báo cáo"), "bc.pdf"),
        )
    from hoso.records.services import versions as services
    from hoso.records.services import workflow
    from hoso.records.services.signing import version_seal, version_sign

    version = services.record_upload(
        actor=world.people["vanthu"],
        record_type=RecordType.objects.get(code="VP.BCDV"),
        upload=services.Upload(io.BytesIO(simple_pdf("BÁO CÁO", ["HIỆU TRƯỞNG"])), "bc.pdf"),
    )
    rid = version.record_id
    workflow.record_submit(actor=world.people["vanthu"], record_id=rid)
    version_sign(actor=world.people["hieutruong"], record_id=rid, passphrase=settings.DEMO_PASSWORD)
    version_seal(actor=world.people["vanthu"], record_id=rid, passphrase=settings.DEMO_PASSWORD)
    done = reports.report_submit(actor=world.people["vanthu"], assignment_id=row.pk, record_id=rid)
    assert (done.state, done.record_id) == (ReportState.SUBMITTED, rid)


def test_a_termly_request_is_issued_again_for_the_next_term(world):
    year = SchoolYear.objects.get(is_current=True)
    assert year == world.year
    deadline = timezone.make_aware(
        dt.datetime.combine(year.term1_end + dt.timedelta(days=7), dt.time(17))
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reports.timezone, "now", lambda: deadline - dt.timedelta(days=30))
        request = _request(world, deadline=deadline, recurrence="term")
    assert request.period_key == "HK1"
    assert reports.reports_schedule_next(now=deadline + dt.timedelta(hours=1)) == 1
    following = request.next
    assert following.period_key == "HK2"
    assert timezone.localtime(following.deadline).date() == year.end_date + dt.timedelta(days=7)
    assert sorted(following.units.values_list("unit__code", flat=True)) == [
        "rp-MN",
        "rp-THCS",
        "rp-TR",
    ]
    assert reports.reports_schedule_next(now=deadline + dt.timedelta(hours=2)) == 0  # once


def test_units_see_only_their_own_reports(world):
    request = _request(world)
    th1_row = request.units.get(unit=world.units["school"])
    assert (
        client_for(world, "hieutruong")
        .get(reverse("offices:report-unit", args=[th1_row.pk]))
        .status_code
        == 200
    )
    for username in ("thcs.hieutruong", "school2.hieutruong", "giaovien", "chuyenvien2"):
        assert (
            client_for(world, username)
            .get(reverse("offices:report-unit", args=[th1_row.pk]))
            .status_code
            == 404
        )
        assert (
            client_for(world, username)
            .get(reverse("offices:report-unit-template", args=[th1_row.pk]))
            .status_code
            == 404
        )
    assert (
        client_for(world, "chuyenvien2")
        .get(reverse("offices:report", args=[request.pk]))
        .status_code
        == 404
    )
    assert (
        api_for(world, "school2.hieutruong")
        .get(reverse("api-offices-unit-report", args=[th1_row.pk]))
        .status_code
        == 404
    )
    assert (
        api_for(world, "chuyenvien2")
        .get(reverse("api-offices-report-status", args=[request.pk]))
        .status_code
        == 404
    )
    listed = (
        api_for(world, "thcs.hieutruong").get(reverse("api-offices-unit-reports")).json()["results"]
    )
    assert th1_row.pk not in {item["id"] for item in listed}


def test_the_api_round_trip(world):
    th1 = world.units["school"]
    created = api_for(world, "chuyenvien").post(
        reverse("api-offices-reports"),
        {
            "title": "Số liệu HK I",
            "deadline": "2099-01-10",
            "template_kind": "excel",
            "template": _named(_template(), "mau.xlsx"),
            "cells": "B2:B3",
            "audience": "list",
            "units": [th1.pk],
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    mine = api_for(world, "hieutruong").get(reverse("api-offices-unit-reports")).json()["results"]
    row_id = next(item["id"] for item in mine if item["request"] == pk)
    bad = filled_copy(_template(), ["Số liệu!B2"], {"Số liệu!B2": "abc"})
    refused = api_for(world, "hieutruong").post(
        reverse("api-offices-unit-report-submit", args=[row_id]),
        {"file": _named(bad, "bc.xlsx")},
        format="multipart",
    )
    assert (refused.status_code, refused.json()["message"]) == (
        400,
        "Các ô sau phải là số: Số liệu!B2 (“abc”).",
    )
    good = filled_copy(
        _template(), ["Số liệu!B2", "Số liệu!B3"], {"Số liệu!B2": 120, "Số liệu!B3": 3}
    )
    sent = api_for(world, "hieutruong").post(
        reverse("api-offices-unit-report-submit", args=[row_id]),
        {"file": _named(good, "bc.xlsx")},
        format="multipart",
    )
    assert sent.status_code == 200, sent.content
    status = (
        api_for(world, "chuyenvien").get(reverse("api-offices-report-status", args=[pk])).json()
    )
    assert status["totals"] == {"Số liệu!B2": 120.0, "Số liệu!B3": 3.0}
    assert status["submitted"] == 1
