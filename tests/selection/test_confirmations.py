"""Every consequential move of the review pages asks first: the confirm page lists exactly what will
move and nothing moves before its signed final POST; a changed selection is refused and changes nothing.
"""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from tests.factories import Role, make_user
from unionportal.audit.models import AuditEvent
from unionportal.selection import services
from unionportal.selection.enums import ObjectionState, State
from unionportal.selection.models import Candidacy, Notice

from .confirming import as_data, confirm_fields, confirmed
from .factories import nominate, world

pytestmark = pytest.mark.django_db

REVIEW = reverse("selection:review")
TAMPERED = "提交的内容与确认页列出的不一致，未作任何更改。请重新选择后再确认。"


@pytest.fixture
def w():
    return world()


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def states(*cands) -> list[str]:
    return [Candidacy.objects.get(pk=c.pk).state for c in cands]


def transitions() -> int:
    return AuditEvent.objects.filter(action="selection.candidacy.transition").count()


def to_province(w, n):
    c = nominate(w, n, submit=True)
    services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=[c.pk])
    services.forward(actor=w.city_a, programme=w.programme, organisation=w.tree["city_a"], pks=[c.pk])
    return c


def approved(w, n):
    c = to_province(w, n)
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[c.pk])
    return c


# --- the review queue -----------------------------------------------------------------------------


def test_forward_asks_first_naming_the_rows_and_the_union_above_and_moves_nothing(w, client):
    a, b, c = (nominate(w, n, submit=True) for n in (1, 2, 3))
    before = transitions()
    page = login(client, w.county_a).post(
        REVIEW, {"action": "forward", "pk": [c.pk, a.pk], "programme": w.programme.pk, "reason": "同意"}
    )
    assert page.status_code == 200
    assert [r.pk for r in page.context["rows"]] == [a.pk, c.pk]  # exactly the chosen, in queue order
    html = page.content.decode()
    assert re.findall(r'id="confirm-row-(\d+)"', html) == [str(a.pk), str(c.pk)]
    assert "将以下 2 名推荐对象报送至 City a：" in page.context["question"]
    assert "报送后本级不能再修改。" in html
    assert "✓ 名额 5 个：已用 0 个，本次 2 个，之后剩余 3 个。" in html
    assert [v for k, v in confirm_fields(page) if k == "pk"] == [str(a.pk), str(c.pk)]
    assert dict(confirm_fields(page))["reason"] == "同意"
    assert states(a, b, c) == [State.REVIEW3] * 3
    assert transitions() == before
    assert "<script>" not in html  # the flow needs no script (and the CSP allows no inline one)


def test_the_confirmed_forward_moves_exactly_the_rows_listed(w, client):
    a, b, c = (nominate(w, n, submit=True) for n in (1, 2, 3))
    response = confirmed(
        login(client, w.county_a), REVIEW, {"action": "forward", "pk": [a.pk, c.pk]}, follow=True
    )
    assert messages_of(response) == ["已向上级报送 2 个推荐对象。"]
    assert states(a, b, c) == [State.REVIEW2, State.REVIEW3, State.REVIEW2]


