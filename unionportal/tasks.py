from celery import shared_task
from django.utils import timezone

from unionportal import periodic


@shared_task(name="periodic.tick")
def tick():
    periodic.run_all(now=timezone.now())
