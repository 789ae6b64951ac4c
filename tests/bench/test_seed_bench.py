"""seed_bench: a consistent bench data set (filed by the filing rule: categories, valid unique ID numbers),
topped up."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assistance import services
from assistance.enums import ACTIVE_STATES
from assistance.models import Household, HouseholdMember, Measure, Visit
from unionportal.accounts.validators import gender_from_id, validate_id_number

pytestmark = pytest.mark.django_db(transaction=False)


def seed(households: int, *args) -> str:
    out = StringIO()
    call_command("seed_bench", "--households", str(households), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed(300)


def test_seeds_households_with_members_measures_and_visits_and_reports_the_rate(seeded):
    assert Household.objects.count() == 300
    members = HouseholdMember.objects.count()
    assert 600 <= members <= 1200  # about three per household
    assert Measure.objects.exists()
    assert Visit.objects.exists()
    assert "rows/s" in seeded
    assert "bench county_pk=" in seeded


def test_categories_and_per_capita_income_follow_the_rule(seeded):
    sample = Household.objects.select_related("organisation").order_by("pk")[::10]
    assert len(sample) == 30
    for household in sample:
        incomes = list(household.members.values_list("monthly_income", flat=True))
        assert household.per_capita_income == services.per_capita_income(household.worker_income, incomes)
        assessment = services.categorise(
            organisation=household.organisation,
            per_capita=household.per_capita_income,
            causes=household.causes,
            sudden_cause_on=household.sudden_cause_on,
        )
        assert household.category == assessment.category, household.pk
        assert household.category_explanation == assessment.explanation
    assert Household.objects.values("category").distinct().count() >= 3


def test_id_numbers_are_valid_match_the_gender_and_are_unique_among_active_files(seeded):
    rows = list(Household.objects.values_list("id_number", "gender", "state"))
    for id_number, gender, _state in rows:
        validate_id_number(id_number)
        assert gender_from_id(id_number) == gender
    active = [id_number for id_number, _gender, state in rows if state in ACTIVE_STATES]
    assert len(active) == len(set(active))


def test_households_pass_the_model_validation_and_carry_their_organisation_path(seeded):
    for household in Household.objects.select_related("organisation").order_by("pk")[::50]:
        household.full_clean()
        assert household.org_path == household.organisation.path


def test_tops_up_does_nothing_at_the_same_size_and_refuses_to_shrink_without_reset(seeded):
    assert "nothing to add" in seed(300)
    seed(340)
    assert Household.objects.count() == 340
    with pytest.raises(CommandError, match="--reset"):
        seed(100)
    assert Household.objects.count() == 340
    seed(100, "--reset")
    assert Household.objects.count() == 100


def test_the_report_rollups_are_rebuilt_after_seeding_so_the_bench_report_has_figures(seeded):
    from assistance.models import HouseholdLevelRollup, HouseholdRollup
    from assistance.reports import IN_FILE_STATES

    assert "Report rollups rebuilt" in seeded
    filed = Household.objects.filter(state__in=IN_FILE_STATES).count()
    assert (
        sum(HouseholdRollup.objects.filter(state__in=IN_FILE_STATES).values_list("households", flat=True))
        == filed
    )
    assert HouseholdLevelRollup.objects.exists()
    assert "Report rollups rebuilt" not in seed(300)  # nothing written, nothing rebuilt


def test_measures_belong_to_their_households_and_later_inserts_follow_the_seeded_ids(seeded):
    from tests.assistance.factories import household_fields

    helped = Household.objects.filter(state__in=["assisted", "escaped", "exited"])
    assert set(Measure.objects.values_list("household_id", flat=True)) == set(
        helped.values_list("pk", flat=True)
    )
    last = Household.objects.order_by("-pk").first()
    household = Household.objects.create(
        **household_fields(1),
        enterprise=last.enterprise,
        organisation=last.organisation,
        category="none",
        cadre=last.cadre,
        applied_on=last.applied_on,
        verify_due_on=last.verify_due_on,
    )
    assert household.pk > last.pk


def test_the_seeder_runs_its_tasks_here_and_leaves_the_celery_settings_as_they_were():
    from unionportal.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = False  # as with REDIS_URL: a later test talking to a real worker
    try:
        seed(20)
        assert (app.conf.task_always_eager, app.conf.task_eager_propagates) == (False, before[1])
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = before