def test_cancel_goes_back_to_the_queue_with_its_filters(w, client):
    a = nominate(w, 1, submit=True)
    back = f"?programme={w.programme.pk}&org={w.tree['county_a'].pk}&q=%E5%80%99&sort=name"
    page = login(client, w.county_a).post(REVIEW, {"action": "forward", "pk": [a.pk], "back": back})
    assert f'id="confirm-cancel" href="{REVIEW}{back.replace("&", "&amp;")}"' in page.content.decode()
    # After the move, too, the queue comes back as it was filtered.
    done = client.post(REVIEW, as_data(confirm_fields(page)))
    assert done["Location"] == REVIEW + back


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d, extra: {**d, "pk": [*d["pk"], str(extra.pk)]}, id="a row added"),
        pytest.param(lambda d, extra: {**d, "pk": [str(extra.pk)]}, id="a row swapped"),
        pytest.param(lambda d, extra: {**d, "action": ["reject"], "reason": ["不符合"]}, id="another action"),
        pytest.param(lambda d, extra: {**d, "confirm": ["x" + d["confirm"][0]]}, id="a forged token"),
        pytest.param(
            lambda d, extra: {k: v for k, v in d.items() if k != "confirm"} | {"confirm": [""]}, id="no token"
        ),
    ],
)
def test_a_changed_selection_is_refused_and_changes_nothing(w, client, change):
    a, extra = nominate(w, 1, submit=True), nominate(w, 2, submit=True)
    client = login(client, w.county_a)
    data = as_data(confirm_fields(client.post(REVIEW, {"action": "forward", "pk": [a.pk]})))
    before = transitions()
    response = client.post(REVIEW, change(data, extra), follow=True)
    assert messages_of(response) == [TAMPERED]
    assert states(a, extra) == [State.REVIEW3, State.REVIEW3]
    assert transitions() == before


def test_a_confirm_page_signed_for_one_user_does_not_serve_another(w, client):
    a = nominate(w, 1, submit=True)
    colleague = make_user("county_a2", org=w.tree["county_a"], role=Role.STAFF)
    data = as_data(
        confirm_fields(login(client, w.county_a).post(REVIEW, {"action": "forward", "pk": [a.pk]}))
    )
    response = login(client, colleague).post(REVIEW, data, follow=True)
    assert messages_of(response) == [TAMPERED]
    assert states(a) == [State.REVIEW3]


def test_an_old_confirm_page_is_refused(w, client, monkeypatch):
    a = nominate(w, 1, submit=True)
    client = login(client, w.county_a)
    # The page was signed an hour and a second ago.
    signed_at = signing.b62_encode(int(signing.time.time()) - 3601)
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: signed_at)
        data = as_data(confirm_fields(client.post(REVIEW, {"action": "forward", "pk": [a.pk]})))
    response = client.post(REVIEW, data, follow=True)
    assert messages_of(response) == ["确认页已过期，未作任何更改。请重新选择后再确认。"]
    assert states(a) == [State.REVIEW3]


def test_a_row_moved_by_someone_else_meanwhile_is_refused(w, client):
    a, b = nominate(w, 1, submit=True), nominate(w, 2, submit=True)
    client = login(client, w.county_a)
    data = as_data(confirm_fields(client.post(REVIEW, {"action": "forward", "pk": [a.pk, b.pk]})))
    services.send_back(actor=w.county_a, pks=[b.pk], reason="先退回")
    response = client.post(REVIEW, data, follow=True)
    assert messages_of(response) == ["所选推荐中有的已被处理或不在本级待审列表中，请刷新后重试。"]
    assert states(a, b) == [State.REVIEW3, State.RETURNED]


def test_return_and_reject_ask_first_with_the_reason(w, client):
    a, b = nominate(w, 1, submit=True), nominate(w, 2, submit=True)
    client = login(client, w.county_a)
    refused = client.post(REVIEW, {"action": "reject", "pk": [a.pk], "reason": "  "}, follow=True)
    assert messages_of(refused) == ["请填写理由。"]  # no confirm page for a move that cannot happen
    page = client.post(REVIEW, {"action": "return", "pk": [a.pk, b.pk], "reason": "请补充\r\n事迹材料"})
    html = page.content.decode()
    assert page.context["question"] == "将以下 2 名推荐对象退回推荐单位修改："
    assert "请补充<br>事迹材料" in html
    assert "退回后由推荐单位修改并重新提交，审核从第一级重新开始。" in html
    assert states(a, b) == [State.REVIEW3, State.REVIEW3]
    done = client.post(REVIEW, as_data(confirm_fields(page)), follow=True)
    assert messages_of(done) == ["已退回修改 2 个推荐对象。"]
    assert states(a, b) == [State.RETURNED, State.RETURNED]
    event = AuditEvent.objects.filter(to_state=State.RETURNED).first()
    assert event.comment == "请补充\n事迹材料"
    c = nominate(w, 3, submit=True)
    page = client.post(REVIEW, {"action": "reject", "pk": [c.pk], "reason": "材料不实"})
    assert page.context["question"] == "驳回以下 1 名推荐对象："
    assert "驳回后这些推荐即告结束，不能再提交。" in page.content.decode()
    assert states(c) == [State.REVIEW3]


