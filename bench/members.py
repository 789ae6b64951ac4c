"""Bench data for ``manage.py seed_members_bench``: the real-name member registry at Hubei's scale.

Members are spread evenly over the bench tree's grassroots unions (5,100 in the full tree, so a county
holds about 1 % of them: 10,000 of 1,000,000), in batches written by ``assistance.bulk.insert_rows`` —
COPY on PostgreSQL, bulk_create on the SQLite of tests, each batch moving the unions' member counts
(``orgs.MemberCount``, what the coverage page sums) in its transaction. Every row is what
``Member.save`` would store: a valid, unique ID number (GB 11643) under area code 429300 (the member
import bench uses 429400), the gender and birth date it says, its tails (``id_tail``, ``phone_tail``)
and its union's ``org_path``.
About 3 % are history (left, or transferred out), the rest current members.

Row ``i`` is the same person whatever the batch size, so a top-up continues where the last seed stopped.
"""

import random
import time
from collections import Counter
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from assistance import bulk
from unionportal.accounts.validators import birth_date_from_id, gender_from_id
from unionportal.orgs.enums import Level, MemberStatus
from unionportal.orgs.members import member_counts_add, member_counts_recount
from unionportal.orgs.models import Member, Organisation

from .households import BENCH_CODE_PREFIX, GIVEN, SURNAMES, bench_id_number

AREA = "429300"
IMPORT_AREA = "429400"
BATCH = 50_000
JOINED_FROM = date(2000, 1, 1)
JOINED_DAYS = 9_000


def bench_unions() -> list[tuple[int, str]]:
    """(pk, path) of the bench tree's grassroots unions, in path order."""
    return list(
        Organisation.objects.filter(code__startswith=BENCH_CODE_PREFIX, level=Level.GRASSROOTS)
        .order_by("path")
        .values_list("pk", "path")
    )


def bench_member_count() -> int:
    return Member.objects.filter(id_number__startswith=AREA).count()


def person(i: int, area: str = AREA) -> tuple[str, str, str]:
    """The ``i``-th bench person: (name, ID number, phone); the same in the seed and the import bench."""
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
    if i % 3:
        name += GIVEN[(i // 7) % len(GIVEN)]
    return name, bench_id_number(i, area), f"1{3 + i % 7}{i % 10**9:09d}"


def rows(unions: list[tuple[int, str]], start: int, count: int, now) -> list[dict]:
    rng = random.Random(start)
    out = []
    for i in range(start, start + count):
        pk, path = unions[(i * 7919) % len(unions)]  # a stride, so each batch reaches every union
        name, number, phone = person(i)
        joined = JOINED_FROM + timedelta(days=(i * 37) % JOINED_DAYS)
        status, left_on = MemberStatus.MEMBER, None
        roll = rng.random()
        if roll < 0.02:
            status, left_on = MemberStatus.LEFT, joined + timedelta(days=400)
        elif roll < 0.03:
            status, left_on = MemberStatus.TRANSFERRED_OUT, joined + timedelta(days=200)
        out.append(
            {
                "organisation_id": pk,
                "org_path": path,
                "name": name,
                "id_number": number,
                "id_tail": number[-4:],
                "phone": phone,
                "phone_tail": phone[-4:],
                "gender": gender_from_id(number),
                "birth_date": birth_date_from_id(number),
                "joined_on": joined,
                "status": str(status),
                "left_on": left_on,
                "user_id": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    return out


def seed(*, add: int, start: int, stdout=None) -> float:
    """Add ``add`` members numbered from ``start``; returns the elapsed seconds."""
    unions = bench_unions()
    if not unions:
        raise ValueError("the bench tree has no grassroots unions")
    now = timezone.now()
    started = time.monotonic()
    done = 0
    while done < add:
        n = min(BATCH, add - done)
        batch = rows(unions, start + done, n, now)
        with transaction.atomic():
            bulk.insert_rows(Member, batch)
            # The coverage page's counts move with the rows, as the registry's own writes move them.
            member_counts_add(
                Counter(r["organisation_id"] for r in batch if r["status"] == MemberStatus.MEMBER)
            )
        done += n
        if stdout is not None and add > BATCH:
            elapsed = time.monotonic() - started
            stdout.write(f"  {done:,} / {add:,} members, {done / elapsed:,.0f} rows/s")
    finish()
    return time.monotonic() - started


def finish() -> None:
    """Refresh the planner's statistics (bin/bench vacuums the table too, for index-only scans)."""
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(Member._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def delete_bench_members(area: str = AREA) -> int:
    """Delete the bench members under ``area`` and recount the unions they were in."""
    rows = Member.objects.filter(id_number__startswith=area)
    with transaction.atomic():
        unions = list(rows.values_list("organisation_id", flat=True).distinct().order_by())
        deleted = rows._raw_delete(rows.db)
        member_counts_recount(organisation_ids=unions)
    return deleted
