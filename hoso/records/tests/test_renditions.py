"""Background renditions: preview and text for a PDF, LibreOffice for office files, and a
plain message (record still usable) when a tool is missing."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from hoso.conversion import ConversionUnavailable
from hoso.conversion.tests.samples import docx
from hoso.records.models import RecordVersion
from hoso.records.selectors import version_text
from hoso.records.tests.helpers import pdf, upload
from tests.factories import login, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def teacher() -> Any:
    """giaovien2 of a primary school's Tổ 1: the author of the lesson plans."""
    return school_world("rn").people["giaovien2"]


def test_a_pdf_gets_a_preview_and_its_text_after_commit(
    teacher: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        version = upload(teacher, period="W24", data=pdf("Tuần 24", ["Đo độ dài"]))
    version.refresh_from_db()
    assert version.rendition_status == "done"
    assert version.pdf_sha256 == version.original_sha256  # a PDF is read as it is
    assert version.preview_sha256
    assert "Đo độ dài" in version_text(version)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_word_file_is_converted_with_libreoffice(
    teacher: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = docx(["Kế hoạch bài dạy môn Tiếng Việt", "Bài 12: Ôn tập"])
    with django_capture_on_commit_callbacks(execute=True):
        version = upload(teacher, period="W25", data=data, name="khbd.docx")
    version.refresh_from_db()
    assert (version.kind, version.rendition_status) == ("docx", "done")
    assert version.pdf_sha256 and version.pdf_sha256 != version.original_sha256
    assert "Ôn tập" in version_text(version)
    response = login(teacher).get(f"/ho-so/{version.record_id}/phien-ban/1/pdf/?xem=1")
    assert response["Content-Type"] == "application/pdf"


def test_a_missing_tool_is_said_plainly_and_the_original_stays_usable(
    teacher: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def missing(*args: Any, **kwargs: Any) -> Any:
        raise ConversionUnavailable(
            "Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; tệp gốc vẫn được lưu."
        )

    monkeypatch.setattr("hoso.records.services.renditions.office_to_pdf", missing)
    data = docx(["Sổ chủ nhiệm"])
    with django_capture_on_commit_callbacks(execute=True):
        version = upload(teacher, period="W26", data=data, name="scn.docx")
    version = RecordVersion.objects.get(pk=version.pk)
    assert version.rendition_status == "unavailable"
    client = login(teacher)
    page = client.get(f"/ho-so/{version.record_id}/").content.decode()
    assert "chưa cài LibreOffice" in page
    assert client.get(f"/ho-so/{version.record_id}/phien-ban/1/original/").status_code == 200
