"""The member import in batch: what ``MemberResource.run`` runs for a file of the registry.

A file of a grassroots union's or a township's registry is mostly people new to the registry, each on a
row that passes every check. Such a row is read here cell by cell, from each column's position, against
lookups fetched once per file (the unions by code and whether the importer reaches them, the current
members by ID number): a few microseconds each, with no model instance built. Every other row — a known
member (an update), a person already a member elsewhere, an ID number twice in the file, a cell any
check refuses or this reader does not expect — goes through the resource's own row checks
(``MemberResource._check_row``: the widgets, ``full_clean``, ``validate_row``, scope), which word its
messages as they always have. So the two paths accept the same rows and say the same things; the quick
one only accepts what the full one would accept unchanged.

Nothing is written until every row has passed (all or nothing, in the caller's transaction). The new
rows then go in by one COPY on PostgreSQL (text lines formatted here; bulk_create on other databases and
for a few rows), the changed ones by bulk_update, and the unions' member counts (``MemberCount``) move by
what was added, in the same transaction.
"""

import re
from collections import Counter
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import fragments
from unionportal.accounts.validators import MOBILE_RE, birth_date_from_id, gender_from_id, validate_id_number
from unionportal.imports.enums import RowStatus
from unionportal.imports.resources import _IN_BATCH, ImportRejected, Outcome, missing_columns_message

from .enums import MemberStatus
from .members import MEMBER_TOPIC, accepts_members, member_counts_add
from .models import Member, Organisation

# Below this many new rows one INSERT (bulk_create) is as quick as a COPY.
COPY_FROM = 200
# Lines sent to COPY at a time.
COPY_CHUNK = 5000
# The registry row as the quick path builds it (every concrete field but the key); checked against the
# model before each write, so a field added to Member cannot be left out silently.
FIELDS = (
    "organisation_id",
    "org_path",
    "name",
    "id_number",
    "phone",
    "id_tail",
    "phone_tail",
    "gender",
    "birth_date",
    "joined_on",
    "status",
    "left_on",
    "user_id",
    "created_at",
    "updated_at",
)
# A file this long is read and sent to COPY chunk by chunk when every row takes the quick path.
STREAM_FROM = 2000
STREAM_CHUNK = 5000
_ID = re.compile(r"[0-9]{17}[0-9X]\Z")
# COPY's text format: a backslash, and the characters that end a field or a line, are escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _among(queryset, field: str, values: list[str]):
    """The rows of ``queryset`` whose text ``field`` is one of ``values``: on PostgreSQL one query with
    the values as one array parameter (a list of 100,000 parameters costs the client more to quote than
    the server to look up), elsewhere in slices of ``__in``."""
    if not values:
        return
    if connections[queryset.db].vendor == "postgresql":
        yield from queryset.filter(**{f"{field}__in": RawSQL("SELECT unnest(%s::text[])", (values,))})
        return
    for start in range(0, len(values), _IN_BATCH):
        yield from queryset.filter(**{f"{field}__in": values[start : start + _IN_BATCH]})


class _FullChecksNeeded(Exception):
    """A row of a streamed import needs the resource's full checks."""


class _Columns:
    """Each import column's position in the file's header (-1: an optional column left out)."""

    def __init__(self, resource, headers: list[str]):
        fields = resource.fields
        position = {h: i for i, h in enumerate(headers)}
        self.width = len(headers)
        self.name = position[fields["name"].column_name]
        self.id_number = position[fields["id_number"].column_name]
        self.phone = position.get(fields["phone"].column_name, -1)
        self.gender = position.get(fields["gender"].column_name, -1)
        self.birth_date = position.get(fields["birth_date"].column_name, -1)
        self.joined_on = position[fields["joined_on"].column_name]
        self.union = position[fields["organisation"].column_name]
        self.summary = [position[c] for c in resource.summary_columns() if c in position]


