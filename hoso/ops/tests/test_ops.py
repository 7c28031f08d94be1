"""Backup, restore guard, scheduled backups and the scrub, in-process on a small province of
the demo's shape (its administrator is the one told of problems)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict
from hoso.ops.backup import BackupError, backup_create
from hoso.ops.manifest import MANIFEST_NAME, manifest_verify
from hoso.ops.restore import installation_check_empty
from hoso.ops.schedule import backup_scheduled, backups_in, backups_prune
from hoso.ops.scrub import referenced_blobs, scrub_run
from hoso.org.tests.factories import small_province
from hoso.signing.tests.factories import uploaded_record
from hoso.storage import BlobStore, blob_fields, blob_store

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture(autouse=True)
def world():
    return small_province("op")


@pytest.fixture
def store(settings, tmp_path: Path) -> BlobStore:
    settings.DATA_DIR = tmp_path / "data"
    (tmp_path / "data").mkdir()
    return blob_store()


def _put(store: BlobStore, text: str) -> str:
    return store.put(io.BytesIO(text.encode())).sha256


def _corrupt(store: BlobStore, sha: str, data: bytes = b"hong") -> None:
    path = store.path_for(sha)
    path.chmod(0o644)
    path.write_bytes(data)


def test_backup_lists_every_file_with_its_hash(store: BlobStore, tmp_path: Path):
    shas = [_put(store, f"hồ sơ {i}") for i in range(3)]

    result = backup_create(dest=tmp_path / "b")

    manifest, problems = manifest_verify(tmp_path / "b")
    assert problems == []
    assert result.blobs == 3 and result.problems == []
    assert {f"blobs/{s[:2]}/{s[2:4]}/{s}" for s in shas} <= set(manifest["files"])
    assert manifest["database"]["file"] in manifest["files"]
    assert "config/settings.json" in manifest["files"]
    assert manifest["row_counts"]["org_unit"] > 5
    config = json.loads((tmp_path / "b" / "config/settings.json").read_text("utf-8"))
    assert "SECRET_KEY" not in config and config["TIME_ZONE"] == "Asia/Ho_Chi_Minh"


def test_backup_refuses_a_non_empty_directory(store: BlobStore, tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("đã có")

    with pytest.raises(BackupError, match="đã có dữ liệu"):
        backup_create(dest=tmp_path / "b")
    assert sorted(os.listdir(tmp_path / "b")) == ["x"]


def test_backup_leaves_out_a_corrupt_blob_and_says_so(store: BlobStore, tmp_path: Path):
    good, bad = _put(store, "tốt"), _put(store, "sẽ hỏng")
    _corrupt(store, bad)

    result = backup_create(dest=tmp_path / "b")

    manifest, problems = manifest_verify(tmp_path / "b")
    assert problems == []
    assert f"blobs/{good[:2]}/{good[2:4]}/{good}" in manifest["files"]
    assert f"blobs/{bad[:2]}/{bad[2:4]}/{bad}" not in manifest["files"]
    assert len(result.problems) == 1 and bad in result.problems[0]


def test_manifest_check_finds_changed_missing_and_foreign_files(store, tmp_path: Path):
    sha = _put(store, "một tệp")
    backup_create(dest=tmp_path / "b")
    root = tmp_path / "b"
    (root / "config/settings.json").write_text("{}")
    (root / "blobs" / sha[:2] / sha[2:4] / sha).unlink()
    (root / "la.txt").write_text("không có trong manifest")

    _manifest, problems = manifest_verify(root)

    assert sorted(problems) == sorted(
        [
            "tệp config/settings.json đã bị thay đổi (mã băm không khớp)",
            f"thiếu tệp blobs/{sha[:2]}/{sha[2:4]}/{sha}",
            "tệp lạ la.txt không có trong manifest.json",
        ]
    )


def test_restore_refuses_an_installation_that_has_data(store: BlobStore):
    with pytest.raises(Conflict, match="Không khôi phục: cài đặt này đã có dữ liệu"):
        installation_check_empty()


def test_scheduled_backup_keeps_n_and_writes_a_second_copy(settings, store, tmp_path: Path):
    settings.HOSO_BACKUP_DIR = str(tmp_path / "first")
    settings.HOSO_BACKUP_SECOND_DIR = str(tmp_path / "second")
    settings.HOSO_BACKUP_KEEP = 2
    sha = _put(store, "tệp dùng chung")
    old = [tmp_path / "first" / f"hoso-2026010{i}-020000" for i in range(1, 4)]
    for path in old:
        backup_create(dest=path)
    (tmp_path / "first" / "hoso-20260104-020000").mkdir()  # a crashed, incomplete backup

    results = backup_scheduled(force=True)

    assert [r.path.parent.name for r in results] == ["first", "second"]
    kept = backups_in(tmp_path / "first")
    assert [p.name for p in kept] == ["hoso-20260103-020000", results[0].path.name]
    assert not (tmp_path / "first" / "hoso-20260104-020000").exists()
    assert len(backups_in(tmp_path / "second")) == 1
    newest_blob = results[0].path / "blobs" / sha[:2] / sha[2:4] / sha
    # Same medium: the unchanged blob is shared with the previous backup, not copied again.
    assert newest_blob.stat().st_ino == (kept[0] / "blobs" / sha[:2] / sha[2:4] / sha).stat().st_ino
    assert AuditEntry.objects.filter(action="ops.backup.created").count() == 2


def test_scheduled_backup_failure_reaches_the_administrator(settings, store, tmp_path: Path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("ổ sao lưu hỏng")
    settings.HOSO_BACKUP_DIR = str(blocker)
    settings.HOSO_BACKUP_SECOND_DIR = ""

    assert backup_scheduled(force=True) == []

    assert AuditEntry.objects.filter(action="ops.backup.failed").count() == 1
    assert len(mail.outbox) == 1 and "op.admin@test.hoso.edu.vn" in mail.outbox[0].to


def test_prune_never_removes_the_newest_backups(tmp_path: Path):
    for name in ("hoso-20260101-020000", "hoso-20260102-020000"):
        (tmp_path / name).mkdir()
        (tmp_path / name / MANIFEST_NAME).write_text("{}")

    assert backups_prune(tmp_path, keep=5) == []
    assert len(backups_in(tmp_path)) == 2


def test_scrub_reports_corrupt_and_missing_files_to_the_administrator(store, monkeypatch):
    good, bad = _put(store, "tốt"), _put(store, "hỏng")
    _corrupt(store, bad)
    gone = _put(store, "sẽ mất")
    store.path_for(gone).unlink()
    # The database points at `good` and at `gone` (lost from the disk).
    monkeypatch.setattr("hoso.ops.scrub.referenced_blobs", lambda: iter([good, gone]))

    report = scrub_run()

    assert report.corrupt == [bad]
    assert report.missing == [gone]
    assert (report.checked, report.referenced, report.unreferenced) == (2, 2, 1)
    entry = AuditEntry.objects.get(action="ops.scrub.problems")
    assert entry.payload["corrupt"] == [bad] and entry.payload["missing"] == [gone]
    assert len(mail.outbox) == 1
    assert "op.admin@test.hoso.edu.vn" in mail.outbox[0].to  # the demo's admin too, if loaded
    assert bad in mail.outbox[0].body and "khôi phục" in mail.outbox[0].body


def test_every_blob_column_of_every_app_is_scanned(world, store):
    uploaded_record(world.people["th1.giaovien1"])  # a stored file the database points at
    fields = list(blob_fields())
    if not fields:
        pytest.skip("no model with a *sha256 column is installed")
    expected = set()
    for model, name in fields:
        expected |= set(model._base_manager.exclude(**{name: ""}).values_list(name, flat=True))

    assert expected and set(referenced_blobs()) == expected


def test_scrub_of_a_healthy_store_is_logged_without_mail(store: BlobStore, monkeypatch):
    sha = _put(store, "tốt")
    monkeypatch.setattr("hoso.ops.scrub.referenced_blobs", lambda: iter([sha]))

    report = scrub_run()

    assert report.ok and report.checked == 1
    assert AuditEntry.objects.filter(action="ops.scrub.completed").count() == 1
    assert mail.outbox == []


def test_scrub_command_fails_loudly_on_problems(store: BlobStore, monkeypatch):
    monkeypatch.setattr("hoso.ops.scrub.referenced_blobs", lambda: iter([]))
    _corrupt(store, _put(store, "hỏng"))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 tệp hỏng"):
        call_command("scrub", "--no-notify", stdout=out)
    assert "HỎNG" in out.getvalue()
