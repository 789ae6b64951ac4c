"""``python manage.py bench_config``: the settings a bench run measures, one ``key: value`` line each.

bin/bench prints them above its table (with gunicorn's workers and threads, which it sets itself), so a
table always says what it was measured on: DEBUG, the cache and session backends, the template loaders
Django built, whether Celery runs tasks in-process, and the database.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.template import engines


def _loaders() -> str:
    engine = engines["django"].engine
    names = []
    for loader in engine.template_loaders:
        name = type(loader).__module__ + "." + type(loader).__name__
        inner = getattr(loader, "loaders", None)
        if inner:
            name += "(" + ", ".join(type(i).__name__ for i in inner) + ")"
        names.append(name.removeprefix("django.template.loaders."))
    return ", ".join(names)


class Command(BaseCommand):
    help = "Print the settings a bench run measures."

    def handle(self, *args, **options):
        cache = settings.CACHES["default"]
        location = str(cache.get("LOCATION", ""))
        if "@" in location:  # never print a password
            location = location.split("://", 1)[0] + "://…@" + location.rsplit("@", 1)[1]
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
            version = cursor.fetchone()[0]
        lines = {
            "DEBUG": settings.DEBUG,
            "cache": f"{cache['BACKEND']} {location}",
            "sessions": settings.SESSION_ENGINE,
            "template loaders": _loaders(),
            "celery eager (web)": settings.CELERY_TASK_ALWAYS_EAGER,
            "database": f"{connection.vendor} {connection.settings_dict['NAME']}, "
            f"CONN_MAX_AGE {connection.settings_dict.get('CONN_MAX_AGE')}, "
            f"{str(version).split(' on ')[0]}",
        }
        for key, value in lines.items():
            self.stdout.write(f"{key}: {value}")
