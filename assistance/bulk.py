"""Many rows of the ledger at once: lookups in slices (``chunked``, ``in_values``) and inserts (``insert_rows``):
PostgreSQL ``COPY`` for a batch large enough for it to pay, ``bulk_create`` for small batches and on
other databases (the SQLite of tests and of the embedded default).

``services.households_write`` (households and their members) writes through it, and so does the bench
for its measures and visits. Rows are dicts of attribute names (``enterprise_id``, not ``enterprise``)
to values that the caller has already checked; nothing is validated here.
"""

import json
import operator
from collections.abc import Sequence

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone

# Below this many rows one INSERT … RETURNING (bulk_create) is as quick as drawing ids and copying.
COPY_FROM = 200
IN_CHUNK = 5000  # values per ``__in`` lookup, fewer where the database takes fewer parameters


def chunked(values: list):
    """``values`` in slices small enough for one ``__in`` lookup each."""
    size = min(IN_CHUNK, (connection.features.max_query_params or IN_CHUNK) - 10)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def in_values(values: list[str]):
    """Right-hand sides for a text field's ``__in`` that together cover ``values``: on PostgreSQL one
    array (``IN (SELECT unnest(%s::text[]))``, one parameter, where a list is quoted value by value on
    the client), elsewhere ``chunked`` slices."""
    if connection.vendor == "postgresql":
        if values:
            yield RawSQL("SELECT unnest(%s::text[])", (list(values),))
        return
    yield from chunked(values)


def insert_rows(model: type[models.Model], rows: Sequence[dict], *, ids: bool = False) -> list[int]:
    """Insert ``rows`` into ``model``'s table and return their primary keys, in order, when ``ids``.

    A column a row leaves out gets the field's default, and ``auto_now``/``auto_now_add`` fields the
    time now, as ``save`` would set them; a row that gives them (a bench writing history) keeps its own on
    PostgreSQL's COPY, while bulk_create, like ``save``, stamps the insert time. An attribute the model
    does not have is refused (TypeError) on either path. Call inside a transaction.
    """
    if not rows:
        return []
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
        return _copy(model, rows, ids=ids)
    created = model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
    return [obj.pk for obj in created] if ids else []


def _columns(model) -> tuple[list[models.Field], dict]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    return fields, defaults


def _copy(model, rows: Sequence[dict], *, ids: bool) -> list[int]:
    fields, defaults = _columns(model)
    values_of = operator.itemgetter(*defaults)  # a row's values in the order of ``fields``
    json_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    columns = [f.column for f in fields]
    pks: list[int] = []
    with connection.cursor() as cursor:
        if ids:
            # Drawn from the table's sequence first, so that rows pointing at these (members, measures) need
            # no reading back.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, len(rows)],
            )
            pks = [pk for (pk,) in cursor.fetchall()]
            columns.insert(0, model._meta.pk.column)
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            write_row = copy.write_row
            width = len(defaults)
            for n, row in enumerate(rows):
                # A row naming every column is read as it is; one that leaves some out, over the defaults.
                full = row if len(row) == width else defaults | row
                try:
                    if len(full) != width:
                        raise KeyError
                    values = [pks[n], *values_of(full)] if ids else list(values_of(full))
                except KeyError:
                    unknown = sorted(row.keys() - defaults.keys())
                    raise TypeError(f"{model.__name__} has no field {unknown[0]!r}") from None
                for i in json_at:
                    values[i + ids] = json.dumps(values[i + ids], ensure_ascii=False)
                write_row(values)
    return pks
