from django.shortcuts import get_object_or_404

from .models import ImportJob


def jobs_for(user, *, key: str | None = None):
    """The user's own import jobs, newest first, without their previews."""
    jobs = ImportJob.objects.owned_by(user).defer("preview")
    if key:
        jobs = jobs.filter(resource_key=key)
    return jobs


def access_job(user, pk: int) -> ImportJob:
    """The job if ``user`` uploaded it; Http404 otherwise, so a guessed id tells nothing."""
    return get_object_or_404(ImportJob.objects.owned_by(user), pk=pk)
