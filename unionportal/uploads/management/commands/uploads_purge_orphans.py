from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from unionportal.uploads.services import stored_files_purge_orphans


class Command(BaseCommand):
    help = "Delete stored upload files that no StoredFile refers to (left by rolled-back transactions)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="keep orphans younger than this")

    def handle(self, *args, hours, **options):
        purged = stored_files_purge_orphans(now=timezone.now(), older_than=timedelta(hours=hours))
        self.stdout.write(f"{len(purged)} orphaned file(s) deleted.")
