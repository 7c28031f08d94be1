"""The scheduled backup: one a day into HOSO_BACKUP_DIR, keep the newest N, and a second copy
on HOSO_BACKUP_SECOND_DIR (TT 02/2019/TT-BNV: two copies on independent media)."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.audit.services import audit_log
from hoso.ops import conf
from hoso.ops.backup import BackupResult, backup_create
from hoso.ops.manifest import MANIFEST_NAME
from hoso.ops.scrub import admins_notify

PREFIX = "hoso-"


def backups_in(root: Path) -> list[Path]:
    """Complete backups (with a manifest), oldest first; names sort by time."""
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.iterdir() if p.name.startswith(PREFIX) and (p / MANIFEST_NAME).is_file()
    )


def backups_prune(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` complete backups, and incomplete ones left by a crash."""
    complete = backups_in(root)
    removed = complete[: max(0, len(complete) - keep)]
    newest = complete[-1] if complete else None
    for path in root.iterdir() if root.is_dir() else []:
        incomplete = path.name.startswith(PREFIX) and not (path / MANIFEST_NAME).is_file()
        if incomplete and (newest is None or path.name < newest.name):
            removed.append(path)
    for path in removed:
        shutil.rmtree(path)
    return removed


def backup_to(root: Path) -> BackupResult:
    root.mkdir(parents=True, exist_ok=True)
    previous = backups_in(root)
    name = PREFIX + timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return backup_create(dest=root / name, link_from=previous[-1] if previous else None)


def backup_scheduled(*, force: bool = False) -> list[BackupResult]:
    """Run the daily backup if it is due (the configured hour, none made today yet)."""
    root = conf.backup_dir()
    if root is None:
        return []
    now = timezone.localtime()
    made_today = any(p.name.startswith(PREFIX + now.strftime("%Y%m%d")) for p in backups_in(root))
    if not force and (now.hour != conf.backup_hour() or made_today):
        return []
    results = []
    for target in (root, conf.backup_second_dir()):
        if target is None:
            continue
        try:
            result = backup_to(target)
        except Exception as error:  # noqa: BLE001 — any failure must reach the administrator
            _failed(target, error)
            continue
        backups_prune(target, conf.backup_keep())
        audit_log("ops.backup.created", actor_name="hệ thống", data=_describe(result))
        if result.problems:
            _failed(target, RuntimeError("; ".join(result.problems[:20])))
        results.append(result)
    return results


def _describe(result: BackupResult) -> dict[str, object]:
    return {
        "path": str(result.path),
        "files": result.files,
        "blobs": result.blobs,
        "bytes": result.bytes,
        "problems": result.problems[:50],
    }


def _failed(target: Path, error: Exception) -> None:
    audit_log(
        "ops.backup.failed",
        actor_name="hệ thống",
        data={"path": str(target), "error": str(error)[:2000]},
    )
    admins_notify(
        subject=_("[HoSo] Sao lưu tự động gặp lỗi"),
        body=_(
            "Sao lưu vào %(target)s gặp lỗi: %(error)s\n\nHãy kiểm tra ổ đĩa sao lưu và chạy lại "
            "`hoso backup` (xem docs/operations.md)."
        )
        % {"target": target, "error": error},
    )
