"""Demo-data hooks: domain apps add their demo rows to ``python manage.py seed_demo`` without unionportal
importing them.

An app registers in its ``AppConfig.ready``::

    from unionportal import demo

    demo.register("awards", seed_awards_demo)

``seed_demo`` builds the base data (union tree, enterprises, the current campaign, the demo accounts) and
then calls each registered ``func(stdout=...)`` in registration order, inside the same transaction. A
function must be idempotent like the command: look rows up by a natural key and update them, so that
running the command twice changes nothing. It may write progress lines to ``stdout``.

The demo describes one day of the 2026 campaign, ``DAY`` (late April: intake closed, lists under review,
the medal list on notice, the 1 May announcement scheduled). Its rows carry the campaign's fixed dates;
``seed_demo`` writes them as of that day (``calendar``) and ``make run`` serves them with ``DEMO_TODAY``
set to it (``unionportal.clock``), so the site stands where the data says whatever the real date.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date

from unionportal import clock

DAY = date(2026, 4, 27)

_seeders: dict[str, Callable[..., object]] = {}
_last: set[str] = set()


def register(name: str, func: Callable[..., object], *, last: bool = False) -> None:
    """Add ``func`` under ``name``; registering a name again replaces its function but keeps its place.
    ``last``: run after every other seeder (one that decorates what the domain apps' seeders publish)."""
    _seeders[name] = func
    if last:
        _last.add(name)


def unregister(name: str) -> None:
    _seeders.pop(name, None)
    _last.discard(name)


def registered() -> list[tuple[str, Callable[..., object]]]:
    """The registered seeders, in registration order (those registered ``last`` after the rest)."""
    items = list(_seeders.items())
    return [i for i in items if i[0] not in _last] + [i for i in items if i[0] in _last]


def calendar() -> AbstractContextManager:
    """The clock seeders run under: the demo's day, unless the process already runs on a fixed day."""
    return nullcontext() if clock.demo_day() else clock.travel(DAY)


def helper_accounts(rows, *, role) -> dict:
    """The helper accounts of unions without a demo account, from ``(user name, name, union code)`` rows:
    no usable password (nobody signs in with them), ``role`` in their union. Idempotent by user name."""
    from django.contrib.auth import get_user_model

    from unionportal.orgs.models import Organisation
    from unionportal.orgs.services import membership_grant

    User = get_user_model()
    users = {}
    for username, name, code in rows:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, name=name)
            user.set_unusable_password()
            user.full_clean()
            user.save()
        membership_grant(user=user, organisation=Organisation.objects.get(code=code), role=role)
        users[username] = user
    return users