def test_the_province_queue_confirms_approval(w, client):
    a = to_province(w, 1)
    page = login(client, w.province).post(REVIEW, {"action": "forward", "pk": [a.pk]})
    assert page.context["title"] == "确认批准"
    assert page.context["question"] == "批准以下 1 名推荐对象列入省级批准名单："
    assert states(a) == [State.REVIEW1]
    done = client.post(REVIEW, as_data(confirm_fields(page)), follow=True)
    assert messages_of(done) == ["已批准 1 个推荐对象。"]
    assert states(a) == [State.APPROVED]


# --- the province's final list --------------------------------------------------------------------


def final_url(w):
    return reverse("selection:final", args=[w.programme.pk])


def test_approve_on_the_final_list_asks_first(w, client):
    a, b = to_province(w, 1), to_province(w, 2)
    client = login(client, w.province)
    page = client.post(final_url(w), {"action": "approve", "pk": [b.pk]})
    assert [r.pk for r in page.context["rows"]] == [b.pk]
    assert "✓ 名额 10 个：已用 0 个，本次 1 个，之后剩余 9 个。" in page.content.decode()
    assert f'href="{final_url(w)}"' in page.content.decode()  # cancel: back to the final list
    assert states(a, b) == [State.REVIEW1, State.REVIEW1]
    tampered = as_data(confirm_fields(page)) | {"pk": [str(a.pk), str(b.pk)]}
    assert messages_of(client.post(final_url(w), tampered, follow=True)) == [TAMPERED]
    assert states(a, b) == [State.REVIEW1, State.REVIEW1]
    done = client.post(final_url(w), as_data(confirm_fields(page)), follow=True)
    assert messages_of(done) == ["已批准 1 个推荐对象。"]
    assert states(a, b) == [State.REVIEW1, State.APPROVED]


def notice_data(day):
    return {
        "action": "notice",
        "starts_on": day.isoformat(),
        "office": "省总",
        "phone": "027-1",
        "address": "武汉",
    }


def test_opening_a_notice_asks_first_with_its_list_period_and_terms(w, client):
    a, b = approved(w, 1), approved(w, 2)
    today = timezone.localdate()
    end = services.notice_period(today, w.programme.notice_working_days)
    client = login(client, w.province)
    page = client.post(final_url(w), notice_data(today))
    assert [r.pk for r in page.context["rows"]] == [a.pk, b.pk]
    assert page.context["question"] == "将以下 2 名对象在门户网站公示："
    assert dict(page.context["facts"]) == {
        "公示标题": "2026年“Programme medal”拟表彰对象公示",
        "公示期": f"{today.isoformat()} 至 {end.isoformat()}（5 个工作日）",
        "异议受理单位": "省总",
        "受理电话": "027-1",
        "受理地址": "武汉",
    }
    assert not Notice.objects.exists() and states(a, b) == [State.APPROVED] * 2
    done = client.post(final_url(w), as_data(confirm_fields(page)), follow=True)
    notice = Notice.objects.get()
    assert messages_of(done) == [f"公示已发布：{notice.starts_on} 至 {notice.ends_on}。"]
    assert (notice.office, notice.phone, notice.address, notice.starts_on) == ("省总", "027-1", "武汉", today)
    assert states(a, b) == [State.NOTICE] * 2


