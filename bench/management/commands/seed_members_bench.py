"""``python manage.py seed_members_bench --members N``: the member registry at Hubei's scale.

Builds the bench tree if ``seed_bench`` has not, then brings the bench members (``bench.members``) to N,
and prints ``bench`` lines for bin/bench: the bench county's staff account and a name prefix and last
four that the search scenarios look up.
"""

from urllib.parse import quote

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bench import households as tree_seeder
from bench import members as seeder
from unionportal.orgs.models import Member, Organisation

FULL_TREE_FROM = 500_000


class Command(BaseCommand):
    help = "Generate N bench members (default 1,000,000) in the bench union tree's grassroots unions."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=1_000_000)
        parser.add_argument("--reset", action="store_true", help="Delete the bench members first.")

    def handle(self, *args, members, reset, **options):
        if members < 0:
            raise CommandError("--members must be 0 or more.")
        if not tree_seeder.bench_tree_exists():
            with transaction.atomic():
                tree_seeder.build_tree(full=members >= FULL_TREE_FROM)
        tree = tree_seeder.load_tree()
        if reset:
            self.stdout.write(f"Deleted {seeder.delete_bench_members():,} bench members.")
        have = seeder.bench_member_count()
        if have > members:
            raise CommandError(
                f"{have:,} bench members exist, more than the {members:,} asked for. Nothing was written. "
                "Run with --reset to start again."
            )
        add = members - have
        if add:
            self.stdout.write(f"Adding {add:,} members to the {have:,} there …")
            seconds = max(seeder.seed(add=add, start=have, stdout=self.stdout), 1e-9)
            self.stdout.write(f"Seeded {add:,} members in {seconds:.1f} s: {add / seconds:,.0f} rows/s.")
        else:
            self.stdout.write(f"{have:,} bench members already there; nothing to add.")
        # What the search scenarios look up: a surname and the last four of a member of the bench county.
        county_path = Organisation.objects.get(pk=tree.county_pk).path
        sample = (
            Member.objects.filter(org_path__startswith=county_path, id_number__startswith=seeder.AREA)
            .order_by("pk")
            .values_list("name", "id_tail")
            .first()
        )
        name, tail = sample or ("王", "0000")
        # URL-quoted: bin/bench puts it in a request path as it is.
        self.stdout.write(
            f"bench member_surname={quote(name[0])} member_tail={tail} county_pk={tree.county_pk}"
        )
