"""The 荆楚工匠 batch: after the combined ranking, province staff choose the batch on its page (the top
``batch_size`` preselected, the tie rule stated), confirm, and the chosen candidacies are approved
through the pipeline's own services; a batch larger than its room is refused and changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from craftsmen import selectors
from craftsmen.services import BATCH_COMMENT, BatchTooLarge, batch_approve
from tests.factories import Role, make_user
from tests.selection.confirming import as_data, confirm_fields, confirmed
from unionportal.audit.models import AuditEvent
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy
from unionportal.selection.services import SelectionError

from .factories import batch_world

pytestmark = pytest.mark.django_db

QUERIES = 13  # the batch page, whatever the number of candidates

TOO_LARGE = (
    "“荆楚工匠”每批 2 人，已批准（含公示中、已公布）%(taken)s 人，本次又选择了 %(count)s 人，超出 %(over)s 人。"
    "请减少人选后重新确认。"
)


def url(w):
    return reverse("craftsmen:batch", args=[w.programme.pk])


def states(w) -> dict[str, str]:
    return dict(Candidacy.objects.filter(programme=w.programme).values_list("name", "state"))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def w():
    # 工匠1…4 scored 90, 85, 80, 75 by the expert (the rubric's floors: 89, 83, 80, 73); votes 1, 3, 0, 2.
    return batch_world(candidates=4, batch_size=2, votes=[1, 3, 0, 2])


def test_the_batch_follows_the_combined_ranking_and_preselects_the_top_of_it(w):
    batch = selectors.batch(w.programme)
    assert [(b.line.rank, b.candidacy.name, b.line.votes) for b in batch.lines] == [
        (1, "工匠2", 3),
        (2, "工匠1", 1),
        (3, "工匠4", 2),
        (4, "工匠3", 0),
    ]
    # 工匠2: 0.7 × 83 + 0.3 × 100 = 88.10; 工匠1: 0.7 × 89 + 0.3 × 33.33 = 72.30
    assert [b.line.combined for b in batch.lines[:2]] == [Decimal("88.10"), Decimal("72.30")]
    assert [b.candidacy.name for b in batch.preselected] == ["工匠2", "工匠1"]
    assert (batch.size, batch.taken, batch.free) == (2, 0, 2)


def test_the_page_shows_each_part_the_tie_rule_and_the_preselection(client, w):
    client.force_login(w.province)
    response = client.get(url(w))
    assert response.status_code == 200
    page = response.content.decode()
    assert "综合得分相同时，专家评审得分高者排名在前；仍相同的，按候选人序号排列。" in page
    assert "每批 2 人；已批准（含公示中、已公布）0 人，本批还可批准 2 人。" in page
    first, second, third = (c.pk for c in w.candidacies[:3])
    assert f'value="{second}" id="pick-{second}" checked' in page
    assert f'value="{first}" id="pick-{first}" checked' in page
    assert f'value="{third}" id="pick-{third}" aria-label' in page  # offered, not ticked
    line = page[page.index(f'id="batch-line-{second}"') :]
    assert '<td data-label="专家评审得分" class="expert">83.00</td>' in line
    assert '<td data-label="计票" class="votes">3</td>' in line
    assert '<td data-label="公众得分" class="public">100.00</td>' in line
    assert "<strong>88.10</strong>" in line
    assert "焊工</span> · 技师" in line
    for name in ("voting_staff:ranking", "voting_staff:ranking_export"):
        assert reverse(name, args=[w.stage.pk]) in page
    assert reverse("selection:final", args=[w.programme.pk]) in page
    assert reverse("craftsmen:batch_export", args=[w.programme.pk]) in page


def test_confirming_the_batch_approves_it_through_the_pipeline(client, w):
    client.force_login(w.province)
    chosen = [w.candidacies[1].pk, w.candidacies[3].pk]  # 工匠2 (rank 1) and 工匠4 (rank 3)
    page = client.post(url(w), {"pk": chosen})
    assert page.status_code == 200
    assert "确认荆楚工匠批次" in page.content.decode()
    assert Candidacy.objects.filter(state=State.APPROVED).count() == 0  # nothing before the confirmation
    response = client.post(url(w), as_data(confirm_fields(page)), follow=True)
    assert messages_of(response) == ["已批准 2 名荆楚工匠，可在“省级批准名单”页发布公示。"]
    assert states(w) == {"工匠1": "review1", "工匠2": "approved", "工匠3": "review1", "工匠4": "approved"}
    # The ranks are the combined ranking's, so the notice lists them in that order.
    assert dict(Candidacy.objects.filter(pk__in=chosen).values_list("name", "rank")) == {
        "工匠2": 1,
        "工匠4": 3,
    }
    moves = AuditEvent.objects.filter(
        action="selection.candidacy.transition",
        to_state=State.APPROVED,
        object_id__in=[str(pk) for pk in chosen],
    )
    assert moves.count() == 2 and {e.comment for e in moves} == {str(BATCH_COMMENT)}
    # The batch is full now: the page says so and offers no button.
    page = client.get(url(w)).content.decode()
    assert "本批人数已满。" in page and 'id="batch-submit"' not in page


def test_a_batch_larger_than_its_size_is_refused_and_nothing_changes(client, w):
    client.force_login(w.province)
    before = (states(w), AuditEvent.objects.count())
    three = [c.pk for c in w.candidacies[:3]]
    response = client.post(url(w), {"pk": three})
    assert response.status_code == 400
    assert messages_of(response) == [TOO_LARGE % {"taken": 0, "count": 3, "over": 1}]
    # The ticks the user made are kept, so they can untick one.
    assert all(f'value="{pk}" id="pick-{pk}" checked' in response.content.decode() for pk in three)
    with pytest.raises(BatchTooLarge) as refused:
        batch_approve(actor=w.province, programme=w.programme, pks=three)
    assert refused.value.message == TOO_LARGE % {"taken": 0, "count": 3, "over": 1}
    assert (states(w), AuditEvent.objects.count()) == before


def test_the_size_counts_what_is_already_approved_on_notice_or_published(client, w):
    batch_approve(actor=w.province, programme=w.programme, pks=[w.candidacies[1].pk])
    before = (states(w), AuditEvent.objects.count())
    two = [w.candidacies[0].pk, w.candidacies[2].pk]
    with pytest.raises(BatchTooLarge) as refused:
        batch_approve(actor=w.province, programme=w.programme, pks=two)
    assert refused.value.message == TOO_LARGE % {"taken": 1, "count": 2, "over": 1}
    Candidacy.objects.filter(pk=w.candidacies[1].pk).update(state=State.PUBLISHED)
    with pytest.raises(BatchTooLarge):
        batch_approve(actor=w.province, programme=w.programme, pks=two)
    Candidacy.objects.filter(pk=w.candidacies[1].pk).update(state=State.APPROVED)
    assert (states(w), AuditEvent.objects.count()) == before
    # One more fits, and the page preselects only the one left.
    assert [b.candidacy.name for b in selectors.batch(w.programme).preselected] == ["工匠1"]
    client.force_login(w.province)
    response = confirmed(client, url(w), {"pk": [w.candidacies[0].pk]}, follow=True)
    assert messages_of(response) == ["已批准 1 名荆楚工匠，可在“省级批准名单”页发布公示。"]


def test_a_confirmation_for_another_choice_is_refused(client, w):
    client.force_login(w.province)
    fields = as_data(confirm_fields(client.post(url(w), {"pk": [w.candidacies[1].pk]})))
    fields["pk"] = [str(w.candidacies[0].pk)]  # the signed choice was 工匠2
    before = states(w)
    response = client.post(url(w), fields)
    assert response.status_code == 400
    assert messages_of(response) == ["提交的内容与确认页列出的不一致，未作任何更改。请重新选择后再确认。"]
    assert states(w) == before


def test_the_batch_waits_for_the_vote_to_end():
    w = batch_world(candidates=2, batch_size=2, votes=[1], close=False)
    with pytest.raises(SelectionError) as refused:
        batch_approve(actor=w.province, programme=w.programme, pks=[w.candidacies[0].pk])
    assert refused.value.message.startswith("社会评议至 ")
    assert refused.value.message.endswith(" 结束，结束后才能确定批次。")
    assert not isinstance(refused.value, BatchTooLarge)
    assert set(states(w).values()) == {"review1"}


def test_nothing_chosen_or_a_candidate_outside_the_vote_is_refused(w):
    with pytest.raises(SelectionError) as refused:
        batch_approve(actor=w.province, programme=w.programme, pks=[])
    assert refused.value.message == "请至少选择一名候选人。"
    with pytest.raises(SelectionError) as refused:
        batch_approve(actor=w.province, programme=w.programme, pks=[w.candidacies[0].pk + 1000])
    assert refused.value.message == "所选候选人中有的未参加本项目的社会评议，请刷新页面后重新选择。"


@pytest.mark.parametrize("who", ["city_a", "county_a", "submitter_a"])
def test_only_province_staff_choose_the_batch(client, w, who):
    client.force_login(getattr(w, who))
    assert client.get(url(w)).status_code == 404
    assert client.post(url(w), {"pk": [w.candidacies[1].pk]}).status_code == 404
    with pytest.raises(SelectionError) as refused:
        batch_approve(actor=getattr(w, who), programme=w.programme, pks=[w.candidacies[1].pk])
    assert refused.value.message == "您无权执行此操作。"
    assert set(states(w).values()) == {"review1"}


def test_a_province_member_without_the_staff_role_is_refused(client, w):
    submitter = make_user("prov_sub", org=w.tree["province"], role=Role.SUBMITTER)
    client.force_login(submitter)
    assert client.get(url(w)).status_code == 404


PAGE_QUERIES = {}


@pytest.mark.parametrize(("candidates", "votes"), [(2, [1, 1]), (8, [1, 2, 0, 3, 1, 1, 2, 0])])
def test_the_page_answers_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, candidates, votes
):
    w = batch_world(candidates=candidates, batch_size=5, votes=votes)
    client.force_login(w.province)
    client.get(url(w))  # the session and the caches warm
    with django_assert_max_num_queries(QUERIES) as counted:
        response = client.get(url(w))
    assert response.status_code == 200
    assert response.content.decode().count('class="rank"') == candidates
    PAGE_QUERIES[candidates] = len(counted.captured_queries)
    if len(PAGE_QUERIES) == 2:  # the same count at both sizes
        assert PAGE_QUERIES[2] == PAGE_QUERIES[8]


def test_without_a_vote_the_page_says_so(client):
    from .factories import world

    w = world()
    client.force_login(w.province)
    page = client.get(reverse("craftsmen:batch", args=[w.programme.pk])).content.decode()
    assert "本项目尚未发布社会评议" in page and 'id="batch-form"' not in page


def test_the_provinces_own_approval_is_held_to_the_batch_size_too(w):
    """The final list's approve (``selection.forward`` at the province) asks the craftsmen app as well, so
    the batch page is not the only way that keeps to the size."""
    from unionportal.orgs.models import Organisation
    from unionportal.selection.services import forward

    province = Organisation.objects.get(depth=1)
    before = states(w)
    three = [c.pk for c in w.candidacies[:3]]
    with pytest.raises(SelectionError) as refused:
        forward(actor=w.province, programme=w.programme, organisation=province, pks=three)
    assert refused.value.message == TOO_LARGE % {"taken": 0, "count": 3, "over": 1}
    assert states(w) == before
    forward(actor=w.province, programme=w.programme, organisation=province, pks=three[:2])
    assert sorted(states(w).values()).count(State.APPROVED) == 2
