"""The results bar chart, drawn with Pillow in DejaVu Sans (Polish and Cyrillic letters)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import config

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

FONT_PATH = Path(config.__file__).parent / "fonts" / "DejaVuSans.ttf"
WIDTH = 800
ROW = 44
MARGIN = 20
LABEL_WIDTH = 300
BAR_COLOUR = (88, 101, 242)
WINNER_COLOUR = (59, 165, 93)
BACKGROUND = (255, 255, 255)
TEXT = (32, 34, 37)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_PATH), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def bar_chart(title: str, labels: list[str], votes: list[int], highlight: set[int] | None = None) -> bytes:
    """A horizontal bar per option with its count and share; winners highlighted. PNG bytes."""
    # Pillow takes a few MB: loaded when a chart is drawn, not when the bot starts.
    from PIL import Image, ImageDraw

    highlight = highlight or set()
    height = MARGIN * 3 + 30 + ROW * len(labels)
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), _fit(draw, title, _font(22), WIDTH - 2 * MARGIN), font=_font(22), fill=TEXT)
    total = sum(votes)
    top = max(votes, default=0) or 1
    bar_left = MARGIN + LABEL_WIDTH
    bar_room = WIDTH - bar_left - MARGIN - 110
    for row, (label, count) in enumerate(zip(labels, votes, strict=True)):
        y = MARGIN * 2 + 30 + row * ROW
        draw.text((MARGIN, y + 8), _fit(draw, label, _font(18), LABEL_WIDTH - 10), font=_font(18), fill=TEXT)
        length = int(bar_room * count / top)
        colour = WINNER_COLOUR if row in highlight else BAR_COLOUR
        if length:
            draw.rectangle((bar_left, y + 6, bar_left + length, y + ROW - 10), fill=colour)
        share = 0 if total == 0 else round(100 * count / total)
        draw.text((bar_left + length + 8, y + 8), f"{count} ({share}%)", font=_font(18), fill=TEXT)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
