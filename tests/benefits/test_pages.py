"""The pages through the test client: the public list (no personal data, no cookie), the worker's page
and sign-up form (each refusal a 400 with its message, nothing written), cancelling (404 for someone
else's), the staff list and offer page (masked, in constant queries), reveal (logged), export (masked)."""

from datetime import date
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from benefits import services
from benefits.enums import SignupState
from benefits.models import Offer, Signup
from unionportal.audit.models import AuditEvent
from unionportal.orgs.models import Member

from .conftest import make_offer

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_public_list_shows_published_offers_without_personal_data(world, today):
    shown = make_offer(world, title="夏送清凉慰问")
    hidden = make_offer(world, title="未发布的草稿", publish=False)
    services.signup_apply(user=world.ann, offer_id=shown.pk)
    response = client_for().get(reverse("benefits:public_list"))
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert "夏送清凉慰问" in html and "未发布的草稿" not in html
    assert "李安娜" not in html and Member.objects.get(user=world.ann).id_number[-4:] not in html
    detail = client_for().get(reverse("benefits:public_detail", args=[shown.pk]))
    assert detail.status_code == 200 and "剩余 1 个" in detail.content.decode()
    assert client_for().get(reverse("benefits:public_detail", args=[hidden.pk])).status_code == 404


def test_the_workers_page_lists_offers_open_to_her_and_her_sign_ups(
    world, today, django_assert_max_num_queries
):
    client = client_for(world.ann)
    client.get(reverse("benefits:mine"))
    make_offer(world, title="县体检")
    other = make_offer(world, title="乙县培训", union=world.tree["county_b"], actor=world.staff_b)
    services.signup_apply(user=world.ann, offer_id=make_offer(world, title="已报名的法律咨询").pk)
    with django_assert_max_num_queries(20) as few:
        html = client.get(reverse("benefits:mine")).content.decode()
    assert "县体检" in html and "乙县培训" not in html
    assert html.count("已报名的法律咨询") == 1  # in her sign-ups, not among the offers to sign up for
    for n in range(4):
        services.signup_apply(user=world.ann, offer_id=make_offer(world, title=f"服务{n}").pk)
        make_offer(world, title=f"可报名{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("benefits:mine")).status_code == 200
    assert other.pk


def test_signing_up_on_the_page(world, today):
    offer = make_offer(world, capacity=1)
    client = client_for(world.ann)
    assert client.get(reverse("benefits:signup", args=[offer.pk])).status_code == 200
    refused = client.post(reverse("benefits:signup", args=[offer.pk]), {"note": ""})
    assert refused.status_code == 400 and "请勾选同意后再报名。" in refused.content.decode()
    done = client.post(reverse("benefits:signup", args=[offer.pk]), {"consent": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("benefits:mine")
    twice = client.post(reverse("benefits:signup", args=[offer.pk]), {"consent": "on"})
    assert twice.status_code == 400
    assert "您已报名这项服务（报名成功），不能重复报名。" in twice.content.decode()
    assert Signup.objects.filter(offer=offer).count() == 1


def test_a_full_offer_answers_with_the_waiting_list(world, today):
    offer = make_offer(world, capacity=1)
    services.signup_apply(user=world.ann, offer_id=offer.pk)
    client = client_for(world.bo)
    page = client.get(reverse("benefits:signup", args=[offer.pk])).content.decode()
    assert "加入候补名单" in page and 'id="signup-full"' in page
    # Posted without the waiting list (a form opened before the last place went): refused, then offered.
    refused = client.post(reverse("benefits:signup", args=[offer.pk]), {"consent": "on"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "名额已满（共 1 个）" in html and "加入候补名单" in html
    assert not Signup.objects.filter(offer=offer, user=world.bo).exists()
    joined = client.post(reverse("benefits:signup", args=[offer.pk]), {"consent": "on", "waitlist": "True"})
    assert joined.status_code == 302
    assert Signup.objects.get(offer=offer, user=world.bo).state == SignupState.WAITING


@pytest.mark.parametrize("who", ["dee", "stranger"])
def test_signing_up_from_outside_is_a_400_with_the_message(world, today, who):
    offer = make_offer(world)
    client = client_for(getattr(world, who))
    assert 'id="signup-outside"' in client.get(reverse("benefits:signup", args=[offer.pk])).content.decode()
    refused = client.post(reverse("benefits:signup", args=[offer.pk]), {"consent": "on"})
    assert refused.status_code == 400
    assert "这项服务只面向County a及所属工会的在册会员，您不在报名范围内。" in refused.content.decode()
    assert not Signup.objects.filter(offer=offer).exists()


def test_signing_up_after_the_window_is_a_400(world, today):
    offer = make_offer(world, publish=False, signup_from=date(2026, 4, 1), signup_until=date(2026, 4, 20))
    Offer.objects.filter(pk=offer.pk).update(state="published")
    refused = client_for(world.ann).post(reverse("benefits:signup", args=[offer.pk]), {"consent": "on"})
    assert refused.status_code == 400 and "报名已于 2026-04-20 截止。" in refused.content.decode()
    assert not Signup.objects.filter(offer=offer).exists()


def test_cancelling_asks_first_and_someone_elses_is_404(world, today):
    offer = make_offer(world, capacity=1)
    held = services.signup_apply(user=world.ann, offer_id=offer.pk)
    services.signup_apply(user=world.bo, offer_id=offer.pk, waitlist=True)
    url = reverse("benefits:cancel", args=[held.pk])
    for other in (world.bo, world.staff_a):
        assert client_for(other).get(url).status_code == 404
        assert client_for(other).post(url).status_code == 404
    client = client_for(world.ann)
    assert "确认取消报名" in client.get(url).content.decode()
    assert Signup.objects.get(pk=held.pk).state == SignupState.CONFIRMED
    assert client.post(url).status_code == 302
    assert dict(Signup.objects.filter(offer=offer).values_list("user__username", "state")) == {
        "f_ann": "cancelled",
        "f_bo": "confirmed",
    }


def test_the_staff_list_keeps_its_query_count(world, today, django_assert_max_num_queries):
    client = client_for(world.staff_a)
    client.get(reverse("benefits:offers"))
    first = make_offer(world, needs_confirmation=True)
    services.signup_apply(user=world.ann, offer_id=first.pk)
    with django_assert_max_num_queries(30) as one:
        html = client.get(reverse("benefits:offers")).content.decode()
    assert f'id="pending-{first.pk}">1 人待确认' in html
    for n in range(5):
        offer = make_offer(world, title=f"项目{n}", needs_confirmation=True)
        services.signup_apply(user=world.bo, offer_id=offer.pk)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("benefits:offers") + "?q=项目").content.decode()
    assert "项目4" in html and "职工健康体检" not in html


def test_the_offer_page_masks_the_sign_ups_in_constant_queries(world, today, django_assert_max_num_queries):
    offer = make_offer(world, capacity=10, needs_confirmation=True)
    client = client_for(world.staff_a)
    url = reverse("benefits:offer", args=[offer.pk])
    client.get(url)
    services.signup_apply(user=world.ann, offer_id=offer.pk)
    with django_assert_max_num_queries(30) as one:
        html = client.get(url).content.decode()
    number = Member.objects.get(user=world.ann).id_number
    assert "李安娜" in html and number not in html and number[:3] + "*" * 11 + number[-4:] in html
    services.signup_apply(user=world.bo, offer_id=offer.pk)
    services.signup_apply(user=world.cai, offer_id=offer.pk)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
    assert client_for(world.staff_b).get(url).status_code == 404


def test_staff_confirm_and_refuse_on_the_page(world, today):
    offer = make_offer(world, needs_confirmation=True)
    ann = services.signup_apply(user=world.ann, offer_id=offer.pk)
    bo = services.signup_apply(user=world.bo, offer_id=offer.pk)
    client = client_for(world.staff_a)
    assert client.post(reverse("benefits:signup_confirm", args=[ann.pk])).status_code == 302
    empty = client.post(reverse("benefits:signup_refuse", args=[bo.pk]), {"reason": ""})
    assert empty.status_code == 400
    assert (
        client.post(reverse("benefits:signup_refuse", args=[bo.pk]), {"reason": "名额调整"}).status_code
        == 302
    )
    assert dict(Signup.objects.filter(offer=offer).values_list("user__username", "state")) == {
        "f_ann": "confirmed",
        "f_bo": "refused",
    }
    assert client_for(world.staff_b).post(reverse("benefits:signup_confirm", args=[bo.pk])).status_code == 404


def test_a_reveal_needs_a_reason_and_is_logged(world, today):
    offer = make_offer(world)
    held = services.signup_apply(user=world.ann, offer_id=offer.pk)
    client = client_for(world.staff_a)
    url = reverse("benefits:signup_reveal", args=[held.pk])
    assert client.post(url, {"field": "id_number", "reason": "核"}).status_code == 400
    shown = client.post(url, {"field": "id_number", "reason": "核对体检名单"})
    assert Member.objects.get(user=world.ann).id_number in shown.content.decode()
    assert AuditEvent.objects.filter(action="personal_data.reveal", object_id=str(held.pk)).count() == 1


def test_the_export_masks_id_numbers_and_phones(world, today):
    offer = make_offer(world)
    services.signup_apply(user=world.ann, offer_id=offer.pk)
    response = client_for(world.staff_a).get(reverse("benefits:offer_export", args=[offer.pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    member = Member.objects.get(user=world.ann)
    assert "李安娜" in cells and member.id_number not in cells and member.phone not in cells
    assert client_for(world.staff_b).get(reverse("benefits:offer_export", args=[offer.pk])).status_code == 404


def test_staff_create_publish_and_close_an_offer(world, today):
    client = client_for(world.staff_a)
    data = {
        "union": world.tree["county_a"].pk,
        "kind": "training",
        "title": "叉车司机培训",
        "place": "县职教中心",
        "capacity": "20",
        "signup_from": "2026-04-27",
        "signup_until": "2026-05-10",
        "service_on": "2026-05-15",
    }
    bad = client.post(reverse("benefits:offer_create"), {**data, "signup_until": "2026-04-01"})
    assert bad.status_code == 200 and "报名截止日期不能早于开始日期。" in bad.content.decode()
    assert not Offer.objects.filter(title="叉车司机培训").exists()
    assert client.post(reverse("benefits:offer_create"), data).status_code == 302
    offer = Offer.objects.get(title="叉车司机培训")
    assert client.post(reverse("benefits:offer_publish", args=[offer.pk])).status_code == 302
    assert "确认结束" in client.get(reverse("benefits:offer_close", args=[offer.pk])).content.decode()
    assert Offer.objects.get(pk=offer.pk).state == "published"
    client.post(reverse("benefits:offer_close", args=[offer.pk]))
    assert Offer.objects.get(pk=offer.pk).state == "closed"
    other = client_for(world.staff_b).post(reverse("benefits:offer_create"), data)
    assert other.status_code == 200  # county a is not among county b's unions: the form refuses it
