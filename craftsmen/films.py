"""Films of the 荆楚工匠 (专题片 and 教学片) and their poster: the allowed video hosts, how a watch link
becomes a player URL, the writes staff make, and the craftsman's public record.

Every link goes through ``film_link_check``: https only, on a listed and active host, a link and not
an ``<iframe>`` snippet, never a ``javascript:`` or ``data:`` address; a host with a watch pattern also
needs a link to one video. ``films_save`` checks every film before it writes anything.

The public craftsman pages read only ``CraftsmanPublic`` (with ``PublicEntry``): ``craftsman_public_write``
is the hook the shared pipeline calls when a candidacy goes on notice, is published, is revoked or
struck; ``films_save`` rewrites the record of a craftsman who is already public.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.audit import services as audit
from unionportal.public.cache import invalidate
from unionportal.public.models import PublicEntry
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy
from unionportal.uploads.services import stored_file_set_public, upload_store

from .models import APP, Craftsman, CraftsmanPoster, CraftsmanPublic, Film, FilmKind, Patent, VideoHost
from .video_hosts import HOSTS, hosts_ensure  # noqa: F401 (re-exported for the demo and tests)

FILM_STATES = (State.APPROVED, State.NOTICE, State.PUBLISHED)  # chosen for the batch, on notice, published
PUBLIC_STAGES = (PublicEntry.Stage.NOTICE, PublicEntry.Stage.PUBLISHED)
MAX_TEACHING = 6
URL_MAX = 500
_SCRIPT_SCHEMES = ("javascript", "data", "vbscript", "blob", "file")


class FilmRejected(Exception):
    """A film or poster the staff must fix; ``errors`` maps a field ("films-0-url", "poster") to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


@dataclass(frozen=True)
class CheckedLink:
    url: str
    embed_url: str
    host: VideoHost


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def embed_url_of(host: VideoHost, url: str) -> str | None:
    """The player URL of a watch link on ``host``; None when the link is not one video of the host's."""
    if not host.watch_pattern:
        return url
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    match = re.match(host.watch_pattern, target)
    if match is None or not match.groupdict().get("id"):
        return None
    return host.embed_template.replace("{id}", quote(match.group("id"), safe=""))


def frame_origins(hosts=None) -> set[str]:
    """The origins the players of the active hosts answer from: what a page's frame-src may name."""
    hosts = VideoHost.objects.active() if hosts is None else hosts
    found = set()
    for host in hosts:
        found.add(origin(host.embed_template) if host.watch_pattern else f"https://{host.host}")
    return found


