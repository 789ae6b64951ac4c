"""Paging for lists that may hold a million rows: the count stops at a cap instead of counting them all.

``COUNT(*)`` over a county's or the province's households reads every matching row on every page. Past
the cap a person refines the filter rather than pages on, so the count is taken over at most
``cap + 1`` rows (``SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)``, which stops early on an index) and
shown as "10,000+"; the pages stop at the cap.
"""

from functools import cached_property

from django.core.paginator import Paginator


class AtLeast(int):
    """A count that may be higher than its value: shown as "10,000+" in templates, an int in arithmetic."""

    def __str__(self):
        return f"{int(self):,}+"

    def __html__(self):
        return str(self)


class CappedCountPaginator(Paginator):
    cap = 10_000

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: self.cap + 1].count()
        return AtLeast(self.cap) if counted > self.cap else counted

    @property
    def is_capped(self) -> bool:
        return isinstance(self.count, AtLeast)

    @cached_property
    def num_pages(self) -> int:
        pages = super().num_pages
        return AtLeast(pages) if self.is_capped else pages
