"""One filing rule and one set of stored sentences: the household form reports the rule's own messages
(on the field they concern), the category basis is written from the one set of templates pages read it
back with, and a measure's history line is shown in the reader's language."""

import inspect
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assistance import enums, forms, services
from assistance.enums import HouseholdState as S
from assistance.enums import MeasureType
from assistance.forms import HouseholdForm
from assistance.workflows import household_transition
from tests.assistance.factories import MEMBERS, household_fields, id_number, ledger
from tests.assistance.test_household_pages import TWO_MEMBERS, form_data, members_data
from unionportal.audit.models import AuditEvent
from unionportal.i18n import _template_of, in_reader_language

pytestmark = pytest.mark.django_db

GENDER = "性别与身份证号不符（身份证号第 17 位奇数为男、偶数为女）。"
DUPLICATE = "该职工已有一份在档的困难职工档案，不能重复建档。"


@pytest.fixture
def world():
    return ledger()


def file(world, n=1, **overrides):
    return services.household_create(
        actor=world.cadre, enterprise=world.enterprise, members=MEMBERS, **household_fields(n, **overrides)
    )


def household_form(world, **overrides) -> HouseholdForm:
    data = form_data(world.enterprise, **overrides)
    return HouseholdForm(data, user=world.cadre)


def other_gender(n=1) -> str:
    return "female" if household_fields(n)["gender"] == "male" else "male"


# --- the form reports the rule's messages ---------------------------------------------------------------


def test_the_form_puts_the_rules_gender_message_on_the_gender_field(world):
    form = household_form(world, gender=other_gender())
    assert not form.is_valid()
    assert form.errors == {"gender": [GENDER]}


