"""Generated pictures for the demo data (``seed_demo``): cards, covers and activity "photos" drawn with
Pillow, never a photo of a person.

Every picture is deterministic in its ``seed``, so a seeder that runs again draws the same image. Each
function returns an uploaded-file object (JPEG) for the portal's one checked upload path
(``unionportal.uploads.services.upload_store``), which re-encodes it and makes the thumbnail like any
upload. Text is Latin initials or digits in Pillow's default font: no CJK font is needed.
"""

import io
import math
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

# Muted campaign colours (red of the May Day posters, blues, greens, ochre, purple, teal).
PALETTE = [
    (176, 42, 48),
    (40, 92, 160),
    (34, 128, 96),
    (150, 96, 30),
    (110, 60, 140),
    (60, 120, 140),
    (190, 90, 40),
    (70, 90, 110),
]


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # Pillow built without FreeType
        return ImageFont.load_default()


def _lighter(colour, amount: int):
    return tuple(min(255, c + amount) for c in colour)


def _darker(colour, amount: int):
    return tuple(max(0, c - amount) for c in colour)


def _upload(image: Image.Image, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


def initials_card(initials: str, *, seed: int, caption: str = "", size=(300, 400)) -> SimpleUploadedFile:
    """A portrait-format card for an individual: a coloured ground, concentric rings and the initials."""
    rng = random.Random(seed)
    colour = PALETTE[seed % len(PALETTE)]
    width, height = size
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for i in range(6, 0, -1):
        radius = i * width // 9
        cx, cy = width // 2 + rng.randint(-20, 20), height * 2 // 5
        shade = _lighter(colour, 12 * (7 - i))
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=shade)
    draw.rectangle((0, height - 70, width, height), fill=_darker(colour, 40))
    draw.text((width // 2, height * 2 // 5), initials[:3].upper(), fill=colour, font=_font(72), anchor="mm")
    if caption:
        draw.text((width // 2, height - 35), caption, fill=(255, 255, 255), font=_font(24), anchor="mm")
    return _upload(image, initials.lower() or "card")


def emblem_card(label: str, *, seed: int, caption: str = "", size=(400, 300)) -> SimpleUploadedFile:
    """A landscape card for a unit or a team: stripes and a geometric emblem with a short label."""
    rng = random.Random(seed)
    colour = PALETTE[seed % len(PALETTE)]
    width, height = size
    image = Image.new("RGB", size, _lighter(colour, 20))
    draw = ImageDraw.Draw(image)
    for i in range(7):
        x = rng.randint(-width // 2, width)
        draw.polygon(
            [(x, 0), (x + 60 + i * 8, 0), (x + 60 + i * 8 - height, height), (x - height, height)],
            fill=_lighter(colour, 30 + 8 * i),
        )
    cx, cy, r = width // 2, height // 2 - 10, height // 3
    sides = rng.choice((5, 6, 8))
    points = [
        (
            cx + r * math.cos(2 * math.pi * k / sides - math.pi / 2),
            cy + r * math.sin(2 * math.pi * k / sides - math.pi / 2),
        )
        for k in range(sides)
    ]
    draw.polygon(points, fill=_darker(colour, 30), outline=(255, 255, 255))
    draw.text((cx, cy), label[:4].upper(), fill=(255, 255, 255), font=_font(44), anchor="mm")
    if caption:
        draw.rectangle((0, height - 44, width, height), fill=_darker(colour, 50))
        draw.text((cx, height - 22), caption, fill=(255, 255, 255), font=_font(22), anchor="mm")
    return _upload(image, label.lower() or "emblem")


def cover_image(*, seed: int, caption: str = "", size=(800, 450)) -> SimpleUploadedFile:
    """A news cover: a two-colour gradient with soft circles and a band, abstract like a poster."""
    rng = random.Random(seed)
    first = PALETTE[seed % len(PALETTE)]
    second = PALETTE[(seed * 3 + 1) % len(PALETTE)]
    width, height = size
    image = Image.new("RGB", size, first)
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 6):
        t = y / height
        draw.rectangle(
            (0, y, width, y + 6),
            fill=tuple(int(a * (1 - t) + b * t) for a, b in zip(first, second, strict=True)),
        )
    for _i in range(9):
        r = rng.randint(30, 140)
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=_lighter(first, 80), width=rng.randint(2, 6))
    draw.rectangle((0, height * 3 // 4, width, height * 3 // 4 + 8), fill=(240, 200, 80))
    if caption:
        draw.text((40, height * 3 // 4 + 50), caption, fill=(255, 255, 255), font=_font(36), anchor="lm")
    return _upload(image, "cover")


def activity_photo(*, seed: int, size=(640, 480)) -> SimpleUploadedFile:
    """A stand-in for an activity photo: a sky, a ground, a stage with bunting and banners (no people)."""
    rng = random.Random(seed)
    width, height = size
    sky = (120 + rng.randint(0, 60), 170 + rng.randint(0, 40), 220)
    ground = rng.choice([(90, 140, 80), (150, 140, 120), (120, 120, 130)])
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    horizon = height * 3 // 5
    draw.rectangle((0, horizon, width, height), fill=ground)
    for _i in range(rng.randint(2, 4)):
        x, w, h = rng.randint(0, width), rng.randint(80, 200), rng.randint(60, 180)
        draw.rectangle((x, horizon - h, x + w, horizon), fill=(200, 200, 205))
    stage = (width // 6, horizon - 90, width * 5 // 6, horizon + 20)
    draw.rectangle(stage, fill=(176, 42, 48))
    draw.rectangle((stage[0] + 20, stage[1] + 15, stage[2] - 20, stage[1] + 55), fill=(230, 190, 60))
    for k in range(14):
        x = k * width // 13
        colour = PALETTE[(seed + k) % len(PALETTE)]
        draw.polygon([(x, 30), (x + width // 13, 30), (x + width // 26, 60)], fill=colour)
    draw.line((0, 30, width, 30), fill=(80, 80, 80), width=2)
    for _i in range(rng.randint(3, 6)):
        x = rng.randint(20, width - 40)
        draw.line((x, horizon + 10, x, horizon - 60), fill=(90, 70, 50), width=3)
        draw.rectangle((x, horizon - 60, x + 30, horizon - 40), fill=PALETTE[rng.randrange(len(PALETTE))])
    return _upload(image, "activity")
