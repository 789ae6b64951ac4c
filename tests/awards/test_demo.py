"""The awards' demo data (seed_demo, seeded once for the module)."""

from collections import Counter
from datetime import date
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
from unionportal.selection.selectors import allocation_problems, check_rules
from unionportal.uploads.models import StoredFile

pytestmark = pytest.mark.django_db

GRASSROOTS, GRASSROOTS2 = "420684001001", "420506101001"
CITIES = {o["name"].removesuffix("总工会") for o in ORGANISATIONS if o["level"] == Level.CITY}


def seed():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def awards_demo(module_db, demo_day, tmp_path_factory):
    # The base data and the awards' seeder only: the other apps' seeders are tested with their apps.
    with (
        pytest.MonkeyPatch.context() as patch,
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        module_db.unblock(),
    ):
        patch.setattr(demo, "_seeders", {"awards": seed_awards_demo})
        seed()
        yield


def counts() -> dict:
    return {
        "programmes": Programme.objects.count(),
        "allocations": sorted(Allocation.objects.values_list("programme_id", "organisation_id", "quota")),
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


def test_a_second_run_changes_nothing(awards_demo):
    first = counts()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "_seeders", {"awards": seed_awards_demo})
        seed()
    assert counts() == first


def test_nominations_of_2026_in_every_state(awards_demo):
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
    # The demo stands on 27 April: the provincial lists' intake closed on 31 March, the national
    # recommendation takes nominations until 15 May.
    assert timezone.localdate(now) == date(2026, 4, 27)
    assert {p.code for p in programmes if p.intake_open(now)} == {"national"}
    closes = {p.code: timezone.localtime(p.intake_closes_at).date() for p in programmes}
    assert closes == {
        "unit": date(2026, 3, 31), "medal": date(2026, 3, 31), "team": date(2026, 3, 31), "national": date(2026, 5, 15)
    }  # fmt: skip
    assert {p.notice_office for p in programmes} == {"湖北省总工会劳动和经济工作部"}
    medal = programmes.get(code="medal")
    cities = {o["code"] for o in ORGANISATIONS if o["level"] == Level.CITY}
    allocated = set(medal.allocations.values_list("organisation__code", flat=True))
    assert cities <= allocated
    assert {"420684", "420506", "420602"} <= allocated  # counties of 襄阳 and 宜昌

    # The 2026 medal list is on notice today, with one open objection.
    notice = Notice.objects.get(programme=medal)
    assert notice.starts_on == date(2026, 4, 22) and notice.is_running(timezone.localdate())
    assert list(Objection.objects.filter(notice=notice).values_list("state", "candidacy__name")) == [
        ("open", "黄丽华")
    ]
    # A 2026 nominee honoured in 2023 is flagged.
    honours = Candidacy.objects.get(name="孙志刚").past_honours
    assert honours == [{"year": 2023, "level": "provincial", "award": "湖北省五一劳动奖章"}]
    assert str(honours) == "2023 省级湖北省五一劳动奖章"
    # Every nomination has a photo and the details of its kind.
    assert not Candidacy.objects.filter(photo__isnull=True).exists()
    assert Nomination.objects.count() == Candidacy.objects.count()
    assert Nomination.objects.get(candidacy__name="李建军").get_gender_display() == "男"


def test_the_2025_lists_are_published_in_full_from_every_city(awards_demo):
    lists = Programme.objects.filter(campaign__year=2025)
    published = {p.code: p.candidacies.filter(state="published").count() for p in lists}
    assert published == {"unit": 50, "medal": 100, "team": 100}
    assert {p.code: p.nominee_kind for p in lists} == {"unit": "unit", "medal": "individual", "team": "team"}
    assert not Candidacy.objects.filter(programme__campaign__year=2025).exclude(state="published").exists()
    for programme in lists:
        regions = set(programme.candidacies.values_list("region", flat=True))
        assert regions == CITIES, programme.code
        # Each city put forward exactly its quota, and the quotas hold together.
        quotas = {a.organisation_id: a.quota for a in programme.allocations.all()}
        assert allocation_problems(programme, quotas) == []
        assert sum(a.quota for a in programme.allocations.filter(organisation__level=Level.CITY)) == (
            programme.total_quota
        )
    # The two walked nominees and the objection on the medal list, dismissed during the 2025 notice.
    walked = Candidacy.objects.filter(programme__campaign__year=2025, organisation__code=GRASSROOTS)
    assert sorted(walked.values_list("name", "state")) == [("吴桂兰", "published"), ("罗海波", "published")]
    objection = Objection.objects.get(notice__programme__campaign__year=2025)
    assert (objection.state, objection.candidacy.name) == ("dismissed", "罗海波")
    assert objection.created_at.year == objection.handled_at.year == 2025
    # The medal list keeps the programme's rules (front line, migrant workers, heads, vetoes).
    medal = lists.get(code="medal")
    assert all(r.ok for r in check_rules(medal, list(medal.candidacies.all())))
    assert PastHonour.objects.filter(year=2025, award=medal.award).count() == 100
    # Individuals have valid, distinct ID numbers and the details of the form.
    people = Nomination.objects.filter(candidacy__programme=medal)
    assert people.filter(gender__in=["M", "F"], birth_date__isnull=False).exclude(job_title="").count() == 100
    assert len(set(medal.candidacies.values_list("id_number", flat=True))) == 100
    units = Nomination.objects.filter(
        candidacy__programme__campaign__year=2025, candidacy__programme__code="unit"
    )
    assert units.exclude(credit_code="").exclude(unit_type="").count() == 50