def test_the_form_puts_the_rules_date_message_on_the_sudden_date_field(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = household_form(world, sudden_cause_on=tomorrow.isoformat())
    assert not form.is_valid()
    assert form.errors == {"sudden_cause_on": ["突发致困日期不能晚于今天。"]}


def test_the_form_and_the_rule_give_the_same_messages(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    filing = services.Filing(
        world.enterprise, household_fields(1, gender=other_gender(), sudden_cause_on=tomorrow), list(MEMBERS)
    )
    services.households_check(actor=world.cadre, filings=[filing])
    form = household_form(world, gender=other_gender(), sudden_cause_on=tomorrow.isoformat())
    assert not form.is_valid()
    assert {name: form.errors[name] for name in ("gender", "sudden_cause_on")} == {
        name: filing.errors[name] for name in ("gender", "sudden_cause_on")
    }


def test_the_form_has_no_check_of_its_own(world, monkeypatch):
    """The form asks the rule: a rule that says otherwise is what the form says."""
    monkeypatch.setattr(services, "gender_problem", lambda id_number, gender: "规则的说法")
    monkeypatch.setattr(services, "sudden_date_problem", lambda day, today: None)
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = household_form(world, sudden_cause_on=tomorrow.isoformat())
    assert not form.is_valid()
    assert form.errors == {"gender": ["规则的说法"]}
    assert not hasattr(forms, "_duplicate_file_message")


def test_the_rules_message_shows_beside_the_members_errors_on_the_page(world, client):
    client.force_login(world.cadre)
    members = [dict(TWO_MEMBERS[0], monthly_income="-5")]
    response = client.post(
        reverse("assistance:household_create"),
        form_data(world.enterprise, members=members, gender=other_gender()),
    )
    assert response.context["form"].errors["gender"] == [GENDER]
    assert response.context["formset"].forms[0].errors["monthly_income"] == ["确保该值大于或等于0。"]


def test_editing_to_the_id_number_of_another_open_file_is_refused_on_the_id_field(world, client):
    first = file(world, 1)
    second = file(world, 2)
    client.force_login(world.cadre)
    data = form_data(world.enterprise, 2, id_number=first.id_number, gender=first.gender, phone="")
    del data["enterprise"]
    data.update(members_data(TWO_MEMBERS, extra_blank=0))
    response = client.post(reverse("assistance:household_edit", args=[second.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"id_number": [DUPLICATE]}
    second.refresh_from_db()
    assert second.id_number == id_number(2)


def test_the_service_refuses_a_second_open_file_on_the_id_number(world):
    from django.core.exceptions import ValidationError

    first = file(world, 1)
    second = file(world, 2)
    with pytest.raises(ValidationError) as refused:
        services.household_update(actor=world.cadre, household=second, id_number=first.id_number)
    assert refused.value.message_dict == {"id_number": [DUPLICATE]}


# --- the category basis: one set of templates ----------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "causes", "sudden_days_ago", "template"),
    [
        (Decimal("1200"), ["illness"], None, enums.DEEP_EXPLANATION),
        (Decimal("3000"), ["schooling"], None, enums.RELATIVE_EXPLANATION),
        (Decimal("3000"), [], None, enums.NO_CAUSE_EXPLANATION),
        (Decimal("6000"), ["accident"], 30, enums.ACCIDENT_EXPLANATION),
        (Decimal("6000"), ["illness"], None, enums.ABOVE_LINE_EXPLANATION),
    ],
)
def test_the_category_basis_is_written_from_the_registered_templates(
    world, income, causes, sudden_days_ago, template
):
    sudden = timezone.localdate() - timedelta(days=sudden_days_ago) if sudden_days_ago else None
    assessment = services.categorise(
        organisation=world.tree["grassroots_a"],
        per_capita=services.per_capita_income(income, [Decimal("0"), Decimal("0")]),
        causes=causes,
        sudden_cause_on=sudden,
    )
    found, _params = _template_of(assessment.explanation)
    assert found is template and template in enums.CATEGORY_EXPLANATIONS
    with translation.override("en"):
        assert "元" not in in_reader_language(assessment.explanation)


def test_the_category_templates_are_written_once():
    source = inspect.getsource(services)
    for template in enums.CATEGORY_EXPLANATIONS:
        with translation.override("zh-hans"):
            assert str(template)[-8:] not in source


# --- a measure's history line --------------------------------------------------------------------------


def filed(world):
    household = file(world)
    for to in (S.VERIFIED, S.APPRAISED, S.NOTICED, S.FILED):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    household.refresh_from_db()
    return household


def add_measure(world, household, type_="living", amount="1000.00"):
    services.measure_add(
        actor=world.cadre,
        household=household,
        type=type_,
        form="cash",
        amount=Decimal(amount),
        given_on=timezone.localdate(),
        fund_source="union",
        giver="工会",
    )
    return AuditEvent.objects.filter(action="assistance.measure.add").latest("at", "id")


def test_the_measure_line_is_stored_as_before_and_read_in_english(world):
    household = filed(world)
    event = add_measure(world, household)
    assert event.comment == "生活救助 1000.00"
    with translation.override("en"):
        assert in_reader_language(event.comment) == "Living assistance <span data-user-content>1000.00</span>"
    with translation.override("zh-hans"):
        assert in_reader_language(event.comment) == "生活救助 1000.00"
    first = AuditEvent.objects.get(action="assistance.household.transition", to_state=S.ASSISTED)
    with translation.override("en"):
        assert in_reader_language(first.comment) == "Record the first assistance measure"


def test_a_measure_line_written_in_english_is_read_in_chinese(world):
    household = filed(world)
    with translation.override("en"):
        event = add_measure(world, household, "schooling", "300.00")
    assert event.comment == "Education assistance 300.00"
    with translation.override("zh-hans"):
        assert in_reader_language(event.comment) == "助学 300.00"


@pytest.mark.parametrize("kind", list(MeasureType))
def test_every_measure_type_has_a_registered_line(kind):
    line = str(enums.MEASURE_COMMENTS[kind]) % {"amount": "12.50"}
    template, params = _template_of(line)
    assert template is enums.MEASURE_COMMENTS[kind] and params == {"amount": "12.50"}
