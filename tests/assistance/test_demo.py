"""The assistance ledger's demo data (seed_demo, seeded once for the module): a few hundred households in
every state, filed and moved through the services, with derived fields that agree with the rules."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone

from assistance import services
from assistance.demo import seed_assistance_demo
from assistance.enums import FILED_STATES, Category, HouseholdState
from assistance.models import (
    DriveEnterprise,
    Household,
    HouseholdMember,
    HouseholdRollup,
    Measure,
    PlanItem,
    Visit,
)
from unionportal import demo
from unionportal.audit.models import AuditEvent
from unionportal.campaigns.workdays import add_working_days

pytestmark = pytest.mark.django_db

User = get_user_model()
AFTER_FILING = {*FILED_STATES, HouseholdState.ESCAPED, HouseholdState.EXITED}


def seed():
    with pytest.MonkeyPatch.context() as patch, override_settings(DEBUG=True):
        patch.setattr(demo, "_seeders", {"assistance": seed_assistance_demo})
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def ledger(module_db, demo_day, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), module_db.unblock():
        seed()
        yield


def test_hundreds_of_households_in_every_state_of_both_counties(ledger):
    households = Household.objects.all()
    assert households.count() >= 200
    assert set(households.values_list("state", flat=True)) == set(HouseholdState.values)
    per_county = Counter(
        "宜城市" if path.startswith(county_path("420684")) else "夷陵区"
        for path in households.values_list("org_path", flat=True)
    )
    assert per_county["宜城市"] >= 100 and per_county["夷陵区"] >= 60
    assert set(households.values_list("category", flat=True)) == set(Category.values)
    # Every household was filed for a drive enterprise, by the cadre responsible for it.
    drives = {d.enterprise_id: d.responsible_cadre_id for d in DriveEnterprise.objects.all()}
    assert all(drives[e] == c for e, c in households.values_list("enterprise_id", "cadre_id"))


def county_path(code: str) -> str:
    from unionportal.orgs.models import Organisation

    return Organisation.objects.get(code=code).path


def test_categories_and_dates_are_derived_as_the_services_derive_them(ledger):
    today = timezone.localdate()
    for household in Household.objects.select_related("organisation").prefetch_related("members"):
        incomes = [m.monthly_income for m in household.members.all()]
        per_capita = services.per_capita_income(household.worker_income, incomes)
        assessment = services.categorise(
            organisation=household.organisation,
            per_capita=per_capita,
            causes=household.causes,
            sudden_cause_on=household.sudden_cause_on,
            today=household.applied_on,
        )
        assert (household.category, household.per_capita_income) == (assessment.category, per_capita)
        assert household.category_explanation == assessment.explanation
        assert household.org_path == household.organisation.path
        assert household.verify_due_on == add_working_days(household.applied_on, services.VERIFY_WORKING_DAYS)
        assert household.applied_on <= today
        if household.state in AFTER_FILING:
            assert household.category != Category.NONE
            assert household.applied_on < household.filed_on <= today
        else:
            assert household.filed_on is None
        if household.state in (HouseholdState.REJECTED, HouseholdState.ESCAPED, HouseholdState.EXITED):
            assert household.closed_reason


def test_help_follows_filing_and_every_step_is_in_the_history(ledger):
    assisted = Household.objects.filter(state__in=[HouseholdState.ASSISTED, HouseholdState.ESCAPED])
    assert assisted.count() >= 50
    assert not assisted.filter(measures__isnull=True).exists()
    assert not Measure.objects.filter(
        household__state__in=["applied", "verified", "appraised", "noticed"]
    ).exists()
    for measure in Measure.objects.select_related("household"):
        assert measure.household.filed_on <= measure.given_on
    assert PlanItem.objects.filter(done_on__isnull=True, follow_up_on__lte=timezone.localdate()).exists()
    # The history has each step, on its day.
    household = Household.objects.filter(state=HouseholdState.ESCAPED).first()
    events = AuditEvent.objects.filter(content_type__model="household", object_id=str(household.pk))
    assert list(events.order_by("at", "id").exclude(to_state="").values_list("to_state", flat=True)) == [
        "applied", "verified", "appraised", "noticed", "filed", "assisted", "escaped"
    ]  # fmt: skip
    assert events.order_by("at").first().at.date() == household.applied_on
    assert HouseholdMember.objects.count() > Household.objects.count()


def test_the_cadre_is_paired_as_before_with_households_waiting_for_a_visit(ledger):
    cadre = User.objects.get(username="cadre")
    paired = DriveEnterprise.objects.filter(cadres=cadre).values_list("enterprise__name", flat=True)
    assert sorted(paired) == ["宜城市雷河建材有限公司", "湖北楚鼎化工股份有限公司", "湖北鄢城纺织有限公司"]
    waiting = Household.objects.filter(cadre=cadre, state=HouseholdState.APPLIED)
    assert waiting.count() >= 2
    assert Visit.objects.filter(cadre=cadre).exists()
    # Every drive enterprise was visited; some visits have photos through the upload path.
    assert set(Visit.objects.values_list("drive_enterprise", flat=True)) == set(
        DriveEnterprise.objects.values_list("pk", flat=True)
    )
    assert Visit.objects.filter(photos__isnull=False).exists()
    # The report rollups were built, so the report pages show the figures at once.
    assert HouseholdRollup.objects.exists()


def test_a_second_run_changes_nothing(ledger):
    def counts():
        return {
            "households": Counter(Household.objects.values_list("state", flat=True)),
            "members": HouseholdMember.objects.count(),
            "measures": Measure.objects.count(),
            "plans": PlanItem.objects.count(),
            "visits": Visit.objects.count(),
            "drives": DriveEnterprise.objects.count(),
            "users": User.objects.count(),
            "audit": AuditEvent.objects.count(),
        }

    first = counts()
    seed()
    assert counts() == first
