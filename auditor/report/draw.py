"""Pillow drawing for the annotated screenshots: severity styles, fonts, boxes, badges, banners,
and encoding within a byte budget. Everything here works in image pixels; the CSS→pixel
conversion lives in ``annotate.css_to_px``."""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from PIL import Image, ImageDraw, ImageFont, features

# ---- how it looks --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Style:
    colour: tuple[int, int, int]  # Okabe–Ito: distinguishable with every common colour-vision deficiency
    ink: tuple[int, int, int]  # text on the badge
    shape: str  # a second cue besides colour, also used by the HTML legend
    weight: float  # stroke multiplier


STYLES = {
    "critical": Style((213, 94, 0), (255, 255, 255), "square", 1.5),
    "major": Style((230, 159, 0), (0, 0, 0), "triangle", 1.0),
    "minor": Style((0, 114, 178), (255, 255, 255), "diamond", 1.0),
    "info": Style((96, 96, 96), (255, 255, 255), "circle", 1.0),
}
HALO = (20, 20, 20)


# WebP at quality 78 is about half the bytes of JPEG at quality 78 on the demo shop's screenshots, and
# every browser a reviewer uses shows it. JPEG is the fallback for a Pillow built without WebP.
FORMAT = "webp" if features.check("webp") else "jpeg"
EXT = "webp" if FORMAT == "webp" else "jpg"
QUALITIES = (78, 68, 58, 48)
# libwebp's effort (0 fastest … 6 smallest). Measured on the demo shop's screenshots: method 2 encodes
# in about half the time of method 4 for files about 5 % larger (method 1 saves little more time for
# 20 % more bytes). Encoding is most of annotation, and annotation most of the report's cost.
WEBP_METHOD = 2
BADGE_CSS = 18.0  # badge height in CSS px, before the readability floor


# ---- fonts --------------------------------------------------------------------------------------
_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
    "DejaVuSans-Bold.ttf",  # anywhere FreeType looks
)


@lru_cache(maxsize=32)
def font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in _FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)  # scalable since Pillow 10.1
    except TypeError:
        return ImageFont.load_default()


# ---- drawing --------------------------------------------------------------------------------------


def stroke(k: float, severity: str) -> int:
    return max(3, round(3.0 * k * STYLES[severity].weight))


def draw_box(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], severity: str, k: float) -> None:
    """Severity-coloured band just outside the element, then a thin dark halo so it shows on any page."""
    w = stroke(k, severity)
    x0, y0, x1, y1 = box
    draw.rectangle((x0 - w - 1, y0 - w - 1, x1 + w, y1 + w), outline=HALO, width=1)
    draw.rectangle((x0 - w, y0 - w, x1 + w - 1, y1 + w - 1), outline=STYLES[severity].colour, width=w)


def _shape(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, shape: str, ink) -> None:
    if shape == "circle":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ink)
    elif shape == "diamond":
        draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=ink)
    elif shape == "triangle":
        draw.polygon([(cx, cy - r), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8)], fill=ink)
    else:
        draw.rectangle((cx - r * 0.85, cy - r * 0.85, cx + r * 0.85, cy + r * 0.85), fill=ink)


def badge_size(n: int, height: int) -> tuple[int, int]:
    """Shape + number: the severity word is in the legend and the finding list, not on the page."""
    f = font(max(8, round(height * 0.68)))
    return round(height * 0.95 + f.getlength(str(n)) + height * 0.3), height


def draw_badge(draw: ImageDraw.ImageDraw, xy: tuple[int, int], n: int, severity: str, height: int) -> None:
    st = STYLES[severity]
    w, h = badge_size(n, height)
    x, y = xy
    draw.rounded_rectangle((x - 1, y - 1, x + w, y + h), radius=h // 4 + 1, fill=HALO)
    draw.rounded_rectangle((x, y, x + w - 1, y + h - 1), radius=h // 4, fill=st.colour)
    _shape(draw, x + h * 0.5, y + h / 2, h * 0.25, st.shape, st.ink)
    draw.text((x + h * 0.92, y + h / 2), str(n), font=font(max(8, round(h * 0.68))), fill=st.ink, anchor="lm")


def draw_leader(draw: ImageDraw.ImageDraw, line: tuple[tuple[int, int], tuple[int, int]], severity: str,
                width: int) -> None:
    """A line from a badge that had to move away to the box it numbers, haloed like the box."""
    (x0, y0), (x1, y1) = line
    draw.line((x0, y0, x1, y1), fill=HALO, width=width + 2)
    draw.line((x0, y0, x1, y1), fill=STYLES[severity].colour, width=width)
    r = width + 1
    draw.ellipse((x1 - r, y1 - r, x1 + r, y1 + r), fill=STYLES[severity].colour, outline=HALO)


def badge_height(k: float, image_width: int) -> int:
    # Scaled with the device, and never below 1/50 of the width so it survives being shown small.
    return max(16, round(BADGE_CSS * k), round(image_width / 50))


def outer(box: tuple[int, int, int, int], severity: str, k: float) -> tuple[int, int, int, int]:
    """The area ``draw_box`` paints for ``box``, halo included (right/bottom exclusive)."""
    w = stroke(k, severity) + 1
    return box[0] - w, box[1] - w, box[2] + w, box[3] + w


def _wrap(text: str, f, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        probe = f"{line} {word}".strip()
        if line and f.getlength(probe) > width:
            lines.append(line)
            line = word
        else:
            line = probe
    return lines + [line] if line else lines


def banner(img: Image.Image, texts: Sequence[str], k: float) -> Image.Image:
    """A strip under the image that says what could not be drawn on it (numbers only)."""
    if not texts:
        return img
    size = max(12, min(round(14 * k), round(img.width / 30)), round(img.width / 70))
    f, pad, step = font(size), size // 2, round(size * 1.35)
    lines = [ln for t in texts for ln in _wrap(t, f, img.width - 2 * pad)]
    out = Image.new("RGB", (img.width, img.height + pad * 2 + len(lines) * step), (36, 36, 36))
    out.paste(img, (0, 0))
    d = ImageDraw.Draw(out)
    for i, text in enumerate(lines):
        d.text((pad, img.height + pad + i * step), text, font=f, fill=(255, 255, 255))
    return out


def numbers(ns: Iterable[int]) -> str:
    return ", ".join(f"#{n}" for n in sorted(set(ns)))


# ---- encoding within a byte budget --------------------------------------------------------------


def encode(img: Image.Image, budget: int) -> tuple[bytes, tuple[int, int]]:
    """The best quality that fits the budget; if none does, shrink by 20 % and try again.
    Returns the encoded bytes and the final size in pixels."""
    if img.mode != "RGB":  # convert() copies even when there is nothing to convert
        img = img.convert("RGB")
    data = b""
    for _ in range(5):
        for q in QUALITIES:
            buf = io.BytesIO()
            if FORMAT == "webp":
                img.save(buf, "WEBP", quality=q, method=WEBP_METHOD)
            else:
                img.save(buf, "JPEG", quality=q, optimize=True, progressive=True)
            data = buf.getvalue()
            if len(data) <= budget:
                return data, img.size
        img = img.resize((max(1, round(img.width * 0.8)), max(1, round(img.height * 0.8))), Image.LANCZOS)
    return data, img.size
