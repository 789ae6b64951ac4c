from django.core.management.base import BaseCommand
from django.utils import timezone

from unionportal import periodic


class Command(BaseCommand):
    help = "Run every periodic service once (reminders, deadline clocks, sweeps); for cron in embedded mode."

    def handle(self, *args, **options):
        results = periodic.run_all(now=timezone.now())
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")
        if not results:
            self.stdout.write("no periodic jobs are registered")