def test_a_notice_whose_list_changed_since_the_confirm_page_is_not_opened(w, client):
    a = approved(w, 1)
    late = to_province(w, 2)
    client = login(client, w.province)
    data = as_data(confirm_fields(client.post(final_url(w), notice_data(timezone.localdate()))))
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[late.pk])
    response = client.post(final_url(w), data, follow=True)
    assert messages_of(response) == ["待公示名单已有变化，未发布公示。请核对名单后重新确认。"]
    assert not Notice.objects.exists() and states(a, late) == [State.APPROVED] * 2
    changed = data | {"office": ["别的单位"]}
    assert messages_of(client.post(final_url(w), changed, follow=True)) == [TAMPERED]
    assert not Notice.objects.exists()


def test_publish_and_revoke_confirm_pages_name_what_happens(w, client):
    a = approved(w, 1)
    services.notice_open(
        actor=w.province,
        programme=w.programme,
        starts_on=timezone.localdate() - timedelta(days=30),
        office="省总",
        phone="1",
        address="武汉",
    )
    client = login(client, w.province)
    publish = reverse("selection:publish", args=[w.programme.pk])
    page = client.get(publish)
    assert [r.pk for r in page.context["rows"]] == [a.pk]
    assert "公布后名单将在公开页面显示" in page.content.decode()
    assert states(a) == [State.NOTICE]
    client.post(publish)
    revoke = client.get(reverse("selection:revoke", args=[w.programme.pk, a.pk]))
    assert "确认撤销“候选人1”" in revoke.content.decode()
    assert states(a) == [State.PUBLISHED]


# --- objections -----------------------------------------------------------------------------------


def lodge(w):
    c = approved(w, 1)
    today = timezone.localdate()
    notice = services.notice_open(
        actor=w.province, programme=w.programme, starts_on=today, office="省总", phone="1", address="武汉"
    )
    return services.objection_lodge(
        notice=notice,
        candidacy_id=c.pk,
        name="群众",
        contact="13800001111",
        reason="反映其业绩不实",
        token=services.objection_form_token(),
        today=today,
    )


def test_closing_an_objection_asks_first_and_a_changed_outcome_is_refused(w, client):
    objection = lodge(w)
    url = reverse("selection:objection", args=[objection.pk])
    client = login(client, w.province)
    page = client.post(url, {"outcome": "upheld", "findings": "经核实，业绩材料有误。"})
    assert (
        page.context["question"]
        == f"认定异议 {objection.receipt_no} 成立：“候选人1”将从公示名单中撤下，不予表彰。"
    )
    assert [r.pk for r in page.context["rows"]] == [objection.candidacy_id]
    assert "办结后不能更改，处理结果将告知反映人。" in page.content.decode()
    assert f'id="confirm-cancel" href="{url}"' in page.content.decode()
    objection.refresh_from_db()
    assert objection.state == ObjectionState.OPEN
    tampered = client.post(url, as_data(confirm_fields(page)) | {"outcome": ["dismissed"]})
    assert tampered.status_code == 200
    assert tampered.context["form"].non_field_errors() == [TAMPERED]
    objection.refresh_from_db()
    assert objection.state == ObjectionState.OPEN and objection.candidacy.state == State.NOTICE
    done = client.post(url, as_data(confirm_fields(page)), follow=True)
    assert messages_of(done) == [f"异议 {objection.receipt_no} 已办结。"]
    objection.refresh_from_db()
    assert objection.state == ObjectionState.UPHELD and objection.candidacy.state == State.STRUCK


def test_dismissing_says_the_candidate_stays_on_notice(w, client):
    objection = lodge(w)
    page = login(client, w.province).post(
        reverse("selection:objection", args=[objection.pk]),
        {"outcome": "dismissed", "findings": "经核实，属实。"},
    )
    assert page.context["question"] == f"认定异议 {objection.receipt_no} 不成立：“候选人1”继续公示。"
    objection.refresh_from_db()
    assert objection.state == ObjectionState.OPEN
