"""Paging for lists that may hold a million rows: the count stops at a cap instead of counting them all.

``COUNT(*)`` over a county's or the province's households reads every matching row on every page. Past
the cap a person refines the filter rather than pages on, so the count is taken over at most
``cap + 1`` rows (``SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)``, which stops early on an index) and
shown as "10,000+"; the pages stop at the cap.

``page_by_key`` pages in two steps: the page's primary keys first, then those rows with their relations.
The first step reads only the filter and ordering columns, which an index can hold (an index-only scan
of the subtree's range on ``household_scope_recent``); read whole, with the joins, the planner prefers
walking the newest-first index of every household and discarding those of other subtrees.
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


def page_by_key(rows, ordering: tuple[str, ...], per_page: int, number, paginator_class=CappedCountPaginator):
    """The ``number``-th page of ``rows`` in ``ordering`` (ending in a unique column), counted and
    ordered on the primary keys alone; its object_list holds the rows as ``rows`` selects them."""
    keys = rows.order_by(*ordering).values_list("pk", flat=True)
    page = paginator_class(keys, per_page).get_page(number)
    found = rows.order_by().in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page
