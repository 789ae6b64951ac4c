"""The household admin: scoped (404 outside), masked, and every save through services.household_update."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.enums import Category, HouseholdState
from assistance.models import Household, Measure, Threshold
from assistance.workflows import household_transition
from tests.assistance.factories import MEMBERS, household_fields, id_number, ledger
from unionportal.accounts.validators import gender_from_id, mask_id_number
from unionportal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

DUPLICATE = "该职工已有一份在档的困难职工档案，不能重复建档。"


@pytest.fixture
def world():
    return ledger()


@pytest.fixture
def as_user(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def file(world, n=1, enterprise=None, actor=None, **overrides) -> Household:
    fields = household_fields(n, **overrides)
    fields["gender"] = gender_from_id(fields["id_number"])
    return services.household_create(
        actor=actor or world.cadre, enterprise=enterprise or world.enterprise, members=MEMBERS, **fields
    )


def change_url(household):
    return reverse("admin:assistance_household_change", args=[household.pk])


def change_data(client, household, **overrides) -> dict:
    """What the browser posts back from the change page: the form's values and the inlines' management."""
    page = client.get(change_url(household))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            value = ""
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{name}"] = str(management[name].value())
        for i, inline_form in enumerate(inline.formset.initial_forms):
            data[f"{inline.formset.prefix}-{i}-id"] = str(inline_form.instance.pk)
            data[f"{inline.formset.prefix}-{i}-household"] = str(household.pk)
    data.update(overrides)
    return data


def test_staff_list_masks_personal_data_and_searches_by_name(world, as_user):
    household = file(world, phone="13912345678")
    other = file(world, 2, worker_name="李四")
    client = as_user(world.staff_a)
    response = client.get(reverse("admin:assistance_household_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert mask_id_number(id_number(1)) in html and id_number(1) not in html
    assert "139****5678" in html and "13912345678" not in html
    found = client.get(reverse("admin:assistance_household_changelist"), {"q": "李四"})
    assert [h.pk for h in found.context["cl"].result_list] == [other.pk]
    by_id = client.get(reverse("admin:assistance_household_changelist"), {"q": id_number(1)})
    assert list(by_id.context["cl"].result_list) == []  # not searchable by the raw ID number
    page = client.get(change_url(household))
    assert id_number(1) not in page.content.decode()
    assert "13912345678" not in page.content.decode()


def test_admin_is_scoped_404_outside(world, as_user):
    household = file(world)
    client = as_user(world.staff_b)
    response = client.get(reverse("admin:assistance_household_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert client.get(change_url(household)).status_code == 404
    post = client.post(change_url(household), {"worker_name": "篡改"})
    assert post.status_code == 404
    household.refresh_from_db()
    assert household.worker_name == "职工1"
    measure_list = client.get(reverse("admin:assistance_measure_changelist"))
    assert list(measure_list.context["cl"].result_list) == []


def test_cadres_and_submitters_have_no_admin(world, as_user):
    household = file(world)
    for user in (world.cadre, world.submitter_b):
        response = as_user(user).get(change_url(household))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_no_add_and_no_delete(world, as_user):
    household = file(world)
    client = as_user(world.staff_a)
    assert client.get(reverse("admin:assistance_household_add")).status_code == 403
    assert client.get(reverse("admin:assistance_household_delete", args=[household.pk])).status_code == 403
    changelist = client.get(reverse("admin:assistance_household_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_a_change_goes_through_the_service_and_derives_the_category(world, as_user):
    household = file(world)
    assert household.category == Category.DEEP
    client = as_user(world.staff_a)
    data = change_data(client, household, worker_income="3000", causes=["schooling"])
    response = client.post(change_url(household), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    household.refresh_from_db()
    assert household.id_number == id_number(1)  # blank kept the stored value
    assert household.per_capita_income == Decimal("1000.00")
    assert household.category == Category.RELATIVE
    assert "认定为相对困难" in household.category_explanation
    event = AuditEvent.objects.get(action="assistance.household.update")
    assert event.actor == world.staff_a
    assert set(event.changes) == {"worker_income", "causes"}


def test_a_second_active_file_is_refused_in_the_admin(world, as_user):
    first = file(world, 1)
    second = file(world, 2)
    client = as_user(world.staff_a)
    response = client.post(change_url(second), change_data(client, second, id_number=first.id_number))
    assert response.status_code == 200
    assert DUPLICATE in response.content.decode()
    second.refresh_from_db()
    assert second.id_number == id_number(2)


def test_an_invalid_id_number_is_refused_in_the_admin(world, as_user):
    household = file(world)
    bad = id_number(5)[:-1] + ("0" if id_number(5)[-1] != "0" else "1")
    client = as_user(world.staff_a)
    response = client.post(change_url(household), change_data(client, household, id_number=bad))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == ["身份证号校验位不正确，请核对。"]


def test_a_missing_threshold_is_reported_on_the_form(world, as_user):
    household = file(world)
    client = as_user(world.staff_a)
    data = change_data(client, household, worker_income="900")
    Threshold.objects.all().delete()
    response = client.post(change_url(household), data)
    assert response.status_code == 200
    assert "所在地区尚未设定低保线" in response.content.decode()


def test_closed_files_are_read_only(world, as_user):
    household = file(world)
    for to in ("verified", "appraised", "noticed", "filed"):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    household_transition(actor=world.staff_a, household_id=household.pk, to="exited", comment="调离本省")
    client = as_user(world.staff_a)
    page = client.get(change_url(household))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(change_url(household), {"worker_name": "改名"})
    assert response.status_code == 403
    household.refresh_from_db()
    assert household.state == HouseholdState.EXITED and household.worker_name == "职工1"


def test_measures_inline_and_list_are_read_only(world, as_user):
    household = file(world)
    for to in ("verified", "appraised", "noticed", "filed"):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    household.refresh_from_db()
    from django.utils import timezone

    measure = services.measure_add(
        actor=world.cadre,
        household=household,
        type="medical",
        form="cash",
        amount=Decimal("2000"),
        given_on=timezone.localdate(),
        fund_source="union",
        giver="宜城市总工会",
    )
    client = as_user(world.staff_a)
    page = client.get(change_url(household))
    assert "宜城市总工会" in page.content.decode()
    assert client.get(reverse("admin:assistance_measure_change", args=[measure.pk])).status_code == 200
    assert client.get(reverse("admin:assistance_measure_add")).status_code == 403
    assert Measure.objects.count() == 1


def test_the_admin_checks_gender_and_sudden_date_by_the_filing_rule(world, as_user):
    household = file(world)
    other = "female" if household.gender == "male" else "male"
    client = as_user(world.staff_a)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        change_url(household), change_data(client, household, gender=other, sudden_cause_on=tomorrow)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["gender"] == [services.gender_problem(household.id_number, other)]
    assert errors["sudden_cause_on"] == [
        services.sudden_date_problem(timezone.localdate() + timedelta(days=1), timezone.localdate())
    ]
    household.refresh_from_db()
    assert household.gender != other


def test_the_admin_shows_the_category_basis_in_the_readers_language(world, as_user):
    household = file(world)
    client = as_user(world.staff_a)
    english = client.get("/en" + change_url(household)).content.decode()
    assert "monthly per-capita household income is" in english.lower()
    assert household.category_explanation not in english
