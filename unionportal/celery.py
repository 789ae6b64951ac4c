"""The Celery application: broker, serialisation, limits, routes and the beat schedule live here."""

import logging.config
import os

from celery import Celery, signals

from unionportal import observability

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

# The queues bin/worker consumes (and whose lengths /metrics reports).
QUEUES = ("default", "bulk")

app = Celery("unionportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_soft_time_limit=5 * 60,
    task_time_limit=6 * 60,
    # A task is acknowledged only once it has run, so a worker that dies mid-task leaves it queued.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    # Fail fast when Redis is down: the request goes on and the outbox sweep delivers later.
    broker_connection_timeout=2,
    broker_transport_options={
        "visibility_timeout": 60 * 60,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    },
    task_publish_retry_policy={
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    },
    task_default_queue="default",
    imports=["unionportal.tasks"],
    task_routes={
        "notifications.*": {"queue": "default"},
        "selection.*": {"queue": "default"},
        "periodic.*": {"queue": "default"},
        "imports.*": {"queue": "bulk"},
        "exports.*": {"queue": "bulk"},
    },
    beat_schedule={
        # One tick; unionportal.periodic decides what is due (the same code `run_periodic` calls).
        "periodic-tick": {"task": "periodic.tick", "schedule": 60.0},
    },
)
app.autodiscover_tasks()


@signals.setup_logging.connect
def _logging(**kwargs):
    """Worker and beat log through settings.LOGGING (JSON or text, with request ids), like web; with a
    receiver here Celery leaves the root logger alone instead of installing its own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    observability.task_publishing(headers)


@signals.task_prerun.connect
def _enter_task(task=None, **kwargs):
    task.request.observability_tokens = observability.task_starting(task)


@signals.task_postrun.connect
def _leave_task(task=None, **kwargs):
    observability.task_finished(getattr(task.request, "observability_tokens", None))
