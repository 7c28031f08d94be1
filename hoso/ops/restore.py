"""`hoso restore DIR`: bring a verified backup into an EMPTY installation, then check it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.audit.models import AuditHead
from hoso.audit.verify import verify_chain
from hoso.core.errors import Conflict, DomainError
from hoso.ops import conf
from hoso.ops.backup import BLOBS, EXTRA, SECRET_FILE
from hoso.ops.database import database_is_empty, database_restore, row_counts
from hoso.ops.manifest import ManifestError, manifest_verify
from hoso.storage import blob_store, blob_store_location

NOT_EMPTY = gettext_lazy(
    "Không khôi phục: cài đặt này đã có dữ liệu ({what}). Chỉ khôi phục vào một cài đặt trống "
    "(thư mục dữ liệu mới và cơ sở dữ liệu chưa có bảng nào, chưa chạy migrate) để không ghi "
    "đè lên hồ sơ đang có."
)


@dataclass
class RestoreResult:
    blobs: int
    audit_entries: int
    problems: list[str] = field(default_factory=list)
    indexed: int = 0


def backup_verify(source: Path) -> dict[str, Any]:
    """Re-hash the whole backup against its manifest; refuse on any mismatch."""
    try:
        manifest, problems = manifest_verify(source.resolve())
    except ManifestError as error:
        raise DomainError(str(error)) from None
    if problems:
        raise DomainError(
            _("Bản sao lưu không toàn vẹn, không khôi phục: ") + "; ".join(problems[:20])
        )
    return manifest


def installation_check_empty() -> None:
    if not database_is_empty():
        raise Conflict(NOT_EMPTY.format(what=_("cơ sở dữ liệu đã có bảng")))
    if any(blob_store().iter_all()):  # a directory or a bucket: the same question
        raise Conflict(
            NOT_EMPTY.format(
                what=_("kho tệp %(blob_store_location)s đã có tệp")
                % {"blob_store_location": blob_store_location()}
            )
        )


def restore_run(*, source: Path) -> RestoreResult:
    """Verify the backup, check the target is empty, restore, then prove the result."""
    source = source.resolve()
    manifest = backup_verify(source)
    installation_check_empty()
    _extra_targets(manifest)  # refuses before anything is written
    database_restore(source, manifest["database"]["file"])
    blobs = blobs_restore(source, manifest)
    _restore_secret(source, manifest)
    _restore_extra(source, manifest)
    result = RestoreResult(blobs, *_check_restored(manifest))
    result.indexed = _rebuild_search_index(result.problems)
    return result


def _rebuild_search_index(problems: list[str]) -> int:
    # The search index is not in the backup (it is rebuilt from the database): without this a
    # restored installation would find nothing.
    from hoso.search.maintenance import search_reindex

    try:
        return search_reindex(restart=True).done
    except Exception as error:  # noqa: BLE001 - the data is restored; say what to run
        problems.append(
            _("chưa lập lại được chỉ mục tìm kiếm (%(error)s); chạy: hoso search reindex")
            % {"error": error}
        )
        return 0


def blobs_restore(source: Path, manifest: dict[str, Any]) -> int:
    """Put the backup's blobs into the configured store (a directory or a bucket) through its
    own write path: re-hashed, published whole, never overwriting."""
    store = blob_store()
    count = 0
    for relative in manifest["files"]:
        if relative.startswith(f"{BLOBS}/"):
            with open(source / relative, "rb") as stream:
                ref = store.put(stream)
            if ref.sha256 != Path(relative).name:
                raise DomainError(
                    _("Tệp %(relative)s không khớp tên của nó sau khi khôi phục.")
                    % {"relative": relative}
                )
            count += 1
    return count


def _extra_targets(manifest: dict[str, Any]) -> list[tuple[str, Path]]:
    root = conf.data_dir()
    pairs = [
        (relative, root / relative[len(EXTRA) + 1 :])
        for relative in manifest["files"]
        if relative.startswith(f"{EXTRA}/")
    ]
    for _relative, target in pairs:
        if target.exists():
            raise Conflict(NOT_EMPTY.format(what=_("đã có tệp %(target)s") % {"target": target}))
    return pairs


def _restore_extra(source: Path, manifest: dict[str, Any]) -> None:
    for relative, target in _extra_targets(manifest):
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copy2(source / relative, target)


def _restore_secret(source: Path, manifest: dict[str, Any]) -> None:
    # An installation given HOSO_SECRET_KEY by its environment keeps that key.
    if SECRET_FILE not in manifest["files"] or os.environ.get("HOSO_SECRET_KEY"):
        return
    target = conf.secret_key_file()
    tmp = target.with_suffix(".restore")
    shutil.copyfile(source / SECRET_FILE, tmp)
    os.chmod(tmp, 0o600)
    os.replace(tmp, target)


def _check_restored(manifest: dict[str, Any]) -> tuple[int, list[str]]:
    problems: list[str] = []
    checked, problem = verify_chain()
    if problem is not None:
        problems.append(
            _("chuỗi nhật ký hỏng tại mục #%(seq)s: %(reason)s")
            % {"seq": problem.seq, "reason": problem.reason}
        )
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != manifest["audit"]["last_hash"]:
        problems.append(_("mục cuối của nhật ký khác với lúc sao lưu"))
    counts = row_counts()
    for table, expected in manifest["row_counts"].items():
        if counts.get(table) != expected:
            problems.append(
                _("bảng %(table)s: %(rows)s dòng, lúc sao lưu %(expected)s")
                % {"table": table, "rows": counts.get(table), "expected": expected}
            )
    missing = [ref for ref in _referenced_blobs() if not blob_store().exists(ref)]
    problems += [
        _("thiếu tệp %(sha)s mà cơ sở dữ liệu trỏ tới") % {"sha": sha} for sha in missing[:50]
    ]
    return checked, problems


def _referenced_blobs() -> set[str]:
    from hoso.ops.scrub import referenced_blobs

    return set(referenced_blobs())
