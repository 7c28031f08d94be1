"""Turn scanned images into a PDF for OCR without losing quality."""

from __future__ import annotations

import tempfile
from pathlib import Path

import img2pdf
from django.utils.translation import gettext as _
from PIL import Image

from hoso.conversion.errors import ConversionFailed

DEFAULT_SCAN_DPI = 300
_IMG2PDF_MODES = {"1", "L", "RGB", "CMYK"}


def image_to_pdf(src: Path, dest: Path) -> Path:
    """One PDF page per frame; JPEGs are embedded as they are, others losslessly as PNG."""
    try:
        with Image.open(src) as image:
            layout = _layout(image)
            if image.format == "JPEG" and image.mode in _IMG2PDF_MODES:
                dest.write_bytes(img2pdf.convert(str(src), layout_fun=layout))
                return dest
            with tempfile.TemporaryDirectory(prefix="hoso-img-") as work:
                frames = _frames_as_png(image, Path(work))
                dest.write_bytes(img2pdf.convert([str(f) for f in frames], layout_fun=layout))
    except (OSError, ValueError, img2pdf.ImageOpenError) as exc:
        raise ConversionFailed(
            _("Không chuyển được ảnh sang PDF để nhận dạng chữ; tệp gốc vẫn được lưu.")
        ) from exc
    return dest


def _layout(image: Image.Image) -> object:
    # Phone photos and many scanners omit DPI; 300 dpi gives A4-sized pages and good OCR.
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and float(dpi[0]) > 1:
        return img2pdf.default_layout_fun
    return img2pdf.get_fixed_dpi_layout_fun((DEFAULT_SCAN_DPI, DEFAULT_SCAN_DPI))


def _frames_as_png(image: Image.Image, work: Path) -> list[Path]:
    paths = []
    for index in range(int(getattr(image, "n_frames", 1))):
        image.seek(index)
        frame = image.convert("L" if image.mode in {"1", "L", "LA", "I;16", "I"} else "RGB")
        path = work / f"frame-{index:04d}.png"
        frame.save(path, dpi=image.info.get("dpi", (DEFAULT_SCAN_DPI, DEFAULT_SCAN_DPI)))
        paths.append(path)
    return paths
