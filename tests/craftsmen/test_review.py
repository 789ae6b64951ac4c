"""A recommendation reviewed up the tree exactly as an award nomination: county → city → province, each on
the shared review queue, within each level's quota; returned and resubmitted; the expert stage's rubric."""

import pytest
from django.urls import reverse

from craftsmen.services import RUBRIC, craftsman_programme_create, rubric, settings_of
from tests.selection.confirming import confirmed
from unionportal.audit.models import AuditEvent
from unionportal.selection.enums import State
from unionportal.selection.experts.models import ExpertStage
from unionportal.selection.experts.selectors import candidates

from .factories import recommend, world

pytestmark = pytest.mark.django_db

REVIEW = reverse("selection:review")


@pytest.fixture
def w():
    return world()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def forward_as(client, user, w, candidacy, org_key):
    client.force_login(user)
    return confirmed(
        client,
        REVIEW,
        {"action": "forward", "pk": [candidacy.pk], "programme": w.programme.pk, "org": w.tree[org_key].pk},
        follow=True,
    )


def test_a_recommendation_climbs_county_city_province_on_the_shared_queue(client, w):
    c = recommend(w, 1, submit=True)
    assert c.state == State.REVIEW3
    # Each level finds it in its queue for this programme, with a link to the craftsman page.
    client.force_login(w.county_a)
    queue = client.get(REVIEW, {"programme": w.programme.pk}).content.decode()
    assert "工匠1" in queue and reverse("selection:candidacy", args=[c.pk]) in queue
    assert messages_of(forward_as(client, w.county_a, w, c, "county_a")) == ["已向上级报送 1 个推荐对象。"]
    c.refresh_from_db()
    assert c.state == State.REVIEW2
    forward_as(client, w.city_a, w, c, "city_a")
    c.refresh_from_db()
    assert c.state == State.REVIEW1
    client.force_login(w.province)
    assert client.get(reverse("craftsmen:detail", args=[c.pk])).status_code == 200
    response = confirmed(
        client,
        reverse("selection:final", args=[w.programme.pk]),
        {"action": "approve", "pk": [c.pk]},
        follow=True,
    )
    assert response.status_code == 200
    c.refresh_from_db()
    assert c.state == State.APPROVED
    # Approved, the craftsman is a candidate of the programme's expert evaluation (专家论证).
    assert list(candidates(w.programme.expert_stage)) == [c]
    moves = AuditEvent.objects.filter(object_id=str(c.pk), action="selection.candidacy.transition")
    assert list(moves.order_by("at", "id").values_list("to_state", flat=True)) == [
        State.REVIEW3,
        State.REVIEW2,
        State.REVIEW1,
        State.APPROVED,
    ]


def test_a_county_of_another_subtree_does_not_see_the_recommendation_in_its_queue(client, w):
    c = recommend(w, 1, submit=True)
    client.force_login(w.county_b)
    queue = client.get(REVIEW, {"programme": w.programme.pk}).content.decode()
    assert "工匠1" not in queue
    response = client.post(
        REVIEW, {"action": "forward", "pk": [c.pk], "programme": w.programme.pk}, follow=True
    )
    assert messages_of(response) == ["所选推荐中有的已被处理或不在本级待审列表中，请刷新后重试。"]
    c.refresh_from_db()
    assert c.state == State.REVIEW3


def test_forwarding_over_the_countys_quota_is_refused_with_the_figures(client, w):
    from unionportal.selection.models import Allocation

    Allocation.objects.filter(programme=w.programme, organisation=w.tree["county_a"]).update(quota=1)
    a = recommend(w, 1, submit=True)
    b = recommend(w, 2, submit=True)
    client.force_login(w.county_a)
    response = confirmed(
        client, REVIEW, {"action": "forward", "pk": [a.pk, b.pk], "programme": w.programme.pk}, follow=True
    )
    assert messages_of(response) == ["County a 的名额为 1 个，已报送 0 个，本次选择 2 个，超出 1 个。"]
    assert {a.state, b.state} == {State.REVIEW3}


def test_returned_with_a_reason_then_fixed_and_resubmitted(client, w):
    c = recommend(w, 1, submit=True)
    client.force_login(w.county_a)
    confirmed(
        client,
        REVIEW,
        {"action": "return", "pk": [c.pk], "programme": w.programme.pk, "reason": "请补充专利证书。"},
        follow=True,
    )
    c.refresh_from_db()
    assert c.state == State.RETURNED
    client.force_login(w.submitter_a)
    page = client.get(reverse("craftsmen:detail", args=[c.pk])).content.decode()
    assert "请补充专利证书。" in page
    client.post(reverse("craftsmen:submit", args=[c.pk]))
    c.refresh_from_db()
    assert c.state == State.REVIEW3


# --- the programme ----------------------------------------------------------------------------------------


def test_the_programme_has_its_settings_and_the_craftsman_rubric_summing_to_100(w):
    assert (w.programme.app, w.programme.code, w.programme.name, w.programme.name_en) == (
        "craftsmen",
        "craftsman",
        "荆楚工匠",
        "Jingchu craftsmen",
    )
    assert settings_of(w.programme).per_enterprise_limit == 2
    assert settings_of(w.programme).batch_size == 10
    stage = ExpertStage.objects.get(programme=w.programme)
    criteria = list(stage.criteria.order_by("position"))
    assert [c.name for c in criteria] == ["技能水平", "创新创造和专利", "传承技艺", "职业道德", "贡献"]
    assert [c.name_en for c in criteria] == [
        "Skill level",
        "Innovation and patents",
        "Passing on skills",
        "Professional ethics",
        "Contribution",
    ]
    assert sum(c.weight for c in criteria) == 100 == sum(weight for _n, weight, _d in RUBRIC)
    assert [c.max_points for c in criteria] == [c.weight for c in criteria]


def test_creating_the_programme_again_changes_nothing(w):
    again = craftsman_programme_create(
        actor=w.province,
        campaign=w.programme.campaign,
        opens_on=w.programme.intake_opens_at.date(),
        closes_on=w.programme.intake_closes_at.date(),
        scoring_deadline=w.programme.expert_stage.scoring_deadline,
    )
    assert again.pk == w.programme.pk
    assert ExpertStage.objects.get(programme=w.programme).criteria.count() == len(rubric()) == 5


def test_only_province_staff_create_the_programme(w):
    from unionportal.selection.experts.services import ReviewError
    from unionportal.selection.models import Programme

    w.programme.expert_stage.criteria.all().delete()
    w.programme.expert_stage.delete()
    Programme.objects.filter(pk=w.programme.pk).delete()
    with pytest.raises(ReviewError):
        craftsman_programme_create(
            actor=w.county_a,
            campaign=w.programme.campaign,
            opens_on=w.programme.intake_opens_at.date(),
            closes_on=w.programme.intake_closes_at.date(),
            scoring_deadline=w.programme.intake_closes_at,
        )
    assert not Programme.objects.filter(app="craftsmen").exists()
