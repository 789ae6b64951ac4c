"""Bench the member import: generate N members as a CSV file, then read, check and write it as one
import through the shared base, printing rows per second and peak memory.

    python manage.py bench_import_members --members 100000

What an import job does with a stored file, step by step: the guarded reader (``read_tables``), the
check (``Importer.check``: the dry run that gives the row-numbered preview) and the write
(``Importer.write`` in one transaction, all or nothing). The unions are the bench tree's grassroots
unions (run ``seed_bench`` or ``seed_members_bench`` first); the import runs as the bench's staff
account. The imported members carry ID numbers under area code 429400, which no seeded row uses, and
are deleted again afterwards unless ``--keep`` is given.
"""

import csv
import io
import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bench import members as seeder
from bench.households import bench_staff
from bench.management.commands.bench_import_households import _memory_mib, _reset_peak_rss
from unionportal.imports.importers import StoredFile, TableImporter
from unionportal.imports.services import read_tables
from unionportal.orgs.member_resources import MemberResource
from unionportal.orgs.models import Organisation

HEADERS = ["姓名", "身份证号", "手机号", "性别", "出生日期", "入会日期", "工会组织代码"]


def generate(n: int, codes: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for i in range(n):
        name, number, phone = seeder.person(i, seeder.IMPORT_AREA)
        # Every other row leaves gender and birth date to the ID number; the rest give them (checked).
        gender = ("男" if int(number[16]) % 2 else "女") if i % 2 else ""
        born = f"{number[6:10]}-{number[10:12]}-{number[12:14]}" if i % 2 else ""
        writer.writerow([name, number, phone, gender, born, f"20{10 + i % 15}-05-01", codes[i % len(codes)]])
    return buffer.getvalue().encode("utf-8")


class Command(BaseCommand):
    help = "Bench the member import (CSV through the shared import base): rows/s and peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000)
        parser.add_argument("--keep", action="store_true", help="keep the imported members")
        parser.add_argument(
            "--trace-memory", action="store_true", help="also report tracemalloc's peak (slows the import)"
        )

    def handle(self, *args, members, keep, trace_memory, **options):
        if members < 1:
            raise CommandError("--members must be 1 or more.")
        actor = bench_staff()
        codes = [
            code
            for _pk, code in Organisation.objects.filter(pk__in=[pk for pk, _path in seeder.bench_unions()])
            .order_by("path")
            .values_list("pk", "code")
        ]
        if not codes:
            raise CommandError("no bench tree: run seed_bench or seed_members_bench first")
        seeder.delete_bench_members(seeder.IMPORT_AREA)
        content = generate(members, codes)
        size = len(content)
        files = [StoredFile("", "members.csv", content)]
        del content
        rss_before = _memory_mib("VmRSS")
        reset = _reset_peak_rss()
        if trace_memory:
            tracemalloc.start()
        started = time.perf_counter()
        importer = TableImporter.for_resource(MemberResource)(user=actor)
        tables = read_tables(importer, files)
        del files
        parsed = time.perf_counter()
        checked = importer.check(tables)
        if checked.has_errors:
            raise CommandError("the generated file did not check: " + "; ".join(checked.errors[:5]))
        validated = time.perf_counter()
        with transaction.atomic():
            written = importer.write(tables)
        finished = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] if trace_memory else None
        if trace_memory:
            tracemalloc.stop()
        peak_rss = _memory_mib("VmHWM")
        elapsed = finished - started
        rows = written.total
        self.stdout.write(f"import members: {rows} rows, file {size / 2**20:.1f} MiB ({connection.vendor})")
        self.stdout.write(
            f"  parse {parsed - started:.1f} s, check {validated - parsed:.1f} s, "
            f"write {finished - validated:.1f} s, total {elapsed:.1f} s"
        )
        self.stdout.write(f"  rows/s: {rows / elapsed:,.0f}")
        if peak is not None:
            self.stdout.write(f"  peak memory (tracemalloc): {peak / 2**20:,.0f} MiB")
        self.stdout.write(
            f"  peak RSS: {peak_rss:,.0f} MiB (at the start of the import: {rss_before:,.0f} MiB"
            f"{'' if reset else '; the peak includes generating the file'})"
        )
        if not keep:
            seeder.delete_bench_members(seeder.IMPORT_AREA)
