"""ScopedResource: the django-import-export base every app's resources subclass.

A subclass declares its columns as ``Field``s with Chinese column names and the widgets in
``unionportal.imports.widgets``, and says

* ``row_orgs(instance, row)``: the organisations a row is scoped by, as ``(field or column, org)``
  pairs; each must lie in the importer's subtree (staff and organisation admins act on their subtree);
* ``validate_row(instance, row, errors)``: any further row rule, adding to ``errors``;
* ``masked_fields``: ``{"field": mask_function}``; exports mask them unless the user reveals them;
* ``org_code_columns``: columns naming organisations by code, fetched once per file;
* ``unique_fields``: fields unique across the table, checked against the file and the database in
  bulk instead of one query per row.

A sketch (the real ones are in unionportal/orgs/resources.py)::

    class HouseholdResource(ScopedResource):
        name = Field(attribute="name", column_name="户主姓名", widget=TextWidget())
        id_number = Field(attribute="id_number", column_name="身份证号", widget=TextWidget())
        union = Field(attribute="union", column_name="基层工会代码", widget=OrgCodeWidget())
        masked_fields = {"id_number": mask_id_number}
        org_code_columns = ("基层工会代码",)
        unique_fields = ("id_number",)

        class Meta:
            model = Household                 # its manager needs visible_to(user)
            fields = ("name", "id_number", "union")
            import_id_fields = ("id_number",)  # a known value updates, a new one adds

        def row_orgs(self, instance, row):
            return [("union", instance.union if instance.union_id else None)]

    # in the app's AppConfig.ready():
    register_resource("assistance.household", HouseholdResource, _("困难职工家庭"))

The import runs the fast path the library's maintainers measured (``use_bulk``, ``skip_diff``, lookups
fetched once, ``force_init_instance`` where rows are always new) while still calling ``full_clean`` on
every row. ``run()`` imports a table in chunks: with ``dry_run=True`` it writes nothing and returns the
preview; otherwise every row is written, and an error in any row raises ``ImportRejected`` so that the
caller's transaction rolls back.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from import_export import resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from unionportal import permissions
from unionportal.orgs.models import Organisation

from .enums import RowStatus
from .widgets import shown

logger = logging.getLogger(__name__)

# How much of a preview is kept on the job: the first rows of every kind, and every error up to a cap.
PREVIEW_ROWS = 500
MAX_ERRORS = 1000
# Each kept summary and message is cut to this length, so the stored preview (and the page showing
# it) stays within (PREVIEW_ROWS + MAX_ERRORS) short rows whatever the file holds.
MAX_SUMMARY_CHARS = 120
MAX_MESSAGE_CHARS = 300
_IN_BATCH = 2000  # values per ``__in`` lookup


def shorten(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def row_message(row: int, message: str, sheet: str = "") -> str:
    """``message`` about spreadsheet row ``row`` (of the sheet labelled ``sheet``, where a file has
    several)."""
    if sheet:
        return _("%(sheet)s第 %(row)d 行：%(message)s") % {"sheet": sheet, "row": row, "message": message}
    return _("第 %(row)d 行：%(message)s") % {"row": row, "message": message}


def column_message(column: str, message: str) -> str:
    return _("%(column)s：%(message)s") % {"column": column, "message": message} if column else message


def missing_columns_message(columns: list[str]) -> str:
    return _("缺少以下列：%(columns)s。请使用下载的模板。") % {"columns": "、".join(columns)}


@dataclass
class Outcome:
    """What an import (or its dry run) found: counts, preview rows and row-numbered errors.

    What is kept stays small whatever the file holds: the first PREVIEW_ROWS rows, every error row up
    to MAX_ERRORS, each summary and message cut short. ``totals`` are further figures an importer
    reports beside the counts (label → number, e.g. the members written with their households).
    """

    total: int = 0
    counts: Counter = field(default_factory=Counter)
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    truncated: bool = False
    listed: int = 0

    @property
    def error_count(self) -> int:
        return self.counts[RowStatus.ERROR]

    @property
    def has_errors(self) -> bool:
        return bool(self.error_count or self.file_errors)

    def add_row(self, *, row: int, status: str, summary: str, messages: list[str], sheet: str = "") -> None:
        """One row's result; ``sheet``: the label of its sheet where the file has several."""
        self.counts[status] += 1
        self.listed += 1
        error = status == RowStatus.ERROR
        if self.listed <= PREVIEW_ROWS or (error and self.error_count <= MAX_ERRORS):
            entry = {
                "row": row,
                "status": str(status),
                "summary": shorten(summary, MAX_SUMMARY_CHARS),
                "messages": [shorten(m, MAX_MESSAGE_CHARS) for m in messages],
            }
            if sheet:
                entry["sheet"] = str(sheet)
            self.rows.append(entry)
        else:
            self.truncated = True
        if error:
            if len(self.errors) < MAX_ERRORS:
                self.errors.extend(row_message(row, shorten(m, MAX_MESSAGE_CHARS), sheet) for m in messages)
            else:
                self.truncated = True

    def as_preview(self) -> dict:
        return {
            "counts": {str(s): self.counts[s] for s in RowStatus},
            "rows": self.rows,
            "errors": self.errors,
            "file_errors": self.file_errors,
            "totals": dict(self.totals),
            "truncated": self.truncated,
        }


