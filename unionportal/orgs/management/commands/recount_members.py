"""``python manage.py recount_members``: put the unions' current-member counts (``orgs.MemberCount``, what
the coverage page sums) right from the registry, e.g. after rows were written around the services.
Safe while the portal runs (``members.member_counts_recount``); the periodic job runs it once a day."""

from django.core.management.base import BaseCommand

from unionportal.orgs.members import member_counts_recount


class Command(BaseCommand):
    help = "Recount every union's current members from the registry (the coverage page's counts)."

    def handle(self, *args, **options):
        corrected = member_counts_recount()
        self.stdout.write(f"Recounted the registry: {corrected} union(s) corrected.")
