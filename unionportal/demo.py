"""Demo-data hooks: domain apps add their demo rows to ``python manage.py seed_demo`` without unionportal
importing them.

An app registers in its ``AppConfig.ready``::

    from unionportal import demo

    demo.register("awards", seed_awards_demo)

``seed_demo`` builds the base data (union tree, enterprises, the current campaign, the demo accounts) and
then calls each registered ``func(stdout=...)`` in registration order, inside the same transaction. A
function must be idempotent like the command: look rows up by a natural key and update them, so that
running the command twice changes nothing. It may write progress lines to ``stdout``.
"""

from collections.abc import Callable

_seeders: dict[str, Callable[..., object]] = {}


def register(name: str, func: Callable[..., object]) -> None:
    """Add ``func`` under ``name``; registering a name again replaces its function but keeps its place."""
    _seeders[name] = func


def unregister(name: str) -> None:
    _seeders.pop(name, None)


def registered() -> list[tuple[str, Callable[..., object]]]:
    """The registered seeders, in registration order."""
    return list(_seeders.items())
