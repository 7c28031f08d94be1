"""Uploads: good files stored by SHA-256 once; hostile ones refused before anything is written."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.db.utils import DatabaseError

from hoso.audit.models import AuditEntry
from hoso.conversion import UnsafeFileError
from hoso.records.models import Record, RecordVersion
from hoso.records.tests.helpers import encrypted_pdf, javascript_pdf, pdf, upload
from hoso.storage import blob_store
from tests.factories import RecordFactory, login, reviewed_type, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def world() -> Any:
    """A primary school whose Tổ 1 has the teacher giaovien2 (the uploads' author)."""
    return school_world("up")


@pytest.fixture
def teacher(world: Any) -> Any:
    return world.people["giaovien2"]


def _counts() -> tuple[int, int, int]:
    return Record.objects.count(), RecordVersion.objects.count(), AuditEntry.objects.count()


def test_a_pdf_upload_creates_the_record_its_first_version_and_an_audit_entry(
    teacher: Any,
) -> None:
    data = pdf("Kế hoạch bài dạy tuần 3")
    version = upload(teacher, data=data, period="W03")
    record = version.record
    assert (record.owner, record.period_key, record.state) == (teacher, "W03", "draft")
    assert record.unit.name == "Tổ 1"
    assert record.title.startswith("Kế hoạch bài dạy — Tuần 3")
    assert (version.number, version.kind, version.size) == (1, "pdf", len(data))
    assert version.original_sha256 == hashlib.sha256(data).hexdigest()
    assert blob_store().verify(version.original_sha256)
    assert AuditEntry.objects.filter(
        action="records.version.uploaded", object_id=str(version.pk)
    ).exists()


def test_the_same_period_again_is_the_next_version_and_identical_bytes_are_stored_once(
    teacher: Any,
) -> None:
    first = upload(teacher, period="W04")
    second = upload(teacher, period="W04")
    assert second.record_id == first.record_id
    assert second.number == 2
    assert second.original_sha256 == first.original_sha256
    assert len([b for b in blob_store().iter_all() if b.sha256 == first.original_sha256]) == 1


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (pdf(), "ke-hoach.docx", "file.type_mismatch"),
        (javascript_pdf(), "js.pdf", None),
        (encrypted_pdf(), "khoa.pdf", None),
        (pdf(), "../../etc/passwd.pdf", "name.path"),
        (pdf(), "a" * 300 + ".pdf", "name.too_long"),
        (b"MZ\x90\x00 not a document", "virus.pdf", None),
    ],
    ids=["extension-mismatch", "javascript", "encrypted", "path-traversal", "overlong-name", "exe"],
)
def test_hostile_files_are_refused_in_vietnamese_and_nothing_is_written(
    teacher: Any, data: bytes, name: str, code: str | None
) -> None:
    before = _counts()
    blobs_before = sum(1 for _ in blob_store().iter_all())
    with pytest.raises(UnsafeFileError) as refused:
        upload(teacher, data=data, name=name, period="W05")
    assert refused.value.message
    if code:
        assert refused.value.code.startswith(code.split(".")[0])
    assert _counts() == before
    assert sum(1 for _ in blob_store().iter_all()) == blobs_before


def test_a_file_over_the_size_limit_is_refused(teacher: Any, settings: Any) -> None:
    settings.HOSO_UPLOAD_MAX_BYTES = 1000
    before = _counts()
    with pytest.raises(UnsafeFileError) as refused:
        upload(teacher, period="W05")
    assert refused.value.code == "file.too_large"
    assert "Tệp quá lớn" in refused.value.message
    assert _counts() == before


def test_a_type_the_person_does_not_keep_is_refused(teacher: Any) -> None:
    from hoso.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        upload(teacher, code="TT32.KHBD")  # a THCS type at a primary school


def test_an_issued_version_cannot_be_changed_or_deleted_even_bypassing_the_services(
    world: Any,
) -> None:
    # Given a record the tổ trưởng approved: its version is issued
    record = RecordFactory(
        owner=world.people["giaovien2"],
        record_type=reviewed_type(),
        approved_by=world.people["totruong"],
    )
    version = RecordVersion.objects.get(record=record, issued_at__isnull=False)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        RecordVersion.objects.filter(pk=version.pk).update(original_sha256="0" * 64)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        RecordVersion.objects.filter(pk=version.pk).update(filename="khac.pdf")
    with pytest.raises((IntegrityError, DatabaseError, ProtectedError)), transaction.atomic():
        RecordVersion.objects.filter(pk=version.pk).delete()
    if connection.vendor == "postgresql":  # below the ORM too (SQLite: see migration 0002)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM records_recordversion WHERE id = %s", [version.pk])
    version.refresh_from_db()
    assert version.filename != "khac.pdf"


def test_ui_upload_in_two_clicks_from_a_due_item(teacher: Any) -> None:
    client = login(teacher)
    page = client.get("/ho-so/")
    assert page.status_code == 200
    response = client.post(
        "/ho-so/tai-len/",
        {"record_type": "TT28.KHBD", "period": "W06", "file": _named(pdf(), "tuan6.pdf")},
    )
    assert response.status_code == 302
    record = Record.objects.get(owner=teacher, period_key="W06")
    assert response["Location"] == f"/ho-so/{record.pk}/"


def test_ui_upload_of_a_bad_file_shows_the_message(teacher: Any) -> None:
    response = login(teacher).post(
        "/ho-so/tai-len/",
        {"record_type": "TT28.KHBD", "period": "W06", "file": _named(javascript_pdf(), "x.pdf")},
    )
    assert response.status_code == 400
    assert "JavaScript" in response.content.decode()


def test_script_in_a_title_and_a_comment_is_shown_escaped(teacher: Any) -> None:
    version = upload(teacher, title="<script>alert('t')</script>", period="W07")
    client = login(teacher)
    client.post(f"/ho-so/{version.record_id}/gop-y/", {"comment": "<img src=x onerror=alert(1)>"})
    page = client.get(f"/ho-so/{version.record_id}/").content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def _named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream
