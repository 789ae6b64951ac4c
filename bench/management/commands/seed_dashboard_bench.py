"""``python manage.py seed_dashboard_bench``: what the province's dashboard scenario reads beyond the
households and members (``bench.dashboard``): the bench staff account, a current campaign and the
grassroots unions' activity reports. Builds the (small) bench tree if no other seeder has. Prints
``bench dashboard_user=…`` for bin/bench.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from bench import dashboard as seeder
from bench import households as tree_seeder


class Command(BaseCommand):
    help = "Seed what the province's six-function dashboard reads in the bench (idempotent)."

    def handle(self, *args, **options):
        if not tree_seeder.bench_tree_exists():
            with transaction.atomic():
                tree_seeder.build_tree(full=False)
        done = seeder.seed()
        self.stdout.write(
            f"Added {done['added']:,} activity reports ({done['reports']:,} bench reports there)."
        )
        self.stdout.write(f"bench dashboard_user={done['user']}")
