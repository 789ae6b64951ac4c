"""Import jobs (upload → preview → confirm → all-or-nothing import) and exports of registered resources.

Callers: the views in this app, the ``imports.run`` task and the periodic sweep. Errors a user can fix
are ``ImportFileError`` (the file as a whole), ``ValidationError`` (confirming or revealing) and the
preview rows; ``PermissionDenied`` when the user may not import or export that resource.
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit import services as audit
from unionportal.i18n import register_stored_texts
from unionportal.orgs.enums import SUBTREE_ROLES
from unionportal.orgs.scoping import get_scope
from unionportal.uploads import limits

from . import reading
from .enums import JobStatus, RowStatus
from .files import CSV_TYPE, FOOTER_MARKER, XLSX_TYPE, ExportInfo, write_csv, write_xlsx
from .importers import Importer, Rows, Sheet, StoredFile, sheet_missing_message
from .models import ImportFile, ImportJob
from .registry import get_registered
from .resources import ImportRejected, row_message
from .selectors import access_job

logger = logging.getLogger(__name__)

# Uploads up to this size are read within the request (a file error is then shown on the form); larger
# ones are checked as far as their headers and read by the task. Those of them up to this many rows
# are also previewed within the request.
INLINE_READ_BYTES = 4 * 1024 * 1024
INLINE_PREVIEW_ROWS = 1000
# The task's own time limit (seconds): above the project default, for tree imports row by row.
TASK_SOFT_TIME_LIMIT = 30 * 60
# The sweep re-queues a job whose task never started, or died (it cannot run past its hard limit).
STALE_PENDING = timedelta(minutes=2)
STALE_RUNNING = timedelta(seconds=TASK_SOFT_TIME_LIMIT + 5 * 60)
MAX_ATTEMPTS = 3
IMPORT_ACTION = "imports.import"
# The history line of a finished import, stored in the importer's language and shown in the reader's.
IMPORT_COMMENT = gettext_lazy("%(label)s：新增 %(created)d 条，更新 %(updated)d 条（%(file)s）")
register_stored_texts(IMPORT_COMMENT)
EXPORT_FORMATS = ("xlsx", "csv")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, empty, columns missing)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- progress --------------------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"imports:job:{job_id}:processed"


def job_progress_save(*, job_id: int, processed: int) -> None:
    """Record how many rows a running job has processed.

    The import itself runs in one transaction, so the count also goes to the shared cache (Redis in
    production), which the status endpoint reads; outside a transaction it is written to the row too.
    """
    cache.set(_progress_key(job_id), processed, timeout=6 * 3600)
    if not connection.in_atomic_block:
        ImportJob.objects.filter(pk=job_id).update(processed=processed)


def job_progress(job: ImportJob) -> int:
    if job.status != JobStatus.RUNNING:
        return job.processed if job.status != JobStatus.DONE else job.total
    return max(job.processed, cache.get(_progress_key(job.pk)) or 0)


# --- reading the upload ----------------------------------------------------------------------------


def read_rows(content: bytes, *, max_rows: int, file_name: str = "") -> tuple[list[str], list[list[str]]]:
    """The header and data rows of an uploaded xlsx or CSV file, checked by content and read row by row.

    ``file_name`` (at upload): a name ending in .xlsx must hold a workbook. Blank rows inside the data
    are kept (a row then reports itself incomplete) so that data row n is spreadsheet row n + 1;
    trailing ones go. Raises ImportFileError, naming the row where one is at fault.
    """
    try:
        table = reading.open_table(content, file_name=file_name)
        try:
            return _table_rows(table.rows(max_rows=max_rows), max_rows=max_rows)
        finally:
            table.close()
    except reading.TableRejected as error:
        raise ImportFileError(_rejected_message(error)) from error


def read_records(upload, *, max_rows: int) -> list[dict[str, str]]:
    """An uploaded table as dicts keyed by its header, through the same guarded reader as the import
    jobs, for a caller that acts on the rows at once (the account import, which shows each new
    account's password once). The n-th dict is spreadsheet row n + 1. Raises ImportFileError."""
    stored = read_upload(upload)
    headers, rows = read_rows(stored.content, max_rows=max_rows, file_name=stored.name)
    if not rows:
        raise ImportFileError(_("文件中没有数据行。"))
    return [dict(zip(headers, row, strict=True)) for row in rows]


def _rejected_message(error: reading.TableRejected, sheet: Sheet | None = None) -> str:
    label = str(sheet.label) if sheet is not None else ""
    if error.row:
        return row_message(error.row, error.message, label)
    return f"{label}：{error.message}" if label else error.message


def _table_rows(rows_read, *, max_rows: int, sheet: Sheet | None = None) -> tuple[list[str], list[list[str]]]:
    try:
        return _collect_rows(rows_read, max_rows=max_rows, sheet=sheet)
    except reading.RowsExceeded:  # a workbook whose cells reach further, refused before it was read
        raise ImportFileError(_too_many_rows(max_rows, sheet)) from None


def _too_many_rows(max_rows: int, sheet: Sheet | None) -> str:
    if sheet is not None:
        return _("%(sheet)s超过 %(n)d 行。") % {"sheet": sheet.label, "n": max_rows}
    return _("文件超过 %(n)d 行。") % {"n": max_rows}


def _collect_rows(rows_read, *, max_rows: int, sheet: Sheet | None) -> tuple[list[str], list[list[str]]]:
    label = str(sheet.label) if sheet is not None else ""
    _number, header = next(rows_read, (1, []))
    if not any(header):
        raise ImportFileError(
            _("%(sheet)s的第一行须为列名。") % {"sheet": label} if label else _("第一行须为列名。")
        )
    positions = [i for i, h in enumerate(header) if h]
    headers = [header[i] for i in positions]
    width = len(headers)
    every_column = positions == list(range(width))  # no unnamed column between named ones
    rows: list[list[str]] = []
    blank_run = 0
    shared = _SharedCells(width)
    for _number, cells in rows_read:
        if every_column and len(cells) == width:
            values = cells
        elif every_column:
            values = cells[:width] + [""] * (width - len(cells))
        else:
            values = [cells[i] if i < len(cells) else "" for i in positions]
        if not any(values):
            blank_run += 1
            continue
        shared.share(values)
        if len(rows) + blank_run >= max_rows:
            raise ImportFileError(_too_many_rows(max_rows, sheet))
        if blank_run:
            rows.extend([""] * width for _i in range(blank_run))
            blank_run = 0
        rows.append(values)
    # An exported CSV ends with a line saying who exported it; importing the same file drops it.
    while rows and str(rows[-1][0]).startswith(FOOTER_MARKER) and not any(str(v) for v in rows[-1][1:]):
        rows.pop()
    return headers, rows


class _SharedCells:
    """One string object for each repeated value of a column, while the column repeats itself.

    A sheet holds its cells as text until the importer has turned them into records; most columns
    repeat a few values (a relation, a status, an enterprise code, an amount), and a file of 400,000 rows
    would otherwise hold a separate copy of each: about half of what the rows take. A column that
    turns out to hold more than ``DISTINCT`` values (names, ID numbers) is no longer looked up."""

    DISTINCT = 4096

    def __init__(self, width: int):
        self.seen: list[dict[str, str] | None] = [{} for _i in range(width)]

    def share(self, values: list[str]) -> None:
        for i, seen in enumerate(self.seen):
            if seen is None:
                continue
            value = values[i]
            values[i] = seen.setdefault(value, value)
            if len(seen) > self.DISTINCT:
                self.seen[i] = None


def _sheet_titles(importer: Importer, names: list[str]) -> list[str]:
    """The workbook's sheet read as each of the importer's sheets: by title where the workbook has
    every one of them, else in order."""
    titles = [s.title for s in importer.sheets]
    if all(t in names for t in titles):
        return titles
    if len(names) >= len(titles):
        return names[: len(titles)]
    raise ImportFileError(
        _("工作簿须有以下 %(n)d 张表：%(sheets)s。请使用下载的模板。")
        % {"n": len(titles), "sheets": "、".join(f"“{t}”" for t in titles)}
    )


def read_tables(importer: Importer, files: list[StoredFile], *, header_only: bool = False) -> dict[str, Rows]:
    """Every sheet of the importer from the uploaded ``files`` (one holding every sheet, or one CSV
    file per sheet), by content, through the guarded reader; each sheet's columns checked.

    ``header_only``: read no further than each sheet's header (an upload too large to read within the
    request is checked this far and read by the task). Raises ImportFileError naming the sheet and row.
    """
    tables: dict[str, Rows] = {}
    several = importer.several
    if len(files) == 1 and not files[0].sheet:
        stored = files[0]
        try:
            # A file of several sheets must be a workbook whatever its name: said below, with the hint.
            table = reading.open_table(
                stored.content,
                file_name="" if several else stored.name,
                max_uncompressed=importer.max_uncompressed(),
            )
        except reading.TableRejected as error:
            raise ImportFileError(error.message) from error
        if several and table.format != "XLSX":
            raise ImportFileError(
                _("该文件不是 Excel 工作簿（.xlsx）。用 CSV 导入时，请每张表分别上传一个 CSV 文件。")
            )
        titles: list = []
        try:
            titles = _sheet_titles(importer, table.sheet_names) if several else [None]
            for sheet, title in zip(importer.sheets, titles, strict=True):
                try:
                    tables[sheet.key] = _read_sheet(importer, table, sheet, title, header_only)
                except reading.TableRejected as error:
                    raise ImportFileError(_rejected_message(error, sheet if several else None)) from error
        except reading.TableRejected as error:  # opening the workbook: it says which sheet, if one
            raise ImportFileError(_rejected_message(error, _sheet_of(importer, error, titles))) from error
        finally:
            table.close()
    else:
        by_sheet = {f.sheet: f for f in files}
        for sheet in importer.sheets:
            stored = by_sheet.get(sheet.key)
            if stored is None:
                raise ImportFileError(_("缺少%(sheet)s的文件。") % {"sheet": sheet.label})
            try:
                table = reading.open_table(stored.content, file_name=stored.name, expect="CSV")
                tables[sheet.key] = _read_sheet(importer, table, sheet, None, header_only)
            except reading.TableRejected as error:
                raise ImportFileError(_rejected_message(error, sheet)) from error
    if not header_only and not any(t.rows for t in tables.values()):
        raise ImportFileError(_("文件中没有数据行。"))
    return tables


def _sheet_of(importer: Importer, error: reading.TableRejected, titles: list) -> Sheet | None:
    """The importer's sheet a refusal came from: by the title it is read under, else by its own."""
    if not importer.several or not error.sheet:
        return None
    for sheet, title in zip(importer.sheets, titles, strict=False):
        if title == error.sheet:
            return sheet
    return next((s for s in importer.sheets if s.title == error.sheet), None)


def _read_sheet(importer: Importer, table, sheet: Sheet, title, header_only: bool) -> Rows:
    if header_only and table.format == "XLSX":
        return Rows([], [])  # a workbook's sheet is read whole or not at all: by the task
    rows_read = table.rows(title, max_rows=sheet.max_rows)
    named = sheet if importer.several else None
    if header_only:  # the header alone, read through the same check
        rows_read = iter([next(rows_read, (1, []))])
    headers, rows = _table_rows(rows_read, max_rows=sheet.max_rows, sheet=named)
    missing = importer.missing_columns(sheet, headers)
    if missing:
        raise ImportFileError(sheet_missing_message(sheet, missing))
    return Rows(headers, rows)


def actor_org_path(user) -> str:
    """The top of the user's subtree: audit events about their imports and exports are scoped there."""
    scope = get_scope(user, roles=SUBTREE_ROLES)
    return min(scope.subtree_paths, key=len) if scope.subtree_paths else ""


# --- jobs --------------------------------------------------------------------------------------------


def read_upload(upload, sheet: str = "") -> StoredFile:
    """An uploaded file's bytes, refused above the sheet upload limit (ImportFileError)."""
    limit = limits.max_bytes("sheet")
    content = upload.read(limit + 1)
    name = (getattr(upload, "name", "") or "upload")[:200]
    if len(content) > limit:
        raise ImportFileError(
            _("文件“%(name)s”超过 %(limit)s。") % {"name": name, "limit": limits.format_size(limit)}
        )
    return StoredFile(sheet, name, content)


def job_create(*, actor, key: str, upload=None, sheet_uploads=None, language: str = "zh-hans") -> ImportJob:
    """Store an upload as a job and preview it (inline when short, else by the task).

    ``upload``: one file holding every sheet (a workbook, or the table of a one-sheet import);
    ``sheet_uploads``: {sheet key: file}, one CSV file per sheet of a multi-sheet import. Raises
    KeyError for an unknown resource, PermissionDenied, or ImportFileError for a file that cannot be
    read or lacks columns (no job is created then).
    """
    registered = get_registered(key)
    if not registered.can_import(actor):
        raise PermissionDenied(_("您没有导入该数据的权限。"))
    importer = registered.importer(actor)
    if upload is not None:
        files = [read_upload(upload)]
    else:
        files = [read_upload(sheet_uploads[s.key], s.key) for s in importer.sheets if s.key in sheet_uploads]
    size = sum(len(f.content) for f in files)
    tables = read_tables(importer, files, header_only=size > INLINE_READ_BYTES)
    total = importer.total(tables)
    with transaction.atomic():
        job = ImportJob.objects.create(
            resource_key=key,
            file_name=" + ".join(f.name for f in files)[:200],
            actor=actor,
            language=language or "zh-hans",
            total=total,
        )
        ImportFile.objects.bulk_create(
            ImportFile(job=job, position=i, sheet=f.sheet, name=f.name, content=f.content)
            for i, f in enumerate(files)
        )
    if size <= INLINE_READ_BYTES and sum(len(t.rows) for t in tables.values()) <= INLINE_PREVIEW_ROWS:
        _preview(job, importer, tables)
        job.refresh_from_db()
    else:
        del tables
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def _as_bytes(value) -> bytes:
    """A BinaryField's value as bytes, without copying bytes PostgreSQL already hands over (as a
    memoryview of them): an upload of 20 MB is then held once, not twice."""
    if isinstance(value, memoryview):
        base = value.obj
        return base if isinstance(base, bytes) and len(base) == value.nbytes else value.tobytes()
    return bytes(value)


def _job_tables(job: ImportJob, importer: Importer) -> dict[str, Rows]:
    stored = job.files.order_by("position").values_list("sheet", "name", "content")
    files = [StoredFile(sheet, name, _as_bytes(content)) for sheet, name, content in stored]
    del stored
    if not files:
        raise ImportFileError(_("上传的文件已不在，请重新上传。"))
    return read_tables(importer, files)


def _preview(job: ImportJob, importer: Importer, tables: dict[str, Rows]) -> None:
    total = importer.total(tables)  # before the check, which may let go of the rows it has read
    with translation.override(job.language):
        outcome = importer.check(tables, on_progress=lambda n: job_progress_save(job_id=job.pk, processed=n))
        preview = outcome.as_preview()
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.PREVIEWED,
        total=total,
        processed=total,
        error_count=outcome.error_count,
        preview=preview,
    )
    if outcome.has_errors:
        # Nothing can be imported from this file; it need not be kept.
        ImportFile.objects.filter(job=job).delete()


