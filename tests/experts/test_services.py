"""The expert review's writes: the conflict rule, manual and automatic assignment, declarations, scoring
(draft, submit, lock), the chair's reopening, the rubric's weights and the reminder."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from tests.experts.factories import RUBRIC, expert_world, make_expert, score
from tests.factories import make_enterprise, make_org, make_user
from unionportal.audit.models import AuditEvent
from unionportal.notifications.models import Notification
from unionportal.selection.experts import services
from unionportal.selection.experts.enums import AssignmentState, ScoreStatus
from unionportal.selection.experts.models import Assignment, Criterion, ScoreItem
from unionportal.selection.experts.selectors import expert_totals

pytestmark = pytest.mark.django_db


def test_conflict_rule_reads_the_tree_and_the_enterprise():
    w = expert_world(candidates=1, experts=1)
    candidacy = w.candidacies[0]  # nominated by grassroots_a, under township_a, county_a, city_a
    in_city = make_expert(w, "city_expert", union=w.tree["city_a"])
    assert "推荐" in services.conflict_reason(in_city, candidacy)
    own_union = make_expert(w, "own_expert", union=w.tree["grassroots_a"])
    assert services.conflict_reason(own_union, candidacy)
    other_branch = make_expert(w, "other_expert", union=w.tree["county_b"])
    assert services.conflict_reason(other_branch, candidacy) == ""
    # The candidate's enterprise: its union nominated them.
    enterprise = make_enterprise(w.tree["township_a"], union=w.tree["grassroots_a"], name="鄂西机械有限公司")
    employee = make_expert(w, "employer_expert", union=w.tree["county_b"], enterprise=enterprise)
    assert "企业" in services.conflict_reason(employee, candidacy)
    # Or the candidate's unit is the enterprise, whoever nominated them.
    other = make_enterprise(w.tree["township_b"], name="汉江电力公司")
    by_unit = make_expert(w, "unit_expert", union=w.tree["county_b"], enterprise=other)
    candidacy.unit = "汉江电力公司"
    assert "企业" in services.conflict_reason(by_unit, candidacy)
    # The province's own expert would be in conflict with everyone: the root's subtree is the tree.
    assert services.conflict_reason(make_expert(w, "root", union=w.tree["province"]), candidacy)


def test_manual_assignment_that_breaks_the_conflict_rule_is_refused():
    w = expert_world(candidates=1, experts=1)
    inside = make_expert(w, "inside", union=w.tree["county_a"])
    w.panel.members.add(inside)
    with pytest.raises(services.ReviewError, match="利益冲突"):
        services.assignment_create(
            actor=w.province, panel=w.panel, candidacy_id=w.candidacies[0].pk, expert_id=inside.pk
        )
    assert not Assignment.objects.exists()


def test_manual_assignment_checks_panel_candidate_and_duplicates():
    w = expert_world(candidates=1, experts=2)
    c, e = w.candidacies[0], w.experts[0]
    row = services.assignment_create(actor=w.province, panel=w.panel, candidacy_id=c.pk, expert_id=e.pk)
    assert row.state == AssignmentState.ASSIGNED and not row.automatic
    assert Notification.objects.filter(recipient=e.user, event=services.ASSIGNED).count() == 1
    with pytest.raises(services.ReviewError, match="不能重复分配"):
        services.assignment_create(actor=w.province, panel=w.panel, candidacy_id=c.pk, expert_id=e.pk)
    outsider = make_expert(w, "outsider", union=make_org(w.city_c))
    with pytest.raises(services.ReviewError, match="不是本评审组"):
        services.assignment_create(actor=w.province, panel=w.panel, candidacy_id=c.pk, expert_id=outsider.pk)
    c.state = "draft"
    c.save()
    with pytest.raises(services.ReviewError, match="省级"):
        services.assignment_create(
            actor=w.province, panel=w.panel, candidacy_id=c.pk, expert_id=w.experts[1].pk
        )
    with pytest.raises(services.ReviewError, match="省总工会"):
        services.assignment_create(
            actor=w.county_a, panel=w.panel, candidacy_id=c.pk, expert_id=w.experts[1].pk
        )
    assert Assignment.objects.count() == 1


def test_automatic_assignment_fills_n_balances_and_matches_fields(django_assert_max_num_queries):
    w = expert_world(candidates=6, experts=2, per_candidate=2)
    # A third and fourth expert; the fourth shares the candidates' field (they are tagged "innovation").
    third = make_expert(w, "third", union=make_org(w.city_c))
    matching = make_expert(w, "matching", union=make_org(w.city_c), fields=["innovation"])
    # A fifth sits in the first candidates' county: never given them.
    conflicted = make_expert(w, "conflicted", union=w.tree["county_a"])
    w.panel.members.add(third, matching, conflicted)
    with django_assert_max_num_queries(30):
        result = services.assign_auto(actor=w.province, panel=w.panel)
    assert result.created == 12 and result.short == []
    rows = Assignment.objects.filter(panel=w.panel)
    per_candidate = {c.pk: rows.filter(candidacy=c).count() for c in w.candidacies}
    assert set(per_candidate.values()) == {2}
    assert rows.filter(expert=matching).count() == 6  # the matching field first, for every candidate
    assert not rows.filter(expert=conflicted).exists()  # every candidate comes from grassroots_a
    loads = sorted(rows.exclude(expert=matching).values_list("expert", flat=True))
    counts = sorted(loads.count(e) for e in set(loads))
    assert counts == [2, 2, 2]  # the rest spread evenly over the three others
    assert all(r.automatic for r in rows)
    # One message per expert, not per assignment.
    assert Notification.objects.filter(event=services.ASSIGNED, channel="inbox").count() == 4
    # Running it again adds nothing.
    assert services.assign_auto(actor=w.province, panel=w.panel).created == 0


def test_automatic_assignment_reports_candidates_short_of_experts():
    w = expert_world(candidates=1, experts=1, per_candidate=3)
    result = services.assign_auto(actor=w.province, panel=w.panel)
    assert result.created == 1
    assert result.short == [w.candidacies[0]]


def test_declaring_no_conflict_opens_the_file_and_is_audited():
    w = expert_world(candidates=1, experts=2, per_candidate=1)
    services.assign_auto(actor=w.province, panel=w.panel)
    row = Assignment.objects.get()
    services.declare(actor=row.expert.user, assignment_id=row.pk, conflict=False)
    row.refresh_from_db()
    assert row.state == AssignmentState.CLEARED and row.declared_at is not None
    event = AuditEvent.objects.get(action="selection_experts.assignment.declare")
    assert (event.from_state, event.to_state, event.actor_id) == ("assigned", "cleared", row.expert.user_id)
    with pytest.raises(services.ReviewError, match="已申报过"):
        services.declare(actor=row.expert.user, assignment_id=row.pk, conflict=True, note="亲属关系")


def test_a_declared_conflict_removes_the_assignment_and_reassigns():
    w = expert_world(candidates=1, experts=3, per_candidate=1)
    services.assign_auto(actor=w.province, panel=w.panel)
    first = Assignment.objects.get()
    with pytest.raises(services.ReviewError, match="原因"):
        services.declare(actor=first.expert.user, assignment_id=first.pk, conflict=True, note=" ")
    services.declare(actor=first.expert.user, assignment_id=first.pk, conflict=True, note="候选人是我的亲属")
    first.refresh_from_db()
    assert first.state == AssignmentState.CONFLICT and first.conflict_note == "候选人是我的亲属"
    active = Assignment.objects.filter(state__in=["assigned", "cleared"])
    assert active.count() == 1 and active.get().expert != first.expert
    # The expert who declined may never be given the candidate again.
    with pytest.raises(services.ReviewError, match="不能重复分配"):
        services.assignment_create(
            actor=w.province, panel=w.panel, candidacy_id=first.candidacy_id, expert_id=first.expert_id
        )
    # Nor may they open or score it: 404.
    with pytest.raises(Http404):
        services.access_assignment(first.expert.user, first.pk)


def test_scoring_draft_submit_and_lock():
    w = expert_world(candidates=1, experts=1, per_candidate=1)
    services.assign_auto(actor=w.province, panel=w.panel)
    row = Assignment.objects.get()
    user = row.expert.user
    criteria = list(w.stage.criteria.all())
    with pytest.raises(services.ReviewError, match="先申报"):
        services.score_save(actor=user, assignment_id=row.pk, points={criteria[0].pk: 10})
    services.declare(actor=user, assignment_id=row.pk, conflict=False)
    # Out of range: nothing saved.
    with pytest.raises(services.ReviewError, match="0 至 50"):
        services.score_save(actor=user, assignment_id=row.pk, points={criteria[0].pk: "50.5"})
    with pytest.raises(services.ReviewError, match="数字"):
        services.score_save(actor=user, assignment_id=row.pk, points={criteria[0].pk: "abc"})
    with pytest.raises(services.ReviewError, match="0 至 30"):
        services.score_save(actor=user, assignment_id=row.pk, points={criteria[0].pk: 10, criteria[1].pk: -1})
    assert not ScoreItem.objects.exists()
    # A draft may leave criteria empty; it has no total and does not count.
    draft = services.score_save(actor=user, assignment_id=row.pk, points={criteria[0].pk: "45.5"})
    assert (draft.score_status, draft.total) == (ScoreStatus.DRAFT, None)
    assert expert_totals(w.programme) == {}
    with pytest.raises(services.ReviewError, match="示范作用"):
        services.score_save(
            actor=user, assignment_id=row.pk, points={criteria[0].pk: 45, criteria[1].pk: 20}, submit=True
        )
    done = score(row, points=(45, 21, 16))
    # 45/50×50 + 21/30×30 + 16/20×20 = 45 + 21 + 16
    assert (done.score_status, done.total) == (ScoreStatus.SUBMITTED, Decimal("82.00"))
    assert expert_totals(w.programme) == {row.candidacy_id: Decimal("82.00")}
    with pytest.raises(services.ReviewError, match="已提交"):
        score(done, points=(10, 10, 10))
    assert Assignment.objects.get().total == Decimal("82.00")
    assert AuditEvent.objects.filter(action="selection_experts.score.submit").count() == 1


def test_weighted_total_with_other_maximums():
    w = expert_world(candidates=1, experts=1, per_candidate=1)
    services.stage_save(
        actor=w.province,
        programme=w.programme,
        values={},
        criteria=[
            {"name": "甲", "weight": 70, "max_points": 10},
            {"name": "乙", "weight": 30, "max_points": 5},
        ],
    )
    services.assign_auto(actor=w.province, panel=w.panel)
    row = Assignment.objects.get()
    # 7/10 × 70 + 2.5/5 × 30 = 49 + 15
    assert score(row, points=(7, "2.5")).total == Decimal("64.00")


def test_an_expert_cannot_touch_another_experts_assignment():
    w = expert_world(candidates=1, experts=2, per_candidate=1)
    services.assign_auto(actor=w.province, panel=w.panel)
    row = Assignment.objects.get()
    other = next(e for e in w.experts if e != row.expert)
    for call in (
        lambda: services.declare(actor=other.user, assignment_id=row.pk, conflict=False),
        lambda: services.score_save(actor=other.user, assignment_id=row.pk, points={}),
        lambda: services.access_assignment(w.province, row.pk),
    ):
        with pytest.raises(Http404):
            call()
    assert Assignment.objects.get().state == AssignmentState.ASSIGNED


def test_scoring_after_the_deadline_is_refused():
    w = expert_world(candidates=1, experts=1, per_candidate=1)
    services.assign_auto(actor=w.province, panel=w.panel)
    row = Assignment.objects.get()
    services.declare(actor=row.expert.user, assignment_id=row.pk, conflict=False)
    later = w.stage.scoring_deadline + timedelta(minutes=1)
    with pytest.raises(services.ReviewError, match="截止"):
        services.score_save(actor=row.expert.user, assignment_id=row.pk, points={}, now=later)


def test_the_chair_reopens_a_submitted_score_with_a_reason():
    w = expert_world(candidates=1, experts=2, per_candidate=2)
    services.assign_auto(actor=w.province, panel=w.panel)
    row = Assignment.objects.exclude(expert__user=w.panel.chair).get()
    score(row)
    with pytest.raises(Http404):  # not the chair, nor province staff
        services.score_reopen(actor=row.expert.user, assignment_id=row.pk, reason="请重新核对得分")
    with pytest.raises(services.ReviewError, match="理由"):
        services.score_reopen(actor=w.panel.chair, assignment_id=row.pk, reason="重评")
    services.score_reopen(actor=w.panel.chair, assignment_id=row.pk, reason="创新成果一项请重新核对")
    row.refresh_from_db()
    assert row.score_status == ScoreStatus.DRAFT and row.submitted_at is None
    assert expert_totals(w.programme) == {}
    event = AuditEvent.objects.get(action="selection_experts.score.reopen")
    assert (event.actor_id, event.comment) == (w.panel.chair.pk, "创新成果一项请重新核对")
    assert Notification.objects.filter(recipient=row.expert.user, event=services.REOPENED).exists()
    with pytest.raises(services.ReviewError, match="已提交"):
        services.score_reopen(actor=w.province, assignment_id=row.pk, reason="再次退回试试")
    # The expert changes and submits again.
    assert score(row, points=(50, 30, 20)).total == Decimal("100.00")


def test_rubric_weights_must_sum_to_100_and_nothing_changes():
    w = expert_world(candidates=1, experts=1)
    before = list(Criterion.objects.values_list("name", "weight"))
    bad = [{"name": "甲", "weight": 60}, {"name": "乙", "weight": 30}]
    with pytest.raises(services.ReviewError, match="当前为 90"):
        services.stage_save(
            actor=w.province, programme=w.programme, values={"experts_per_candidate": 4}, criteria=bad
        )
    assert list(Criterion.objects.values_list("name", "weight")) == before
    w.stage.refresh_from_db()
    assert w.stage.experts_per_candidate == 2
    with pytest.raises(services.ReviewError, match="至少需要一项"):
        services.stage_save(actor=w.province, programme=w.programme, values={}, criteria=[])


def test_the_rubric_is_fixed_once_scores_exist():
    w = expert_world(candidates=1, experts=1, per_candidate=1)
    services.assign_auto(actor=w.province, panel=w.panel)
    score(Assignment.objects.get(), submit=False)
    with pytest.raises(services.ReviewError, match="已有专家评分"):
        services.stage_save(actor=w.province, programme=w.programme, values={}, criteria=RUBRIC)
    assert Criterion.objects.count() == 3


def test_reminder_once_before_the_deadline():
    w = expert_world(candidates=2, experts=2, per_candidate=2, remind_days=2)
    services.assign_auto(actor=w.province, panel=w.panel)
    done = Assignment.objects.filter(expert=w.experts[0]).first()
    score(done)
    deadline = w.stage.scoring_deadline
    assert services.remind(now=deadline - timedelta(days=3)) == 0  # too early
    assert services.remind(now=deadline - timedelta(days=1)) == 2  # one message per expert
    reminders = Notification.objects.filter(event=services.REMINDER, channel="inbox")
    counts = {n.recipient_id: n.params["count"] for n in reminders}
    assert counts == {w.experts[0].user_id: 1, w.experts[1].user_id: 2}
    assert services.remind(now=deadline - timedelta(hours=2)) == 0  # not twice
    assert services.remind(now=deadline + timedelta(hours=1)) == 0


def test_reminder_is_registered_as_a_periodic_job():
    from unionportal import periodic

    assert periodic.jobs()["selection_experts.remind"] is services.remind


def test_pool_entry_gives_the_expert_role_in_the_union():
    from unionportal.orgs.models import Membership

    w = expert_world(candidates=1, experts=1)
    user = make_user("newbie")
    union = make_org(w.city_c)
    profile = services.expert_save(actor=w.province, user=user, values={"union": union, "fields": ["C"]})
    assert Membership.objects.filter(user=user, role="expert", organisation=union, is_active=True).exists()
    other = make_org(w.city_c)
    services.expert_save(actor=w.province, user=user, values={"union": other}, profile=profile)
    assert list(
        Membership.objects.filter(user=user, role="expert", is_active=True).values_list(
            "organisation", flat=True
        )
    ) == [other.pk]
    with pytest.raises(services.ReviewError, match="专业领域"):
        services.expert_save(actor=w.province, user=user, values={"fields": ["nonsense"]}, profile=profile)
    with pytest.raises(services.ReviewError, match="省总工会"):
        services.expert_save(actor=w.county_a, user=user, values={"title": "x"}, profile=profile)


def test_now_is_used_for_timestamps():
    w = expert_world(candidates=1, experts=1, per_candidate=1)
    services.assign_auto(actor=w.province, panel=w.panel)
    row = Assignment.objects.get()
    at = timezone.now() - timedelta(hours=1)
    services.declare(actor=row.expert.user, assignment_id=row.pk, conflict=False, now=at)
    row.refresh_from_db()
    assert row.declared_at == at
