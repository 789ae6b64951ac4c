from celery import shared_task

from unionportal.imports.services import TASK_SOFT_TIME_LIMIT


@shared_task(
    name="imports.assistance_households",
    acks_late=True,
    soft_time_limit=TASK_SOFT_TIME_LIMIT,
    time_limit=TASK_SOFT_TIME_LIMIT + 60,
)
def run(*, job_id: int) -> str:
    """Preview a pending household import job or import a confirmed one (routed to the "bulk" queue)."""
    from .household_import import job_run

    return job_run(job_id=job_id)
