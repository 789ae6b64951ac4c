"""The benchmark's data and commands (``bin/bench``): seeders and measuring commands, no models.

The bench may import the domain apps and the shared platform; nothing imports the bench.
"""


def run_tasks_here() -> None:
    """Run Celery tasks in this process (eagerly), as without REDIS_URL.

    bin/bench serves with REDIS_URL set, as deployed, which makes tasks go to the broker; but it starts no
    worker. Its setup commands call this first, so whatever they queue (notifications of seeded records,
    an import's job) runs before the pages are measured instead of waiting in Redis for a worker that
    never comes."""
    from unionportal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
