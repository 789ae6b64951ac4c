"""The video sites a course lesson may link to, and the check every lesson link passes.

The list is a setting (``PUBLIC_VIDEO_HOSTS``), defaulting to the sites the province publishes its films
on; a link must be https, on one of those hosts exactly (no look-alike subdomain), and a plain address
rather than a script or an embed snippet.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_HOSTS = (
    "www.hbtv.com.cn",
    "v.qq.com",
    "www.bilibili.com",
    "player.bilibili.com",
    "www.ixigua.com",
    "tv.cctv.com",
)
URL_MAX = 500


def allowed_hosts() -> tuple[str, ...]:
    return tuple(h.lower() for h in getattr(settings, "PUBLIC_VIDEO_HOSTS", DEFAULT_HOSTS))


def video_link_check(url: str) -> str:
    """The link, stripped, when it may be shown; raises ``ValidationError`` with the reason otherwise."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > URL_MAX or any(c in url for c in "<>\"' \t\r\n"):
        raise ValidationError(_("请填写视频页面的链接地址，不要粘贴播放器代码。"), code="video_link")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        raise ValidationError(_("视频链接须以 https:// 开头。"), code="video_scheme")
    if parts.hostname.lower() not in allowed_hosts() or parts.port not in (None, 443):
        raise ValidationError(
            _("视频须来自允许的视频网站（%(hosts)s），“%(host)s”不在其中。")
            % {"hosts": "、".join(allowed_hosts()), "host": parts.hostname},
            code="video_host",
        )
    return url


def validate_video_link(url: str) -> None:
    video_link_check(url)
