"""Pages of their own that a domain app gives some public rows (a craftsman's page with films): the
honouree page links to it. ``unionportal.public`` imports no domain app; each registers a function
``page(entry) -> (url, label) | None`` in its ``AppConfig.ready``."""

from collections.abc import Callable

_pages: list[Callable] = []


def register_entry_page(page: Callable) -> None:
    if page not in _pages:
        _pages.append(page)


def entry_page(entry) -> tuple[str, str] | None:
    for page in _pages:
        found = page(entry)
        if found:
            return found
    return None
