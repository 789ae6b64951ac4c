"""Cached fragments of signed-in pages: what a staff list shows, rendered once until its records change.

A county's staff open the household list, the report and the review queue all day, and most of what
such a page costs is rendering the same rows again. ``cached`` keeps the page's body (the content block,
without the layout around it) in the shared cache, and serves it again while nothing it shows has
changed. It is cheap to be sure of that:

- The key holds who asks: the user, their active memberships (role and organisation, as the request has
  already read them), the language and the query string. A fragment is never served to anyone else, so
  no key has to capture what a user's scope is.
- A fragment reads records of a *topic* ("household", "candidacy"), kept in the union tree. Each write
  moves the version of the written record's organisation and of every organisation above it
  (``bump``: at once, and again after the transaction commits); a fragment is stored with the versions of the
  organisations it reads (the user's scope roots) and is a miss once any of them moved. So a township's
  edit is seen at once by its county, city and province, and no other county's page is dropped.
  Writes that can touch anything (an enterprise or a cadre renamed) move the topic's epoch
  (``bump_all``), which every fragment of the topic reads too.
- The versions and the fragment are read in one round trip. A missing version (a new key, or one the
  cache evicted) is created afresh, so an evicted version can never make an old fragment current again.
- Whatever the user changes themselves (any successful POST: ``ActedMiddleware``) moves a topic of
  their own that every fragment of theirs reads, so their own action always shows on their next page.
- Fragments expire after ``TIMEOUT`` whatever happens: a version bump lost while the cache could not be
  reached, or a fragment drawn by the code before a deployment, is outlived by a few minutes at most.

Only a shared cache (Redis) can hold fragments: with the local-memory cache each process would keep its
own versions and never see another's writes, so there (``make run``, the tests on SQLite unless a test
turns it on) every page is rendered. ``STAFF_FRAGMENT_CACHE`` turns it off or on explicitly.
"""

import hashlib
import secrets
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from unionportal import permissions
from unionportal.orgs.enums import Role
from unionportal.orgs.scoping import membership_rows

TIMEOUT = 300
_EPOCH = "*"


def enabled() -> bool:
    setting = getattr(settings, "STAFF_FRAGMENT_CACHE", None)
    if setting is not None:
        return setting
    return not settings.CACHES["default"]["BACKEND"].startswith("django.core.cache.backends.locmem")


def _version_key(topic: str, path: str) -> str:
    return f"frag:v:{topic}:{path}"


def _ancestors(path: str) -> list[str]:
    """The path itself and every organisation path above it, and "" (the whole tree)."""
    from unionportal.orgs.models import Organisation

    step = Organisation.steplen
    return ["", *(path[:i] for i in range(step, len(path) + 1, step))]


def _set_versions(keys: list[str]) -> None:
    # A fresh random token, not a counter: a key the cache lost comes back as a value no fragment holds.
    cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)


