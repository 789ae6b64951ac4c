from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from unionportal.permissions import permission, resource_permission

from . import services
from .files import XLSX_TYPE
from .forms import ExportForm, UploadForm
from .registry import get_registered, registered
from .selectors import access_job, jobs_for


def _registered_or_404(key: str):
    try:
        return get_registered(key)
    except KeyError:
        raise Http404 from None


def _for_import(request, key: str):
    entry = _registered_or_404(key)
    if not entry.can_import(request.user):
        raise PermissionDenied(_("您没有导入该数据的权限。"))
    return entry


def _for_export(request, key: str):
    entry = _registered_or_404(key)
    if not entry.can_export(request.user):
        raise PermissionDenied(_("您没有导出该数据的权限。"))
    return entry


def _with_labels(jobs):
    """The jobs as a list, each with the label of its resource."""
    labels = {e.key: e.label for e in registered()}
    jobs = list(jobs)
    for job in jobs:
        job.label = labels.get(job.resource_key, job.resource_key)
    return jobs


def _file_response(filename: str, content_type: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@permission("import_job", "list")
def index(request):
    user = request.user
    entries = [
        {
            "entry": e,
            "can_import": e.can_import(user),
            "can_export": e.can_export(user),
        }
        for e in registered()
    ]
    entries = [e for e in entries if e["can_import"] or e["can_export"]]
    return render(
        request, "imports/index.html", {"entries": entries, "jobs": _with_labels(jobs_for(user)[:20])}
    )


@resource_permission("import")
def upload(request, key):
    entry = _for_import(request, key)
    importer = entry.importer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, importer=importer)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            sheet_uploads = form.sheet_uploads()
            try:
                job = services.job_create(
                    actor=request.user,
                    key=key,
                    upload=None if sheet_uploads else form.cleaned_data["file"],
                    sheet_uploads=sheet_uploads,
                    language=request.LANGUAGE_CODE,
                )
            except services.ImportFileError as error:
                form.add_error(None if importer.several else "file", error.message)
            else:
                return redirect("imports:job", pk=job.pk)
        status = 400
    return render(
        request,
        "imports/upload.html",
        {
            "entry": entry,
            "form": form,
            "sheets": [
                {"title": s.title, "label": s.label, "columns": importer.columns(s)} for s in importer.sheets
            ],
            "several": importer.several,
            "jobs": _with_labels(jobs_for(request.user, key=key)[:10]),
            "can_export": entry.can_export(request.user),
        },
        status=status,
    )


@resource_permission("import")
def template(request, key):
    entry = _for_import(request, key)
    return _file_response(f"{key}-template.xlsx", XLSX_TYPE, entry.importer(request.user).template_xlsx())


@permission("import_job", "open")
def job_detail(request, pk):
    job = access_job(request.user, pk)
    try:
        entry = get_registered(job.resource_key)
        label, several = (
            entry.label,
            entry.importer_class is not None and len(entry.importer_class.sheets) > 1,
        )
    except KeyError:
        label, several = job.resource_key, False
    preview = job.preview or {}
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "label": label,
            "several": several,
            "preview": preview,
            "counts": preview.get("counts", {}),
            "processed": services.job_progress(job),
            "can_confirm": services.job_can_confirm(job),
        },
    )


@permission("import_job", "change")
@require_POST
def job_confirm(request, pk):
    try:
        services.job_confirm(actor=request.user, job_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:job", pk=pk)


@never_cache
@permission("import_job", "open")
def job_status(request, pk):
    job = access_job(request.user, pk)
    processed = services.job_progress(job)
    return JsonResponse(
        {
            "status": job.status,
            "phase": job.phase,
            "total": job.total,
            "processed": processed,
            "percent": min(100, processed * 100 // job.total) if job.total else 0,
            "errors": job.error_count,
            "created": job.created_count,
            "updated": job.updated_count,
        }
    )


def _export(request, entry, fmt: str, form: ExportForm | None):
    reveal = bool(form and form.cleaned_data.get("reveal"))
    reason = form.cleaned_data.get("reason", "") if form else ""
    filename, content_type, content = services.export_file(
        actor=request.user, key=entry.key, fmt=fmt, reveal=reveal, reason=reason
    )
    return _file_response(filename, content_type, content)


@resource_permission("export")
def export(request, key):
    """The export form: format, and revealing personal fields with a reason (masked by default)."""
    entry = _for_export(request, key)
    masked = entry.resource(request.user).masked_columns()
    form = ExportForm(request.POST or None, masked_columns=masked)
    if request.method == "POST" and form.is_valid():
        return _export(request, entry, form.cleaned_data["format"], form)
    return render(
        request,
        "imports/export.html",
        {"entry": entry, "form": form, "masked": masked},
        status=400 if form.errors else 200,
    )


@resource_permission("export")
def export_download(request, key, fmt):
    """GET: the masked file straight away; POST: the export form's fields (reveal with a reason)."""
    entry = _for_export(request, key)
    if fmt not in services.EXPORT_FORMATS:
        raise Http404
    form = None
    if request.method == "POST":
        masked = entry.resource(request.user).masked_columns()
        form = ExportForm({**request.POST.dict(), "format": fmt}, masked_columns=masked)
        if not form.is_valid():
            return render(
                request, "imports/export.html", {"entry": entry, "form": form, "masked": masked}, status=400
            )
    return _export(request, entry, fmt, form)
