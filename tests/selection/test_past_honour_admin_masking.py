"""The earlier honours' admin change form: the ID number is masked in the input, kept when the mask (or
nothing) is posted back, replaced by a new valid number, and revealed in full only to province staff who
give a reason, a logged action.

The form is edited here by a superuser: the permission matrix decides who else may change earlier honours
(province staff, when its "past_honour" row grants "change"); whoever edits gets the same masked form, and
whoever only views gets the masked number as text."""

import pytest
from django.urls import reverse

from tests.factories import make_user
from unionportal.accounts.validators import mask_id_number
from unionportal.audit.models import AuditEvent
from unionportal.audit.services import REVEAL_ACTION
from unionportal.selection.models import PastHonour

from .factories import id_number, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


@pytest.fixture
def editor(client):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def honour():
    return PastHonour.objects.create(
        id_number=id_number(7),
        name="张三",
        year=2024,
        level="provincial",
        award="五一劳动奖章",
        unit="某公司",
    )


def change_url(honour):
    return reverse("admin:selection_pasthonour_change", args=[honour.pk])


def reveal_url(honour):
    return reverse("admin:selection_pasthonour_reveal", args=[honour.pk])


def posted(honour, **overrides):
    data = {
        "id_number": mask_id_number(honour.id_number),
        "name": honour.name,
        "year": str(honour.year),
        "level": honour.level,
        "award": honour.award,
        "unit": honour.unit,
        "_save": "保存",
    }
    data.update(overrides)
    return data


def reveals():
    return AuditEvent.objects.filter(action=REVEAL_ACTION)


def test_the_change_form_offers_the_id_number_masked_with_a_reveal_link(editor, honour):
    page = editor.get(change_url(honour))
    html = page.content.decode()
    assert page.status_code == 200
    assert id_number(7) not in html
    assert page.context["adminform"].form["id_number"].value() == mask_id_number(id_number(7))
    assert f'value="{mask_id_number(id_number(7))}"' in html
    assert f'href="{reveal_url(honour)}" id="reveal-link"' in html


def test_province_staff_see_the_change_page_masked_with_a_reveal_link(w, client, honour):
    client.force_login(w.province)
    page = client.get(change_url(honour))
    html = page.content.decode()
    assert page.status_code == 200
    assert id_number(7) not in html
    assert mask_id_number(id_number(7)) in html
    assert f'href="{reveal_url(honour)}" id="reveal-link"' in html


def test_the_mask_posted_back_unchanged_keeps_the_stored_id_number(editor, honour):
    response = editor.post(change_url(honour), posted(honour, name="张三丰"))
    assert response.status_code == 302
    honour.refresh_from_db()
    assert (honour.id_number, honour.name) == (id_number(7), "张三丰")


def test_an_empty_id_number_posted_back_keeps_the_stored_one(editor, honour):
    response = editor.post(change_url(honour), posted(honour, id_number=""))
    assert response.status_code == 302
    honour.refresh_from_db()
    assert honour.id_number == id_number(7)


def test_a_new_full_id_number_replaces_the_stored_one(editor, honour):
    response = editor.post(change_url(honour), posted(honour, id_number=id_number(8).lower()))
    assert response.status_code == 302
    honour.refresh_from_db()
    assert honour.id_number == id_number(8)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (id_number(8)[:-1] + ("0" if id_number(8)[-1] != "0" else "1"), "身份证号校验位不正确，请核对。"),
        ("42068419850315", "身份证号应为 18 位，最后一位可以是数字或 X。"),
        ("420***********0071", "请输入完整的身份证号，或保留显示的带 * 的号码不变。"),
    ],
)
def test_an_invalid_new_id_number_is_a_field_error_and_changes_nothing(editor, honour, typed, message):
    response = editor.post(change_url(honour), posted(honour, id_number=typed, name="改名"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == [message]
    assert id_number(7) not in response.content.decode()
    honour.refresh_from_db()
    assert (honour.id_number, honour.name) == (id_number(7), "张三")


def test_a_new_honour_needs_a_valid_full_id_number(editor):
    client = editor
    url = reverse("admin:selection_pasthonour_add")
    data = {"name": "李四", "year": "2024", "level": "provincial", "award": "五一劳动奖章", "unit": ""}
    refused = client.post(url, {**data, "id_number": ""})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["id_number"] == ["这个字段是必填项。"]
    assert client.post(url, {**data, "id_number": id_number(9)}).status_code == 302
    assert PastHonour.objects.get(name="李四").id_number == id_number(9)


def test_the_list_still_masks_and_searches_by_the_exact_id_number(w, client, honour):
    client.force_login(w.province)
    url = reverse("admin:selection_pasthonour_changelist")
    html = client.get(url).content.decode()
    assert mask_id_number(id_number(7)) in html and id_number(7) not in html
    assert [h.pk for h in client.get(url, {"q": id_number(7)}).context["cl"].result_list] == [honour.pk]


def test_province_staff_reveal_the_full_id_number_with_a_reason_logged_once(w, client, honour):
    client.force_login(w.province)
    form_page = client.get(reveal_url(honour))
    assert form_page.status_code == 200
    assert id_number(7) not in form_page.content.decode()
    assert not reveals().exists()

    shown = client.post(reveal_url(honour), {"reason": "核对既往荣誉重复推荐"})
    assert shown.status_code == 200
    assert f'<strong id="revealed-value">{id_number(7)}</strong>' in shown.content.decode()
    event = reveals().get()
    assert (event.actor, event.comment, event.changes, event.object_id) == (
        w.province,
        "核对既往荣誉重复推荐",
        {"field": "id_number"},
        str(honour.pk),
    )


def test_a_one_character_reason_is_refused_and_nothing_is_logged(w, client, honour):
    client.force_login(w.province)
    refused = client.post(reveal_url(honour), {"reason": "查"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"] == ["请说明查看完整信息的理由（至少 4 个字）。"]
    assert id_number(7) not in refused.content.decode()
    assert not reveals().exists()


def test_staff_below_the_province_may_not_reveal_and_nothing_is_logged(w, client, honour):
    for user in (w.city_a, w.county_a):
        client.force_login(user)
        assert client.get(reveal_url(honour)).status_code == 403
        refused = client.post(reveal_url(honour), {"reason": "核对既往荣誉重复推荐"})
        assert refused.status_code == 403
        assert id_number(7) not in refused.content.decode()
    client.force_login(w.submitter_a)  # not admin staff at all: sent to the admin's sign-in page
    refused = client.post(reveal_url(honour), {"reason": "核对既往荣誉重复推荐"})
    assert refused.status_code == 302 and refused.url.startswith(reverse("admin:login"))
    assert not reveals().exists()


def test_revealing_an_honour_that_does_not_exist_is_404(w, client, honour):
    client.force_login(w.province)
    missing = reverse("admin:selection_pasthonour_reveal", args=[honour.pk + 1000])
    assert client.post(missing, {"reason": "核对既往荣誉重复推荐"}).status_code == 404
    assert not reveals().exists()
