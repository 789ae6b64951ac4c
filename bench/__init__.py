"""The benchmark's data and commands (``bin/bench``): seeders and measuring commands, no models.

The bench may import the domain apps and the shared platform; nothing imports the bench.
"""

from contextlib import contextmanager


@contextmanager
def run_tasks_here():
    """Run Celery tasks in this process (eagerly), as without REDIS_URL, while the block runs.

    bin/bench serves with REDIS_URL set, as deployed, which makes tasks go to the broker; but it starts no
    worker. Its setup commands run inside this, so whatever they queue (notifications of seeded records,
    an import's job) runs before the pages are measured instead of waiting in Redis for a worker that
    never comes. The settings are put back afterwards (a test calling a seeder must not leave every later
    task eager)."""
    from unionportal.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = before