class ImportRejected(Exception):
    """An import found errors and wrote nothing; ``outcome`` names every bad row."""

    def __init__(self, outcome: Outcome):
        super().__init__("; ".join(outcome.file_errors + outcome.errors[:5]))
        self.outcome = outcome


class PrefetchedInstanceLoader(BaseInstanceLoader):
    """Finds the existing row from the instances the resource fetched once for the whole file."""

    def get_instance(self, row):
        return self.resource.existing_instance(row)


def _batches(values: list, size: int = _IN_BATCH):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class ScopedResource(resources.ModelResource):
    masked_fields: dict[str, Callable[[str], str]] = {}
    org_code_columns: tuple[str, ...] = ()
    unique_fields: tuple[str, ...] = ()
    # Model fields full_clean must not check (e.g. treebeard's path, set when the node is inserted).
    clean_exclude: tuple[str, ...] = ()
    # Error keys that are not fields, mapped to the column they concern (e.g. {"parent": "上级组织代码"}).
    error_columns: dict[str, str] = {}
    # One example row for the downloadable template: {column: value}.
    example_row: dict[str, object] = {}
    # Columns shown for each row in the preview (default: the first two import columns).
    preview_columns: tuple[str, ...] = ()
    # Columns a file may leave out. None: every column of a model field that may be blank or has a
    # default (a left-out column is then the model's default in a new row, and unchanged in an update).
    optional_columns: tuple[str, ...] | None = None
    max_rows = 20000
    rows_per_chunk = 1000

    class Meta:
        use_bulk = True
        skip_diff = True
        skip_html_diff = True
        clean_model_instances = True
        use_transactions = True
        batch_size = 1000
        report_skipped = True
        instance_loader_class = PrefetchedInstanceLoader

    def __init__(self, *, user, reveal: bool = False, **kwargs):
        self._import_fields = None
        super().__init__(**kwargs)
        self.user = user
        self.reveal = reveal
        for f in self.fields.values():
            if hasattr(f.widget, "bind"):
                f.widget.bind(self)
        model = self._meta.model
        self._model_fields: dict[str, models.Field] = {}
        model_field_names = {mf.name for mf in model._meta.get_fields()}
        for f in self.fields.values():
            name = (f.attribute or "").removesuffix("_id")
            if name in model_field_names:  # a computed column (e.g. a parent code) has none
                self._model_fields[f.attribute] = model._meta.get_field(name)
        self._relation_fields = {
            mf.name for mf in self._model_fields.values() if mf.is_relation and mf.concrete
        }
        self._columns_by_key = dict(self.error_columns)
        for name, f in self.fields.items():
            self._columns_by_key[name] = f.column_name
            self._columns_by_key[f.attribute] = f.column_name
            if f.attribute in self._model_fields:
                self._columns_by_key[self._model_fields[f.attribute].name] = f.column_name
        self.organisations_by_code: dict[str, Organisation] = {}
        self._existing: dict = {}
        self._taken: dict[str, dict] = {}
        self._seen: dict[str, dict] = {}
        self.row_offset = 0
        self._summary_columns = None

    # --- who may use it -------------------------------------------------------------------------

    @classmethod
    def access_kind(cls) -> str:
        """The record kind of the permission matrix whose "import" and "export" rows decide."""
        return permissions.admin_kind(cls._meta.model._meta.label)

    @classmethod
    def can_import(cls, user) -> bool:
        return permissions.may(user, cls.access_kind(), "import")

    @classmethod
    def can_export(cls, user) -> bool:
        return permissions.may(user, cls.access_kind(), "export")

    @cached_property
    def imports_anywhere(self) -> bool:
        """Whether the importer may add rows outside every subtree (the tree's top): superusers only."""
        return self.user.is_superuser

    def in_scope(self, org: Organisation) -> bool:
        """Whether the importer's "import" row reaches ``org``."""
        return permissions.covers(self.user, self.access_kind(), "import", org.path)

    def get_queryset(self):
        return self._meta.model.objects.visible_to(self.user, "export")

    # --- hooks for subclasses -------------------------------------------------------------------

    def row_orgs(self, instance, row) -> Iterable[tuple[str, Organisation | None]]:
        """The organisations this row is scoped by, as (field name or column, organisation)."""
        raise NotImplementedError

    def validate_row(self, instance, row, errors: dict) -> None:
        """Further row rules; add messages with ``self.add_error(errors, key, message)``."""

    def export_queryset(self):
        """The rows an export contains: ``visible_to(user)``; override to add select_related."""
        return self.get_queryset()

    # --- columns and messages -------------------------------------------------------------------

    def get_import_fields(self):
        # The library recomputes the field order on every call, i.e. several times per row.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def import_columns(self) -> list[str]:
        return [f.column_name for f in self.get_import_fields() if not f.readonly]

    def is_optional(self, f) -> bool:
        if self.optional_columns is not None:
            return f.column_name in self.optional_columns
        model_field = self._model_fields.get(f.attribute)
        return model_field is not None and (model_field.blank or model_field.has_default())

    def required_columns(self) -> list[str]:
        return [f.column_name for f in self.get_import_fields() if not f.readonly and not self.is_optional(f)]

    def missing_columns(self, headers) -> list[str]:
        """The required columns ``headers`` lacks (optional ones may be left out)."""
        present = set(headers)
        return [c for c in self.required_columns() if c not in present]

    def summary_columns(self) -> tuple[str, ...]:
        if self._summary_columns is None:
            self._summary_columns = self.preview_columns or tuple(self.import_columns()[:2])
        return self._summary_columns

    @staticmethod
    def add_error(errors: dict, key: str, message: str) -> None:
        errors.setdefault(key, []).append(ValidationError(message))

    def column_for(self, key: str) -> str:
        if key == NON_FIELD_ERRORS:
            return ""
        return self._columns_by_key.get(key, key)

    def error_messages(self, error: ValidationError) -> list[str]:
        if not hasattr(error, "error_dict"):
            return list(error.messages)
        out = []
        for key, messages in error.message_dict.items():
            column = self.column_for(key)
            out.extend(column_message(column, message) for message in messages)
        return out

    # --- lookups fetched once per file ----------------------------------------------------------

    def _clean_column(self, dataset, f) -> list:
        if f.column_name not in (dataset.headers or []):
            return []
        values = set()
        for raw in dataset[f.column_name]:
            try:
                value = f.widget.clean(raw)
            except (ValueError, AttributeError):
                continue
            if value not in (None, ""):
                values.add(value)
        return list(values)

    def prepare(self, dataset) -> None:
        """Fetch everything the rows refer to: organisations by code, existing rows, taken values."""
        codes = set()
        for column in self.org_code_columns:
            if column in (dataset.headers or []):
                codes.update(str(v).strip() for v in dataset[column] if v not in (None, ""))
        self.organisations_by_code = {}
        for batch in _batches(sorted(codes)):
            self.organisations_by_code.update(
                (o.code, o) for o in Organisation.objects.filter(code__in=batch).order_by()
            )
        model = self._meta.model
        self._existing = {}
        if not self._meta.force_init_instance:
            key_field = self.fields[self.get_import_id_fields()[0]]
            queryset = self.get_queryset().select_related(*self._relation_fields)
            for batch in _batches(self._clean_column(dataset, key_field)):
                self._existing.update(
                    (getattr(o, key_field.attribute), o)
                    for o in queryset.filter(**{f"{key_field.attribute}__in": batch})
                )
        self._taken = {}
        self._seen = {}
        for name in self.unique_fields:
            f = self.fields[name]
            taken: dict = {}
            for batch in _batches(self._clean_column(dataset, f)):
                taken.update(
                    model._base_manager.filter(**{f"{f.attribute}__in": batch}).values_list(f.attribute, "pk")
                )
            self._taken[name] = taken
            self._seen[name] = {}

    def existing_instance(self, row):
        key_field = self.fields[self.get_import_id_fields()[0]]
        try:
            key = key_field.clean(row)
        except (ValueError, KeyError):
            return None
        return self._existing.get(key)

    # --- the row pipeline (library hooks) -------------------------------------------------------

    def _snapshot(self, instance) -> dict:
        return {
            f.column_name: getattr(instance, self._model_fields[f.attribute].attname)
            for f in self.get_import_fields()
            if f.attribute in self._model_fields
        }

    def import_row(self, row, instance_loader, **kwargs):
        self._row = row
        self._sheet_row = self.row_offset + kwargs["row_number"] + 1  # the header is row 1
        self._before = None
        self._unchanged = False
        self._changed: list[str] = []
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.sheet_row = self._sheet_row
        row_result.changed_columns = self._changed
        row_result.summary = " · ".join(str(row.get(c) or "") for c in self.summary_columns() if row.get(c))
        return row_result

    def import_instance(self, instance, row, **kwargs):
        if instance.pk:
            self._before = self._snapshot(instance)
        errors: dict = {}
        for name in self.masked_fields:
            f = self.fields[name]
            if "*" in str(row.get(f.column_name) or ""):
                self.add_error(errors, f.attribute, _("含有“*”，像是脱敏后的数据，请填写完整内容。"))
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        exclude = set(errors) | set(self.clean_exclude) | self._relation_fields
        try:
            # Uniqueness and constraints are checked in bulk below, and relations were resolved from
            # the lookups fetched once: full_clean would otherwise query the database for each row.
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self.validate_row(instance, self._row, errors)
        self._check_unique(instance, errors)
        for key, org in self.row_orgs(instance, self._row):
            if org is not None and key not in errors and not self.in_scope(org):
                self.add_error(errors, key, _("组织“%(code)s”不在您的管辖范围内。") % {"code": org.code})
        self.after_validate_row(instance, self._row, errors)
        if errors:
            raise ValidationError(errors)
        if self._before is not None:
            after = self._snapshot(instance)
            self._changed = [c for c, v in after.items() if self._before.get(c) != v]
            self._unchanged = not self._changed

    def after_validate_row(self, instance, row, errors: dict) -> None:
        """Called once a row's checks are done (with or without errors), e.g. to remember it."""

    def _check_unique(self, instance, errors: dict) -> None:
        for name in self.unique_fields:
            f = self.fields[name]
            value = getattr(instance, f.attribute, None)
            if value in (None, "") or f.attribute in errors:
                continue
            earlier = self._seen[name].get(value)
            if earlier is not None:
                self.add_error(
                    errors,
                    f.attribute,
                    _("“%(value)s”与第 %(row)d 行重复。") % {"value": shown(value), "row": earlier},
                )
                continue
            self._seen[name][value] = self._sheet_row
            owner = self._taken[name].get(value)
            if owner is not None and owner != instance.pk:
                self.add_error(errors, f.attribute, _("“%(value)s”已存在。") % {"value": shown(value)})

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run"):
            return  # the preview writes nothing
        if not is_create and self._unchanged:
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk and self._meta.use_bulk:
            # bulk_update() skips pre_save(), so auto_now fields are set here.
            now = timezone.now()
            for f in self._auto_now_fields():
                setattr(instance, f, now)

    def _auto_now_fields(self) -> list[str]:
        return [f.name for f in self._meta.model._meta.concrete_fields if getattr(f, "auto_now", False)]

    def get_bulk_update_fields(self):
        return [*super().get_bulk_update_fields(), *self._auto_now_fields()]

    def after_import_row(self, row, row_result, **kwargs):
        if row_result.import_type == RowResult.IMPORT_TYPE_UPDATE and self._unchanged:
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP

    def after_import(self, dataset, result, **kwargs):
        # The library resets sequences here for imported primary keys; ours never come from the file.
        pass

    # --- running a whole table ------------------------------------------------------------------

    def _collect(self, outcome: Outcome, result) -> None:
        for error in result.base_errors:
            logger.error("import failed outside a row: %s", error.traceback)
            outcome.file_errors.append(_("导入时发生系统错误，未导入任何数据。请稍后重试或联系管理员。"))
        for row_result in result.rows:
            row = row_result.sheet_row
            if row_result.validation_error is not None:
                status, messages = RowStatus.ERROR, self.error_messages(row_result.validation_error)
            elif row_result.errors:
                for error in row_result.errors:
                    logger.error("import row %s failed: %s", row, error.traceback)
                status, messages = RowStatus.ERROR, [_("此行无法导入（系统错误），请联系管理员。")]
            elif row_result.import_type == RowResult.IMPORT_TYPE_NEW:
                status, messages = RowStatus.NEW, []
            elif row_result.import_type == RowResult.IMPORT_TYPE_UPDATE:
                status = RowStatus.CHANGED
                messages = [_("将更新：%(columns)s") % {"columns": "、".join(row_result.changed_columns)}]
            else:
                status, messages = RowStatus.UNCHANGED, []
            outcome.add_row(row=row, status=status, summary=row_result.summary, messages=messages)

    def run(self, headers: list[str], rows: list[list], *, dry_run: bool, on_progress=None) -> Outcome:
        """Check (``dry_run``) or import ``rows`` under ``headers``, in chunks, reporting progress.

        Not dry: call inside ``transaction.atomic()``; raises ImportRejected if any row fails, so the
        caller's transaction rolls back and nothing is written.
        """
        outcome = Outcome(total=len(rows))
        missing = self.missing_columns(headers)
        if missing:
            outcome.file_errors.append(missing_columns_message(missing))
        elif not rows:
            outcome.file_errors.append(_("文件中没有数据行。"))
        if outcome.file_errors:
            if not dry_run:
                raise ImportRejected(outcome)
            return outcome
        self.prepare(tablib.Dataset(*rows, headers=headers))
        for start in range(0, len(rows), self.rows_per_chunk):
            chunk = tablib.Dataset(*rows[start : start + self.rows_per_chunk], headers=headers)
            self.row_offset = start
            result = self.import_data(
                chunk, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
            )
            self._collect(outcome, result)
            if not dry_run and outcome.has_errors:
                raise ImportRejected(outcome)
            if on_progress is not None:
                on_progress(min(start + self.rows_per_chunk, len(rows)))
        return outcome

    # --- export ---------------------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        name = self.get_field_name(field)
        if name in self.masked_fields and not self.reveal:
            return self.masked_fields[name](value or "")
        return value

    def masked_columns(self) -> list[str]:
        return [self.fields[name].column_name for name in self.masked_fields]


class ExportOnlyResource(ScopedResource):
    """A sheet that is only exported (a list, a register, a score sheet): nobody imports it, so no row
    is scoped by organisation. Its rows are the ``visible_to`` queryset, or ``export_queryset``'s."""

    @classmethod
    def can_import(cls, user) -> bool:
        return False

    def row_orgs(self, instance, row):
        return []


class KindExportResource(ExportOnlyResource):
    """An export-only sheet of a record kind that has no ``visible_to`` scoping (the expert pool, a
    vote's figures): ``export_kind`` names the kind; a user whose permission matrix row allows its
    export gets every row (narrow them in ``export_queryset``), anyone else none."""

    export_kind = ""

    @classmethod
    def access_kind(cls) -> str:
        return cls.export_kind

    @property
    def may_export(self) -> bool:
        return permissions.may(self.user, self.export_kind, "export")

    def get_queryset(self):
        objects = self._meta.model.objects
        return objects.all() if self.may_export else objects.none()
