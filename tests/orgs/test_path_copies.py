"""Copies of organisation paths follow the tree: a union moved to another county takes its households
(and their audit events, and the report rollups) with it, and so does a branch shifted along by a
sorted insert before it. The move service refuses what the parent rule and the matrix refuse."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse

from assistance import rollups, services
from assistance.models import DriveLevelRollup, Household
from tests.assistance.factories import MEMBERS, household_fields, ledger
from tests.factories import Role, make_org, make_user
from unionportal.audit.models import AuditEvent
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.orgs.paths import path_copies
from unionportal.orgs.services import organisation_move

pytestmark = pytest.mark.django_db

REGISTERED = [
    "assistance.DriveLevelRollup.key",
    "assistance.Household.org_path",
    "assistance.HouseholdLevelRollup.key",
    "assistance.HouseholdRollup.org_path",
    "assistance.MeasureLevelRollup.key",
    "assistance.MeasureRollup.org_path",
    "audit.AuditEvent.org_path",
    "bargaining.Agreement.org_path",
    "bargaining.BargainingProfile.org_path",
    "bargaining.Coverage.org_path",
    "bargaining.Offer.org_path",
    "benefits.Offer.org_path",
    "benefits.Signup.member_path",
    "benefits.Signup.org_path",
    "competitions.Competition.org_path",
    "competitions.Competition.scope_path",
    "competitions.Entrant.org_path",
    "competitions.ScoreReport.org_path",
    "competitions.SkillsEvent.org_path",
    "competitions.Tour.org_path",
    "competitions.Winner.org_path",
    "orgs.FoundingApplication.org_path",
    "orgs.JoinApplication.org_path",
    "orgs.Member.org_path",
    "public.LessonCompletion.org_path",
    "rights.EnterpriseFlag.org_path",
    "rights.RightsRequest.org_path",
    "rights.RightsRequest.origin_path",
]


@pytest.fixture
def world():
    """County a's ledger: a household filed with the grassroots union under township a."""
    w = ledger()
    w.household = services.household_create(
        actor=w.cadre, enterprise=w.enterprise, members=MEMBERS, **household_fields(1)
    )
    return w


def fresh(org) -> Organisation:
    return Organisation.objects.get(pk=org.pk)


def listed(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("assistance:households"))
    assert response.status_code == 200
    return response.content.decode()


def test_every_column_named_for_a_path_is_kept_in_step():
    """A new column copying paths must be registered (paths.register_path_copy) to pass this test."""
    named = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField) and field.name.endswith("path") and model is not Organisation
    }
    assert named <= set(path_copies())
    assert path_copies() == REGISTERED


def test_a_moved_union_takes_its_households_to_the_new_county(
    world, client, django_capture_on_commit_callbacks
):
    township = world.tree["township_a"]
    with django_capture_on_commit_callbacks(execute=True):
        moved = organisation_move(organisation=township, parent=world.tree["county_b"])
    grassroots = fresh(world.tree["grassroots_a"])
    assert moved.path.startswith(fresh(world.tree["county_b"]).path)
    assert grassroots.path.startswith(moved.path)
    assert Household.objects.get(pk=world.household.pk).org_path == grassroots.path
    assert "职工1" in listed(client, world.staff_b)
    assert "职工1" not in listed(client, world.staff_a)
    assert list(Household.objects.visible_to(world.staff_b, "list")) == [world.household]
    assert not Household.objects.visible_to(world.staff_a, "list").exists()


def test_the_households_audit_events_follow_it_and_the_move_is_recorded(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organisation_move(organisation=world.tree["township_a"], parent=world.tree["county_b"])
    grassroots = fresh(world.tree["grassroots_a"])
    filed = AuditEvent.objects.get(action="assistance.household.create")
    assert filed.org_path == grassroots.path
    move = AuditEvent.objects.get(action="orgs.organisation.move")
    assert move.org_path == fresh(world.tree["township_a"]).path
    assert move.comment == "County a → County b"


def test_the_report_rollups_are_rebuilt_after_a_move(world, django_capture_on_commit_callbacks):
    rollups.rollup_refresh()

    def drive_enterprises(county) -> int:
        row = DriveLevelRollup.objects.filter(depth=3, key=fresh(world.tree[county]).path).first()
        return row.enterprises if row else 0

    assert (drive_enterprises("county_a"), drive_enterprises("county_b")) == (2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        organisation_move(organisation=world.tree["township_a"], parent=world.tree["county_b"])
    assert (drive_enterprises("county_a"), drive_enterprises("county_b")) == (0, 3)


def test_a_branch_shifted_by_a_sorted_insert_keeps_its_households(world, client):
    """Siblings are kept sorted by code: a township coded before township a pushes it one place on."""
    before = world.tree["township_a"].path
    newcomer = make_org(world.tree["county_a"], level=Level.TOWNSHIP, name="Township 0", code="A0")
    assert newcomer.path == before
    shifted = fresh(world.tree["township_a"])
    assert shifted.path != before
    assert Household.objects.get(pk=world.household.pk).org_path == fresh(world.tree["grassroots_a"]).path
    assert AuditEvent.objects.get(action="assistance.household.create").org_path.startswith(shifted.path)
    # The newcomer now holds township a's old path: its staff must not inherit township a's households.
    newcomer_staff = make_user("newcomer_staff", org=newcomer, role=Role.STAFF)
    assert "职工1" not in listed(client, newcomer_staff)
    assert "职工1" in listed(client, world.staff_a)


def test_a_union_cannot_move_under_itself_or_below_itself(world):
    for parent in ("township_a", "grassroots_a"):
        with pytest.raises(ValidationError) as refused:
            organisation_move(organisation=world.tree["township_a"], parent=world.tree[parent])
        assert refused.value.message_dict == {"parent": ["不能把组织移到它自己或其下级组织之下。"]}
    assert fresh(world.tree["township_a"]).path == world.tree["township_a"].path


def test_a_move_keeps_the_parent_rule(world):
    with pytest.raises(ValidationError) as refused:
        organisation_move(organisation=world.tree["county_a"], parent=world.tree["township_b"])
    assert refused.value.message_dict == {"parent": ["县市区不能隶属于乡镇街道：上级组织的层级必须更高。"]}


def test_staff_may_move_only_within_the_unions_they_reach(world):
    with pytest.raises(PermissionDenied) as refused:
        organisation_move(
            organisation=world.tree["township_a"], parent=world.tree["county_b"], actor=world.staff_a
        )
    assert str(refused.value) == "您无权执行此操作。"
    admin = make_user("city_admin", org=world.tree["province"], role=Role.ORG_ADMIN)
    moved = organisation_move(
        organisation=world.tree["township_a"], parent=world.tree["county_b"], actor=admin
    )
    assert moved.path.startswith(fresh(world.tree["county_b"]).path)
    assert AuditEvent.objects.get(action="orgs.organisation.move").actor == admin


def test_moving_a_union_to_its_own_parent_changes_nothing(world):
    before = world.tree["township_a"].path
    organisation_move(organisation=world.tree["township_a"], parent=world.tree["county_a"])
    assert fresh(world.tree["township_a"]).path == before
    assert not AuditEvent.objects.filter(action="orgs.organisation.move").exists()
