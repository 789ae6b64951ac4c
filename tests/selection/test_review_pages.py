"""Staff pages of the pipeline: the review queue, the province's final list, notice, publication and
revocation, objection cases and sub-allocation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import Role, make_user
from unionportal.selection import services
from unionportal.selection.enums import ObjectionState, State
from unionportal.selection.models import Allocation, Candidacy, Notice, PastHonour, Programme

from .confirming import confirmed
from .factories import id_number, nominate, world

pytestmark = pytest.mark.django_db

REVIEW = reverse("selection:review")


@pytest.fixture
def w():
    return world()


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def to_province(w, n):
    c = nominate(w, n, submit=True)
    services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=[c.pk])
    services.forward(actor=w.city_a, programme=w.programme, organisation=w.tree["city_a"], pks=[c.pk])
    return c


# --- the queue ------------------------------------------------------------------------------------


def test_queue_shows_the_subtree_quota_use_and_both_rule_checks(w, client):
    a = nominate(w, 1, submit=True)
    nominate(w, 2, submit=True, frontline=False)
    nominate(w, 3, org=w.tree["grassroots_b"], submit=True)  # county b's, not ours
    response = login(client, w.county_a).get(REVIEW)
    assert response.status_code == 200
    assert [c.name for c in response.context["rows"]] == ["候选人1", "候选人2"]
    html = response.content.decode()
    assert "已报送 0 / 名额 5" in html
    assert reverse("selection:candidacy", args=[a.pk]) in html
    assert [r.ok for r in response.context["rules_sent"]] == [True] * len(response.context["rules_sent"])
    failing = [r.message for r in response.context["rules_all"] if not r.ok]
    assert failing == ["一线职工占名单 50%（1/2），要求不低于 65%。"]
    assert "一线职工占名单 50%（1/2），要求不低于 65%。" in html


def test_queue_filters_and_sorts(w, client):
    nominate(w, 1, submit=True)
    b = nominate(w, 2, submit=True, frontline=False)
    Candidacy.objects.filter(pk=b.pk).update(
        past_honours=[{"year": 2024, "level": "provincial", "award": "五一劳动奖章"}], unit="江汉机械厂"
    )
    client = login(client, w.county_a)
    assert [c.pk for c in client.get(REVIEW, {"q": "江汉"}).context["rows"]] == [b.pk]
    assert [c.pk for c in client.get(REVIEW, {"honours": "1"}).context["rows"]] == [b.pk]
    assert [c.name for c in client.get(REVIEW, {"flag": "frontline"}).context["rows"]] == ["候选人1"]
    assert [c.name for c in client.get(REVIEW, {"tag": "innovation"}).context["rows"]] == [
        "候选人1",
        "候选人2",
    ]
    assert client.get(REVIEW, {"tag": "green"}).context["rows"] == []
    assert [c.name for c in client.get(REVIEW, {"sort": "-submitted"}).context["rows"]] == [
        "候选人2",
        "候选人1",
    ]
    page = client.get(REVIEW).content.decode()
    assert "既往荣誉：2024 省级五一劳动奖章" in page


def test_queue_query_count_does_not_grow_with_rows(w, client, django_assert_max_num_queries):
    nominate(w, 1, submit=True)
    client = login(client, w.county_a)
    with django_assert_max_num_queries(20) as one:
        client.get(REVIEW)
    for n in range(2, 7):
        nominate(w, n, submit=True)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(REVIEW)
    assert len(response.context["rows"]) == 6


def test_bulk_forward_moves_the_selection_and_says_so(w, client):
    a = nominate(w, 1, submit=True)
    b = nominate(w, 2, submit=True)
    response = confirmed(
        login(client, w.county_a),
        REVIEW,
        {"action": "forward", "pk": [a.pk, b.pk], "programme": w.programme.pk},
        follow=True,
    )
    assert messages_of(response) == ["已向上级报送 2 个推荐对象。"]
    assert set(Candidacy.objects.values_list("state", flat=True)) == {State.REVIEW2}
    assert "已报送 2 / 名额 5" in response.content.decode()


def test_forward_over_quota_is_refused_with_the_figures_and_changes_nothing(w, client):
    Allocation.objects.filter(organisation=w.tree["county_a"]).update(quota=1)
    a = nominate(w, 1, submit=True)
    b = nominate(w, 2, submit=True)
    client = login(client, w.county_a)
    page = client.post(REVIEW, {"action": "forward", "pk": [a.pk, b.pk]})
    # The confirm page says so before anything is tried; the service refuses the confirmed POST.
    assert "✗ County a 的名额为 1 个，已报送 0 个，本次选择 2 个，超出 1 个。" in page.content.decode()
    response = confirmed(client, REVIEW, {"action": "forward", "pk": [a.pk, b.pk]}, follow=True)
    assert messages_of(response) == ["County a 的名额为 1 个，已报送 0 个，本次选择 2 个，超出 1 个。"]
    assert set(Candidacy.objects.values_list("state", flat=True)) == {State.REVIEW3}


def test_bulk_return_needs_a_reason(w, client):
    a = nominate(w, 1, submit=True)
    client = login(client, w.county_a)
    response = client.post(REVIEW, {"action": "return", "pk": [a.pk], "reason": " "}, follow=True)
    assert messages_of(response) == ["请填写理由。"]
    a.refresh_from_db()
    assert a.state == State.REVIEW3
    response = confirmed(
        client, REVIEW, {"action": "reject", "pk": [a.pk], "reason": "材料不实"}, follow=True
    )
    assert messages_of(response) == ["已驳回 1 个推荐对象。"]
    a.refresh_from_db()
    assert a.state == State.REJECTED


def test_rows_of_another_queue_are_refused(w, client):
    other = nominate(w, 1, org=w.tree["grassroots_b"], submit=True)
    response = login(client, w.county_a).post(REVIEW, {"action": "forward", "pk": [other.pk]}, follow=True)
    assert messages_of(response) == ["所选推荐中有的已被处理或不在本级待审列表中，请刷新后重试。"]
    other.refresh_from_db()
    assert other.state == State.REVIEW3


def test_a_programme_or_union_the_user_does_not_review_answers_404(w, client):
    client = login(client, w.county_a)
    assert client.get(REVIEW, {"org": w.tree["county_b"].pk}).status_code == 404
    assert client.get(REVIEW, {"programme": 999999}).status_code == 404
    # A submitter holds no reviewing role (the matrix's "candidacy" / "review" row names staff only).
    assert login(client, w.submitter_a).get(REVIEW).status_code == 403
    # Staff of a union that reviews no programme get the page with nothing to do.
    township = make_user("township_staff", org=w.tree["township_a"], role=Role.STAFF)
    nothing = login(client, township).get(REVIEW)
    assert nothing.status_code == 200
    assert "您目前没有需要审核的评选项目。" in nothing.content.decode()


# --- the province ---------------------------------------------------------------------------------


def final_url(w):
    return reverse("selection:final", args=[w.programme.pk])


def test_final_page_is_province_only(w, client):
    for user in (w.county_a, w.city_a, w.submitter_a):
        assert login(client, user).get(final_url(w)).status_code == 404
    assert login(client, w.province).get(final_url(w)).status_code == 200


def test_province_ranks_approves_and_opens_a_notice(w, client):
    a = to_province(w, 1)
    b = to_province(w, 2)
    client = login(client, w.province)
    response = client.post(
        final_url(w), {"action": "rank", f"rank_{a.pk}": "2", f"rank_{b.pk}": "1"}, follow=True
    )
    assert messages_of(response) == ["排序已保存。"]
    assert [c.pk for c in response.context["waiting"]] == [b.pk, a.pk]
    response = confirmed(client, final_url(w), {"action": "approve", "pk": [a.pk, b.pk]}, follow=True)
    assert messages_of(response) == ["已批准 2 个推荐对象。"]
    assert "已批准 2 / 名额 10" in response.content.decode()
    today = timezone.localdate()
    form = response.context["notice_form"]
    assert form.initial["office"] == "省总工会" and form.initial["starts_on"] == today
    expected_end = services.notice_period(today, w.programme.notice_working_days)
    assert f"截止于 {expected_end:%Y-%m-%d}" in response.content.decode()
    response = confirmed(
        client,
        final_url(w),
        {
            "action": "notice",
            "starts_on": today.isoformat(),
            "office": "省总",
            "phone": "027-1",
            "address": "武汉",
        },
        follow=True,
    )
    notice = Notice.objects.get()
    assert messages_of(response) == [f"公示已发布：{notice.starts_on} 至 {notice.ends_on}。"]
    assert set(Candidacy.objects.values_list("state", flat=True)) == {State.NOTICE}
    assert "尚未发布公示。" not in response.content.decode()
    assert f"公示期至 {notice.ends_on} 结束，公示期满后才能公布。" in response.context["publish_problems"]


def test_publish_confirms_then_publishes_and_revoke_takes_a_reason(w, client):
    a = to_province(w, 1)
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[a.pk])
    start = timezone.localdate() - timedelta(days=30)
    services.notice_open(
        actor=w.province, programme=w.programme, starts_on=start, office="省总", phone="1", address="武汉"
    )
    client = login(client, w.province)
    publish = reverse("selection:publish", args=[w.programme.pk])
    confirm = client.get(publish)
    assert confirm.status_code == 200 and confirm.context["problems"] == []
    response = client.post(publish, follow=True)
    assert messages_of(response) == ["已公布 1 个表彰对象。"]
    a.refresh_from_db()
    assert a.state == State.PUBLISHED
    revoke = reverse("selection:revoke", args=[w.programme.pk, a.pk])
    empty = client.post(revoke, {"reason": ""})
    assert empty.status_code == 200
    assert empty.context["form"].errors["reason"] == ["请填写理由。"]
    a.refresh_from_db()
    assert a.state == State.PUBLISHED
    response = client.post(revoke, {"reason": "弄虚作假"}, follow=True)
    assert messages_of(response) == ["已撤销“候选人1”的荣誉。"]
    a.refresh_from_db()
    assert a.state == State.REVOKED
    assert client.get(revoke).status_code == 404  # no longer published


def test_publish_before_the_notice_ends_is_refused_with_the_reason(w, client):
    a = to_province(w, 1)
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[a.pk])
    notice = services.notice_open(
        actor=w.province,
        programme=w.programme,
        starts_on=timezone.localdate(),
        office="省总",
        phone="1",
        address="武汉",
    )
    response = login(client, w.province).post(
        reverse("selection:publish", args=[w.programme.pk]), follow=True
    )
    assert messages_of(response) == [f"公示期至 {notice.ends_on} 结束，公示期满后才能公布。"]
    a.refresh_from_db()
    assert a.state == State.NOTICE


# --- objections -----------------------------------------------------------------------------------


def lodge(w, n=1):
    c = to_province(w, n)
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[c.pk])
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


def test_objection_list_filters_and_is_scoped(w, client):
    objection = lodge(w)
    client = login(client, w.county_a)
    url = reverse("selection:objections")
    assert [o.pk for o in client.get(url).context["page"].object_list] == [objection.pk]
    assert [o.pk for o in client.get(url, {"state": "open"}).context["page"].object_list] == [objection.pk]
    assert list(client.get(url, {"state": "closed"}).context["page"].object_list) == []
    other = login(client, w.county_b)
    assert list(other.get(url).context["page"].object_list) == []
    assert other.get(reverse("selection:objection", args=[objection.pk])).status_code == 404
    assert login(client, w.submitter_a).get(url).status_code == 403


def test_the_objectors_contact_is_masked_and_revealed_only_with_a_logged_reason(w, client):
    from unionportal.audit.models import AuditEvent
    from unionportal.audit.services import REVEAL_ACTION

    objection = lodge(w)
    url = reverse("selection:objection", args=[objection.pk])
    reveal_url = reverse("selection:objection_reveal", args=[objection.pk])
    page = login(client, w.county_a).get(url).content.decode()
    assert "13800001111" not in page and "138****1111" in page
    for reason in ("", "查"):
        refused = client.post(reveal_url, {"reason": reason})
        assert refused.status_code == 400 and "13800001111" not in refused.content.decode()
    assert not AuditEvent.objects.filter(action=REVEAL_ACTION).exists()
    shown = client.post(reveal_url, {"reason": "电话核实反映情况"})
    assert shown.status_code == 200 and "13800001111" in shown.content.decode()
    event = AuditEvent.objects.get(action=REVEAL_ACTION)
    assert (event.comment, event.changes, event.object_id) == (
        "电话核实反映情况",
        {"field": "contact"},
        str(objection.pk),
    )
    # The union objected to never sees the case, let alone the contact.
    assert login(client, w.submitter_a).post(reveal_url, {"reason": "想知道是谁反映的"}).status_code == 404
    assert AuditEvent.objects.filter(action=REVEAL_ACTION).count() == 1


def test_the_objection_admin_masks_the_contact(w, client):
    objection = lodge(w)
    page = login(client, w.province).get(reverse("admin:selection_objection_change", args=[objection.pk]))
    assert page.status_code == 200
    assert "13800001111" not in page.content.decode() and "138****1111" in page.content.decode()


def test_province_records_findings_and_upholds_an_objection(w, client):
    objection = lodge(w)
    url = reverse("selection:objection", args=[objection.pk])
    county = login(client, w.county_a)
    assert county.get(url).context["form"] is None  # only the province decides
    assert county.post(url, {"outcome": "upheld", "findings": "x"}).status_code == 404
    client = login(client, w.province)
    response = confirmed(
        client, url, {"outcome": "upheld", "findings": "经核实，业绩材料有误。"}, follow=True
    )
    assert messages_of(response) == [f"异议 {objection.receipt_no} 已办结。"]
    objection.refresh_from_db()
    assert objection.state == ObjectionState.UPHELD and objection.handled_by == w.province
    assert objection.candidacy.state == State.STRUCK
    assert "经核实，业绩材料有误。" in response.content.decode()


# --- sub-allocation -------------------------------------------------------------------------------


def test_city_staff_sub_allocate_and_over_allocation_is_refused_with_the_figures(w, client):
    url = reverse("selection:allocations", args=[w.programme.pk])
    client = login(client, w.city_a)
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["form"].fields) == [f"org_{w.tree['county_a'].pk}"]
    assert [(r.held, r.given, r.remaining, r.used) for r in [page.context["own"], *page.context["rows"]]] == [
        (6, 5, 1, 0),
        (5, 0, 5, 0),
    ]
    field = f"org_{w.tree['county_a'].pk}"
    refused = client.post(url, {field: "7"})
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == ["City a 向下分配 7 个名额，超过其持有的 6 个。"]
    assert Allocation.objects.get(organisation=w.tree["county_a"]).quota == 5
    saved = client.post(url, {field: "3"}, follow=True)
    assert messages_of(saved) == ["名额分配已保存。"]
    assert Allocation.objects.get(organisation=w.tree["county_a"]).quota == 3


def test_allocation_page_for_unions_without_a_quota(w, client):
    url = reverse("selection:allocations", args=[w.programme.pk])
    township = make_user("town", org=w.tree["township_a"], role=Role.STAFF)
    response = login(client, township).get(url, follow=True)
    assert response.redirect_chain == [(reverse("selection:review"), 302)]
    assert messages_of(response) == [f"您所在的工会没有获得“{w.programme}”的名额，无需向下分配。"]
    assert login(client, w.submitter_a).get(url).status_code == 404
    assert login(client, w.city_a).get(url, {"org": w.tree["city_b"].pk}).status_code == 404


def test_past_honour_appears_on_the_queue(w, client):
    PastHonour.objects.create(
        id_number=id_number(1), name="候选人1", year=2024, level="provincial", award="五一劳动奖章"
    )
    nominate(w, 1, submit=True)
    html = login(client, w.county_a).get(REVIEW).content.decode()
    assert "既往荣誉：2024 省级五一劳动奖章" in html


# --- to-dos ---------------------------------------------------------------------------------------


def test_todos_count_the_queue_and_the_province_work(w):
    from unionportal.selection.todos import selection_todos

    nominate(w, 1, submit=True)
    nominate(w, 2, submit=True)
    assert [(t.label, t.count) for t in selection_todos(w.county_a)] == [
        ("待审核推荐：2026 Programme medal（County a）", 2)
    ]
    objection = lodge(w, 3)
    later = objection.notice.ends_on + timedelta(days=1)
    items = {t.label: t.count for t in selection_todos(w.province, today=later)}
    assert items["未办结的公示异议"] == 1
    assert items["公示期满待公布：2026 Programme medal"] == 1


def test_a_candidacy_of_an_app_without_a_page_of_its_own_opens_on_the_shared_page(client):
    """The reviewers' queues link every candidacy; a programme whose app registers no page (one built
    before its app) shows the fields every candidacy has, the ID number masked."""
    w = world()
    candidacy = nominate(w, 1, submit=True)
    Programme.objects.filter(pk=w.programme.pk).update(app="frontline")
    client.force_login(w.county_a)
    page = client.get(reverse("selection:candidacy", args=[candidacy.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "候选人1" in html and "扎根一线二十年。" in html
    assert candidacy.id_number not in html and candidacy.id_number[-4:] in html
    client.force_login(w.county_b)  # outside its scope: still a 404
    assert client.get(reverse("selection:candidacy", args=[candidacy.pk])).status_code == 404
