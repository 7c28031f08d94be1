"""The school-year export (PDFs, manifest, Phụ lục VI XML matching the records: the imported
files and a record signed in HoSo) and the faces: the pages and the API of the principal, and
404 for another school's principal."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hoso.drive_import.models import BatchStatus, ExportStatus, ImportBatch, YearExport
from hoso.drive_import.phuluc6 import read_xml
from hoso.drive_import.services.batches import batch_confirm, batch_run, batch_scan, batch_upload
from hoso.drive_import.services.exports import export_request, export_run
from hoso.drive_import.tests.factories import TAKEOUT_FILES, DriveWorld, drive_world, make_zip
from hoso.records.models import Record, RecordVersion
from hoso.records.services.signing import version_seal, version_sign
from hoso.signing.documents import read_blob
from hoso.signing.tests.factories import CHAIN_FULL, submitted_record
from hoso.storage import blob_store
from tests.factories import api_login, login, signing_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def dw(settings: Any) -> DriveWorld:
    settings.HOSO_2FA_REQUIRED_ROLES = []  # test accounts have no TOTP
    return drive_world("dx")


def imported(dw: DriveWorld) -> ImportBatch:
    batch = batch_upload(
        actor=dw.clerk,
        school=dw.school,
        stream=io.BytesIO(make_zip(TAKEOUT_FILES)),
        filename="takeout.zip",
    )
    batch_scan(batch_id=batch.pk)
    batch_confirm(actor=dw.clerk, batch=batch)
    batch_run(batch_id=batch.pk)
    return batch


# The imported files' periods in 2024-2025 (from 05/09/2024, weeks from Monday 02/09/2024).
PERIODS = {
    "W05": ("30/09/2024", "06/10/2024", "Tuần 5 (30/09–06/10/2024)"),
    "W06": ("07/10/2024", "13/10/2024", "Tuần 6 (07/10–13/10/2024)"),
    "W12": ("18/11/2024", "24/11/2024", "Tuần 12 (18/11–24/11/2024)"),
    "NAM": ("05/09/2024", "31/05/2025", "Cả năm học 2024-2025"),
}
FILE_PATHS = [
    "FileCode/OrganId",
    "FileCode/FileCatalog",
    "FileCode/FileNotation",
    "Title",
    "Maintenance",
    "Rights",
    "Creator",
    "Language",
    "StartDate",
    "EndDate",
    "DocTotal",
    "PageTotal",
    "Description",
]
DOCUMENT_PATHS = [
    "FileCode/OrganId",
    "FileCode/FileCatalog",
    "FileCode/FileNotation",
    "DocOrdinal",
    "TypeName",
    "CodeNumber",
    "CodeNotation",
    "IssuedDate",
    "OrganName",
    "Subject",
    "Language",
    "PageAmount",
    "Description",
    "SignerInfo/Position",
    "SignerInfo/FullName",
    "To/OrganId",
    "To/OrganName",
    "Priority",
    "IssuedAmount",
    "DueDate",
]


def _archive(export: YearExport) -> zipfile.ZipFile:
    export.refresh_from_db()
    with blob_store().open(export.result_sha256) as stream:
        return zipfile.ZipFile(io.BytesIO(stream.read()))


def _manifest(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))


def test_export_holds_pdfs_manifest_and_xml_that_match_the_records(dw: DriveWorld) -> None:
    imported(dw)
    export = export_request(actor=dw.principal, school=dw.school, school_year=dw.year)
    export_run(export_id=export.pk)
    archive = _archive(export)
    assert (export.status, export.total, export.done, export.failed) == (ExportStatus.DONE, 4, 4, 0)

    manifest = _manifest(archive)
    records = {r.pk: r for r in Record.objects.filter(school=dw.school).select_related("owner")}
    assert len(manifest) == len(records) == 4
    for row in manifest:
        record = records[int(row["tep_pdf"].split("/")[1][:6])]
        version = record.versions.get()
        pdf = archive.read(row["tep_pdf"])
        with blob_store().open(version.original_sha256) as original:
            assert pdf == original.read()  # the signed PDF as it came, byte for byte
        code = f"{dw.school.code}.2024.{record.pk:02d}.{record.record_type.code}"
        assert (row["ma_ho_so"], row["tieu_de"], row["ma_loai"], row["nam_hoc"], row["ky"]) == (
            code,
            record.title,
            record.record_type.code,
            "2024-2025",
            record.period_key,
        )
        assert row["ngay_ban_hanh"] == ""  # made outside HoSo: the document's date is unknown
        start, end, period = PERIODS[record.period_key]
        file_code = {
            "FileCode/OrganId": dw.school.code,
            "FileCode/FileCatalog": "2024",
            "FileCode/FileNotation": f"{record.pk:02d}.{record.record_type.code}",
        }
        xml = read_xml(archive.read(row["tep_xml"]))
        assert list(xml) == ["ThongTinHoSo", "VanBan"]
        assert list(xml["ThongTinHoSo"]) == FILE_PATHS
        assert xml["ThongTinHoSo"] == {
            **file_code,
            "Title": record.title,
            "Maintenance": f"{record.record_type.retention_years} năm",
            "Rights": "Hạn chế",
            "Creator": record.owner.get_full_name(),
            "Language": "Tiếng Việt",
            "StartDate": start,
            "EndDate": end,
            "DocTotal": "1",
            "PageTotal": str(version.page_count),
            "Description": f"{record.record_type.name} — {period}",
        }
        assert list(xml["VanBan"]) == DOCUMENT_PATHS
        assert xml["VanBan"] == {
            **file_code,
            "DocOrdinal": "1",
            "TypeName": record.record_type.name,
            "CodeNumber": "",
            "CodeNotation": "",
            "IssuedDate": "",
            "OrganName": dw.school.name,
            "Subject": record.title,
            "Language": "Tiếng Việt",
            "PageAmount": str(version.page_count),
            "Description": (
                f"Tệp: {row['tep_pdf']}; SHA-256: {version.original_sha256}; "
                f"{len(pdf)} byte; không có chữ ký số"
            ),
            "SignerInfo/Position": "",
            "SignerInfo/FullName": "",
            "To/OrganId": "",
            "To/OrganName": "",
            "Priority": "",
            "IssuedAmount": "",
            "DueDate": "",
        }
        assert version.original_sha256 == row["sha256"]


def test_a_record_signed_in_hoso_names_its_signers_and_its_day(settings: Any) -> None:
    world = signing_world("dxs")
    people = world.people
    record = submitted_record(people["giaovien"], CHAIN_FULL)  # TTCM, HT sign; VT seals
    for key in ("totruong", "hieutruong"):
        version_sign(actor=people[key], record_id=record.pk, passphrase=settings.DEMO_PASSWORD)
    version_seal(actor=people["vanthu"], record_id=record.pk, passphrase=settings.DEMO_PASSWORD)
    version = RecordVersion.objects.get(record=record, issued_at__isnull=False)
    school = world.units["school"]

    export = export_request(actor=people["hieutruong"], school=school, school_year=world.year)
    export_run(export_id=export.pk)
    archive = _archive(export)
    (row,) = _manifest(archive)
    xml = read_xml(archive.read(row["tep_xml"]))

    day = timezone.localtime(version.issued_at).strftime("%d/%m/%Y")
    assert row["ngay_ban_hanh"] == day
    assert row["ma_ho_so"] == f"{school.code}.2025.{record.pk:02d}.TEST.KY"
    assert archive.read(row["tep_pdf"]) == read_blob(version.signed_sha256)
    ho_so, van_ban = xml["ThongTinHoSo"], xml["VanBan"]
    assert (ho_so["Creator"], ho_so["Maintenance"]) == (people["giaovien"].first_name, "5 năm")
    assert (ho_so["StartDate"], ho_so["EndDate"]) == ("05/09/2025", "31/05/2026")
    assert ho_so["Description"] == "Kế hoạch giáo dục (thử ký số) — Cả năm học 2025-2026"
    assert van_ban["IssuedDate"] == day
    assert van_ban["Description"].endswith("; có chữ ký số")
    # one SignerInfo per personal signature, in order; the seal is the school's, not a signer
    signers = {key: text for key, text in van_ban.items() if key.startswith("SignerInfo")}
    assert signers == {
        "SignerInfo[1]/Position": "Tổ trưởng chuyên môn",
        "SignerInfo[1]/FullName": people["totruong"].first_name,
        "SignerInfo[2]/Position": "Hiệu trưởng",
        "SignerInfo[2]/FullName": people["hieutruong"].first_name,
    }


def test_an_empty_year_exports_an_empty_manifest(dw: DriveWorld) -> None:
    export = export_request(actor=dw.clerk, school=dw.school, school_year=dw.year)
    export_run(export_id=export.pk)
    assert _archive(export).namelist() == ["manifest.csv"]


def test_principal_uploads_sees_the_tree_and_confirms_on_the_pages(
    dw: DriveWorld, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # Django spools the zip to a file: used as it is
    client = login(dw.principal)
    page = reverse("drive_import:school", args=[dw.school.pk])
    assert client.get(page).status_code == 200
    upload = SimpleUploadedFile("takeout.zip", make_zip(TAKEOUT_FILES), "application/zip")
    answer = client.post(page, {"file": upload})
    batch = ImportBatch.objects.get(school=dw.school)
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "drive_import:batch", args=[batch.pk]
    )
    batch_scan(batch_id=batch.pk)
    html = client.get(answer["Location"]).content.decode()
    assert "KHBD Toán tuần 5.pdf" in html and "Hồ sơ/Tổ 1/" in html
    client.post(answer["Location"], {"action": "confirm"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED
    progress = client.get(reverse("drive_import:batch-progress", args=[batch.pk]))
    assert progress.status_code == 200 and b"batch-progress" in progress.content


def test_a_refused_zip_on_the_page_says_why(dw: DriveWorld) -> None:
    client = login(dw.clerk)
    page = reverse("drive_import:school", args=[dw.school.pk])
    bad = SimpleUploadedFile("x.zip", make_zip({"../x.pdf": b"%PDF"}), "application/zip")
    answer = client.post(page, {"file": bad})
    assert answer.status_code == 400
    assert "đường dẫn nguy hiểm" in answer.content.decode()
    assert not ImportBatch.objects.exists()


def test_another_schools_principal_and_a_teacher_get_404(dw: DriveWorld) -> None:
    batch = imported(dw)
    export = export_request(actor=dw.principal, school=dw.school, school_year=dw.year)
    export_run(export_id=export.pk)
    urls = [
        reverse("drive_import:school", args=[dw.school.pk]),
        reverse("drive_import:rules", args=[dw.school.pk]),
        reverse("drive_import:batch", args=[batch.pk]),
        reverse("drive_import:batch-progress", args=[batch.pk]),
        reverse("drive_import:export", args=[export.pk]),
        reverse("drive_import:export-file", args=[export.pk]),
        reverse("api-drive-batch", args=[batch.pk]),
        reverse("api-drive-items", args=[batch.pk]),
        reverse("api-drive-export", args=[export.pk]),
        reverse("api-drive-batches", args=[dw.school.pk]),
    ]
    for person in (dw.other.people["hieutruong"], dw.teacher("lan")):
        client = login(person)
        assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    own = login(dw.principal)
    assert [own.get(url).status_code for url in urls] == [200] * len(urls)


def test_the_api_uploads_corrects_confirms_and_reports_progress(dw: DriveWorld) -> None:
    api = api_login(dw.principal)
    answer = api.post(
        reverse("api-drive-batches", args=[dw.school.pk]),
        {"file": io.BytesIO(make_zip({"Kế hoạch bài dạy/2024-2025/Tuần 03/Toán.pdf": "Toán"}))},
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    batch_id = answer.json()["id"]
    batch_scan(batch_id=batch_id)
    listed = api.get(reverse("api-drive-items", args=[batch_id])).json()["results"]
    assert listed[0]["problem"] == "Chưa rõ người lập."
    refused = api.post(reverse("api-drive-confirm", args=[batch_id]))
    assert refused.status_code == 400 and "Chưa rõ người lập." in refused.json()["message"]
    fixed = api.patch(
        reverse("api-drive-items", args=[batch_id]),
        {"items": [listed[0]["id"]], "owner": dw.teacher("lan").pk},
        format="json",
    )
    assert fixed.status_code == 200
    confirmed = api.post(reverse("api-drive-confirm", args=[batch_id]))
    assert (confirmed.status_code, confirmed.json()["status"]) == (202, "queued")
    batch_run(batch_id=batch_id)
    state = api.get(reverse("api-drive-batch", args=[batch_id])).json()
    assert (state["status"], state["done"], state["total"]) == ("done", 1, 1)


def test_the_api_refuses_a_bomb_with_a_vietnamese_message(dw: DriveWorld) -> None:
    api = api_login(dw.clerk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("bom.pdf", b"\0" * (30 * 1024 * 1024))
    answer = api.post(
        reverse("api-drive-batches", args=[dw.school.pk]),
        {"file": io.BytesIO(buffer.getvalue())},
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "zip.bomb" and "zip bomb" in answer.json()["message"]
    assert not ImportBatch.objects.exists()


def test_rules_by_api_and_export_by_api(dw: DriveWorld, settings: Any) -> None:
    api = api_login(dw.clerk)
    rules_url = reverse("api-drive-rules", args=[dw.school.pk])
    before = api.get(rules_url).json()["results"]
    assert before[0]["pattern"] == "Kế hoạch bài dạy"
    added = api.post(
        rules_url, {"pattern": "NH cũ", "target": "year", "value": "2024-2025"}, format="json"
    )
    assert added.status_code == 201 and added.json()["position"] == 1
    bad = api.post(
        rules_url, {"pattern": "x", "target": "year", "value": "1999-2000"}, format="json"
    )
    assert bad.status_code == 400
    export = api.post(
        reverse("api-drive-exports", args=[dw.school.pk]),
        {"school_year": dw.year.pk},
        format="json",
    )
    assert export.status_code == 202
    assert YearExport.objects.get().status == ExportStatus.QUEUED
