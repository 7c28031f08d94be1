"""Demo: the Sở published a digital-transformation criteria set for every school of the
province (automatic measures from HoSo's figures and three criteria the schools assess with
evidence); th1 and th2 submitted their sheets, thcs1 has begun. The window counts from the
real clock (the services refuse a sheet outside it); the automatic figures are computed once
the sheets are filled, as the nightly task keeps them, until the Sở closes the set."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from hoso.org.demo import register_demo_step

GROUP_RECORDS = "1. Hồ sơ, sổ sách điện tử"
GROUP_PEOPLE = "2. Năng lực số của đội ngũ"
GROUP_MEANS = "3. Hạ tầng, học liệu số"
CRITERIA: tuple[dict[str, Any], ...] = (
    {
        "group": GROUP_RECORDS,
        "code": "1.1",
        "points": "20",
        "kind": "auto",
        "measure": "records_on_time",
        "title": "Hồ sơ sổ sách điện tử được nộp đúng hạn",
    },
    {
        "group": GROUP_RECORDS,
        "code": "1.2",
        "points": "15",
        "kind": "auto",
        "measure": "records_signed",
        "title": "Hồ sơ ban hành được ký số",
    },
    {
        "group": GROUP_RECORDS,
        "code": "1.3",
        "points": "15",
        "kind": "auto",
        "measure": "gradebook_entered",
        "title": "Sổ điểm điện tử được cập nhật đúng tiến độ",
    },
    {
        "group": GROUP_RECORDS,
        "code": "1.4",
        "points": "10",
        "kind": "auto",
        "measure": "hocba_issued",
        "title": "Học bạ số được lập, ký và ban hành",
    },
    {
        "group": GROUP_PEOPLE,
        "code": "2.1",
        "points": "10",
        "kind": "auto",
        "measure": "staff_certificates",
        "title": "Cán bộ, giáo viên có chữ ký số",
    },
    {
        "group": GROUP_PEOPLE,
        "code": "2.2",
        "points": "10",
        "kind": "entered",
        "answer_kind": "percent",
        "title": "Tỉ lệ cán bộ, giáo viên hoàn thành bồi dưỡng kỹ năng số trong năm học",
        "guidance": "Minh chứng: danh sách, chứng nhận hoàn thành bồi dưỡng.",
    },
    {
        "group": GROUP_MEANS,
        "code": "3.1",
        "points": "10",
        "kind": "entered",
        "answer_kind": "level",
        "levels": 3,
        "title": "Hạ tầng mạng, thiết bị đáp ứng dạy học và quản trị số",
        "guidance": "Mức 1: có kết nối Internet; Mức 2: phủ sóng các phòng học; "
        "Mức 3: đủ thiết bị trình chiếu cho mọi lớp.",
    },
    {
        "group": GROUP_MEANS,
        "code": "3.2",
        "points": "5",
        "kind": "auto",
        "measure": "library_readers",
        "title": "Học sinh sử dụng thư viện trường",
    },
    {
        "group": GROUP_MEANS,
        "code": "3.3",
        "points": "5",
        "kind": "entered",
        "answer_kind": "yesno",
        "title": "Nhà trường có kế hoạch chuyển đổi số được phê duyệt",
        "guidance": "Minh chứng: kế hoạch đã ban hành.",
    },
)


def _pdf(title: str) -> Any:
    from hoso.offices.services.reports import FileIn
    from hoso.records.pdfmaker import simple_pdf

    return FileIn(simple_pdf(title, ["Minh chứng tự đánh giá chuyển đổi số."]), "minh-chung.pdf")


def _fill(cset: Any, school: Any, principal: Any, values: dict[str, str], submit: bool) -> None:
    from hoso.offices.transformation import services
    from hoso.records.models import Record

    sheet = cset.sheets.get(school=school)
    record = (
        Record.objects.filter(school=school, version_count__gt=0, state="issued")
        .order_by("pk")
        .first()
    )
    for code, value in values.items():
        criterion = cset.criteria.get(code=code)
        by_record = record is not None and code == "3.3"
        services.answer_save(
            actor=principal,
            sheet_id=sheet.pk,
            criterion_id=criterion.pk,
            value=value,
            upload=None if by_record else _pdf(f"{criterion.code} {criterion.title}"),
            record_id=record.pk if by_record and record is not None else None,
        )
    if submit:
        services.sheet_submit(actor=principal, sheet_id=sheet.pk)


def demo_transformation(province: Any) -> None:
    from hoso.offices.transformation import services
    from hoso.offices.transformation.services_figures import figures_refresh

    users, units = province.users, province.units
    today = timezone.localdate()
    cset = services.criteria_set_create(
        actor=users["so.chuyenvien"],
        office=units["so"],
        title=f"Bộ chỉ số chuyển đổi số trường học năm học {province.year.name}",
        description="Các trường tự đánh giá tiêu chí 2.2, 3.1, 3.3 kèm minh chứng; "
        "các tiêu chí khác được tính tự động từ số liệu HoSo.",
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=21),
        criteria=[services.CriterionIn(**c) for c in CRITERIA],
    )
    services.criteria_set_publish(actor=users["so.chuyenvien"], set_id=cset.pk)
    _fill(cset, units["th1"], users["th1.hieutruong"], {"2.2": "85", "3.1": "2", "3.3": "1"}, True)
    _fill(cset, units["th2"], users["th2.hieutruong"], {"2.2": "60", "3.1": "3", "3.3": "1"}, True)
    _fill(cset, units["thcs1"], users["thcs1.hieutruong"], {"2.2": "70"}, False)
    figures_refresh(set_id=cset.pk)  # the ranking's figures, as the task would keep them


register_demo_step(demo_transformation, order=350)  # after the records, grades and library
