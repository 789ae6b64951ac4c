"""Paging for lists that may hold a million rows: the count stops at a cap instead of counting them all.

``COUNT(*)`` over a county's or the province's households reads every matching row on every page. Past
the cap a person refines the filter rather than pages on, so the count is taken over at most
``cap + 1`` rows (``SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)``, which stops early on an index) and
shown as "1,000+"; the pages stop at the cap. The cap is 1,000 (40 pages of 25): counting a county's
≈10,000 households at a million reads ≈3,000 index pages (3 ms) on every page, more than the page itself.

``page_by_key`` pages in two steps: the page's primary keys first, then those rows with their relations.
The first step reads only the filter and ordering columns, which an index can hold (an index-only scan
of the subtree's range on ``household_scope_recent``); read whole, with the joins, the planner prefers
walking the newest-first index of every household and discarding those of other subtrees.

That range scan still reads every key of the subtree before keeping the newest page (a county holds
≈10,000 households at a million). ``NewestPerGroup`` reads the newest few of each organisation instead
(one index descent per organisation, ``organisation count × page end`` keys at most) and merges them, so
the page costs the same at 100,000 and at 1,000,000 households.
"""

from functools import cached_property

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Func, OuterRef, TextField


class AtLeast(int):
    """A count that may be higher than its value: shown as "1,000+" in templates, an int in arithmetic."""

    def __str__(self):
        return f"{int(self):,}+"

    def __html__(self):
        return str(self)


class CappedCountPaginator(Paginator):
    cap = 1_000

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, NewestPerGroup):
            counted = self.object_list.count_upto(self.cap + 1)
        else:
            counted = self.object_list.order_by()[: self.cap + 1].count()
        return AtLeast(self.cap) if counted > self.cap else counted

    @property
    def is_capped(self) -> bool:
        return isinstance(self.count, AtLeast)

    @cached_property
    def num_pages(self) -> int:
        pages = super().num_pages
        return AtLeast(pages) if self.is_capped else pages


class NewestPerGroup:
    """``rows`` in ``ordering``, sliced the way a paginator slices, read group by group.

    ``groups`` is a queryset of the groups (organisations) whose ``group_key`` equals the rows'
    ``group_field``; every row of ``rows`` must fall in one of them. A slice ``[start:stop]`` takes, for
    each group, its first ``stop`` rows in ``ordering`` (a correlated ``ARRAY(SELECT ROW(ordering columns)
    … LIMIT stop)``: an index-only descent into (group_field, *ordering) per group) and merges them
    (``unnest`` and a sort of at most groups × ``stop`` keys), then fetches those rows by primary key. So
    the work per page depends on the number of groups and the page, not on how many rows they hold.
    Filters on ``rows`` go into each group's lookup; one the index does not hold makes each group read
    further (about ``stop`` ÷ the filter's selectivity entries), still independent of the data size
    except for filters that match almost nothing (a name search), where it reads the group whole.

    ``ordering`` must end in the primary key (``-id``). PostgreSQL only (``ARRAY`` subqueries); callers
    check ``supported(using)``.
    """

    def __init__(self, rows, *, groups, group_field: str, group_key: str, ordering: tuple[str, ...]):
        if ordering[-1].lstrip("-") not in {"id", "pk"}:
            raise ValueError("NewestPerGroup needs an ordering that ends in the primary key.")
        self.rows, self.groups, self.ordering = rows, groups, ordering
        self.group_field, self.group_key = group_field, group_key

    @staticmethod
    def supported(using: str = "default") -> bool:
        return connections[using].vendor == "postgresql"

    def count_upto(self, limit: int) -> int:
        """The number of rows, counting no further than ``limit``."""
        return self.rows.order_by()[:limit].count()

    def keys(self, start: int, stop: int) -> list:
        if stop <= start:
            return []
        model = self.rows.model
        connection = connections[self.rows.db]
        fields = [
            model._meta.pk if f.lstrip("-") == "pk" else model._meta.get_field(f.lstrip("-"))
            for f in self.ordering
        ]
        # Each group's first rows as one array of (ordering columns) records, so the index is read once.
        record = Func(*(F(f.attname) for f in fields), function="ROW", output_field=TextField())
        per_group = (
            self.rows.filter(**{self.group_field: OuterRef(self.group_key)})
            .order_by(*self.ordering)
            .annotate(_record=record)
            .values("_record")[:stop]
        )
        grouped = self.groups.order_by().annotate(_records=ArraySubquery(per_group)).values("_records")
        sql, params = grouped.query.sql_with_params()
        columns = ", ".join(f"c{i} {f.db_type(connection)}" for i, f in enumerate(fields))
        order = ", ".join(
            f"u.c{i}{' DESC' if f.startswith('-') else ''}" for i, f in enumerate(self.ordering)
        )
        # Only the compiled queryset and names and types from the model go into the statement.
        statement = (
            f"SELECT u.c{len(fields) - 1} FROM ({sql}) AS g"  # noqa: S608
            f" CROSS JOIN LATERAL unnest(g._records) AS u({columns})"
            f" ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, (*params, stop - start, start))
            return [pk for (pk,) in cursor.fetchall()]

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step not in (None, 1):
            raise TypeError("NewestPerGroup supports plain slices only.")
        keys = self.keys(item.start or 0, item.stop)
        found = self.rows.order_by().in_bulk(keys)
        return [found[pk] for pk in keys if pk in found]


def per_organisation(rows, organisations, ordering: tuple[str, ...]) -> NewestPerGroup | None:
    """``rows`` (with an ``org_path``) read organisation by organisation, on PostgreSQL; else None."""
    if not NewestPerGroup.supported(rows.db):
        return None
    return NewestPerGroup(
        rows, groups=organisations, group_field="org_path", group_key="path", ordering=ordering
    )


def page_by_key(
    rows, ordering: tuple[str, ...], per_page: int, number, paginator_class=CappedCountPaginator, groups=None
):
    """The ``number``-th page of ``rows`` in ``ordering`` (ending in a unique column), counted and
    ordered on the primary keys alone; its object_list holds the rows as ``rows`` selects them.

    With ``groups`` (organisations whose ``path`` is the rows' ``org_path``; see NewestPerGroup) on
    PostgreSQL, the page's keys are read per organisation and merged."""
    if groups is not None and NewestPerGroup.supported(rows.db):
        per_group = NewestPerGroup(
            rows, groups=groups, group_field="org_path", group_key="path", ordering=ordering
        )
        return paginator_class(per_group, per_page).get_page(number)
    keys = rows.order_by(*ordering).values_list("pk", flat=True)
    page = paginator_class(keys, per_page).get_page(number)
    found = rows.order_by().in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page
