from celery import shared_task

from . import services


# A tree import goes through organisation_create row by row, so a large file may take longer than the
# default limits set in unionportal/celery.py.
@shared_task(
    name="imports.run",
    acks_late=True,
    soft_time_limit=services.TASK_SOFT_TIME_LIMIT,
    time_limit=services.TASK_SOFT_TIME_LIMIT + 60,
)
def run(*, job_id: int) -> str:
    """Preview a pending job or import a confirmed one (routed to the "bulk" queue)."""
    return services.job_run(job_id=job_id)