def test_the_public_site_lists_honourees_across_years_kinds_and_regions(awards_demo, client):
    rows = PublicEntry.objects.published()
    assert rows.count() >= 250
    assert len(set(rows.values_list("year", flat=True))) >= 2
    assert {"湖北省五一劳动奖状", "湖北省五一劳动奖章", "湖北省工人先锋号"} <= set(
        rows.values_list("award", flat=True)
    )
    assert len(set(rows.values_list("region", flat=True))) >= 15
    # Names are unique within a list, every row has deeds, priority fields and a public generated card.
    for year, award in set(rows.values_list("year", "award")):
        names = list(rows.filter(year=year, award=award).values_list("name", flat=True))
        assert len(names) == len(set(names)), (year, award)
    assert not rows.filter(summary="").exists() and not rows.filter(deeds="").exists()
    assert not rows.filter(tags="").exists()
    assert rows.filter(photo__is_public=True, photo__kind="image").count() == rows.count()
    # Published in the year of the list, never later.
    assert all(r.published_at.year == r.year for r in rows)
    response = client.get("/honourees/?year=2025&region=恩施土家族苗族自治州")
    assert response.status_code == 200
    assert response.context["page"].paginator.count >= 3
    entry = rows.filter(year=2025, award="湖北省工人先锋号").first()
    assert client.get(f"/honourees/{entry.pk}/").status_code == 200
    assert client.get(f"/honourees/{entry.pk}/photo/").status_code == 200


def test_the_2025_history_is_the_pipeline_s_and_dated_2025(awards_demo):
    candidacies = Candidacy.objects.filter(programme__campaign__year=2025)
    ids = [str(pk) for pk in candidacies.values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(content_type__model="candidacy", object_id__in=ids)
    for state in ("review1", "approved", "notice", "published"):
        assert events.filter(to_state=state).values("object_id").distinct().count() == len(ids), state
    assert events.filter(action="selection.candidacy.create").count() == len(ids)
    assert {e.year for e in events.values_list("at", flat=True)} == {2025}
    assert {c.year for c in candidacies.values_list("created_at", flat=True)} == {2025}
    notices = Notice.objects.filter(programme__campaign__year=2025)
    assert {(n.starts_on.isoformat(), n.opened_at.year) for n in notices} == {("2025-04-21", 2025)}


def test_the_2026_history_is_dated_on_the_campaign_s_calendar(awards_demo):
    """Nominated in March, reviewed in April, the medal list on notice from 22 April: nothing after the
    demo's day, nothing of 2026 before the intake opened."""
    ids = [
        str(pk)
        for pk in Candidacy.objects.filter(programme__campaign__year=2026).values_list("pk", flat=True)
    ]
    events = AuditEvent.objects.filter(content_type__model="candidacy", object_id__in=ids)
    days = {timezone.localtime(at).date() for at in events.values_list("at", flat=True)}
    assert min(days) >= date(2026, 2, 2) and max(days) <= date(2026, 4, 27)
    medal = Candidacy.objects.get(name="黄丽华")
    assert timezone.localtime(medal.submitted_at).date() == date(2026, 3, 26)
    national = Candidacy.objects.get(name="孙志刚")
    assert date(2026, 4, 7) <= timezone.localtime(national.submitted_at).date() <= date(2026, 4, 27)
