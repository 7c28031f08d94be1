"""Derived files: office → PDF (LibreOffice), scan → searchable PDF (OCRmyPDF + tesseract vie),
PDF → text (pdftotext), PDF page 1 → PNG preview (pdftoppm).

Originals are never modified: every function reads its input and writes a new file at `dest`.
pikepdf and img2pdf are imported by the functions that use them: a web process loads them when
it first converts a file, not when it starts (its memory).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from hoso.conversion.errors import ConversionFailed, ConversionUnavailable
from hoso.conversion.kinds import Kind
from hoso.conversion.tools import UNAVAILABLE, require, run

# LibreOffice locks its profile: one conversion at a time per profile, one profile per process.
_SOFFICE_LOCK = threading.Lock()
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""
# ocrmypdf exit codes (ocrmypdf.ExitCode): 3 = a program it needs is missing.
_OCRMYPDF_MISSING_DEPENDENCY = 3


@dataclass(frozen=True, slots=True)
class OcrResult:
    """A new, searchable PDF. `from_signed_original`: the source was signed, so this copy is
    for reading and search only — the signed original stays the record."""

    path: Path
    from_signed_original: bool


def office_to_pdf(
    src: Path,
    dest: Path,
    *,
    kind: Kind,
    timeout: float = 180,
    soffice: str | None = None,
    profile_root: Path | None = None,
) -> Path:
    """Convert an office document to PDF at `dest` with LibreOffice headless."""
    program = require("soffice", soffice)
    profile = _profile_dir(profile_root)
    with tempfile.TemporaryDirectory(prefix="hoso-lo-") as work:
        # A fixed ASCII name: the upload's name never reaches the command line.
        source = Path(work) / f"input.{kind.value}"
        shutil.copyfile(src, source)
        args = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
            str(source),
        ]
        with _SOFFICE_LOCK:
            done = run(
                args,
                timeout=timeout,
                cwd=Path(work),
                env=_lo_env(profile),
                what=_("Chuyển sang PDF"),
            )
        produced = Path(work) / "input.pdf"
        _check_pdf_output(produced, "LibreOffice", done.stderr)
        shutil.move(produced, dest)
    return dest


def ocr_to_pdf(
    original: bytes | Path,
    dest: Path,
    *,
    kind: Kind,
    language: str = "vie",
    timeout: float = 900,
    deskew: bool = False,
) -> OcrResult:
    """Make a searchable PDF at `dest` from a scan (PDF or image); the original is untouched.

    PDF pages that already carry text are kept as they are (`--skip-text`).
    """
    from hoso.conversion.images import image_to_pdf
    from hoso.conversion.pdfinspect import pdf_has_signatures

    _require_ocr(language)
    with tempfile.TemporaryDirectory(prefix="hoso-ocr-") as work:
        source = _materialize(original, Path(work), kind)
        signed = kind is Kind.PDF and pdf_has_signatures(source.read_bytes())
        pdf_in = source if kind is Kind.PDF else image_to_pdf(source, Path(work) / "scan.pdf")
        out = Path(work) / "ocr.pdf"
        done = run(
            _ocrmypdf_args(pdf_in, out, language, signed, deskew),
            timeout=timeout,
            what=_("Nhận dạng chữ (OCR)"),
        )
        if done.returncode == _OCRMYPDF_MISSING_DEPENDENCY:
            raise ConversionUnavailable(str(UNAVAILABLE["tesseract"]))
        _check_pdf_output(out, "OCRmyPDF", done.stderr)
        shutil.move(out, dest)
    return OcrResult(path=dest, from_signed_original=signed)


def extract_text(pdf: Path, *, timeout: float = 120, max_chars: int = 5_000_000) -> str:
    """The text of a PDF for the search index (NFC), cut at `max_chars`."""
    program = require("pdftotext")
    done = run(
        [program, "-q", "-enc", "UTF-8", str(pdf), "-"], timeout=timeout, what=_("Trích nội dung")
    )
    if done.returncode != 0:
        raise ConversionFailed(
            _("Không trích được nội dung chữ của tệp PDF; tệp gốc vẫn được lưu.")
        )
    text = done.stdout.decode("utf-8", "replace")[:max_chars]
    return unicodedata.normalize("NFC", text)


def render_preview(pdf: Path, dest: Path, *, width: int = 600, timeout: float = 60) -> Path:
    """A PNG of page 1, `width` pixels wide, at `dest`."""
    program = require("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="hoso-preview-") as work:
        prefix = Path(work) / "page"
        done = run(
            [
                program,
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-scale-to-x",
                str(width),
                "-scale-to-y",
                "-1",
                "-singlefile",
                str(pdf),
                str(prefix),
            ],
            timeout=timeout,
            what=_("Tạo ảnh xem trước"),
        )
        produced = prefix.with_suffix(".png")
        if done.returncode != 0 or not produced.is_file():
            raise ConversionFailed(_("Không tạo được ảnh xem trước; tệp gốc vẫn được lưu."))
        shutil.move(produced, dest)
    return dest


def ocr_available(language: str = "vie") -> bool:
    try:
        _require_ocr(language)
    except ConversionUnavailable:
        return False
    return True


def _require_ocr(language: str) -> None:
    tesseract = require("tesseract")
    if importlib.util.find_spec("ocrmypdf") is None:
        raise ConversionUnavailable(str(UNAVAILABLE["ocrmypdf"]))
    langs = run([tesseract, "--list-langs"], timeout=30, what=_("Kiểm tra tesseract"))
    if language not in langs.stdout.decode("utf-8", "replace").split():
        raise ConversionUnavailable(
            _(
                "Máy chủ chưa cài dữ liệu nhận dạng chữ cho ngôn ngữ “%(language)s” (gói "
                "tesseract-ocr-%(language)s); tệp gốc vẫn được lưu."
            )
            % {"language": language}
        )


def _ocrmypdf_args(src: Path, out: Path, language: str, signed: bool, deskew: bool) -> list[str]:
    args = [
        sys.executable,
        "-m",
        "ocrmypdf",
        "--language",
        language,
        "--skip-text",
        "--output-type",
        "pdf",
        "--jobs",
        "1",
        "--quiet",
    ]
    if deskew:
        args.append("--deskew")
    if signed:
        # Works on our private copy; the signed original is never passed on or replaced.
        args.append("--invalidate-digital-signatures")
    return [*args, str(src), str(out)]


def _materialize(original: bytes | Path, work: Path, kind: Kind) -> Path:
    source = work / f"original.{kind.value}"
    if isinstance(original, bytes):
        source.write_bytes(original)
    else:
        shutil.copyfile(original, source)
    return source


def _check_pdf_output(path: Path, tool: str, stderr: bytes) -> None:
    import pikepdf

    problem = ConversionFailed(
        _("%(tool)s không tạo được bản PDF từ tệp này (tệp có thể bị hỏng). Tệp gốc vẫn được lưu.")
        % {"tool": tool}
    )
    if not path.is_file() or path.stat().st_size == 0:
        raise problem
    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                raise problem
    except pikepdf.PdfError as exc:
        raise problem from exc


def _profile_dir(root: Path | None) -> Path:
    base = root or Path(tempfile.gettempdir()) / "hoso-libreoffice"
    profile = base / f"profile-{os.getpid()}"
    settings = profile / "user" / "registrymodifications.xcu"
    if not settings.exists():
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(_PROFILE_SETTINGS, encoding="utf-8")
    return profile


def _lo_env(profile: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["HOME"] = str(profile)  # Keep LibreOffice's stray files out of the service's home.
    return env
