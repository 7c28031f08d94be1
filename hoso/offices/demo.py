"""Demo data of the offices: the leaders and clerks of the Phòng and the Sở (with their
certificates and the offices' seals), and a signed directive from each office."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from hoso.org.demo import _demo_person, register_demo_step
from hoso.org.models import Role

# username → (office key, position, role); numbered after the org app's demo staff.
OFFICE_ACCOUNTS: dict[str, tuple[str, str, str]] = {
    "so.giamdoc": ("so", "Giám đốc Sở", Role.GD),
    "so.phogiamdoc": ("so", "Phó Giám đốc Sở", Role.PGD),
    "so.vanthu": ("so", "Văn thư Sở", Role.VT_CQ),
    "phong1.truongphong": ("phong1", "Trưởng phòng", Role.TP),
    "phong1.photruongphong": ("phong1", "Phó Trưởng phòng", Role.PTP),
    "phong1.vanthu": ("phong1", "Văn thư Phòng", Role.VT_CQ),
    "phong2.truongphong": ("phong2", "Trưởng phòng", Role.TP),
}
FIRST_NUMBER = 900  # staff codes CB00900… stay clear of the org demo's numbering


def demo_office_people(province: Any) -> None:
    rng = random.Random(18)  # its own generator: the other demo steps' names stay the same
    password_hash = make_password(settings.DEMO_PASSWORD)
    for number, (username, (key, position, role)) in enumerate(
        OFFICE_ACCOUNTS.items(), start=FIRST_NUMBER
    ):
        unit = province.units[key]
        province.users[username] = _demo_person(
            username,
            unit,
            position,
            [(role, key)],
            province.units,
            province.year,
            rng,
            password_hash,
            number,
        )


def demo_office_seals(province: Any) -> None:
    from hoso.signing.demo import create_demo_pki

    offices = [province.units[key] for key in ("so", "phong1", "phong2")]
    create_demo_pki(users=[], schools=offices)


def _submitted(
    users: dict[str, Any],
    drafter: str,
    code: str,
    title: str,
    lines: list[str],
    filename: str = "cong-van.pdf",
) -> int:
    """A record of the office drafted by `drafter` and submitted to its chain; its id."""
    from hoso.records.models import RecordType
    from hoso.records.pdfmaker import simple_pdf
    from hoso.records.services import versions as services
    from hoso.records.services import workflow

    version = services.record_upload(
        actor=users[drafter],
        record_type=RecordType.objects.get(code=code),
        upload=services.Upload(io.BytesIO(simple_pdf(title, lines)), filename),
        title=title,
    )
    workflow.record_submit(actor=users[drafter], record_id=version.record_id)
    return version.record_id


def _issued_letter(
    users: dict[str, Any], drafter: str, signer: str, clerk: str, code: str, title: str
) -> Any:
    from hoso.records.models import Record
    from hoso.records.services.signing import version_seal, version_sign

    lines = ["Kính gửi: Hiệu trưởng các trường trực thuộc.", "KT. TRƯỞNG PHÒNG"]
    record_id = _submitted(users, drafter, code, title, lines)
    version_sign(actor=users[signer], record_id=record_id, passphrase=settings.DEMO_PASSWORD)
    version_seal(actor=users[clerk], record_id=record_id, passphrase=settings.DEMO_PASSWORD)
    return Record.objects.get(pk=record_id)


def demo_directives(province: Any) -> None:
    """Phòng 1 asks its schools to acknowledge a letter (th1's principal opened and answered)
    and sends them a notice also meant for their pupils' parents; the Sở asks every primary
    school of the province for a written reply. Deadlines count from the real clock, not the
    demo's day: the services refuse a deadline already past."""
    from hoso.offices.catalogue import load_office_types
    from hoso.offices.services.directives import directive_answer, directive_issue, directive_open
    from hoso.records.models import RecordType

    # A flushed database (live-server browser tests) lost the office types a migration created.
    load_office_types(RecordType)
    users, units = province.users, province.units
    record = _issued_letter(
        users,
        "phong1.chuyenvien",
        "phong1.photruongphong",
        "phong1.vanthu",
        "VP.PHONG.CV",
        f"V/v triển khai hồ sơ sổ sách điện tử năm học {province.year.name}",
    )
    directive = directive_issue(
        actor=users["phong1.chuyenvien"],
        office=units["phong1"],
        record_id=record.pk,
        number="125/PGDĐT-CM",
        audience="all",
        reply_kind="ack",
        reply_due_at=timezone.now() + dt.timedelta(days=7),
    )
    row = directive.recipients.get(unit=units["th1"])
    directive_open(actor=users["th1.hieutruong"], recipient_id=row.pk)
    directive_answer(
        actor=users["th1.hieutruong"], recipient_id=row.pk, text="Đã nhận, triển khai."
    )
    notice = _issued_letter(
        users,
        "phong1.chuyenvien",
        "phong1.photruongphong",
        "phong1.vanthu",
        "VP.PHONG.CV",
        "V/v thông báo đến cha mẹ học sinh về học bạ số và kết quả học tập trên HoSo",
    )
    directive_issue(  # also for parents: ph.hs1 (consented, child at th1) sees it
        actor=users["phong1.chuyenvien"],
        office=units["phong1"],
        record_id=notice.pk,
        number="131/PGDĐT-CM",
        summary="Cha mẹ học sinh xem kết quả học tập và học bạ số của con trên HoSo.",
        audience="all",
        reply_kind="none",
        for_parents=True,
    )
    letter = _issued_letter(
        users,
        "so.chuyenvien",
        "so.phogiamdoc",
        "so.vanthu",
        "VP.SO.CV",
        "V/v báo cáo tình hình sử dụng học bạ số cấp tiểu học",
    )
    database = _issued_letter(
        users,
        "so.chuyenvien",
        "so.phogiamdoc",
        "so.vanthu",
        "VP.SO.CV",
        f"V/v rà soát, cập nhật cơ sở dữ liệu ngành đầu năm học {province.year.name}",
    )
    directive_issue(  # to the Phòng: their staff acknowledge it this week
        actor=users["so.chuyenvien"],
        office=units["so"],
        record_id=database.pk,
        number="2045/SGDĐT-VP",
        audience="list",
        unit_ids=[units["phong1"].pk, units["phong2"].pk],
        reply_kind="ack",
        reply_due_at=timezone.now() + dt.timedelta(days=5),
    )
    directive_issue(
        actor=users["so.chuyenvien"],
        office=units["so"],
        record_id=letter.pk,
        number="2031/SGDĐT-GDPT",
        audience="level",
        level="TH",
        reply_kind="reply",
        reply_due_at=timezone.now() + dt.timedelta(days=14),
    )


def demo_office_work(province: Any) -> None:
    """Work waiting in the Sở today, so each of its accounts has some: the year plan waits for
    the director's or deputy's signature, a decision signed by the director waits for the
    clerk's seal, and a letter the deputy returned waits for the specialist to revise it."""
    from hoso.records.services import workflow
    from hoso.records.services.signing import version_sign

    users = province.users
    lines = ["Căn cứ nhiệm vụ năm học;", "Sở GDĐT Tỉnh Demo"]

    def drafted(code: str, title: str) -> int:
        return _submitted(users, "so.chuyenvien", code, title, lines, "du-thao.pdf")

    drafted("VP.SO.KHNH", f"Kế hoạch thực hiện nhiệm vụ năm học {province.year.name}")
    decision = drafted("VP.SO.QD", "Quyết định thành lập đoàn kiểm tra hồ sơ điện tử học kỳ I")
    version_sign(actor=users["so.giamdoc"], record_id=decision, passphrase=settings.DEMO_PASSWORD)
    letter = drafted("VP.SO.CV", "V/v hướng dẫn tự đánh giá mức độ chuyển đổi số của trường học")
    workflow.record_return(
        actor=users["so.phogiamdoc"],
        record_id=letter,
        comment="Đề nghị nêu rõ thời hạn các trường nộp phiếu tự đánh giá và đầu mối liên hệ.",
    )


register_demo_step(demo_office_people, order=35)  # before the PKI step gives them certificates
register_demo_step(demo_office_seals, order=41)
register_demo_step(demo_directives, order=70)
register_demo_step(demo_office_work, order=72)


def filled_copy(template: bytes, cells: list[str], values: dict[str, float]) -> bytes:
    """A unit's filled copy of an Excel template (demo and tests)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template))
    for cell in cells:
        sheet, _, ref = cell.rpartition("!")
        book[sheet][ref].value = values.get(cell, 0)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _school_figures(school: Any, cells: list[str], rng: random.Random) -> dict[str, float]:
    """Figures of a school from HoSo's own data where it has them (pupils, girls)."""
    from hoso.org.models import Gender, Student

    pupils = Student.objects.filter(school=school, is_active=True)
    values = {cell: float(rng.randint(0, 3)) for cell in cells}
    values[cells[0]] = float(pupils.count())
    values[cells[1]] = float(pupils.filter(gender=Gender.NU).count())
    return values


def demo_reports(province: Any) -> None:
    """Phòng 1 asked its schools for the term-I pupil figures (Excel): th1 sent on time, thcs1
    late, mn1 not yet; the deadline has passed. The request recurs each term. The Sở asks the
    primary schools for a signed written report."""
    from hoso.offices.services.reports import FileIn, report_request_create, report_submit
    from hoso.offices.templates_xlsx import template_from_seed

    users, units = province.users, province.units
    rng = random.Random(1818)
    template, spec = template_from_seed("hoc_sinh")
    request = report_request_create(
        actor=users["phong1.chuyenvien"],
        office=units["phong1"],
        title="Báo cáo sơ kết học kỳ I — số liệu học sinh",
        instructions="Điền số liệu học sinh tại thời điểm sơ kết học kỳ I.",
        deadline=timezone.now() + dt.timedelta(days=3),
        template_kind="excel",
        template=FileIn(template, "so-lieu-hoc-sinh-hk1.xlsx"),
        cells=spec,
        audience="all",
        recurrence="term",
    )
    cells = list(request.cells)
    for key, username in (("th1", "th1.hieutruong"), ("thcs1", "thcs1.hieutruong")):
        if key == "thcs1":  # the deadline passes before the THCS sends its figures
            type(request).objects.filter(pk=request.pk).update(
                deadline=timezone.now() - dt.timedelta(days=1)
            )
        row = request.units.get(unit=units[key])
        data = filled_copy(template, cells, _school_figures(units[key], cells, rng))
        report_submit(
            actor=users[username], assignment_id=row.pk, upload=FileIn(data, "bao-cao.xlsx")
        )

    from hoso.records.pdfmaker import simple_pdf

    outline = ["1. Tình hình triển khai", "2. Khó khăn, vướng mắc", "3. Đề xuất, kiến nghị"]
    written = report_request_create(
        actor=users["so.chuyenvien"],
        office=units["so"],
        title=f"Báo cáo tình hình sử dụng học bạ số năm học {province.year.name}",
        instructions="Báo cáo bằng văn bản theo mẫu đề cương.",
        deadline=timezone.now() + dt.timedelta(days=20),
        template_kind="document",
        template=FileIn(simple_pdf("ĐỀ CƯƠNG BÁO CÁO", outline), "de-cuong.pdf"),
        audience="level",
        level="TH",
    )
    row = written.units.get(unit=units["th2"])
    report = simple_pdf("BÁO CÁO tình hình sử dụng học bạ số", outline)
    report_submit(
        actor=users["th2.hieutruong"], assignment_id=row.pk, upload=FileIn(report, "bc.pdf")
    )


register_demo_step(demo_reports, order=71)


def demo_inspection(province: Any) -> None:
    """Phòng 1's chuyên viên inspected th1's lesson plans and gradebook progress; the signed
    biên bản went to the school, which has not answered yet."""
    from hoso.offices.services import inspections
    from hoso.records.services.signing import version_sign

    users, units = province.users, province.units
    inspector = users["phong1.chuyenvien"]
    inspection = inspections.inspection_open(
        actor=inspector,
        office=units["phong1"],
        school_id=units["th1"].pk,
        title="hồ sơ chuyên môn học kỳ I",
        decision="Quyết định số 45/QĐ-PGDĐT về việc kiểm tra hồ sơ chuyên môn",
        type_codes=["TT28.KHBD"],
        gradebook=True,
    )
    inspections.finding_save(
        actor=inspector,
        inspection_id=inspection.pk,
        item="type:TT28.KHBD",
        strengths="Giáo viên nộp kế hoạch bài dạy đúng hạn, tổ trưởng duyệt kịp thời.",
        weaknesses="Một số kế hoạch bài dạy chưa thể hiện rõ hoạt động vận dụng.",
        recommendation="Tổ chuyên môn rà soát, bổ sung hoạt động vận dụng trước ngày 30/01.",
    )
    inspections.finding_save(
        actor=inspector,
        inspection_id=inspection.pk,
        item="gradebook",
        weaknesses="Một số lớp nhập điểm chậm so với thời điểm đánh giá.",
    )
    minutes = inspections.minutes_draw_up(actor=inspector, inspection_id=inspection.pk)
    version_sign(actor=inspector, record_id=minutes.pk, passphrase=settings.DEMO_PASSWORD)
    inspections.minutes_send(
        actor=inspector,
        inspection_id=inspection.pk,
        reply_due_at=timezone.now() + dt.timedelta(days=10),
    )


register_demo_step(demo_inspection, order=330)  # after the grades (300) are in
