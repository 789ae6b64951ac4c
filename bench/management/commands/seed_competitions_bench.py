"""``python manage.py seed_competitions_bench --entrants N --periods P``: a labour competition with N
approved entrants and a checked report each for each of P periods (``bench.competitions``), for the bench
of its ranking page. Idempotent per size. Prints ``bench competition_pk=`` for bin/bench."""

from django.core.management.base import BaseCommand, CommandError

from bench import competitions as seeder


class Command(BaseCommand):
    help = "Generate the bench labour competition (default 5,000 entrants × 12 periods)."

    def add_arguments(self, parser):
        parser.add_argument("--entrants", type=int, default=5_000)
        parser.add_argument("--periods", type=int, default=12)

    def handle(self, *args, entrants, periods, **options):
        if entrants < 1 or not 1 <= periods <= 60:
            raise CommandError("--entrants must be 1 or more and --periods between 1 and 60.")
        competition = seeder.seed(entrants=entrants, periods=periods, stdout=self.stdout)
        self.stdout.write(f"bench competition_pk={competition.pk}")
