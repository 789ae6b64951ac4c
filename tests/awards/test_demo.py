"""The awards' demo data (seed_demo) and the bench honourees (seed_honourees)."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone

from awards.demo import seed_awards_demo
from awards.models import Nomination
from unionportal import demo
from unionportal.audit.models import AuditEvent
from unionportal.notifications.models import Notification
from unionportal.orgs.demo_data import ORGANISATIONS
from unionportal.orgs.enums import Level
from unionportal.public.models import PublicEntry
from unionportal.selection.models import Allocation, Candidacy, Notice, Objection, PastHonour, Programme
from unionportal.uploads.models import StoredFile

pytestmark = pytest.mark.django_db

GRASSROOTS, GRASSROOTS2 = "420684001001", "420506101001"


@pytest.fixture
def only_awards_demo(monkeypatch):
    # The base data and the awards' seeder only: the other apps' seeders are tested with their apps.
    monkeypatch.setattr(demo, "_seeders", {"awards": seed_awards_demo})


def seed():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


def counts() -> dict:
    return {
        "programmes": Programme.objects.count(),
        "allocations": Allocation.objects.count(),
        "candidacies": Counter(Candidacy.objects.values_list("programme__campaign__year", "state")),
        "nominations": Nomination.objects.count(),
        "notices": Notice.objects.count(),
        "objections": Counter(Objection.objects.values_list("state", flat=True)),
        "public": Counter(PublicEntry.objects.values_list("stage", flat=True)),
        "past honours": PastHonour.objects.count(),
        "files": StoredFile.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_seed_demo_walks_nominations_to_every_state_and_a_second_run_changes_nothing(only_awards_demo):
    seed()
    first = counts()
    seed()
    assert counts() == first

    states = {
        code: set(
            Candidacy.objects.filter(organisation__code=code, programme__campaign__year=2026).values_list(
                "state", flat=True
            )
        )
        for code in (GRASSROOTS, GRASSROOTS2)
    }
    assert states[GRASSROOTS] == {
        "draft", "review3", "review2", "returned", "rejected", "review1", "approved", "notice"
    }  # fmt: skip
    assert states[GRASSROOTS2] == {"draft", "review3", "review2", "returned", "rejected"}

    now = timezone.now()
    programmes = Programme.objects.filter(campaign__year=2026)
    assert sorted(programmes.values_list("code", flat=True)) == ["medal", "national", "team", "unit"]
    assert all(p.intake_open(now) for p in programmes)
    assert {p.notice_office for p in programmes} == {"湖北省总工会劳动和经济工作部"}
    medal = programmes.get(code="medal")
    cities = {o["code"] for o in ORGANISATIONS if o["level"] == Level.CITY}
    allocated = set(medal.allocations.values_list("organisation__code", flat=True))
    assert cities <= allocated
    assert {"420684", "420506", "420602"} <= allocated  # counties of 襄阳 and 宜昌

    # The 2026 medal list is on notice today, with one open objection.
    notice = Notice.objects.get(programme=medal)
    assert notice.is_running(timezone.localdate())
    assert list(Objection.objects.filter(notice=notice).values_list("state", "candidacy__name")) == [
        ("open", "黄丽华")
    ]
    # The 2025 medal list was published after its objection was dismissed.
    past = Candidacy.objects.filter(programme__campaign__year=2025)
    assert sorted(past.values_list("name", "state")) == [("吴桂兰", "published"), ("罗海波", "published")]
    assert list(Objection.objects.filter(notice__programme__campaign__year=2025).values_list("state")) == [
        ("dismissed",)
    ]
    assert PublicEntry.objects.filter(stage="published", year=2025).count() == 2
    # A 2026 nominee honoured in 2023 is flagged.
    assert Candidacy.objects.get(name="孙志刚").past_honours == "2023 省级湖北省五一劳动奖章"
    # Every nomination has a photo and the details of its kind.
    assert not Candidacy.objects.filter(photo__isnull=True).exists()
    assert Nomination.objects.count() == Candidacy.objects.count()
    assert Nomination.objects.get(candidacy__name="李建军").get_gender_display() == "男"


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
