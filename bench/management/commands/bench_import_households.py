"""Bench the household import: generate N households (with members) as CSV or xlsx, then parse,
validate and write them as one import, printing households per second and peak memory.

    python manage.py bench_import_households --households 100000 --format csv

The enterprises and thresholds come from the database (run ``seed_bench`` or ``seed_demo`` first). The
import runs as the bench's staff account (``bench.households.bench_staff``). The imported households
carry ID numbers under area code 429100, which no seeded data uses, and are deleted again afterwards
unless ``--keep`` is given.
"""

import csv
import io
import random
import resource
import time
import tracemalloc
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from openpyxl import Workbook

from assistance import household_import as hi
from assistance.models import DriveEnterprise, Household, HouseholdMember
from assistance.selectors import threshold_for
from bench.households import bench_id_number, bench_staff
from unionportal.imports.importers import StoredFile
from unionportal.imports.services import read_tables

AREA = "429100"
ENTERPRISES = 200
CAUSES = ["重病", "残疾", "子女就学", "失业", "收入低", "重病、子女就学", ""]
RELATIONS = [("配偶", 45, "不在学"), ("子女", 15, "初中"), ("父母", 72, "不在学"), ("子女", 8, "小学")]


def _csv(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(households, members) -> bytes:
    book = Workbook(write_only=True)
    for title, headers, rows in (
        (hi.HOUSEHOLD_SHEET, [h for _k, h, _r in hi.HOUSEHOLD_COLUMNS], households),
        (hi.MEMBER_SHEET, [h for _k, h, _r in hi.MEMBER_COLUMNS], members),
    ):
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _reset_peak_rss() -> bool:
    """Reset the kernel's high-water mark of this process's resident memory (Linux 4.0+), so that the
    peak read afterwards is the import's, not the generating of the file's; False where that is not
    possible."""
    try:
        Path("/proc/self/clear_refs").write_bytes(b"5")
    except OSError:
        return False
    return True


def _memory_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status (``VmRSS`` now, ``VmHWM`` its peak since
    the last reset), else the lifetime peak from getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(n: int, per_household: int, codes: list[str], seed: int = 7):
    rng = random.Random(seed)
    households, members = [], []
    for i in range(n):
        idn = bench_id_number(i, AREA)
        male = int(idn[16]) % 2 == 1
        households.append(
            [
                codes[i % len(codes)],
                f"职工{i}",
                idn,
                "男" if male else "女",
                f"139{i % 100_000_000:08d}",
                rng.choice(["在岗", "去产能分流安置", "失业", "灵活就业"]),
                str(rng.randrange(300, 3000)),
                rng.choice(CAUSES),
                "",
                "",
            ]
        )
        for k in range(per_household):
            relation, age, school = RELATIONS[k % len(RELATIONS)]
            members.append(
                [idn, f"成员{i}-{k}", relation, str(age), "健康", school, str(rng.choice([0, 0, 300, 800]))]
            )
    return households, members


class Command(BaseCommand):
    help = "Bench the bulk import of households with members (CSV or xlsx): households/s and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=100_000)
        parser.add_argument("--members", type=int, default=3, help="members per household")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--keep", action="store_true", help="keep the imported households")
        parser.add_argument(
            "--trace-memory",
            action="store_true",
            help="also report tracemalloc's peak (it slows the import about 2.5×: time it without)",
        )

    def handle(self, *args, **options):
        n, fmt = options["households"], options["format"]
        actor = bench_staff()
        codes = self._enterprise_codes(actor)
        self._delete_previous()
        households, members = generate(n, options["members"], codes)
        if fmt == "csv":
            files = [
                StoredFile(
                    hi.HOUSEHOLDS.key,
                    "households.csv",
                    _csv([h for _k, h, _r in hi.HOUSEHOLD_COLUMNS], households),
                ),
                StoredFile(
                    hi.MEMBERS.key, "members.csv", _csv([h for _k, h, _r in hi.MEMBER_COLUMNS], members)
                ),
            ]
        else:
            files = [StoredFile("", "households.xlsx", _xlsx(households, members))]
        del households, members
        size = sum(len(f.content) for f in files)
        return self._run(actor, files, fmt, size, options)

    def _run(self, actor, files: list, fmt: str, size: int, options) -> None:
        rss_before = _memory_mib("VmRSS")
        reset = _reset_peak_rss()
        trace = options["trace_memory"]
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        # What an import job does with the stored files, step by step: read them through the shared
        # guarded reader, check them by the filing rule, write them in one transaction.
        importer = hi.HouseholdImporter(user=actor)
        tables = read_tables(importer, files)
        del files
        parsed = time.perf_counter()
        report = hi.validate(actor, tables[hi.HOUSEHOLDS.key], tables[hi.MEMBERS.key])
        validated = time.perf_counter()
        if not report.ok:
            raise CommandError(
                "the generated file did not validate: " + "; ".join(report.outcome().errors[:5])
            )
        del tables
        with transaction.atomic():
            written = hi.write(actor, report)
        finished = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
        peak_rss = _memory_mib("VmHWM")
        members_written = report.member_count
        del report
        elapsed = finished - started
        self.stdout.write(
            f"import {fmt}: {written} households, {members_written} members, file {size / 2**20:.1f} MiB "
            f"({connection.vendor})"
        )
        self.stdout.write(
            f"  parse {parsed - started:.1f} s, validate {validated - parsed:.1f} s, "
            f"write {finished - validated:.1f} s, total {elapsed:.1f} s"
        )
        self.stdout.write(f"  households/s: {written / elapsed:,.0f}")
        if peak is not None:
            self.stdout.write(f"  peak memory (tracemalloc): {peak / 2**20:,.0f} MiB")
        # The generated file and the interpreter are resident before the import starts; where the
        # peak could not be reset, it may be the generating's rather than the import's.
        self.stdout.write(
            f"  peak RSS: {peak_rss:,.0f} MiB (at the start of the import: {rss_before:,.0f} MiB"
            f"{'' if reset else '; the peak includes generating the file'})"
        )
        if not options["keep"]:
            self._delete_previous()

    def _enterprise_codes(self, actor) -> list[str]:
        drives = DriveEnterprise.objects.select_related("enterprise__union", "enterprise__township").order_by(
            "pk"
        )[: ENTERPRISES * 5]
        codes, governed = [], {}
        for drive in drives:
            organisation = drive.enterprise.union or drive.enterprise.township
            if organisation.pk not in governed:
                governed[organisation.pk] = threshold_for(organisation) is not None
            if governed[organisation.pk]:
                codes.append(drive.enterprise.credit_code)
            if len(codes) >= ENTERPRISES:
                break
        if not codes:
            raise CommandError(
                "No drive enterprises with hardship thresholds in the database: "
                "run `python manage.py seed_bench` or `python manage.py seed_demo` first."
            )
        return codes

    def _delete_previous(self) -> None:
        """Remove the households an earlier bench run imported (ID numbers under the bench area code)."""
        with transaction.atomic():
            households = Household._base_manager.filter(id_number__startswith=AREA)
            HouseholdMember._base_manager.filter(household__in=households)._raw_delete(connection.alias)
            households._raw_delete(connection.alias)
