"""seed_honourees: the published honourees the bench measures /honourees/ on, written once."""

from io import StringIO

import pytest
from django.core.management import call_command

from unionportal.orgs.demo_data import ORGANISATIONS
from unionportal.orgs.enums import Level
from unionportal.public.models import PublicEntry

pytestmark = pytest.mark.django_db


def test_seed_honourees_writes_published_bench_rows_once():
    out = StringIO()
    call_command("seed_honourees", count=30, stdout=out)
    first = PublicEntry.objects.filter(source__startswith="bench:").order_by("pk").first()
    assert out.getvalue() == (
        f"bench honourees: 30 added, 30 there (asked for 30).\nbench honouree_pk={first.pk}\n"
    )
    rows = PublicEntry.objects.filter(source__startswith="bench:")
    assert rows.filter(stage="published", published_at__isnull=False).count() == 30
    snapshot = sorted(rows.values_list("source", "name", "year", "award", "region", "tags"))
    regions = {o["name"].removesuffix("总工会") for o in ORGANISATIONS if o["level"] == Level.CITY}
    for _source, name, year, award, region, tags in snapshot:
        assert name and 2012 <= year <= 2025 and award and region in regions
        assert tags.startswith(",") and tags.endswith(",")

    out = StringIO()
    call_command("seed_honourees", count=30, stdout=out)
    assert out.getvalue().startswith("bench honourees: 0 added, 30 there (asked for 30).\n")
    call_command("seed_honourees", count=40, stdout=StringIO())
    assert rows.count() == 40
    # The first thirty are the same rows as before.
    assert sorted(rows.filter(source__in=[s[0] for s in snapshot]).values_list(
        "source", "name", "year", "award", "region", "tags"
    )) == snapshot  # fmt: skip
    call_command("seed_honourees", count=5, reset=True, stdout=StringIO())
    assert rows.count() == 5
