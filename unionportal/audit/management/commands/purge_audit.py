from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from unionportal.audit.services import purge_older_than


class Command(BaseCommand):
    help = "Delete audit events older than --days (at least AUDIT_RETENTION_DAYS, default 183: six months)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args, days, **options):
        try:
            deleted = purge_older_than(days=days)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"deleted {deleted} audit events older than {days} days")
