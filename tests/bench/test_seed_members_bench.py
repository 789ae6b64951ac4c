"""seed_members_bench: valid, unique bench members spread over the bench tree's unions, topped up; and the
member import bench's generated file passing the importer's own checks."""

from io import StringIO
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command

from bench import members as seeder
from bench.management.commands.bench_import_members import generate
from unionportal.accounts.validators import birth_date_from_id, gender_from_id, validate_id_number
from unionportal.orgs.enums import Level, MemberStatus
from unionportal.orgs.models import Member, Organisation

pytestmark = pytest.mark.django_db


def seed(members: int, *args) -> str:
    out = StringIO()
    call_command("seed_members_bench", "--members", str(members), *args, stdout=out)
    return out.getvalue()


def test_seeds_valid_unique_members_in_the_bench_unions_and_tops_them_up():
    out = seed(400)
    assert "rows/s" in out and "bench member_surname=" in out and "member_tail=" in out
    assert Member.objects.count() == 400
    rows = list(Member.objects.select_related("organisation"))
    assert len({m.id_number for m in rows}) == 400
    for m in rows[::20]:
        validate_id_number(m.id_number)
        assert (m.gender, m.birth_date) == (gender_from_id(m.id_number), birth_date_from_id(m.id_number))
        assert (m.id_tail, m.phone_tail) == (m.id_number[-4:], m.phone[-4:])
        assert m.org_path == m.organisation.path and m.organisation.level == Level.GRASSROOTS
    unions = Organisation.objects.filter(code__startswith="B", level=Level.GRASSROOTS).count()
    assert Member.objects.values("organisation").distinct().count() == unions
    history = Member.objects.exclude(status=MemberStatus.MEMBER)
    assert 0 < history.count() < 40 and not history.filter(left_on__isnull=True).exists()
    seed(500)
    assert Member.objects.count() == 500
    assert "nothing to add" in seed(500)
    with pytest.raises(CommandError):
        seed(100)
    seed(100, "--reset")
    assert Member.objects.count() == 100


def test_the_seeded_member_is_found_by_the_printed_search_values():
    out = seed(200)
    values = dict(part.split("=") for part in out.strip().splitlines()[-1].split()[1:])
    county = Organisation.objects.get(pk=values["county_pk"])
    in_county = Member.objects.filter(org_path__startswith=county.path)
    assert in_county.filter(name__startswith=unquote(values["member_surname"])).exists()
    assert in_county.filter(id_tail=values["member_tail"]).exists()


def test_the_import_bench_file_checks_clean_and_imports(settings):
    from bench.households import bench_staff
    from unionportal.imports.importers import StoredFile, TableImporter
    from unionportal.imports.services import read_tables
    from unionportal.orgs.member_resources import MemberResource

    seed(0)
    codes = list(
        Organisation.objects.filter(code__startswith="B", level=Level.GRASSROOTS).values_list(
            "code", flat=True
        )
    )
    importer = TableImporter.for_resource(MemberResource)(user=bench_staff())
    tables = read_tables(importer, [StoredFile("", "members.csv", generate(300, codes))])
    assert importer.check(tables).errors == []
    outcome = importer.write(tables)
    assert outcome.counts["new"] == 300
    assert Member.objects.filter(id_number__startswith=seeder.IMPORT_AREA).count() == 300