class MemberBatch:
    """One run of the import over a file's rows (see the module docstring)."""

    def __init__(self, resource):
        self.resource = resource

    # --- lookups fetched once per file ----------------------------------------------------------

    def prepare(self, headers: list[str], rows: list[list]) -> None:
        """What the rows refer to, as ``ScopedResource.prepare`` fetches it, without building a
        dataset: the unions by code, the importer's current members by ID number (rows that update),
        every current member by ID number (the holders a new row must not be)."""
        resource = self.resource
        columns = self.columns
        codes = {str(r[columns.union]).strip() for r in rows if columns.union < len(r) and r[columns.union]}
        numbers = sorted(
            {
                str(r[columns.id_number]).strip()
                for r in rows
                if columns.id_number < len(r) and r[columns.id_number]
            }
        )
        resource.organisations_by_code = {
            o.code: o for o in _among(Organisation.objects.order_by(), "code", sorted(codes))
        }
        held = Member.objects.current().order_by().values_list("id_number", "pk", "organisation__name")
        upper = sorted({n.upper() for n in numbers})
        resource._holders = {number: (pk, union) for number, pk, union in _among(held, "id_number", upper)}
        # The rows that update are current members the importer reaches: holders, looked up again as
        # instances (few in a file of new people). Keyed by the cell as written, as the resource's
        # instance loader reads it.
        existing = resource.get_queryset().select_related(*resource._relation_fields).order_by()
        known = [n for n in numbers if n in resource._holders]
        resource._existing = {m.id_number: m for m in _among(existing, "id_number", known)}
        resource._taken, resource._seen = {}, {}
        resource._rows_by_id = {}
        resource._before_org = {}
        # Per union code: the union when a new member may be entered in it by this importer, else None.
        self.unions: dict[str, Organisation | None] = {}
        for code, org in resource.organisations_by_code.items():
            self.unions[code] = org if accepts_members(org) and resource.in_scope(org) else None
        self.dates: dict[str, object] = {}
        self.genders: dict[str, object] = {}

    # --- one row ----------------------------------------------------------------------------------

    def _date(self, text: str):
        """The cell as a date, None for an empty cell, False when the widget refuses it."""
        try:
            return self.dates[text]
        except KeyError:
            pass
        try:
            value = self.resource.fields["joined_on"].widget.clean(text)
        except ValueError:
            value = False
        self.dates[text] = value
        return value

    def _gender(self, text: str):
        try:
            return self.genders[text]
        except KeyError:
            pass
        try:
            value = self.resource.fields["gender"].widget.clean(text)
        except ValueError:
            value = False
        self.genders[text] = value
        return value

    def quick(self, cells: list, number: int, now) -> tuple | None:
        """The new registry row for ``cells`` when it is a new person on a row every check accepts as
        it is; None to leave the row to the resource's full checks."""
        c = self.columns
        if len(cells) < c.width:
            return None
        try:
            name = cells[c.name].strip()
            id_number = cells[c.id_number].strip().upper()
            phone = cells[c.phone].strip() if c.phone >= 0 else ""
            gender_cell = cells[c.gender].strip() if c.gender >= 0 else ""
            born_cell = cells[c.birth_date].strip() if c.birth_date >= 0 else ""
            joined_cell = cells[c.joined_on].strip()
            code = cells[c.union].strip()
        except AttributeError:  # a cell that is not text
            return None
        if not (0 < len(name) <= 60) or "\x00" in name:
            return None
        if not _ID.match(id_number) or (phone and not MOBILE_RE.match(phone)):
            return None
        resource = self.resource
        if id_number in resource._holders or id_number in resource._rows_by_id:
            return None
        union = self.unions.get(code)
        if union is None:
            return None
        try:
            validate_id_number(id_number)
        except ValidationError:
            return None
        gender, born = gender_from_id(id_number), birth_date_from_id(id_number)
        if gender_cell and self._gender(gender_cell) != gender:
            return None
        if born_cell and born_cell != born.isoformat() and self._date(born_cell) != born:
            return None
        joined_on = self._date(joined_cell) if joined_cell else None
        if not joined_on:
            return None
        resource._rows_by_id[id_number] = number
        return (
            union.pk,
            union.path,
            name,
            id_number,
            phone,
            id_number[-4:],
            phone[-4:],
            gender,
            born,
            joined_on,
            MemberStatus.MEMBER.value,
            None,
            None,
            now,
            now,
        )

    # --- the run ----------------------------------------------------------------------------------

    def run(self, headers: list[str], rows: list[list], *, dry_run: bool, on_progress=None) -> Outcome:
        """Check (``dry_run``) or import ``rows`` under ``headers``: ``ScopedResource.run``'s contract
        (row-numbered messages; not dry: ImportRejected with nothing written if any row fails, inside
        the caller's ``transaction.atomic()``)."""
        resource = self.resource
        outcome = Outcome(total=len(rows))
        missing = resource.missing_columns(headers)
        if missing:
            outcome.file_errors.append(missing_columns_message(missing))
        elif not rows:
            outcome.file_errors.append(_("文件中没有数据行。"))
        if outcome.file_errors:
            if not dry_run:
                raise ImportRejected(outcome)
            return outcome
        resource._memo, resource._memo_scope = {}, {}
        self.columns = _Columns(resource, headers)
        self.prepare(headers, rows)
        now = timezone.now()
        using = router.db_for_write(Member)
        if not dry_run and connections[using].vendor == "postgresql" and len(rows) >= STREAM_FROM:
            try:
                with transaction.atomic(using=using):  # a savepoint, for the way back below
                    return self._streamed(rows, now, using, on_progress)
            except _FullChecksNeeded:
                # A row the quick path leaves alone: back to before the COPY, and through every check.
                resource._rows_by_id = {}
        new: list = []  # tuples from the quick path, Member instances from the full checks
        full: list[Member] = []
        changed: list[Member] = []
        summary_at = self.columns.summary
        add_row = outcome.add_row
        step = resource.rows_per_chunk
        for start in range(0, len(rows), step):
            for number, cells in enumerate(rows[start : start + step], start=start + 2):
                found = self.quick(cells, number, now)
                if found is not None:
                    new.append(found)
                    summary = " · ".join(str(cells[i]) for i in summary_at if cells[i])
                    add_row(row=number, status=RowStatus.NEW, summary=summary, messages=[])
                else:
                    resource._check_row(
                        outcome, dict(zip(headers, cells, strict=False)), number, full, changed
                    )
                    if full:
                        new.append(full.pop())
            if on_progress is not None:
                on_progress(min(start + step, len(rows)))
        if dry_run:
            return outcome
        if outcome.has_errors:
            raise ImportRejected(outcome)
        stamped = ("created_at", "updated_at")
        new = [
            row if isinstance(row, tuple) else tuple(now if f in stamped else getattr(row, f) for f in FIELDS)
            for row in new
        ]
        self.write(new, changed, now)
        return outcome

    def _streamed(self, rows: list[list], now, using: str, on_progress) -> Outcome:
        """The import of a file whose every row is a new person that the quick path accepts, each
        chunk sent to COPY as soon as it is read, so that the database inserts one chunk (most of an
        import's time: a dozen index entries per row) while the next is checked. Raises
        ``_FullChecksNeeded`` at the first row the quick path leaves to the full checks (the caller
        rolls the COPY back to its savepoint); otherwise moves the counts and returns the outcome. No
        query may run while the COPY is open: the quick path runs none, and progress goes to the cache
        inside a transaction (``imports.services.job_progress_save``)."""
        from psycopg.copy import QueuedLibpqWriter  # PostgreSQL's driver: only there

        self._check_fields()
        outcome = Outcome(total=len(rows))
        summary_at = self.columns.summary
        add_row = outcome.add_row
        path_at = FIELDS.index("org_path")
        org_at = FIELDS.index("organisation_id")
        counts: Counter = Counter()
        paths: set[str] = set()
        connection = connections[using]
        with connection.cursor() as cursor:
            with cursor.cursor.copy(_copy_sql(connection), writer=QueuedLibpqWriter(cursor.cursor)) as copy:
                for start in range(0, len(rows), STREAM_CHUNK):
                    chunk = []
                    for number, cells in enumerate(rows[start : start + STREAM_CHUNK], start=start + 2):
                        found = self.quick(cells, number, now)
                        if found is None:
                            raise _FullChecksNeeded
                        chunk.append(found)
                        summary = " · ".join(str(cells[i]) for i in summary_at if cells[i])
                        add_row(row=number, status=RowStatus.NEW, summary=summary, messages=[])
                    chunk.sort(key=lambda row: row[path_at])  # as write() does
                    copy.write("".join(_lines(chunk)))
                    counts.update(row[org_at] for row in chunk)
                    paths.update(row[path_at] for row in chunk)
                    if on_progress is not None:
                        on_progress(min(start + STREAM_CHUNK, len(rows)))
        member_counts_add(counts)
        fragments.bump(MEMBER_TOPIC, *paths)
        return outcome

    @staticmethod
    def _check_fields() -> None:
        attnames = {f.attname for f in Member._meta.concrete_fields if not f.primary_key}
        if attnames != set(FIELDS):
            raise RuntimeError(
                f"member_import.FIELDS is not Member's fields: {sorted(attnames ^ set(FIELDS))}"
            )

    def write(self, new: list[tuple], changed: list[Member], now) -> None:
        self._check_fields()
        using = router.db_for_write(Member)
        if connections[using].vendor == "postgresql" and len(new) >= COPY_FROM:
            # In union order, so that the indexes led by the union's path take each union's rows together
            # (a few pages each) rather than one row at a time all over the index.
            path_at = FIELDS.index("org_path")
            new.sort(key=lambda row: row[path_at])
            _copy(new, using)
        elif new:
            Member.objects.using(using).bulk_create(
                [Member(**dict(zip(FIELDS, row, strict=True))) for row in new], batch_size=1000
            )
        if changed:
            for member in changed:
                member.updated_at = now
            fields = [f for f in self.resource.get_bulk_update_fields() if f != "id_number"]
            Member.objects.using(using).bulk_update(changed, fields, batch_size=1000)
        # Updates keep each member's union and status (a move is a transfer): only new rows count.
        at = FIELDS.index("organisation_id")
        member_counts_add(Counter(row[at] for row in new))
        # COPY and the bulk writes send no signals: the cached registry lists of these unions drop here.
        path_at = FIELDS.index("org_path")
        fragments.bump(MEMBER_TOPIC, *{row[path_at] for row in new}, *{m.org_path for m in changed})


