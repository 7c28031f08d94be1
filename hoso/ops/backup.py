"""`hoso backup DIR`: database, files and configuration, with a SHA-256 manifest.

Order matters: the database snapshot is taken FIRST, then the blobs are copied. Blobs are
written (and fsynced) before the rows that point at them commit, and never change, so every
blob the snapshot references is already on disk when the copy starts.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.models import AuditHead
from hoso.ops import conf
from hoso.ops.database import database_describe, database_dump, row_counts
from hoso.ops.manifest import Manifest, manifest_write
from hoso.search.maintenance import CHECKPOINT_NAME
from hoso.storage import BlobCorrupt, BlobStore, blob_store

BLOBS = "blobs"
CONFIG_FILE = "config/settings.json"
SECRET_FILE = "secret/secret_key"  # noqa: S105 — a path, not a password
_CHUNK = 1024 * 1024
# Settings worth knowing when rebuilding a server; secrets (keys, passwords) never appear.
_SNAPSHOT_PREFIXES = (
    "HOSO_",
    "DEMO_MODE",
    "TIME_ZONE",
    "LANGUAGE_CODE",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "BEHIND_TLS",
    "SESSION_COOKIE_AGE",
    "AXES_FAILURE_LIMIT",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_HOST",
    "EMAIL_PORT",
)
_SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "KEY")


class BackupError(Exception):
    """The backup could not be made; the message is Vietnamese, for the operator."""


@dataclass
class BackupResult:
    path: Path
    files: int
    blobs: int
    bytes: int
    problems: list[str] = field(default_factory=list)


def backup_create(*, dest: Path, link_from: Path | None = None) -> BackupResult:
    """Write a complete backup into `dest` (new or empty directory).

    `link_from`: an earlier backup on the same medium; identical blobs are hard-linked from it
    instead of copied (blobs never change, so sharing the inode is safe and keeps N backups cheap).
    """
    dest = dest.resolve()
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(
            _("Thư mục %(dest)s đã có dữ liệu; hãy chọn một thư mục mới hoặc trống.")
            % {"dest": dest}
        )
    dest.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(
        created_at=timezone.localtime().isoformat(timespec="seconds"),
        database=database_describe(),
        row_counts=row_counts(),
        audit=_audit_head(),
    )
    db_file = database_dump(dest)
    manifest.database["file"] = db_file
    manifest.add(dest, db_file)
    blobs = _copy_blobs(dest, manifest, link_from)
    _copy_extra(dest, manifest)
    _write_config(dest, manifest)
    manifest_write(dest, manifest)
    size = sum(int(entry["size"]) for entry in manifest.files.values())
    return BackupResult(dest, len(manifest.files), blobs, size, manifest.problems)


def _audit_head() -> dict[str, Any]:
    head = AuditHead.objects.filter(pk=1).first()
    return {"last_seq": head.last_seq if head else 0, "last_hash": head.last_hash if head else ""}


def _copy_blobs(dest: Path, manifest: Manifest, link_from: Path | None) -> int:
    store = blob_store()
    count = 0
    for ref in store.iter_all():
        relative = f"{BLOBS}/{ref.sha256[:2]}/{ref.sha256[2:4]}/{ref.sha256}"
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if link_from is not None and _link_previous(link_from / relative, target, ref.sha256):
            manifest.add(dest, relative, sha256=ref.sha256)
            count += 1
            continue
        digest = _copy_blob(store, ref.sha256, target)
        if digest != ref.sha256:
            # A corrupt blob is reported, not vouched for: it stays out of the backup.
            target.unlink()
            manifest.problems.append(
                _("tệp %(sha256)s trong kho đã hỏng (mã băm %(digest)s)")
                % {"sha256": ref.sha256, "digest": digest}
            )
            continue
        manifest.add(dest, relative, sha256=digest)
        count += 1
    return count


def _link_previous(previous: Path, target: Path, sha256: str) -> bool:
    if not previous.is_file():
        return False
    try:
        os.link(previous, target)
    except OSError as error:
        if error.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            return False
        raise
    return True


def _copy_blob(store: BlobStore, sha256: str, target: Path) -> str:
    """Copy a blob out of the store (a local directory or a bucket) while hashing it; return
    the hash of what was read. A store that checks as it reads says BlobCorrupt instead."""
    try:
        with store.open(sha256) as src:
            return _copy_hashing(src, target)
    except BlobCorrupt as corrupt:
        return corrupt.actual


def _copy_hashing(src: BinaryIO, target: Path) -> str:
    digest = hashlib.sha256()
    with open(target, "wb") as out:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(target, 0o444)
    return digest.hexdigest()


EXTRA = "data"
# What else lives in DATA_DIR and is NOT copied: the database and blobs (dumped above), the
# secret key (below), and what is rebuilt or transient (cache, static, search index, queue).
_NOT_EXTRA = {
    "blobs",
    "cache",
    "static",
    "search",
    CHECKPOINT_NAME,  # the search reindex checkpoint
    "secret_key",
    "backups",
    "blob-cache",  # local copies of blobs kept in object storage (hoso.storage.cache)
}
_NOT_EXTRA_PREFIXES = ("hoso.sqlite3", "tasks.sqlite3", ".")


def _copy_extra(dest: Path, manifest: Manifest) -> None:
    """Files other apps keep in DATA_DIR (e.g. signing's pki/ with PKCS#12 key files): copied
    as they are, so a restore brings them back. Marked secret in the manifest."""
    root = conf.data_dir()
    # A backup directory configured inside DATA_DIR must never be copied into the backup.
    backup_roots = [p.resolve() for p in (conf.backup_dir(), conf.backup_second_dir()) if p]
    for entry in sorted(root.iterdir()) if root.is_dir() else []:
        if entry.name in _NOT_EXTRA or entry.name.startswith(_NOT_EXTRA_PREFIXES):
            continue
        if any(b == entry.resolve() or b.is_relative_to(entry.resolve()) for b in backup_roots):
            continue
        files = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
        for path in files:
            relative = f"{EXTRA}/{path.relative_to(root).as_posix()}"
            (dest / relative).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.copy2(path, dest / relative)
            manifest.add(dest, relative)


def settings_snapshot() -> dict[str, Any]:
    """Non-secret settings, to rebuild the same configuration on a new server."""
    snapshot: dict[str, Any] = {}
    for name in dir(settings):
        if not name.isupper() or not name.startswith(_SNAPSHOT_PREFIXES):
            continue
        if any(word in name for word in _SECRET_WORDS):
            continue
        snapshot[name] = getattr(settings, name)
    snapshot["DATABASE"] = database_describe()
    snapshot["DATA_DIR"] = str(conf.data_dir())
    return json.loads(json.dumps(snapshot, default=str, ensure_ascii=False))  # type: ignore[no-any-return]


def _write_config(dest: Path, manifest: Manifest) -> None:
    (dest / "config").mkdir()
    (dest / CONFIG_FILE).write_text(
        json.dumps(settings_snapshot(), ensure_ascii=False, indent=1, sort_keys=True), "utf-8"
    )
    manifest.add(dest, CONFIG_FILE)
    key_file = conf.secret_key_file()
    if key_file.is_file():
        (dest / "secret").mkdir(mode=0o700)
        shutil.copyfile(key_file, dest / SECRET_FILE)
        os.chmod(dest / SECRET_FILE, 0o600)
        (dest / "secret" / "BI-MAT-README.txt").write_text(_KEY_README, "utf-8")
        manifest.add(dest, SECRET_FILE)
        manifest.add(dest, "secret/BI-MAT-README.txt")
        manifest.database["secret_key_included"] = True


_KEY_README = """BÍ MẬT — SECRET
Thư mục này chứa khóa bí mật (SECRET_KEY) của cài đặt HoSo. Ai có khóa này có thể giả mạo
phiên đăng nhập. Chỉ lưu bản sao lưu trên phương tiện được kiểm soát; không gửi qua e-mail.
This directory holds the installation's SECRET_KEY. Keep backups on controlled media only.
"""
