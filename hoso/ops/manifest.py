"""The backup manifest: the SHA-256 and size of every file of a backup, written last.

A backup directory without a valid manifest is incomplete and is never restored.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

MANIFEST_NAME = "manifest.json"
FORMAT = "hoso-backup/1"
_CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Manifest:
    created_at: str
    database: dict[str, Any]
    row_counts: dict[str, int]
    audit: dict[str, Any]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    format: str = FORMAT

    def add(self, root: Path, relative: str, *, sha256: str | None = None) -> None:
        path = root / relative
        digest = sha256 or sha256_file(path)
        self.files[relative] = {"sha256": digest, "size": path.stat().st_size}

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "created_at": self.created_at,
            "database": self.database,
            "row_counts": self.row_counts,
            "audit": self.audit,
            "problems": self.problems,
            "files": dict(sorted(self.files.items())),
        }


def manifest_write(root: Path, manifest: Manifest) -> Path:
    """Write atomically (temp file + rename + fsync) so a crash never leaves half a manifest."""
    target = root / MANIFEST_NAME
    tmp = root / f".{MANIFEST_NAME}.tmp"
    body = json.dumps(manifest.as_dict(), ensure_ascii=False, indent=1)
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(body)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    (root / f"{MANIFEST_NAME}.sha256").write_text(f"{digest}  {MANIFEST_NAME}\n", "utf-8")
    return target


def manifest_read(root: Path) -> dict[str, Any]:
    path = root / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(
            _("Không có tệp %(manifest_name)s trong %(root)s: bản sao lưu chưa hoàn tất.")
            % {"manifest_name": MANIFEST_NAME, "root": root}
        )
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ManifestError(
            _("Tệp %(manifest_name)s bị hỏng: %(error)s")
            % {"manifest_name": MANIFEST_NAME, "error": error}
        ) from None
    if loaded.get("format") != FORMAT:
        raise ManifestError(
            _("Định dạng sao lưu không được hỗ trợ: %(format)s.")
            % {"format": repr(loaded.get("format"))}
        )
    return loaded


class ManifestError(Exception):
    """The backup cannot be trusted; the message is Vietnamese, for the operator."""


def manifest_verify(root: Path) -> tuple[dict[str, Any], list[str]]:
    """Re-hash every file listed; return (manifest, problems). Unlisted files are problems too:
    nothing may be restored that the backup did not vouch for."""
    manifest = manifest_read(root)
    problems: list[str] = []
    files: dict[str, dict[str, Any]] = manifest["files"]
    for relative, expected in files.items():
        path = _inside(root, relative)
        if path is None or not path.is_file():
            problems.append(_("thiếu tệp %(relative)s") % {"relative": relative})
        elif path.stat().st_size != expected["size"] or sha256_file(path) != expected["sha256"]:
            problems.append(
                _("tệp %(relative)s đã bị thay đổi (mã băm không khớp)") % {"relative": relative}
            )
    for path in _all_files(root):
        relative = path.relative_to(root).as_posix()
        if relative not in files and not relative.startswith(MANIFEST_NAME):
            problems.append(
                _("tệp lạ %(relative)s không có trong %(manifest_name)s")
                % {"relative": relative, "manifest_name": MANIFEST_NAME}
            )
    return manifest, problems


def _inside(root: Path, relative: str) -> Path | None:
    # A manifest is data from disk: never let it point outside the backup directory.
    path = (root / relative).resolve()
    return path if path.is_relative_to(root.resolve()) else None


def _all_files(root: Path) -> list[Path]:
    return [Path(d) / name for d, _dirs, names in os.walk(root) for name in names]