def _text(value) -> str:
    if value is None:
        return _NULL
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)  # ints, dates (ISO format)


def _lines(rows: list[tuple]):
    """The rows as COPY text lines (in FIELDS' order). The free text (names, phones) is escaped; the
    union's key and path are the database's, the dates and the status typed values."""
    escapes = _COPY_ESCAPES
    stamps: dict = {}
    for (
        org,
        path,
        name,
        number,
        phone,
        id_tail,
        phone_tail,
        gender,
        born,
        joined,
        status,
        left,
        user,
        c,
        u,
    ) in rows:
        created = stamps.get(c) or stamps.setdefault(c, c.isoformat())
        updated = stamps.get(u) or stamps.setdefault(u, u.isoformat())
        yield (
            f"{org}\t{path}\t{name.translate(escapes)}\t{number.translate(escapes)}\t"
            f"{phone.translate(escapes)}\t{id_tail.translate(escapes)}\t{phone_tail.translate(escapes)}\t"
            f"{gender!s}\t{_text(born)}\t{joined.isoformat()}\t{status!s}\t{_text(left)}\t{_text(user)}\t"
            f"{created}\t{updated}\n"
        )


def _copy_sql(connection) -> str:
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in Member._meta.concrete_fields}
    columns = ", ".join(quote(fields[name].column) for name in FIELDS)
    # Names come from the model, not from the file.
    return f"COPY {quote(Member._meta.db_table)} ({columns}) FROM STDIN"


def _copy(new: list[tuple], using: str) -> None:
    """COPY the new rows (checked, every field set) into the registry's table, as text lines."""
    from psycopg.copy import QueuedLibpqWriter  # PostgreSQL's driver: only there

    connection = connections[using]
    with connection.cursor() as cursor:
        # Sent by a thread of psycopg's while the next lines are formatted; the server, a process of its
        # own, inserts them meanwhile.
        with cursor.cursor.copy(_copy_sql(connection), writer=QueuedLibpqWriter(cursor.cursor)) as copy:
            for start in range(0, len(new), COPY_CHUNK):
                copy.write("".join(_lines(new[start : start + COPY_CHUNK])))
