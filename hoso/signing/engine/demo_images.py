"""Demo signature and seal images (Pillow) — for the demo school only, never real people."""

from __future__ import annotations

import math
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from hoso.signing.engine.appearance import FONT_PATH

BLUE = (20, 50, 170, 255)
RED = (210, 20, 30, 255)


def _png(img: Image.Image) -> bytes:
    buf = BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def demo_signature_png(full_name: str, *, width: int = 600, height: int = 300) -> bytes:
    """Blue, transparent 'handwritten' signature: slanted given name plus a flourish."""
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    given = full_name.split()[-1] if full_name.split() else full_name
    font = ImageFont.truetype(str(FONT_PATH), size=int(height * 0.38))
    text_img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(text_img).text((width * 0.18, height * 0.18), given, font=font, fill=BLUE)
    shear = text_img.transform(
        text_img.size,
        Image.Transform.AFFINE,
        (1, 0.35, -height * 0.12, 0, 1, 0),
        resample=Image.Resampling.BICUBIC,
    )
    img.alpha_composite(shear)
    draw = ImageDraw.Draw(img)
    pts = [
        (width * (0.1 + 0.8 * t), height * (0.78 - 0.1 * math.sin(t * 9) - 0.12 * t))
        for t in (i / 60 for i in range(61))
    ]
    draw.line(pts, fill=BLUE, width=max(3, height // 60), joint="curve")
    return _png(img)


def demo_seal_png(organisation: str, *, size: int = 800) -> bytes:
    """Red round seal, transparent, with the organisation name around the ring and a star."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c, w = size / 2, max(6, size // 70)
    draw.ellipse((w, w, size - w, size - w), outline=RED, width=w)
    inner = size * 0.3
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=RED, width=w // 2)
    _ring_text(img, organisation.upper(), radius=size * 0.39, font_size=int(size * 0.07))
    _star(draw, c, c, size * 0.12)
    return _png(img)


def _ring_text(img: Image.Image, text: str, *, radius: float, font_size: int) -> None:
    font = ImageFont.truetype(str(FONT_PATH), size=font_size)
    c = img.size[0] / 2
    span = min(330.0, 12.0 * len(text))
    for i, ch in enumerate(text):
        angle = -90 - span / 2 + span * (i + 0.5) / len(text)
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_size, font_size), ch, font=font, fill=RED, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        x = c + radius * math.cos(math.radians(angle)) - font_size
        y = c + radius * math.sin(math.radians(angle)) - font_size
        img.alpha_composite(glyph, (int(x), int(y)))


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.4
        a = math.radians(-90 + 36 * i)
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    draw.polygon(pts, fill=RED)
