"""The share image of an honouree (1200×630, the Open Graph size): photo left, name and award right.

Drawn with Pillow in a CJK font (``SHARE_IMAGE_FONT``, else Noto Sans CJK where Debian installs it);
where no such font exists the card is plain, with no text the default font could not draw.
"""

import io
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont, ImageOps

WIDTH, HEIGHT = 1200, 630
DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
RED = (178, 34, 34)
CREAM = (255, 248, 240)
DARK = (40, 40, 40)


def font_path() -> str | None:
    for candidate in (settings.SHARE_IMAGE_FONT, DEFAULT_FONT):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _fit(draw, text: str, path: str, size: int, width: int):
    """The largest font not above ``size`` that fits ``text`` into ``width`` (down to 24 px)."""
    while True:
        font = ImageFont.truetype(path, size)
        if draw.textlength(text, font=font) <= width or size <= 24:
            return font
        size -= 4


def _clip(draw, text: str, font, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def render(*, name: str, award: str, unit: str, year: int, site: str, photo: Image.Image | None) -> bytes:
    """The PNG bytes of the card."""
    card = Image.new("RGB", (WIDTH, HEIGHT), CREAM)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, WIDTH, 24), fill=RED)
    draw.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=RED)
    box = (60, 75, 480, 555)  # 420 × 480, portrait like an ID photo
    if photo is not None:
        fitted = ImageOps.fit(photo.convert("RGB"), (box[2] - box[0], box[3] - box[1]))
        card.paste(fitted, box[:2])
    else:
        draw.rectangle(box, fill=(230, 210, 200))
    path = font_path()
    left, text_width = 540, WIDTH - 540 - 60
    if path is None:
        # Plain fallback: Pillow's built-in font has no Chinese glyphs, so draw only the year.
        draw.rectangle((left, 250, left + 120, 258), fill=RED)
        draw.text((left, 280), str(year), fill=DARK, font=ImageFont.load_default(size=64))
    else:
        award_font = _fit(draw, award, path, 48, text_width)
        name_font = _fit(draw, name, path, 96, text_width)
        small = ImageFont.truetype(path, 30)
        draw.text((left, 110), f"{year}", fill=RED, font=small)
        draw.text((left, 160), _clip(draw, award, award_font, text_width), fill=RED, font=award_font)
        draw.rectangle((left, 250, left + 120, 258), fill=RED)
        draw.text((left, 290), _clip(draw, name, name_font, text_width), fill=DARK, font=name_font)
        if unit:
            draw.text((left, 430), _clip(draw, unit, small, text_width), fill=DARK, font=small)
        draw.text((left, 520), _clip(draw, site, small, text_width), fill=(120, 120, 120), font=small)
    out = io.BytesIO()
    card.save(out, "PNG", optimize=True)
    return out.getvalue()


def open_photo(stored) -> Image.Image | None:
    """The stored photo decoded (stored files were checked and re-encoded at upload)."""
    if stored is None:
        return None
    try:
        with stored.file.open("rb") as handle:
            image = Image.open(io.BytesIO(handle.read()), formats=["JPEG", "PNG", "WEBP"])
            image.load()
            return image
    except (FileNotFoundError, OSError):
        return None


def qr_data_uri(url: str) -> str:
    """The QR code of a page's public address, as an SVG data URI (the pages' CSP allows data: images);
    the same library as the membership card's code."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)