def _after_write(keys: list[str]) -> None:
    """Move ``keys`` now and, inside a transaction, once more after it commits: a page rendered between
    the two from what was committed before is stored under the first new versions and missed after the
    second; one rendered inside the transaction (its own writes, a test's) sees the first."""
    if not keys or not enabled():
        return
    _set_versions(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(partial(_set_versions, keys))


def bump(topic: str, *paths: str) -> None:
    """Records of ``topic`` kept at ``paths`` changed: every fragment reading them misses from now on."""
    _after_write(sorted({_version_key(topic, a) for path in paths for a in _ancestors(path or "")}))


def bump_all(topic: str) -> None:
    """Something every fragment of ``topic`` may show changed (a name shown beside the records)."""
    _after_write([_version_key(topic, _EPOCH)])


def scope_paths(user, kind: str, action: str) -> list[str]:
    """The organisations whose versions a fragment of ``kind`` records read by ``user`` for ``action``
    depends on: where each of the user's roles reaches from (what it reaches is at or below there), and
    "" (every write anywhere) for a role reaching the user's own records, which may sit anywhere, or for
    a superuser."""
    if user.is_superuser:
        return [""]
    held = permissions.holdings(user, kind, action)
    return sorted({"" if reach == permissions.OWN else path for reach, path in held}) or [""]


# Roles whose records sit in or below the organisation they are held in; the others (experts, cadres,
# workers) reach their own records, which may sit anywhere in the tree.
_PLACED_ROLES = frozenset({Role.STAFF, Role.ORG_ADMIN, Role.SUBMITTER})


def membership_paths(user) -> list[str]:
    """``scope_paths`` for a page that gathers several kinds (the home page's to-dos): each membership's
    organisation, or "" (every write) for a role reaching the user's own records, or for a superuser."""
    if user.is_superuser:
        return [""]
    rows = membership_rows(user)
    return sorted({path if role in _PLACED_ROLES else "" for role, path in rows}) or [""]


def _page_key(request, name: str, per_session: bool) -> str:
    user = request.user
    who = [str(user.pk), repr(sorted(membership_rows(user))), str(user.is_superuser)]
    if per_session:
        # A fragment with a form carries a CSRF token, good for this browser's secret only (a token is
        # the secret masked afresh on each call, so the key holds the secret; hashed below like the rest).
        get_token(request)
        who.append(request.META["CSRF_COOKIE"])
    query = sorted(request.GET.lists())
    digest = hashlib.sha256(repr((who, query)).encode()).hexdigest()[:32]
    return f"frag:page:{name}:{get_language()}:{digest}"


def _version_keys(request, topics, paths) -> list[str]:
    """The versions a fragment is stored with: each topic's epoch and its versions at ``paths``, and the
    user's own topic (whatever they just changed shows at once)."""
    topics = (topics,) if isinstance(topics, str) else tuple(topics)
    keys = [_version_key(t, p) for t in topics for p in (_EPOCH, *paths)]
    return [*keys, _version_key(acted_topic(request.user), _EPOCH)]


def _stored_many(entries, timeout: int) -> list:
    """For each ``(key, version_keys, compute)``: what ``compute()`` gave, from the cache under ``key``
    while ``version_keys`` hold the versions it was stored with, else computed and stored with the
    current ones. All the entries' keys are read in one round trip."""
    wanted = list(dict.fromkeys(k for key, versions, _c in entries for k in (*versions, key)))
    found = cache.get_many(wanted)
    missing = [k for key, versions, _c in entries for k in versions if k not in found]
    if missing:
        for k in dict.fromkeys(missing):
            cache.add(k, secrets.token_hex(8), timeout=None)
        found.update(cache.get_many(list(dict.fromkeys(missing))))
    values, stored = [], {}
    for key, version_keys, compute in entries:
        versions = tuple(found.get(k) for k in version_keys)
        hit = found.get(key)
        if hit is not None and hit[0] == versions:
            values.append(hit[1])
            continue
        value = compute()
        if None not in versions:  # the cache is unreachable or refused the versions: store nothing
            stored[key] = (versions, value)
        values.append(value)
    if stored:
        cache.set_many(stored, timeout)
    return values


def _stored(key: str, version_keys: list[str], compute, timeout: int):
    return _stored_many([(key, version_keys, compute)], timeout)[0]


def cached(
    request, name: str, topics, paths: list[str], render, *, per_session: bool = False, timeout: int = TIMEOUT
) -> SafeString:
    """The fragment ``name`` for this request: from the cache while the records of ``topics`` (one name or
    several) kept at or below ``paths`` (``scope_paths``) are unchanged, else ``render()``
    (``render_to_string``'s output), stored; at most ``timeout`` seconds (shorter for figures that move
    with what no topic follows, such as the time of the last sign-in)."""
    if not enabled() or (per_session and settings.CSRF_COOKIE_NAME not in request.COOKIES):
        # A browser without the CSRF cookie yet gets a new secret with this page: nothing to reuse.
        return render()

    def rendered() -> str:
        html = render()
        if not isinstance(html, SafeString):
            raise TypeError(f"fragment {name}: render() must return template output (a SafeString)")
        return str(html)

    versions = _version_keys(request, topics, paths)
    html = _stored(_page_key(request, name, per_session), versions, rendered, timeout)
    # What ``render`` made (template output, escaped there), as it was stored.
    return mark_safe(html)  # noqa: S308


def cached_values(request, entries, paths: list[str], *, timeout: int = TIMEOUT) -> list:
    """Like ``cached`` for values (picklable) instead of HTML, several in one round trip: for each
    ``(name, topics, compute)``, what ``compute()`` gives (the to-do counts of a user's home page)."""
    if not enabled():
        return [compute() for _name, _topics, compute in entries]
    keyed = [
        (_page_key(request, name, False), _version_keys(request, topics, paths), compute)
        for name, topics, compute in entries
    ]
    return _stored_many(keyed, timeout)


def shared_value(name: str, topics, paths: list[str], compute, *, timeout: int = TIMEOUT):
    """A value that is the same for everyone allowed to see it (a competition's ranking: the view has
    checked access before asking), computed once for all of them: from the cache while the records of
    ``topics`` kept at or below ``paths`` are unchanged, else ``compute()``, stored. Unlike ``cached`` the
    key holds no user, and the user's own topic is not read."""
    if not enabled():
        return compute()
    topics = (topics,) if isinstance(topics, str) else tuple(topics)
    versions = [_version_key(t, p) for t in topics for p in (_EPOCH, *paths)]
    return _stored(f"frag:shared:{name}", versions, compute, timeout)


# --- what the user did ------------------------------------------------------------------------------------


def acted_topic(user) -> str:
    """A topic of the user's own: moved by every change they make (``ActedMiddleware``)."""
    return f"acted:{user.pk}"


class ActedMiddleware:
    """After a successful POST (or PUT, PATCH, DELETE) by a signed-in user, move their own topic: what
    they just did shows at once on the pages cached for them, whatever it touched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                bump_all(acted_topic(user))
        return response


# --- what moves the versions -----------------------------------------------------------------------------


def follow(topic: str, model, paths) -> None:
    """Bump ``topic`` at ``paths(record)`` (the organisation paths a record is kept at, before and after an
    edit that moves it) whenever a ``model`` record is saved, deleted (a queryset's ``delete`` included)
    or moved along its workflow (``audit.transitions.moved``). Other writes that bypass the signals
    (``QuerySet.update``, ``bulk_create``, COPY) call ``bump`` themselves."""

    from unionportal.audit.transitions import moved

    def changed(sender, instance, **kwargs):
        bump(topic, *paths(instance))

    uid = f"fragments:{topic}:{model._meta.label}"
    for signal in (post_save, post_delete, moved):
        signal.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def follow_all(topic: str, model, *, ignore_fields: frozenset[str] = frozenset(), when=None) -> None:
    """Bump the whole ``topic`` when a ``model`` record (a name shown beside the topic's records) is saved
    or deleted; a save of only ``ignore_fields`` (a login stamping ``last_login``) does not count, nor a
    record for which ``when(record)`` is false (an audit event of another kind)."""

    def changed(sender, instance, update_fields=None, **kwargs):
        if update_fields is not None and set(update_fields) <= ignore_fields:
            return
        if when is not None and not when(instance):
            return
        bump_all(topic)

    uid = f"fragments:{topic}:*:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
