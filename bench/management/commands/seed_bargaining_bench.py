"""``python manage.py seed_bargaining_bench --enterprises N --offers M``: the wage bargaining drive on N
enterprises with their bargaining facts and M offers (with the agreements of the accepted ones), in the
bench union tree (``bench.bargaining``; the tree is built first if ``seed_bench`` has not). Idempotent per
size. Prints ``bench`` lines for bin/bench: the bench county's pk."""

from django.core.management.base import BaseCommand, CommandError

from bench import bargaining as seeder


class Command(BaseCommand):
    help = "Generate the bench bargaining drive (default 100,000 enterprises and 30,000 offers)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=100_000)
        parser.add_argument("--offers", type=int, default=30_000)
        parser.add_argument("--reset", action="store_true", help="Delete the bench bargaining rows first.")

    def handle(self, *args, enterprises, offers, reset, **options):
        if enterprises < 1 or offers < 0:
            raise CommandError("--enterprises must be 1 or more and --offers 0 or more.")
        if offers > enterprises:
            raise CommandError("--offers cannot exceed --enterprises (one offer per enterprise).")
        if reset:
            self.stdout.write(f"Deleted {seeder.delete_bench():,} bench bargaining rows.")
        have, have_offers = seeder.counts()
        if have > enterprises or have_offers > offers:
            raise CommandError(
                f"{have:,} bench enterprises and {have_offers:,} offers exist, more than asked for. "
                "Nothing was written. Run with --reset to start again."
            )
        seconds = seeder.seed(enterprises=enterprises, offers=offers, stdout=self.stdout)
        have, have_offers = seeder.counts()
        self.stdout.write(
            f"Bench bargaining: {have:,} enterprises, {have_offers:,} offers in {seconds:.1f} s."
        )
        county = seeder.bench_county()
        self.stdout.write(f"bench bargaining_county_pk={county.pk if county else 0}")
