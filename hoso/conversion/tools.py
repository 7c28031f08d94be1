"""Run external programs with a hard timeout that kills the whole process group."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.conversion.errors import ConversionFailed, ConversionUnavailable

UNAVAILABLE = {
    "soffice": gettext_lazy(
        "Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; tệp gốc vẫn được lưu."
    ),
    "tesseract": gettext_lazy(
        "Máy chủ chưa cài tesseract (nhận dạng chữ) nên chưa tạo được bản PDF tìm kiếm "
        "được; tệp gốc vẫn được lưu."
    ),
    "ocrmypdf": gettext_lazy(
        "Máy chủ chưa cài OCRmyPDF nên chưa nhận dạng chữ được; tệp gốc vẫn được lưu."
    ),
    "pdftotext": gettext_lazy(
        "Máy chủ chưa cài poppler-utils (pdftotext) nên chưa trích được nội dung để tìm "
        "kiếm; tệp gốc vẫn được lưu."
    ),
    "pdftoppm": gettext_lazy(
        "Máy chủ chưa cài poppler-utils (pdftoppm) nên chưa tạo được ảnh xem trước; tệp "
        "gốc vẫn được lưu."
    ),
}


@dataclass(frozen=True, slots=True)
class Completed:
    returncode: int
    stdout: bytes
    stderr: bytes


def require(program: str, override: str | None = None) -> str:
    """The path of `program` (or the override), else ConversionUnavailable in Vietnamese."""
    found = shutil.which(override or program)
    if found is None:
        raise ConversionUnavailable(
            str(UNAVAILABLE.get(program, _("Máy chủ chưa cài %(program)s.") % {"program": program}))
        )
    return found


def run(
    args: list[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    what: str,
) -> Completed:
    """Run `args`; on timeout kill the group (LibreOffice forks soffice.bin) and raise."""
    with subprocess.Popen(  # noqa: S603 - fixed program, arguments are paths we made
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ConversionFailed(
                _(
                    "%(what)s mất quá nhiều thời gian (hơn %(timeout)s giây) nên đã dừng. Tệp gốc "
                    "vẫn được lưu; hãy thử tệp nhỏ hơn hoặc báo quản trị."
                )
                % {"what": what, "timeout": int(timeout)}
            ) from None
        finally:
            _kill_group(proc)  # Reap helpers that outlive their parent.
    return Completed(proc.returncode, stdout, stderr)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return
    proc.wait()