def film_link_check(url: str, *, hosts=None) -> CheckedLink:
    """Check a film link as staff pasted it; raises ValueError with the message to show."""
    url = (url or "").strip()
    if not url:
        raise ValueError(_("请填写视频链接。"))
    if "<" in url or ">" in url or re.search(r"iframe", url, re.IGNORECASE):
        raise ValueError(_("请粘贴视频的网页链接（以 https:// 开头），不要粘贴 <iframe> 嵌入代码。"))
    if len(url) > URL_MAX:
        raise ValueError(_("链接不能超过 %(limit)d 个字符。") % {"limit": URL_MAX})
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    if scheme in _SCRIPT_SCHEMES:
        raise ValueError(_("不接受 javascript: 或 data: 等脚本地址，请粘贴以 https:// 开头的视频链接。"))
    if scheme == "http":
        raise ValueError(_("只接受以 https:// 开头的安全链接，请改用该视频的 https 地址。"))
    if scheme != "https" or not url.lower().startswith("https://"):
        raise ValueError(_("请填写以 https:// 开头的完整视频链接。"))
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        raise ValueError(_("链接中不能有空格、反斜杠或控制字符。"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError(_("请填写以 https:// 开头的完整视频链接。")) from None
    if parts.username is not None or parts.password is not None or port not in (None, 443):
        raise ValueError(_("链接不能包含用户名、密码或端口号。"))
    name = (parts.hostname or "").lower()
    active = list(VideoHost.objects.active() if hosts is None else hosts)
    host = next((h for h in active if h.host == name), None)
    if host is None:
        raise ValueError(
            _("“%(host)s”不在允许嵌入的视频网站名单中。允许的网站：%(hosts)s。")
            % {"host": name or url, "hosts": "、".join(h.host for h in active)}
        )
    clean = f"https://{name}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
    embed = embed_url_of(host, clean)
    if embed is None:
        raise ValueError(_("这不是%(site)s的单个视频播放页链接，无法嵌入。") % {"site": host.label})
    return CheckedLink(url=clean, embed_url=embed, host=host)


# --- reads -------------------------------------------------------------------------------------------------


def film_candidacies():
    """The craftsmen whose films staff may keep: chosen for the batch, on notice or published."""
    return (
        Candidacy.objects.filter(programme__app=APP, state__in=FILM_STATES)
        .select_related("programme__campaign", "craftsman__trade", "craftsman__poster")
        .order_by("-campaign__year", "programme__code", "rank", "name", "id")
    )


def access_film_candidacy(user, pk: int) -> Candidacy:
    """A craftsman whose films ``user`` may change (province staff: the ``craftsman_film`` row), else 404."""
    if not permissions.allows(user, "craftsman_film", "change"):
        raise Http404
    candidacy = film_candidacies().filter(pk=pk).first()
    if candidacy is None or not hasattr(candidacy, "craftsman"):
        raise Http404
    return candidacy


def films_of(craftsman: Craftsman) -> list[Film]:
    return list(craftsman.films.select_related("host").order_by("kind", "position", "id"))


# --- writes ------------------------------------------------------------------------------------------------


def films_check(films) -> tuple[list[tuple[dict, CheckedLink]], dict[str, list[str]]]:
    """Each film ({"kind", "title", "url"}) checked: (checked films, errors keyed "films-<n>-<field>")."""
    hosts = list(VideoHost.objects.active())
    checked, errors = [], {}
    features = 0
    for n, film in enumerate(films):
        title = (film.get("title") or "").strip()
        kind = film.get("kind")
        if kind not in FilmKind.values:
            errors.setdefault(f"films-{n}-kind", []).append(_("请选择影片类型。"))
        if not title:
            errors.setdefault(f"films-{n}-title", []).append(_("请填写影片标题。"))
        elif len(title) > 120:
            errors.setdefault(f"films-{n}-title", []).append(_("标题不能超过 120 个字符。"))
        try:
            link = film_link_check(film.get("url", ""), hosts=hosts)
        except ValueError as refused:
            errors.setdefault(f"films-{n}-url", []).append(str(refused))
            continue
        features += kind == FilmKind.FEATURE
        checked.append(({"kind": kind, "title": title}, link))
    if features > 1:
        errors.setdefault("films", []).append(_("每位工匠只能有一部专题片。"))
    if sum(1 for film in films if film.get("kind") == FilmKind.TEACHING) > MAX_TEACHING:
        errors.setdefault("films", []).append(_("教学片最多 %(limit)d 部。") % {"limit": MAX_TEACHING})
    return checked, errors


def films_save(*, actor, pk: int, films, poster=None, remove_poster: bool = False) -> Craftsman:
    """Replace a craftsman's films with ``films`` (each {"kind", "title", "url"}, in order) and set or
    remove the poster (an uploaded image file). Province staff only (404 otherwise, or for a craftsman not
    chosen, on notice or published). Raises FilmRejected (nothing saved) for any bad film or poster. A
    craftsman already public gets the public record rewritten and the public pages redrawn at once."""
    candidacy = access_film_candidacy(actor, pk)
    checked, errors = films_check(list(films))
    if errors:
        raise FilmRejected(errors)
    with transaction.atomic():
        craftsman = Craftsman.objects.select_for_update().get(pk=candidacy.pk)
        before = [(f.kind, f.title, f.url) for f in films_of(craftsman)]
        old_poster = getattr(craftsman, "poster", None)
        craftsman.films.all().delete()
        Film.objects.bulk_create(
            Film(
                craftsman=craftsman,
                kind=film["kind"],
                title=film["title"],
                url=link.url,
                embed_url=link.embed_url,
                host=link.host,
                position=n,
            )
            for n, (film, link) in enumerate(checked)
        )
        poster_change = None
        entry = PublicEntry.objects.filter(source=candidacy.public_source, stage__in=PUBLIC_STAGES).first()
        if poster is not None:
            from unionportal.uploads.services import UploadRejected

            try:
                stored = upload_store(
                    file=poster, kind="image", actor=actor, organisation=candidacy.organisation
                )
            except UploadRejected as rejected:
                raise FilmRejected({"poster": [rejected.message]}) from rejected
            if old_poster is not None:
                stored_file_set_public(stored_file=old_poster.image, public=False)
                old_poster.image = stored
                old_poster.save(update_fields=["image"])
            else:
                CraftsmanPoster.objects.create(craftsman=craftsman, image=stored)
            poster_change = [str(old_poster.image_id) if old_poster else "", str(stored.pk)]
        elif remove_poster and old_poster is not None:
            stored_file_set_public(stored_file=old_poster.image, public=False)
            poster_change = [str(old_poster.image_id), ""]
            old_poster.delete()
        after = [(film["kind"], film["title"], link.url) for film, link in checked]
        changes = {}
        if before != after:
            changes["films"] = [_films_text(before), _films_text(after)]
        if poster_change:
            changes["poster"] = poster_change
        audit.record(actor=actor, action="craftsmen.films.save", obj=candidacy, changes=changes or None)
        if entry is not None:
            craftsman_public_write(candidacy=candidacy, entry=entry)
    if entry is not None:
        invalidate()
    return craftsman


def films_ready() -> None:
    """Called from the app's ``ready``: the pipeline's public hook, the audit label, the cache signal."""
    from django.db.models.signals import post_delete, post_save
    from django.utils.translation import gettext_lazy

    from unionportal.audit.presenting import register_action_labels
    from unionportal.public.registry import register_entry_page
    from unionportal.selection import registry

    registry.register_public_extras(APP, craftsman_public_write)
    register_entry_page(craftsman_page_of)
    register_action_labels({"craftsmen.films.save": gettext_lazy("修改工匠影片和海报")})
    # The embedding pages' frame-src is read from the hosts, and stored with each cached page.
    for signal in (post_save, post_delete):
        signal.connect(_hosts_changed, sender=VideoHost, dispatch_uid=f"craftsmen.videohost.{id(signal)}")
        signal.connect(_hosts_changed, sender=CraftsmanPublic, dispatch_uid=f"craftsmen.public.{id(signal)}")


def craftsman_page_of(entry) -> tuple[str, str] | None:
    """The public craftsman page of a public row, for the honouree page's link (None: not a craftsman)."""
    from django.urls import reverse

    if not CraftsmanPublic.objects.filter(entry_id=entry.pk).exists():
        return None
    return reverse("craftsmen_public:craftsman", args=[entry.pk]), _("查看工匠风采：影片、绝活和专利")


def _hosts_changed(**kwargs):
    invalidate()


def _films_text(films) -> str:
    return "; ".join(f"{FilmKind(kind).label} {title} {url}" for kind, title, url in films)


def craftsman_public_write(*, candidacy: Candidacy, entry: PublicEntry | None) -> None:
    """The pipeline's hook: write the craftsman's public record with ``entry`` (on notice, published), or
    withdraw it (``entry`` None: struck; or revoked): the poster is public exactly while the craftsman is."""
    craftsman = Craftsman.objects.filter(pk=candidacy.pk).select_related("trade", "poster__image").first()
    if craftsman is None:
        return
    poster = getattr(craftsman, "poster", None)
    if entry is None or entry.stage not in PUBLIC_STAGES:
        if poster is not None and poster.image.is_public:
            stored_file_set_public(stored_file=poster.image, public=False)
        if entry is not None:
            CraftsmanPublic.objects.filter(entry=entry).delete()
        return
    notice = candidacy.notice if candidacy.notice_id else None
    patents = Patent.objects.filter(craftsman=craftsman).order_by("position", "id")
    CraftsmanPublic.objects.update_or_create(
        entry=entry,
        defaults={
            "batch": notice.batch if notice else 1,
            "trade": craftsman.trade.name,
            "trade_en": craftsman.trade.name_en,
            "skill_grade": craftsman.skill_grade,
            "years_in_trade": craftsman.years_in_trade,
            "position": craftsman.position,
            "signature_skills": craftsman.signature_skills,
            "apprentices": craftsman.apprentices,
            "honours": craftsman.honours,
            "patents": [
                {"kind": p.kind, "number": p.number, "title": p.title, "granted_on": p.granted_on.isoformat()}
                for p in patents
            ],
            "films": [
                {
                    "kind": f.kind,
                    "title": f.title,
                    "url": f.url,
                    "embed_url": f.embed_url,
                    "host": f.host.host,
                }
                for f in films_of(craftsman)
            ],
            "poster": poster.image if poster else None,
        },
    )
    if poster is not None and not poster.image.is_public:
        stored_file_set_public(stored_file=poster.image, public=True)
