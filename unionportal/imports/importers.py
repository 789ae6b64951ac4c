"""What an import job runs: an importer, reading one sheet or several.

The job lifecycle (``services``: upload → preview → confirm → all-or-nothing import, progress, the
sweep, the pages) knows only this interface. An importer says which sheets a file holds and checks or
writes them; the job stores the upload, reads every sheet through the guarded reader
(``reading``) and keeps what the importer found (an ``Outcome``: counts, a sample of rows, every error
with its sheet and row, further totals) as the preview.

Two kinds:

* ``TableImporter``: one table, a ``ScopedResource`` (django-import-export's row pipeline with its
  instance loader and skip-unchanged), registered with ``register_resource``, which also makes the table
  exportable;
* a domain app's own subclass of ``Importer`` for a file of several sheets (the hardship households and
  their members: ``assistance.household_import``), registered with ``register_importer``. Its sheets come
  as one workbook (by sheet title, else in order) or as one CSV file per sheet.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from unionportal.uploads import limits

from .resources import ImportRejected, Outcome


@dataclass(frozen=True)
class Sheet:
    key: str  # "" for the one sheet of a one-table import
    title: str  # its title in a workbook (and in the template)
    label: str  # how messages name it ("家庭表"); "" for the one sheet
    max_rows: int = 20000


@dataclass(frozen=True)
class StoredFile:
    """An uploaded file as a job keeps it."""

    sheet: str  # the importer's sheet it holds; "" for a file holding every sheet
    name: str
    content: bytes


@dataclass
class Rows:
    """A sheet as read: its header and data rows (cells as text; a blank row inside the data stays, so
    data row i is spreadsheet row i + 2)."""

    headers: list[str]
    rows: list[list[str]]

    def numbered(self):
        """(spreadsheet row, cells) of every row that is not blank."""
        for number, cells in enumerate(self.rows, start=2):
            if any(cells):
                yield number, cells

    def consume(self):
        """As ``numbered``, letting go of each row once it is yielded (the rows are empty afterwards):
        a caller that turns 100,000 rows into records need not hold both at once."""
        rows, self.rows = self.rows, []
        rows.reverse()
        number = 1
        while rows:
            cells = rows.pop()
            number += 1
            if any(cells):
                yield number, cells


class Importer:
    """The base of every importer; see the module docstring."""

    sheets: tuple[Sheet, ...] = (Sheet("", "", ""),)
    description = ""  # a sentence on the upload page, e.g. how the sheets relate

    def __init__(self, *, user, label: str = ""):
        self.user = user
        self.label = label

    @classmethod
    def can_import(cls, user) -> bool:
        raise NotImplementedError

    @property
    def several(self) -> bool:
        return len(self.sheets) > 1

    def max_uncompressed(self) -> int:
        """What an uploaded workbook may declare as its inflated size (the shared limit by default)."""
        return limits.max_uncompressed()

    def columns(self, sheet: Sheet) -> list[str]:
        """Every column of ``sheet``, in the template's order."""
        raise NotImplementedError

    def total(self, tables: dict[str, "Rows"]) -> int:
        """What the job's progress counts (default: the rows of every sheet)."""
        return sum(len(t.rows) for t in tables.values())

    def missing_columns(self, sheet: Sheet, headers: list[str]) -> list[str]:
        """The required columns of ``sheet`` that ``headers`` lacks (optional ones may be left out)."""
        raise NotImplementedError

    def check(self, tables: dict[str, Rows], *, on_progress=None) -> Outcome:
        """Check every row; write nothing. ``on_progress(n)`` with the rows checked so far. May
        consume the tables' rows (``Rows.consume``): the job reads them afresh for the import."""
        raise NotImplementedError

    def write(self, tables: dict[str, Rows], *, on_progress=None) -> Outcome:
        """Check and write every row, inside the job's transaction; raise ``ImportRejected`` if any
        row fails (the transaction then rolls back)."""
        raise NotImplementedError

    def after_commit(self, outcome: Outcome) -> None:
        """Called once the import's transaction has committed."""

    def template_xlsx(self) -> bytes:
        raise NotImplementedError


class TableImporter(Importer):
    """One table through a ``ScopedResource``."""

    resource_class = None  # set by ``for_resource``

    @classmethod
    def for_resource(cls, resource_class) -> type["TableImporter"]:
        sheet = Sheet("", "", "", resource_class.max_rows)
        return type(
            f"{resource_class.__name__}Importer",
            (cls,),
            {"resource_class": resource_class, "sheets": (sheet,)},
        )

    @classmethod
    def can_import(cls, user) -> bool:
        return cls.resource_class.can_import(user)

    def __init__(self, *, user, label: str = ""):
        super().__init__(user=user, label=label)
        self.resource = self.resource_class(user=user)

    def columns(self, sheet: Sheet) -> list[str]:
        return self.resource.import_columns()

    def missing_columns(self, sheet: Sheet, headers: list[str]) -> list[str]:
        return self.resource.missing_columns(headers)

    def check(self, tables, *, on_progress=None) -> Outcome:
        table = tables[""]
        return self.resource.run(table.headers, table.rows, dry_run=True, on_progress=on_progress)

    def write(self, tables, *, on_progress=None) -> Outcome:
        table = tables[""]
        return self.resource.run(table.headers, table.rows, dry_run=False, on_progress=on_progress)

    def template_xlsx(self) -> bytes:
        from .files import template_xlsx

        return template_xlsx(self.resource, str(self.label))


__all__ = [
    "ImportRejected",
    "Importer",
    "Outcome",
    "Rows",
    "Sheet",
    "StoredFile",
    "TableImporter",
    "sheet_missing_message",
]


def sheet_missing_message(sheet: Sheet, columns: list[str]) -> str:
    """The message for columns missing from ``sheet``."""
    if sheet.label:
        return _("%(sheet)s缺少以下列：%(columns)s。请使用下载的模板。") % {
            "sheet": sheet.label,
            "columns": "、".join(columns),
        }
    return _("缺少以下列：%(columns)s。请使用下载的模板。") % {"columns": "、".join(columns)}