def job_can_confirm(job: ImportJob) -> bool:
    return job.status == JobStatus.PREVIEWED and not job.error_count and not job.preview.get("file_errors")


def job_confirm(*, actor, job_id: int) -> ImportJob:
    """Start the real import of a previewed job without errors; only its uploader may.

    Raises Http404 for another user's job and ValidationError when it cannot be confirmed.
    """
    job = access_job(actor, job_id)
    if job.status != JobStatus.PREVIEWED:
        raise ValidationError(_("该导入已确认或已结束。"))
    if not job_can_confirm(job):
        raise ValidationError(_("文件中有错误，不能导入。请修改后重新上传。"))
    updated = ImportJob.objects.filter(pk=job.pk, status=JobStatus.PREVIEWED).update(
        status=JobStatus.RUNNING, confirmed_at=timezone.now(), started_at=None, processed=0, attempts=0
    )
    if not updated:  # a concurrent confirmation won
        raise ValidationError(_("该导入已确认或已结束。"))
    cache.set(_progress_key(job.pk), 0, timeout=6 * 3600)
    transaction.on_commit(lambda: enqueue(job.pk))
    job.refresh_from_db()
    return job


def enqueue(job_id: int) -> None:
    """Hand the job to the ``imports.run`` task on the bulk queue; when the broker is down the
    periodic sweep re-queues it."""
    from .tasks import run

    try:
        run.delay(job_id=job_id)
    except Exception:  # broker unreachable
        logger.warning("could not enqueue import job %s; the sweep will retry", job_id, exc_info=True)


