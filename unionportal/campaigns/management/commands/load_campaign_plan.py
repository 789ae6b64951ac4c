"""``python manage.py load_campaign_plan``: the 2026 campaign's milestones from the plan (idempotent).

Safe on a production site: it writes the campaign calendar only, no accounts or demo rows."""

from django.core.management.base import BaseCommand

from unionportal.campaigns.plan import load_plan_2026


class Command(BaseCommand):
    help = "Create or update the 2026 campaign and its milestones from the campaign plan (idempotent)."

    def handle(self, *args, **options):
        stats = load_plan_2026()
        self.stdout.write(f"2026 milestones: {stats['created']} created, {stats['updated']} updated.")
