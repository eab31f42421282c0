"""The certificate of appreciation: a PNG drawn with Pillow (no Discord here).

DejaVu Sans covers Polish and Cyrillic letters, so names and role titles render in every
language the bot speaks. Text is given already translated; this module only lays it out.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import config

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

SIZE = (1600, 1130)
BACKGROUND = (253, 250, 242)
INK = (40, 44, 52)
ACCENT = (46, 125, 50)
FONTS = Path(config.__file__).parent / "fonts"
# Where the member's name is drawn (left, top, right, bottom): tests look for ink there.
NAME_BOX = (100, 330, 1500, 450)
MAX_LINES = 9


@dataclass(frozen=True)
class CertificateText:
    title: str
    presented_to: str
    name: str
    lines: list[str] = field(default_factory=list)
    footer: str = ""


@cache
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The largest font up to `size` in which `text` fits `width` pixels."""
    while size > 14:
        font = _font(size, bold=bold)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return _font(14, bold=bold)


def _centered(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont, fill) -> None:
    draw.text((SIZE[0] // 2, y), text, font=font, fill=fill, anchor="mt")


def _shorten(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def render(text: CertificateText) -> bytes:
    # Pillow takes a few MB: loaded when a certificate is drawn, not when the bot starts.
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle((30, 30, width - 30, height - 30), outline=ACCENT, width=8)
    draw.rectangle((50, 50, width - 50, height - 50), outline=ACCENT, width=2)
    _centered(draw, 110, text.title, _fit(draw, text.title, 72, width - 200, bold=True), ACCENT)
    _centered(draw, 240, text.presented_to, _font(34), INK)
    if text.name:
        name_width = NAME_BOX[2] - NAME_BOX[0]
        _centered(draw, NAME_BOX[1] + 10, text.name, _fit(draw, text.name, 88, name_width, bold=True), INK)
    draw.line((300, 480, width - 300, 480), fill=ACCENT, width=3)
    body = _font(30)
    y = 520
    shown = text.lines[:MAX_LINES]
    if len(text.lines) > MAX_LINES:
        shown[-1] = "…"
    for line in shown:
        _centered(draw, y, _shorten(draw, line, body, width - 240), body, INK)
        y += 46
    if text.footer:
        _centered(draw, height - 130, text.footer, _fit(draw, text.footer, 28, width - 240), INK)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
