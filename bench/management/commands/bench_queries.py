"""``python manage.py bench_queries --user U PATH …``: queries and time per page for the benchmarks.

Requests each path as the signed-in user through Django's test client (two warm-up requests first, so
per-process caches do not count), with ``CaptureQueriesContext``, and prints one line per path:
``queries=<n> ms=<t> status=<code> path=<path>``. ``--session U`` instead creates a database session for
U and prints its cookies (``sessionid=<key>; csrftoken=<secret>``), which bin/bench sends to wrk.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Print the queries and time per page of PATHs for a signed-in user, or create a bench session."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*")
        parser.add_argument("--user", help="User name to sign in as.")
        parser.add_argument("--session", metavar="USER", help="Create a session for USER and print its key.")

    def _client(self, username: str) -> Client:
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {username!r}.") from exc
        host = next(
            (h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"), "localhost"
        )
        client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
        client.force_login(user)
        return client

    def handle(self, *args, paths, user, session, **options):
        if session:
            client = self._client(session)
            # The CSRF cookie too, as a browser that opened a page with a form holds it: pages cached per
            # browser (the review queue) are keyed by its secret.
            client.get("/home/", secure=True)
            cookies = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
            self.stdout.write("; ".join(f"{name}={client.cookies[name].value}" for name in cookies))
            return
        if not user:
            raise CommandError("Give --user (or --session).")
        client = self._client(user)
        for path in paths:
            # Warm up twice: the first request gives the client its CSRF cookie, and a page kept per
            # browser (the review queue) is stored once the browser holds it.
            client.get(path, secure=True)
            client.get(path, secure=True)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path, secure=True)
                elapsed = (time.perf_counter() - started) * 1000
            self.stdout.write(
                f"queries={len(queries)} ms={elapsed:.1f} status={response.status_code} path={path}"
            )
