"""The school-year export (PDFs, manifest, Phụ lục VI XML matching the records) and the faces:
the pages and the API of the principal, and 404 for another school's principal."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoso.drive_import.models import BatchStatus, ExportStatus, ImportBatch, YearExport
from hoso.drive_import.phuluc6 import read_xml
from hoso.drive_import.services.batches import batch_confirm, batch_run, batch_scan, batch_upload
from hoso.drive_import.services.exports import export_request, export_run
from hoso.drive_import.tests.factories import TAKEOUT_FILES, DriveWorld, drive_world, make_zip
from hoso.records.models import Record
from hoso.storage import blob_store
from tests.factories import api_login, login

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


def test_export_holds_pdfs_manifest_and_xml_that_match_the_records(dw: DriveWorld) -> None:
    imported(dw)
    export = export_request(actor=dw.principal, school=dw.school, school_year=dw.year)
    export_run(export_id=export.pk)
    export.refresh_from_db()
    assert (export.status, export.total, export.done, export.failed) == (ExportStatus.DONE, 4, 4, 0)

    with blob_store().open(export.result_sha256) as stream:
        archive = zipfile.ZipFile(io.BytesIO(stream.read()))
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    records = {r.pk: r for r in Record.objects.filter(school=dw.school).select_related("owner")}
    assert len(manifest) == len(records) == 4
    for row in manifest:
        record = records[int(row["ma_ho_so"].rsplit(".", 1)[1])]
        version = record.versions.get()
        pdf = archive.read(row["tep_pdf"])
        with blob_store().open(version.original_sha256) as original:
            assert pdf == original.read()  # the signed PDF as it came, byte for byte
        assert (row["tieu_de"], row["ma_loai"], row["nam_hoc"], row["ky"]) == (
            record.title,
            record.record_type.code,
            "2024-2025",
            record.period_key,
        )
        xml = read_xml(archive.read(row["tep_xml"]))
        assert xml["ThongTinHoSo"]["MaHoSo"] == f"{dw.school.code}.2024-2025.{record.pk}"
        assert xml["ThongTinHoSo"]["TieuDeHoSo"] == record.title
        assert xml["ThongTinHoSo"]["ThoiGianBatDau"] == "05/09/2024"
        assert xml["ThongTinHoSo"]["ThoiHanBaoQuan"] == (
            "Vĩnh viễn"
            if record.record_type.retention_years == 0
            else f"{record.record_type.retention_years} năm"
        )
        assert xml["VanBan"]["TenLoaiVanBan"] == record.record_type.name
        assert xml["VanBan"]["TacGia"] == record.owner.get_full_name()
        assert xml["VanBan"]["MaBamSHA256"] == version.original_sha256 == row["sha256"]
        assert xml["VanBan"]["SoTrang"] == str(version.page_count)


def test_an_empty_year_exports_an_empty_manifest(dw: DriveWorld) -> None:
    export = export_request(actor=dw.clerk, school=dw.school, school_year=dw.year)
    export_run(export_id=export.pk)
    export.refresh_from_db()
    with blob_store().open(export.result_sha256) as stream:
        archive = zipfile.ZipFile(io.BytesIO(stream.read()))
    assert archive.namelist() == ["manifest.csv"]


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
