"""Pages of the household import: upload, template, preview with errors, confirm, progress."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from unionportal.imports import services as imports
from unionportal.imports.files import XLSX_TYPE
from unionportal.imports.selectors import jobs_for
from unionportal.permissions import permission

from . import household_import
from .forms_import import HouseholdImportForm


@permission("household", "import")
def upload(request):
    form = HouseholdImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = household_import.job_create(
                    actor=request.user,
                    workbook=form.cleaned_data["workbook"],
                    households_csv=form.cleaned_data["households_csv"],
                    members_csv=form.cleaned_data["members_csv"],
                    language=request.LANGUAGE_CODE,
                )
            except household_import.ImportFileError as error:
                form.add_error(None, error.message)
            else:
                return redirect("assistance:import_job", pk=job.pk)
        status = 400
    return render(
        request,
        "assistance/import_upload.html",
        {
            "form": form,
            "household_columns": [h for _k, h, _r in household_import.HOUSEHOLD_COLUMNS],
            "member_columns": [h for _k, h, _r in household_import.MEMBER_COLUMNS],
            "jobs": jobs_for(request.user, key=household_import.KEY)[:10],
        },
        status=status,
    )


@permission("household", "import")
def template(request):
    response = HttpResponse(household_import.template_xlsx(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "households-members-template.xlsx")
    response["Cache-Control"] = "no-store"
    return response


@permission("import_job", "open")
def job_detail(request, pk):
    job = household_import.access_job(request.user, pk)
    return render(
        request,
        "assistance/import_job.html",
        {
            "job": job,
            "preview": job.preview or {},
            "counts": (job.preview or {}).get("counts", {}),
            "processed": imports.job_progress(job),
            "can_confirm": household_import.job_can_confirm(job),
        },
    )


@permission("import_job", "change")
@require_POST
def job_confirm(request, pk):
    try:
        household_import.job_confirm(actor=request.user, job_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("assistance:import_job", pk=pk)


@never_cache
@permission("import_job", "open")
def job_status(request, pk):
    job = household_import.access_job(request.user, pk)
    processed = imports.job_progress(job)
    return JsonResponse(
        {
            "status": job.status,
            "phase": job.phase,
            "total": job.total,
            "processed": processed,
            "percent": min(100, processed * 100 // job.total) if job.total else 0,
            "errors": job.error_count,
            "created": job.created_count,
        }
    )
