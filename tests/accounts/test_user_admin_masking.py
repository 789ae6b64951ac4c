"""The account admin's change form: the phone is masked in the input, kept when the mask is posted back,
changed by a new valid mobile number (normalised, unique), and revealed in full only to the organisation
admins of the account's subtree who give a reason, a logged action."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_tree, make_user
from unionportal.audit.models import AuditEvent
from unionportal.audit.services import REVEAL_ACTION
from unionportal.orgs.enums import Role

User = get_user_model()
pytestmark = pytest.mark.django_db

PHONE = "13912345678"
MASKED = "139****5678"


@pytest.fixture
def t():
    return make_tree()


@pytest.fixture
def member(t):
    user = make_user(
        "member_ga",
        org=t["grassroots_a"],
        role=Role.SUBMITTER,
        name="王五",
        phone=PHONE,
        email="wang@example.org",
    )
    User.objects.filter(pk=user.pk).update(phone_verified_at=timezone.now() - timedelta(days=3))
    user.refresh_from_db()
    return user


@pytest.fixture
def admin_ka(t):
    return make_user("admin_ka", org=t["county_a"], role=Role.ORG_ADMIN)


@pytest.fixture
def org_admin(client, admin_ka):
    client.force_login(admin_ka)
    return client


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def reveal_url(user):
    return reverse("admin:accounts_user_reveal", args=[user.pk])


def limited_post(user, **overrides):
    """The limited change form (an organisation admin's) as the browser posts it back unchanged."""
    data = {
        "name": user.name,
        "phone": MASKED,
        "email": user.email,
        "is_active": "on",
        "_save": "保存",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def reveals():
    return AuditEvent.objects.filter(action=REVEAL_ACTION)


def test_the_change_form_offers_the_phone_masked_with_a_reveal_link(org_admin, member):
    page = org_admin.get(change_url(member))
    html = page.content.decode()
    assert page.status_code == 200
    assert PHONE not in html
    assert page.context["adminform"].form["phone"].value() == MASKED
    assert f'value="{MASKED}"' in html
    assert f'href="{reveal_url(member)}" id="reveal-link"' in html


def test_the_mask_posted_back_unchanged_keeps_the_stored_phone(org_admin, member):
    verified_at = member.phone_verified_at
    response = org_admin.post(change_url(member), limited_post(member, name="王小五"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.name, member.phone_verified_at) == (PHONE, "王小五", verified_at)


def test_a_new_mobile_number_is_normalised_saved_and_no_longer_counts_as_verified(org_admin, member):
    response = org_admin.post(change_url(member), limited_post(member, phone="+86 137-0000-1111"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.phone_verified_at) == ("13700001111", None)


def test_an_emptied_phone_removes_it(org_admin, member):
    response = org_admin.post(change_url(member), limited_post(member, phone=""))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345678901", "请输入有效的大陆手机号（以 1 开头的 11 位数字）。"),
        ("139****5679", "请输入完整的手机号，或保留显示的带 * 的号码不变。"),
        ("13900000000", "具有 手机号 的 用户 已存在。"),
    ],
)
def test_an_invalid_new_phone_is_a_field_error_and_changes_nothing(org_admin, t, member, typed, message):
    make_user("holder", org=t["grassroots_a"], role=Role.SUBMITTER, phone="13900000000")
    response = org_admin.post(change_url(member), limited_post(member, phone=typed, name="改名"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["phone"] == [message]
    assert PHONE not in response.content.decode()
    member.refresh_from_db()
    assert (member.phone, member.name) == (PHONE, "王五")


def test_the_superusers_full_form_is_masked_too_and_keeps_the_phone(client, member):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    page = client.get(change_url(member))
    assert page.status_code == 200
    assert PHONE not in page.content.decode()
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in ("username", "name", "phone", "email")}
    data.update({"is_active": "on", "date_joined_0": "2026-01-05", "date_joined_1": "08:00:00"})
    response = client.post(change_url(member), {**data, "name": "王六", "_save": "保存"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert (member.phone, member.name) == (PHONE, "王六")


def test_an_org_admin_reveals_the_full_phone_with_a_reason_logged_once(org_admin, admin_ka, member):
    form_page = org_admin.get(reveal_url(member))
    assert form_page.status_code == 200
    assert PHONE not in form_page.content.decode()
    assert not reveals().exists()

    shown = org_admin.post(reveal_url(member), {"reason": "核实本人联系方式"})
    assert shown.status_code == 200
    assert f'<strong id="revealed-value">{PHONE}</strong>' in shown.content.decode()
    event = reveals().get()
    assert (event.actor, event.comment, event.changes, event.object_id) == (
        admin_ka,
        "核实本人联系方式",
        {"field": "phone"},
        str(member.pk),
    )


def test_a_one_character_reason_is_refused_and_nothing_is_logged(org_admin, member):
    refused = org_admin.post(reveal_url(member), {"reason": "看"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"] == ["请说明查看完整信息的理由（至少 4 个字）。"]
    assert PHONE not in refused.content.decode()
    assert not reveals().exists()


def test_an_org_admin_of_another_subtree_gets_404_and_nothing_is_logged(client, t, member):
    client.force_login(make_user("admin_kb", org=t["county_b"], role=Role.ORG_ADMIN))
    refused = client.post(reveal_url(member), {"reason": "核实本人联系方式"})
    assert refused.status_code == 404
    assert PHONE not in refused.content.decode()
    assert not reveals().exists()


def test_staff_without_the_org_admin_role_may_not_reveal_and_nothing_is_logged(client, t, member):
    # Staff of the same county manage no accounts: the account is not in their admin at all.
    client.force_login(make_user("staff_ka", org=t["county_a"], role=Role.STAFF))
    refused = client.post(reveal_url(member), {"reason": "核实本人联系方式"})
    assert refused.status_code == 404
    assert PHONE not in refused.content.decode()
    assert not reveals().exists()
