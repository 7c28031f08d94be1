"""Codes kept in the data read as words on the pages: roles in a record's history, the period
and signer of an office's report."""

from __future__ import annotations

import datetime as dt

from hoso.offices.models import ReportRequest
from hoso.org.models import SchoolYear
from hoso.records.models import EventKind, RecordEvent


def test_an_approval_in_the_history_names_the_role_not_its_code() -> None:
    assert RecordEvent(kind=EventKind.APPROVED, note="TTCM").role_title == "Tổ trưởng chuyên môn"
    assert RecordEvent(kind=EventKind.REVIEWED, note="HT").role_title == "Hiệu trưởng"
    assert RecordEvent(kind=EventKind.RETURNED, note="Sửa mục 2").role_title == ""


def test_an_office_report_names_its_period_and_signer() -> None:
    year = SchoolYear(name="2025-2026", start_date=dt.date(2025, 9, 5))
    report = ReportRequest(school_year=year, period_key="HK2", signer_role="HT")
    assert (report.period_label, report.signer_role_label) == ("Học kỳ II", "Hiệu trưởng")
    assert ReportRequest(school_year=year, period_key="CN").period_label == "Cả năm học 2025-2026"
