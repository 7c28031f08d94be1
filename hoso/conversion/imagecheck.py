"""Check images with Pillow without decoding them: dimensions and frame counts first."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from hoso.conversion.errors import UnsafeFileError
from hoso.conversion.kinds import Kind

_PILLOW_FORMATS = {Kind.JPEG: "JPEG", Kind.PNG: "PNG", Kind.TIFF: "TIFF"}


@dataclass(frozen=True, slots=True)
class ImageInfo:
    width: int
    height: int
    frames: int
    dpi: float | None


def inspect_image(path: Path, kind: Kind, *, max_pixels: int, max_frames: int) -> ImageInfo:
    """Refuse decompression bombs, absurd page counts and unreadable images."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return _inspect(path, kind, max_pixels, max_frames)
    except Image.DecompressionBombError as exc:
        raise _giant(max_pixels) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise UnsafeFileError(
            _(
                "Không đọc được %(label)s (tệp bị hỏng hoặc tải lên chưa hết). Hãy mở ảnh trên "
                "máy, lưu lại rồi tải lên lại."
            )
            % {"label": kind.label},
            code="image.corrupt",
        ) from exc


def _inspect(path: Path, kind: Kind, max_pixels: int, max_frames: int) -> ImageInfo:
    with Image.open(path, formats=[_PILLOW_FORMATS[kind]]) as image:
        frames = int(getattr(image, "n_frames", 1))
        if frames > max_frames:
            raise UnsafeFileError(
                _(
                    "Ảnh TIFF có quá nhiều trang (%(frames)s; tối đa %(max_frames)s). Hãy tách "
                    "thành các tệp nhỏ hơn rồi tải lên lại."
                )
                % {"frames": frames, "max_frames": max_frames},
                code="image.too_many_frames",
            )
        for index in range(frames):
            image.seek(index)
            if image.width * image.height > max_pixels:
                raise _giant(max_pixels)
        image.seek(0)
        info = ImageInfo(image.width, image.height, frames, _dpi(image))
        image.verify()
    return info


def _dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and float(dpi[0]) > 1:
        return float(dpi[0])
    return None


def _giant(max_pixels: int) -> UnsafeFileError:
    return UnsafeFileError(
        _(
            "Ảnh có kích thước điểm ảnh quá lớn (hơn %(millions)s triệu điểm ảnh). Hãy quét lại ở "
            "300 dpi hoặc thu nhỏ ảnh rồi tải lên lại."
        )
        % {"millions": max_pixels // 1000000},
        code="image.too_large",
    )
