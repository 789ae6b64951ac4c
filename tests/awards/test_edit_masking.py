"""Editing a nomination: the ID number and phone are pre-filled masked; posted back unchanged they keep the
stored values (which the ID-number checks still apply to), and a newly typed full value replaces them."""

import pytest
from django.urls import reverse

from awards.models import Nomination
from tests.awards.forms_data import PHONE, individual_post
from tests.selection.factories import id_number, nominate, world
from unionportal.accounts.validators import mask_id_number, mask_mobile
from unionportal.selection.models import Candidacy

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


@pytest.fixture
def sub(client, w):
    client.force_login(w.submitter_a)
    return client


@pytest.fixture
def draft(sub, w):
    response = sub.post(reverse("awards:create", args=[w.programme.pk]), individual_post(1))
    assert response.status_code == 302
    return Candidacy.objects.get()


def edit_url(candidacy):
    return reverse("awards:edit", args=[candidacy.pk])


def posted_back(**overrides):
    """The edit form as the browser posts it back with the masked values untouched."""
    data = {"id_number": mask_id_number(id_number(1)), "phone": mask_mobile(PHONE), "photo": None}
    data.update(overrides)
    return individual_post(1, **data)


def stored(candidacy) -> tuple[str, str]:
    candidacy.refresh_from_db()
    return candidacy.id_number, Nomination.objects.get(candidacy=candidacy).phone


def test_the_edit_form_is_pre_filled_masked(sub, draft):
    page = sub.get(edit_url(draft))
    html = page.content.decode()
    assert page.status_code == 200
    assert id_number(1) not in html and PHONE not in html
    form = page.context["form"]
    masked = mask_id_number(id_number(1))
    assert (form["id_number"].value(), form["phone"].value()) == (masked, "138****1234")
    assert f'value="{masked}"' in html and 'value="138****1234"' in html


def test_a_new_nomination_form_is_empty(sub, w):
    form = sub.get(reverse("awards:create", args=[w.programme.pk])).context["form"]
    assert (form["id_number"].value(), form["phone"].value()) == (None, None)


def test_the_masked_values_posted_back_keep_the_stored_ones(sub, draft):
    response = sub.post(edit_url(draft), posted_back(deeds="补充后的事迹。"))
    assert response.status_code == 302
    assert stored(draft) == (id_number(1), PHONE)
    assert draft.deeds == "补充后的事迹。"
    assert str(draft.nomination.birth_date) == "1985-03-15"


def test_newly_typed_values_replace_the_stored_ones(sub, draft):
    response = sub.post(
        edit_url(draft), posted_back(id_number=id_number(2, born="19900101"), phone="13911112222")
    )
    assert response.status_code == 302
    assert stored(draft) == (id_number(2, born="19900101"), "13911112222")
    draft.nomination.refresh_from_db()
    assert str(draft.nomination.birth_date) == "1990-01-01"


def test_an_emptied_phone_is_removed(sub, draft):
    assert sub.post(edit_url(draft), posted_back(phone="")).status_code == 302
    assert stored(draft) == (id_number(1), "")


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (
            "id_number",
            id_number(2)[:-1] + ("0" if id_number(2)[-1] != "0" else "1"),
            "身份证号校验位不正确，请核对。",
        ),
        ("id_number", "420***********9999", "请输入完整的身份证号，或保留显示的带 * 的号码不变。"),
        ("id_number", "", "这个字段是必填项。"),
        ("phone", "138****1235", "请输入完整的联系电话，或保留显示的带 * 的号码不变。"),
    ],
)
def test_an_invalid_new_value_is_a_field_error_and_changes_nothing(sub, draft, field, typed, message):
    response = sub.post(edit_url(draft), posted_back(**{field: typed, "deeds": "改过的事迹。"}))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert id_number(1) not in html and PHONE not in html
    assert stored(draft) == (id_number(1), PHONE)
    assert draft.deeds == "攻克技术难题，带出一支技能队伍。"


def test_a_new_id_number_of_a_person_nominated_elsewhere_is_refused(sub, w, draft):
    nominate(w, 2, org=w.tree["grassroots_b"])
    response = sub.post(edit_url(draft), posted_back(id_number=id_number(2)))
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"] == [
        "此人已由 Union b 推荐参加本年度“Programme medal”，同一人每年只能被推荐一次。"
    ]
    assert stored(draft) == (id_number(1), PHONE)


def test_the_kept_id_number_is_still_checked_against_the_birth_date(sub, draft):
    response = sub.post(edit_url(draft), posted_back(birth_date="1990-01-01"))
    assert response.status_code == 400
    assert response.context["form"].errors["birth_date"] == [
        "出生日期 1990-01-01 与身份证号中的 1985-03-15 不一致。"
    ]
    assert id_number(1) not in response.content.decode()


def test_the_kept_id_number_is_still_checked_for_its_check_character(sub, draft):
    broken = id_number(1)[:-1] + ("0" if id_number(1)[-1] != "0" else "1")
    Candidacy.objects.filter(pk=draft.pk).update(id_number=broken)  # e.g. a record from before the check
    response = sub.post(edit_url(draft), posted_back(id_number=mask_id_number(broken)))
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"] == ["身份证号校验位不正确，请核对。"]
    assert stored(draft) == (broken, PHONE)
