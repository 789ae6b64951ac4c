"""Upload limits, read from settings when a file is checked (so tests may override them)."""

from django.conf import settings

MB = 1024 * 1024

# Per kind of upload; settings.UPLOAD_MAX_BYTES may override any of them.
DEFAULT_MAX_BYTES = {"image": 10 * MB, "pdf": 20 * MB, "sheet": 20 * MB}
# 40 megapixels: above any phone camera, far below what would exhaust a worker (~160 MB as RGBA).
DEFAULT_MAX_PIXELS = 40_000_000
# What an xlsx may declare as its inflated size: a 20,000-row import is a few tens of MB of XML.
DEFAULT_MAX_UNCOMPRESSED = 100 * MB
# An xlsx has a few dozen parts; a central directory of millions is an attack on the zip reader.
MAX_ZIP_MEMBERS = 5000


def max_bytes(kind: str) -> int:
    return {**DEFAULT_MAX_BYTES, **getattr(settings, "UPLOAD_MAX_BYTES", {})}[str(kind)]


def max_pixels() -> int:
    return getattr(settings, "UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def max_uncompressed() -> int:
    return getattr(settings, "UPLOAD_MAX_UNCOMPRESSED", DEFAULT_MAX_UNCOMPRESSED)


def format_size(n: int) -> str:
    """A size as people read it in a message: "10 MB", "12.5 MB", "300 KB"."""
    if n >= MB:
        value, unit = n / MB, "MB"
    elif n >= 1024:
        value, unit = n / 1024, "KB"
    else:
        return f"{n} B"
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"
