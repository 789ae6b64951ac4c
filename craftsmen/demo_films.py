"""Demo films and posters of the published 荆楚工匠 (``seed_craftsman_films``, called at the end of the
craftsmen demo): for each published craftsman a feature film (专题片) by the provincial TV station, one or
two teaching videos (教学片) on the video platforms, and a generated poster, written through
``films.films_save`` as province staff would. Idempotent: a craftsman with films or a poster is skipped.

The links look like the platforms' own (deterministic in the candidacy), so the embeds are realistic;
the poster is drawn with Pillow (Latin text in the default font, no photo of a person).
"""

import hashlib
import io
import logging

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy

from .films import films_save
from .models import APP, VideoHost
from .video_hosts import hosts_ensure

logger = logging.getLogger(__name__)

PROVINCE_ACCOUNT = "province"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
COLOURS = [(150, 30, 36), (32, 78, 140), (28, 110, 84), (140, 86, 24), (96, 52, 124)]


def _digest(pk: int, salt: str) -> bytes:
    return hashlib.sha256(f"{salt}:{pk}".encode()).digest()


def _base58(raw: bytes, length: int) -> str:
    number = int.from_bytes(raw, "big")
    out = []
    for _n in range(length):
        number, digit = divmod(number, 58)
        out.append(BASE58[digit])
    return "".join(out)


def demo_links(pk: int) -> dict[str, str]:
    """Real-looking watch links of each platform, deterministic in the candidacy's pk."""
    raw = _digest(pk, "film")
    return {
        "hbtv": f"https://www.hbtv.com.cn/p/2026/0428/jcgj{pk:04d}.html",
        "bilibili": f"https://www.bilibili.com/video/BV1{_base58(raw, 9)}",
        "qq": f"https://v.qq.com/x/cover/mzc002{_base58(raw[8:], 9).lower()}/{_base58(raw[16:], 11).lower()}.html",
        "ixigua": f"https://www.ixigua.com/72{int.from_bytes(raw[:8], 'big') % 10**17:017d}",
    }


def demo_films(candidacy: Candidacy, trade: str) -> list[dict]:
    links = demo_links(candidacy.pk)
    films = [
        {"kind": "feature", "title": f"《匠心荆楚》{candidacy.name}：{trade}的坚守", "url": links["hbtv"]},
        {
            "kind": "teaching",
            "title": f"{trade}绝技教学（上）：{candidacy.name}讲要领",
            "url": links["bilibili"],
        },
    ]
    if candidacy.pk % 2 == 0:
        films.append({"kind": "teaching", "title": f"{trade}绝技教学（下）：现场示范", "url": links["qq"]})
    elif candidacy.pk % 3 == 0:
        films.append(
            {"kind": "teaching", "title": f"{trade}绝技教学（下）：徒弟实操", "url": links["ixigua"]}
        )
    return films


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # Pillow built without FreeType
        return ImageFont.load_default()


def poster_image(*, seed: int, size=(1280, 720)) -> SimpleUploadedFile:
    """A 16:9 poster: a dark gradient in a campaign colour, a gear and the batch's Latin title."""
    width, height = size
    colour = COLOURS[seed % len(COLOURS)]
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(70 * y / height)
        draw.line([(0, y), (width, y)], fill=tuple(max(0, c - shade) for c in colour))
    cx, cy, r = int(width * 0.72), height // 2, int(height * 0.32)
    for tooth in range(12):
        draw.pieslice(
            (cx - r - 30, cy - r - 30, cx + r + 30, cy + r + 30),
            tooth * 30,
            tooth * 30 + 14,
            fill=(235, 200, 120),
        )
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(235, 200, 120))
    draw.ellipse((cx - r // 3, cy - r // 3, cx + r // 3, cy + r // 3), fill=colour)
    draw.rectangle((60, 250, 260, 258), fill=(235, 200, 120))
    draw.text((60, 160), "JINGCHU CRAFTSMEN", fill=(255, 248, 240), font=_font(56))
    draw.text((60, 290), f"2026 · No. {seed % 100:02d}", fill=(255, 248, 240), font=_font(40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"poster-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def seed_craftsman_films() -> int:
    """Films and a poster for every published craftsman without them; returns how many got them."""
    hosts_ensure(VideoHost)
    actor = get_user_model().objects.filter(username=PROVINCE_ACCOUNT).first()
    if actor is None:
        logger.warning("no %s account: the demo craftsmen get no films", PROVINCE_ACCOUNT)
        return 0
    published = (
        Candidacy.objects.filter(programme__app=APP, state=State.PUBLISHED)
        .select_related("craftsman__trade")
        .order_by("pk")
    )
    done = 0
    for candidacy in published:
        craftsman = getattr(candidacy, "craftsman", None)
        if craftsman is None or craftsman.films.exists() or hasattr(craftsman, "poster"):
            continue
        films_save(
            actor=actor,
            pk=candidacy.pk,
            films=demo_films(candidacy, craftsman.trade.name),
            poster=poster_image(seed=candidacy.pk),
        )
        done += 1
    return done
