"""The Drive/OneDrive import: the tree and its proposals from Takeout and OneDrive names, the
school's rules, corrections, the background run (records with byte-identical files, once),
and the zips refused whole with nothing created."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict, DomainError, NotAllowed
from hoso.drive_import.models import BatchStatus, ImportBatch, ImportItem, ItemState
from hoso.drive_import.services.batches import (
    batch_confirm,
    batch_reapply_rules,
    batch_run,
    batch_scan,
    batch_upload,
    items_correct,
)
from hoso.drive_import.services.rules import rule_add
from hoso.drive_import.tests.factories import (
    BINH,
    LAN,
    ONEDRIVE_FILES,
    TAKEOUT_FILES,
    DriveWorld,
    drive_world,
    make_zip,
    pdf_bytes,
)
from hoso.records.models import Record, RecordState, RecordType
from hoso.storage import blob_store

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def dw() -> DriveWorld:
    return drive_world()


def upload(dw: DriveWorld, files: dict[str, Any], actor: Any = None, **flags: Any) -> ImportBatch:
    batch = batch_upload(
        actor=actor or dw.principal,
        school=dw.school,
        stream=io.BytesIO(make_zip(files, **flags)),
        filename="takeout-20250601.zip",
    )
    batch_scan(batch_id=batch.pk)  # what the queued task does after the commit
    batch.refresh_from_db()
    return batch


def items(batch: ImportBatch) -> dict[str, ImportItem]:
    rows = batch.items.select_related("record_type", "owner", "school_year")
    return {i.shown_path: i for i in rows}


def test_takeout_tree_and_proposals(dw: DriveWorld) -> None:
    batch = upload(dw, TAKEOUT_FILES)
    assert (batch.status, batch.source, batch.total) == (BatchStatus.READY, "takeout", 4)
    found = items(batch)
    assert len(found) == 4  # archive_browser.html is Takeout's own page, not a document
    lan5 = found[
        f"Hồ sơ/Tổ 1/{LAN}/Năm học 2024 - 2025/Kế hoạch bài dạy/Tuần 05/KHBD Toán tuần 5.pdf"
    ]
    assert lan5.record_type.code == "TT28.KHBD"
    assert lan5.owner == dw.teacher("lan")
    assert lan5.school_year == dw.year
    assert (lan5.period_key, lan5.title, lan5.include) == ("W05", "KHBD Toán tuần 5", True)
    binh = found[f"Hồ sơ/Tổ 1/{BINH}/2024-2025/Giao an/tuan 12/Tieng Viet tuan 12.pdf"]
    assert (binh.record_type.code, binh.owner, binh.period_key) == (
        "TT28.KHBD",
        dw.teacher("binh"),
        "W12",
    )
    plan = found["Hồ sơ/Nhà trường/NH 24-25/Kế hoạch giáo dục nhà trường.pdf"]
    assert (plan.record_type.code, plan.owner, plan.year_name, plan.period_key) == (
        "TT28.KHGDNT",
        dw.principal,  # a school's own book: the person bringing it in answers for it
        "2024-2025",
        "NAM",
    )


def test_onedrive_names_short_year_and_terms(dw: DriveWorld) -> None:
    batch = upload(dw, ONEDRIVE_FILES)
    found = items(batch)
    assert batch.source == "zip"
    second = found[f"Ho so chuyen mon/NH 24-25/{BINH}/Sổ chủ nhiệm HK2.pdf"]
    first = found[f"Ho so chuyen mon/NH 24-25/{LAN}/Hoc ky I/So chu nhiem.pdf"]
    assert (second.record_type.code, second.owner, second.year_name, second.period_key) == (
        "TT28.SCN",
        dw.teacher("binh"),
        "2024-2025",
        "HK2",
    )
    assert (first.record_type.code, first.owner, first.period_key) == (
        "TT28.SCN",
        dw.teacher("lan"),
        "HK1",
    )


def test_editing_a_rule_changes_the_proposal_but_not_a_hand_correction(dw: DriveWorld) -> None:
    files = {
        f"Lưu trữ/{LAN}/2024-2025/Tài liệu họp tổ tháng 10.pdf": "Họp tổ",
        f"Lưu trữ/{BINH}/2024-2025/Tài liệu họp tổ tháng 11.pdf": "Họp tổ 2",
    }
    batch = upload(dw, files)
    lan_path, binh_path = list(files)
    assert items(batch)[lan_path.removeprefix("")].record_type is None
    binh_item = items(batch)[binh_path]
    scn = RecordType.objects.get(code="TT28.SCN")
    items_correct(
        actor=dw.clerk, batch=batch, changes={"record_type": scn.pk}, item_ids=[binh_item.pk]
    )
    shcm = RecordType.objects.get(code="TT28.SHTO")
    rule_add(
        actor=dw.principal,
        school=dw.school,
        pattern="hop to",
        target="type",
        record_type_id=shcm.pk,
    )

    assert batch_reapply_rules(actor=dw.principal, batch=batch) == 1

    after = items(batch)
    assert after[lan_path].record_type == shcm
    assert after[lan_path].period_key == "2024-10"  # a monthly book: "tháng 10" of 2024-2025
    assert after[binh_path].record_type == scn  # corrected by hand: kept


def test_import_makes_archived_records_with_the_files_byte_for_byte(dw: DriveWorld) -> None:
    originals = {path: pdf_bytes(title) for path, title in TAKEOUT_FILES.items() if title}
    batch = upload(dw, originals)
    batch_confirm(actor=dw.clerk, batch=batch)
    batch_run(batch_id=batch.pk)
    batch_run(batch_id=batch.pk)  # run again (a worker restarted): nothing twice

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed, batch.total) == (BatchStatus.DONE, 4, 0, 4)
    records = Record.objects.filter(school=dw.school).order_by("pk")
    assert records.count() == 4
    for item in batch.items.select_related("version__record"):
        assert item.state == ItemState.IMPORTED
        record = item.version.record
        assert record.state == RecordState.ARCHIVED
        assert (record.owner_id, record.school_year, record.record_type_id) == (
            item.owner_id,
            dw.year,
            item.record_type_id,
        )
        assert record.period_key == item.period_key
        assert item.version.issued_at is not None
        with blob_store().open(item.version.original_sha256) as stored:
            assert stored.read() == originals[item.path]
    lan = Record.objects.get(owner=dw.teacher("lan"), period_key="W05")
    assert lan.unit == dw.world.units["to"]
    assert AuditEntry.objects.filter(action="records.record.imported").count() == 4


def test_the_same_zip_again_proposes_nothing_new(dw: DriveWorld) -> None:
    originals = {path: pdf_bytes(title) for path, title in TAKEOUT_FILES.items() if title}
    first = upload(dw, originals)
    batch_confirm(actor=dw.clerk, batch=first)
    batch_run(batch_id=first.pk)

    again = upload(dw, originals)

    assert again.total == 0
    assert {i.note for i in again.items.all()} == {"Tệp này đã có trong hồ sơ của trường."}


def test_duplicate_content_is_left_out_with_a_reason(dw: DriveWorld) -> None:
    same = pdf_bytes("Giống nhau")
    batch = upload(dw, {"A/KHBD tuần 1.pdf": same, "B/KHBD tuần 1 (1).pdf": same})
    found = items(batch)
    assert found["A/KHBD tuần 1.pdf"].include is True
    assert found["B/KHBD tuần 1 (1).pdf"].include is False
    assert found["B/KHBD tuần 1 (1).pdf"].note == "Trùng nội dung với “A/KHBD tuần 1.pdf”."
    assert batch.total == 1


def test_confirm_is_refused_while_a_file_lacks_its_owner(dw: DriveWorld) -> None:
    batch = upload(dw, {"Kế hoạch bài dạy/2024-2025/Tuần 03/Toán.pdf": "Toán"})
    with pytest.raises(DomainError) as refused:
        batch_confirm(actor=dw.principal, batch=batch)
    assert "Chưa rõ người lập." in refused.value.message
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY
    assert not Record.objects.filter(school=dw.school).exists()


def test_a_corrected_batch_imports_and_cannot_be_edited_after(dw: DriveWorld) -> None:
    batch = upload(dw, {"Kế hoạch bài dạy/2024-2025/Tuần 03/Toán.pdf": "Toán"})
    items_correct(
        actor=dw.principal,
        batch=batch,
        changes={"owner": dw.teacher("binh").pk},
        folder="Kế hoạch bài dạy/",
    )
    batch_confirm(actor=dw.principal, batch=batch)
    with pytest.raises(Conflict):
        items_correct(
            actor=dw.principal, batch=batch, changes={"include": False}, folder="Kế hoạch bài dạy/"
        )
    batch_run(batch_id=batch.pk)
    assert Record.objects.get(school=dw.school).owner == dw.teacher("binh")


def test_a_teacher_and_another_schools_principal_cannot_upload(dw: DriveWorld) -> None:
    for actor in (dw.teacher("lan"), dw.other.people["hieutruong"]):
        with pytest.raises(NotAllowed):
            upload(dw, TAKEOUT_FILES, actor=actor)
    assert not ImportBatch.objects.exists()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("Hồ sơ/ok.pdf", pdf_bytes("ok"))
        out.writestr("Hồ sơ/bom.pdf", b"\0" * (40 * 1024 * 1024))
    return buffer.getvalue()


REFUSALS = [
    ("not-a-zip", b"%PDF-1.7 not a zip at all", "zip.not_zip"),
    (
        "traversal",
        make_zip({"Hồ sơ/a.pdf": b"%PDF", "../../etc/cron.d/x.pdf": b"%PDF"}),
        "zip.path_traversal",
    ),
    ("absolute", make_zip({"/etc/passwd.pdf": b"%PDF"}), "zip.path_traversal"),
    ("windows", make_zip({"..\\..\\x.pdf": b"%PDF"}), "zip.path_traversal"),
    ("encrypted", make_zip({"Hồ sơ/mật.pdf": b"%PDF-1.7"}, encrypted=True), "zip.encrypted"),
    ("bomb", _bomb(), "zip.bomb"),
    ("same-name", None, "zip.duplicate_name"),
]


def _same_name() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("Hồ sơ/a.pdf", b"%PDF-1")
        with pytest.warns(UserWarning):
            out.writestr("Hồ sơ/a.pdf", b"%PDF-2")
    return buffer.getvalue()


@pytest.mark.parametrize(("label", "data", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_hostile_zips_are_refused_whole_with_nothing_created(
    dw: DriveWorld, label: str, data: bytes | None, code: str
) -> None:
    data = data if data is not None else _same_name()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        batch_upload(
            actor=dw.principal, school=dw.school, stream=io.BytesIO(data), filename=f"{label}.zip"
        )
    assert refused.value.code == code
    assert refused.value.message  # a Vietnamese sentence for the person
    assert not ImportBatch.objects.exists()
    assert not ImportItem.objects.exists()
    assert not Record.objects.filter(school=dw.school).exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_zip_whose_total_is_above_the_limit_is_refused(dw: DriveWorld, settings: Any) -> None:
    settings.DRIVE_IMPORT_MAX_UNPACKED_BYTES = 1000
    data = make_zip({"a.pdf": b"x" * 800, "b.pdf": b"y" * 800})
    with pytest.raises(DomainError) as refused:
        batch_upload(actor=dw.principal, school=dw.school, stream=io.BytesIO(data), filename="z")
    assert refused.value.code == "zip.too_big"
    assert not ImportBatch.objects.exists()


def test_a_file_the_file_gate_refuses_fails_alone(dw: DriveWorld) -> None:
    files = {
        f"{LAN}/2024-2025/Kế hoạch bài dạy/Tuần 01/giả.pdf": b"not a pdf at all",
        f"{LAN}/2024-2025/Kế hoạch bài dạy/Tuần 02/thật.pdf": pdf_bytes("thật"),
    }
    batch = upload(dw, files)
    batch_confirm(actor=dw.principal, batch=batch)
    batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 1, 1)
    failed = batch.items.get(state=ItemState.FAILED)
    assert failed.shown_path.endswith("giả.pdf") and failed.message
    assert Record.objects.filter(school=dw.school).count() == 1


def test_an_import_whose_run_died_is_taken_up_again_by_the_recovery_sweep(
    dw: DriveWorld,
) -> None:
    """The run ended mid-way (a worker killed, an error): the batch stays "Đang nhập" with
    files pending. The sweep of lost jobs runs it again; only the pending files are imported."""
    import datetime as dt

    from django.utils import timezone

    from hoso.ops.recovery import jobs_recover

    originals = {path: pdf_bytes(title) for path, title in TAKEOUT_FILES.items() if title}
    batch = upload(dw, originals)
    batch_confirm(actor=dw.clerk, batch=batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    assert jobs_recover(older_than_minutes=10)["drive_import.batch.run"] == 0  # just started
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=long_ago)

    assert jobs_recover(older_than_minutes=10)["drive_import.batch.run"] == 1

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 4, 0)
    assert Record.objects.filter(school=dw.school).count() == 4
    assert jobs_recover(older_than_minutes=10)["drive_import.batch.run"] == 0