def job_run(*, job_id: int) -> str:
    """The task's work: preview a pending job, or import a confirmed one. Safe to run twice."""
    job = ImportJob.objects.select_related("actor").filter(pk=job_id).first()
    if job is None:
        return "missing"
    if job.status == JobStatus.PENDING or (job.status == JobStatus.RUNNING and job.confirmed_at is None):
        return _run_preview(job)
    if job.status == JobStatus.RUNNING:
        return _run_import(job)
    return "nothing to do"


def _start(job: ImportJob, **extra) -> None:
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now(), attempts=F("attempts") + 1, **extra)


def _finish(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **fields)
    ImportFile.objects.filter(job=job).delete()


def _fail(job: ImportJob, message: str, **extra) -> None:
    failed = ImportJob.objects.filter(pk=job.pk, status__in=[JobStatus.PENDING, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED, error_message=message, finished_at=timezone.now(), **extra
    )
    if failed:
        ImportFile.objects.filter(job=job).delete()


def _importer_of(job: ImportJob) -> Importer:
    return get_registered(job.resource_key).importer(job.actor)


def _run_preview(job: ImportJob) -> str:
    _start(job, status=JobStatus.RUNNING)
    with translation.override(job.language):
        try:
            importer = _importer_of(job)
            _preview(job, importer, _job_tables(job, importer))
        except ImportFileError as error:
            _fail(job, error.message)
            return "failed"
        except Exception:
            logger.exception("previewing import job %s failed", job.pk)
            _fail(job, _("校验文件时发生系统错误。请稍后重试或联系管理员。"))
            return "failed"
    return "previewed"


def _run_import(job: ImportJob) -> str:
    _start(job)
    registered = get_registered(job.resource_key)
    with translation.override(job.language):
        try:
            importer = registered.importer(job.actor)
            tables = _job_tables(job, importer)
            total = importer.total(tables)
            with transaction.atomic():
                locked = (
                    ImportJob.objects.select_for_update()
                    .filter(pk=job.pk, status=JobStatus.RUNNING)
                    .values_list("pk", flat=True)
                    .first()
                )
                if locked is None:
                    return "nothing to do"  # another run finished it
                # Checked again as it is written: the database may have changed since the preview.
                outcome = importer.write(
                    tables, on_progress=lambda n: job_progress_save(job_id=job.pk, processed=n)
                )
                del tables
                created, updated = outcome.counts[RowStatus.NEW], outcome.counts[RowStatus.CHANGED]
                audit.record(
                    actor=job.actor,
                    action=IMPORT_ACTION,
                    comment=str(IMPORT_COMMENT)
                    % {
                        "label": registered.label,
                        "created": created,
                        "updated": updated,
                        "file": job.file_name,
                    },
                    changes={
                        "resource": job.resource_key,
                        "job": job.pk,
                        "created": created,
                        "updated": updated,
                        **({"totals": outcome.totals} if outcome.totals else {}),
                    },
                    org_path=actor_org_path(job.actor),
                )
                _finish(
                    job,
                    status=JobStatus.DONE,
                    processed=total,
                    created_count=created,
                    updated_count=updated,
                    preview={**(job.preview or {}), "totals": outcome.totals},
                )
        except ImportRejected as rejected:
            outcome = rejected.outcome
            _fail(
                job,
                _("数据在预览之后发生了变化，以下各行无法导入；未导入任何数据。"),
                preview=outcome.as_preview(),
                error_count=outcome.error_count,
            )
            return "rejected"
        except IntegrityError:
            logger.warning("import job %s collided with a concurrent change", job.pk, exc_info=True)
            _fail(job, _("导入时有数据已被他人同时修改，未导入任何数据。请重新上传以查看是哪些行。"))
            return "rejected"
        except ImportFileError as error:
            _fail(job, error.message)
            return "failed"
        except Exception:
            logger.exception("import job %s failed", job.pk)
            _fail(job, _("导入时发生系统错误，未导入任何数据。请稍后重试或联系管理员。"))
            return "failed"
    cache.set(_progress_key(job.pk), total, timeout=6 * 3600)
    importer.after_commit(outcome)
    return "done"


def requeue_stale(*, now) -> int:
    """Periodic: re-queue jobs whose task never ran or died; give up after a few attempts."""
    stale = ImportJob.objects.defer("preview").filter(
        Q(status=JobStatus.PENDING, created_at__lt=now - STALE_PENDING)
        | Q(status=JobStatus.RUNNING, started_at__lt=now - STALE_RUNNING)
        | Q(status=JobStatus.RUNNING, started_at__isnull=True, confirmed_at__lt=now - STALE_PENDING)
    )
    count = 0
    for job in stale:
        if job.attempts >= MAX_ATTEMPTS:
            _fail(job, _("多次尝试仍未完成，未导入任何数据。请重新上传。"))
            continue
        enqueue(job.pk)
        count += 1
    return count


def awaiting_confirmation_todos(user):
    """Home-page provider: the user's previewed imports without errors, waiting for confirmation."""
    from unionportal.reports.registry import Todo

    if not permissions.may(user, "import_job", "change"):
        return []
    count = ImportJob.objects.owned_by(user).filter(status=JobStatus.PREVIEWED, error_count=0).count()
    return [Todo(label=_("待确认的导入"), count=count, url=reverse("imports:index"))]


# --- exports -----------------------------------------------------------------------------------------


def check_reveal_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len("".join(reason.split())) < 4:
        raise ValidationError(_("请说明查看完整信息的理由（至少 4 个字）。"))
    return reason


def export_file(
    *, actor, key: str, fmt: str, reveal: bool = False, reason: str = ""
) -> tuple[str, str, bytes]:
    """The rows of ``key`` the actor may see, as (filename, content type, bytes).

    Personal fields are masked unless ``reveal``; revealing needs a reason and writes one audit event
    naming the fields and the row count. Raises KeyError (unknown resource or format),
    PermissionDenied, or ValidationError (reason missing).
    """
    registered = get_registered(key)
    if fmt not in EXPORT_FORMATS:
        raise KeyError(fmt)
    if not registered.can_export(actor):
        raise PermissionDenied(_("您没有导出该数据的权限。"))
    resource = registered.resource(actor, reveal=bool(reveal))
    revealing = bool(reveal and resource.masked_fields)
    if revealing:
        reason = check_reveal_reason(reason)
    dataset = resource.export(resource.export_queryset())
    if revealing:
        audit.record(
            actor=actor,
            action=audit.REVEAL_ACTION,
            comment=reason,
            changes={"export": key, "format": fmt, "fields": resource.masked_columns(), "rows": len(dataset)},
            org_path=actor_org_path(actor),
        )
    return export_table(
        actor=actor,
        key=key,
        label=str(registered.label),
        headers=dataset.headers,
        rows=dataset,
        fmt=fmt,
        masked_columns=resource.masked_columns(),
        revealed=revealing,
        reason=reason if revealing else "",
    )


def export_table(
    *,
    actor,
    key: str,
    label: str,
    headers: list[str],
    rows,
    fmt: str = "xlsx",
    masked_columns: list[str] = (),
    revealed: bool = False,
    reason: str = "",
) -> tuple[str, str, bytes]:
    """Any table as an export file (filename, content type, bytes): formula-like cells neutralised, the
    exporting user and time (and what is masked) carried in the file. Every export goes through here;
    the caller has masked personal columns and checked the user may export. Raises KeyError for an
    unknown format."""
    if fmt not in EXPORT_FORMATS:
        raise KeyError(fmt)
    rows = list(rows)
    info = ExportInfo(
        key=key,
        label=str(label),
        user_label=_("%(name)s（%(username)s）")
        % {
            "name": getattr(actor, "display_name", "") or actor.get_username(),
            "username": actor.get_username(),
        },
        username=actor.get_username(),
        at=timezone.now(),
        rows=len(rows),
        masked_columns=list(masked_columns),
        revealed=revealed,
        reason=reason,
    )
    writer = write_xlsx if fmt == "xlsx" else write_csv
    content = writer(headers, rows, info)
    return info.filename(fmt), XLSX_TYPE if fmt == "xlsx" else CSV_TYPE, content
