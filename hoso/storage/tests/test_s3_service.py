"""The operations that walk the whole store — scrub, backup, restore — with the blobs in a
bucket (moto as a separate HTTP server process), chosen by settings as in production."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoso.audit.models import AuditEntry
from hoso.core.errors import Conflict
from hoso.ops.backup import backup_create
from hoso.ops.manifest import manifest_verify
from hoso.ops.restore import blobs_restore, installation_check_empty
from hoso.storage import BlobRef, blob_store
from hoso.storage.tests.conftest import MotoServer

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


def _use_bucket(settings, moto_server: MotoServer, bucket: str, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.HOSO_BLOB_STORE = "s3"
    settings.HOSO_S3_ENDPOINT_URL = moto_server.endpoint_url
    settings.HOSO_S3_BUCKET = bucket
    settings.HOSO_S3_REGION = "us-east-1"
    settings.HOSO_S3_ACCESS_KEY_ID = "hoso-test"
    settings.HOSO_S3_SECRET_ACCESS_KEY = "hoso-test-secret"  # noqa: S105


@pytest.fixture
def in_bucket(settings, moto_server: MotoServer, bucket: str, tmp_path: Path) -> MotoServer:
    _use_bucket(settings, moto_server, bucket, tmp_path)
    return moto_server


def _put(text: str) -> str:
    return blob_store().put(io.BytesIO(text.encode())).sha256


def _key(sha: str) -> str:
    return f"blobs/{sha[:2]}/{sha[2:4]}/{sha}"


def test_scrub_command_finds_corrupt_missing_and_unreferenced_objects(
    in_bucket: MotoServer, bucket: str, monkeypatch
) -> None:
    good, bad, orphan = _put("tốt"), _put("sẽ hỏng"), _put("không ai trỏ tới")
    gone = hashlib.sha256(b"mat").hexdigest()
    in_bucket.client().put_object(Bucket=bucket, Key=_key(bad), Body=b"hong")
    monkeypatch.setattr("hoso.ops.scrub.referenced_blobs", lambda: iter([good, bad, gone]))

    with pytest.raises(CommandError, match="1 tệp hỏng"):
        call_command("scrub", "--no-notify", stdout=io.StringIO())

    entry = AuditEntry.objects.get(action="ops.scrub.problems")
    assert entry.payload["corrupt"] == [bad]
    assert entry.payload["missing"] == [gone]
    assert (entry.payload["checked"], entry.payload["unreferenced"]) == (3, 1)
    assert blob_store().exists(orphan)  # the scrub reports, it never removes


def test_backup_copies_the_objects_and_restore_puts_them_back(
    settings, in_bucket: MotoServer, bucket: str, tmp_path: Path, monkeypatch
) -> None:
    shas = sorted(_put(f"hồ sơ {i}") for i in range(3))
    bad = _put("sẽ hỏng")
    in_bucket.client().put_object(Bucket=bucket, Key=_key(bad), Body=b"hong")

    result = backup_create(dest=tmp_path / "b")

    manifest, problems = manifest_verify(tmp_path / "b")
    assert problems == [] and result.blobs == 3
    assert len(result.problems) == 1 and bad in result.problems[0]
    assert {_key(s) for s in shas} <= set(manifest["files"])
    assert not (tmp_path / "b" / "data" / "blob-cache").exists()

    in_bucket.client().create_bucket(Bucket=f"{bucket}-moi")
    settings.HOSO_S3_BUCKET = f"{bucket}-moi"
    # The test database has tables: only the bucket's side of the restore guard is checked.
    monkeypatch.setattr("hoso.ops.restore.database_is_empty", lambda: True)
    installation_check_empty()  # an empty bucket: restore may go on
    assert blobs_restore(tmp_path / "b", manifest) == 3
    restored = sorted(blob_store().iter_all(), key=lambda ref: ref.sha256)
    assert restored == [BlobRef(s, blob_store().size(s)) for s in shas]
    assert all(blob_store().verify(s) for s in shas)
    with pytest.raises(Conflict, match=f"s3://{bucket}-moi/blobs/"):
        installation_check_empty()
