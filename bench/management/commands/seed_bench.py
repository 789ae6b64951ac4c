"""``python manage.py seed_bench --households N``: a province-sized data set for the benchmarks.

Creates the bench tree once (see ``bench.households``), then brings the number of bench households
to N: it adds what is missing (so 100,000 then 1,000,000 tops up), does nothing when N are there, and
refuses to shrink without ``--reset``. Runs with DEBUG off (bench accounts have no usable password).
When it wrote anything it rebuilds the report rollups, as an import does (the reports read them). Then
it brings the bench nominations to their count for N (``bench.nominations``: the review queue and the
county's home page). Prints ``bench county_pk=… county_user=…`` for bin/bench.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assistance import rollups
from bench import households as seeder
from bench import nominations, run_tasks_here


class Command(BaseCommand):
    help = "Generate N bench households (default 1,000,000) with members, measures and visits across a bench union tree."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=1_000_000)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the bench households first (the bench tree stays)."
        )

    def handle(self, *args, **options):
        with run_tasks_here():
            self._seed(**options)

    def _seed(self, *, households, reset, **options):
        if households < 0:
            raise CommandError("--households must be 0 or more.")
        if not seeder.bench_tree_exists():
            with transaction.atomic():
                seeder.build_tree(full=households >= seeder.FULL_TREE_FROM)
        tree = seeder.load_tree()
        if reset:
            deleted = seeder.delete_bench_households(tree)
            self.stdout.write(f"Deleted {deleted:,} bench households.")
        have = seeder.bench_household_count(tree)
        if have > households:
            raise CommandError(
                f"{have:,} bench households exist, more than the {households:,} asked for. Nothing was "
                "written. Run with --reset to start again."
            )
        add = households - have
        if add:
            self.stdout.write(f"Adding {add:,} households to the {have:,} there …")
            totals = seeder.seed(tree, add=add, start=have, stdout=self.stdout)
            seconds = max(totals.pop("seconds"), 1e-9)
            rows = sum(totals.values())
            self.stdout.write(
                f"Seeded {', '.join(f'{n:,} {label}' for label, n in totals.items())} in {seconds:.1f} s: "
                f"{add / seconds:,.0f} households/s, {rows / seconds:,.0f} rows/s."
            )
        else:
            self.stdout.write(f"{have:,} bench households already there; nothing to add.")
        if add or reset:
            started = time.monotonic()
            rows = rollups.rollup_refresh()
            self.stdout.write(
                f"Report rollups rebuilt ({rows:,} rows) in {time.monotonic() - started:.1f} s."
            )
        added = nominations.seed(tree, households=households)
        if added:
            self.stdout.write(f"Added {added:,} bench nominations.")
        self.stdout.write(f"bench county_pk={tree.county_pk} county_user={seeder.COUNTY_USER}")
