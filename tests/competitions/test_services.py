"""The services: what each accepts, and every bad input refused with a clear message and nothing saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from competitions import services
from competitions.enums import EntrantState, ReportState, WinnerState
from competitions.models import (
    Competition,
    Entrant,
    Period,
    ScoreReport,
    ScoreValue,
    TeamMember,
    Winner,
    WinnerTitle,
)
from competitions.reminders import late_report_reminders
from competitions.workflows import entrant_transition, report_transition
from tests.competitions.factories import TODAY, competition_data, entrant, indicators, values, world
from unionportal.audit.models import AuditEvent
from unionportal.audit.transitions import TransitionError
from unionportal.notifications.models import Notification
from unionportal.public.models import PublicEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


# --- competitions ---------------------------------------------------------------------------------------


def test_a_competition_lays_out_its_monthly_periods(w):
    periods = list(
        Period.objects.filter(competition=w.competition).values_list(
            "number", "starts_on", "ends_on", "due_on"
        )
    )
    assert len(periods) == 6
    assert periods[0] == (1, date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 10))
    assert periods[-1] == (6, date(2026, 8, 1), date(2026, 8, 31), date(2026, 9, 10))
    assert [i.name for i in w.competition.indicators.all()] == ["产值", "安全事故", "现场管理"]
    assert w.competition.org_path == w.tree["county_a"].path


def test_a_last_period_is_cut_at_the_end(w):
    c = services.competition_save(
        actor=w.organiser,
        data=competition_data(w.tree, title="季度竞赛", period_months=3, ends_on=date(2026, 7, 15)),
        indicators=indicators(),
    )
    assert list(c.periods.values_list("starts_on", "ends_on")) == [
        (date(2026, 3, 1), date(2026, 5, 31)),
        (date(2026, 6, 1), date(2026, 7, 15)),
    ]


def _refused(call, message):
    before = (Competition.objects.count(), Period.objects.count(), AuditEvent.objects.count())
    with pytest.raises(services.CompetitionError) as error:
        call()
    assert message in error.value.message
    assert (Competition.objects.count(), Period.objects.count(), AuditEvent.objects.count()) == before


def test_weights_that_do_not_add_up_to_100_are_refused(w):
    _refused(
        lambda: services.competition_save(
            actor=w.organiser,
            data=competition_data(w.tree),
            indicators=indicators(产值={"weight": Decimal(50)}),
        ),
        "各项指标的权重合计应为 100，现为 90。",
    )


def test_a_target_indicator_without_a_target_is_refused(w):
    _refused(
        lambda: services.competition_save(
            actor=w.organiser, data=competition_data(w.tree), indicators=indicators(产值={"target": None})
        ),
        "设标定量计分的指标“产值”须填写目标值。",
    )


def test_no_indicators_and_duplicate_names_are_refused(w):
    _refused(
        lambda: services.competition_save(actor=w.organiser, data=competition_data(w.tree), indicators=[]),
        "请至少设置一项竞赛指标。",
    )
    rows = indicators()
    rows[1]["name"] = "产值"
    _refused(
        lambda: services.competition_save(actor=w.organiser, data=competition_data(w.tree), indicators=rows),
        "指标名称不能重复。",
    )


def test_a_scope_outside_the_organiser_is_refused(w):
    _refused(
        lambda: services.competition_save(
            actor=w.organiser,
            data=competition_data(w.tree, scope=w.tree["county_b"]),
            indicators=indicators(),
        ),
        "参赛范围须在主办单位及其下级组织之内。",
    )


def test_an_end_before_the_start_is_refused(w):
    _refused(
        lambda: services.competition_save(
            actor=w.organiser,
            data=competition_data(w.tree, ends_on=date(2026, 2, 1)),
            indicators=indicators(),
        ),
        "结束日期不能早于开始日期。",
    )


def test_organising_for_another_county_is_refused(w):
    _refused(
        lambda: services.competition_save(
            actor=w.other_county, data=competition_data(w.tree), indicators=indicators()
        ),
        "您不能以该组织的名义举办竞赛。",
    )


def test_editing_another_countys_competition_is_404(w):
    with pytest.raises(Http404):
        services.competition_save(
            actor=w.other_county,
            data=competition_data(w.tree, organiser=w.tree["county_b"], scope=w.tree["county_b"]),
            indicators=indicators(),
            pk=w.competition.pk,
        )


def test_indicators_are_frozen_once_reports_exist(w):
    e = entrant(w)
    services.report_save(
        actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 1).pk, values=values(w), today=TODAY
    )
    _refused(
        lambda: services.competition_save(
            actor=w.organiser,
            data=competition_data(w.tree),
            indicators=indicators(产值={"target": Decimal(90)}),
            pk=w.competition.pk,
        ),
        "已有成绩报送，不能再修改竞赛周期和指标。",
    )
    # The title and rules may still change.
    services.competition_save(
        actor=w.organiser,
        data=competition_data(w.tree, title="新名称"),
        indicators=indicators(),
        pk=w.competition.pk,
    )
    assert Competition.objects.get(pk=w.competition.pk).title == "新名称"


# --- registration ---------------------------------------------------------------------------------------


def _period(w, number):
    return Period.objects.get(competition=w.competition, number=number)


def test_a_grassroots_union_in_the_scope_registers_a_team(w):
    e = entrant(w, approve=False, enterprise_id=w.enterprise.pk)
    assert e.state == EntrantState.SUBMITTED
    assert e.org_path == w.tree["grassroots_a"].path
    assert list(TeamMember.objects.filter(entrant=e).values_list("name", "post")) == [
        ("张三", "班长"),
        ("李四", ""),
    ]
    assert AuditEvent.objects.filter(action="competitions.entrant.register").count() == 1


def _refused_registration(call, message):
    before = (Entrant.objects.count(), TeamMember.objects.count())
    with pytest.raises(services.CompetitionError) as error:
        call()
    assert error.value.message == message
    assert (Entrant.objects.count(), TeamMember.objects.count()) == before


def test_a_registration_from_outside_the_scope_is_refused(w):
    from competitions.models import Competition as C

    # county b's submitter does not even see the competition
    with pytest.raises(Http404):
        services.entrant_register(
            actor=w.outsider,
            competition_id=w.competition.pk,
            organisation_id=w.tree["grassroots_b"].pk,
            name="外县班组",
            members=[services.MemberRow("王五")],
        )
    # a competition open province-wide: in scope; one of county a only: union a cannot enter for union b
    assert C.objects.visible_to(w.submitter).filter(pk=w.competition.pk).exists()
    _refused_registration(
        lambda: services.entrant_register(
            actor=w.submitter,
            competition_id=w.competition.pk,
            organisation_id=w.tree["grassroots_b"].pk,
            name="冒名班组",
            members=[services.MemberRow("王五")],
            today=TODAY,
        ),
        "只有参赛范围内的基层工会可以报名参加本竞赛。",
    )


def test_a_team_without_members_a_taken_name_a_foreign_enterprise_and_a_late_entry_are_refused(w):
    entrant(w, "钢筋一班", approve=False)
    _refused_registration(
        lambda: services.entrant_register(
            actor=w.submitter,
            competition_id=w.competition.pk,
            organisation_id=w.tree["grassroots_a"].pk,
            name="钢筋一班",
            members=[],
            enterprise_id=999999,
            today=date(2026, 9, 1),
        ),
        "竞赛已于 2026-08-31 结束，不能再报名。 所选企业不属于报名工会。 班组参赛须填写班组成员。"
        " 本竞赛已有名为“钢筋一班”的参赛对象。",
    )


def test_the_organiser_approves_and_the_union_hears_of_it(w):
    e = entrant(w, approve=False)
    entrant_transition(actor=w.organiser, entrant_id=e.pk, to=EntrantState.APPROVED)
    assert Entrant.objects.get(pk=e.pk).state == EntrantState.APPROVED
    event = AuditEvent.objects.get(action="competitions.entrant.transition")
    assert (event.from_state, event.to_state) == ("submitted", "approved")
    assert Notification.objects.filter(recipient=w.submitter, event="competitions.entrant.approved").exists()


def test_a_return_needs_a_reason_and_the_union_may_resubmit(w):
    e = entrant(w, approve=False)
    with pytest.raises(TransitionError) as error:
        entrant_transition(actor=w.organiser, entrant_id=e.pk, to=EntrantState.RETURNED)
    assert error.value.message == "请填写理由。"
    entrant_transition(actor=w.organiser, entrant_id=e.pk, to=EntrantState.RETURNED, comment="成员不全")
    n = Notification.objects.get(recipient=w.submitter, event="competitions.entrant.returned")
    assert "成员不全" in n.body
    entrant_transition(actor=w.submitter, entrant_id=e.pk, to=EntrantState.SUBMITTED)
    assert Entrant.objects.get(pk=e.pk).state == EntrantState.SUBMITTED


def test_the_union_cannot_approve_itself_and_a_township_above_it_is_not_the_organiser(w):
    e = entrant(w, approve=False)
    for actor in (w.submitter, w.township):
        with pytest.raises(TransitionError) as error:
            entrant_transition(actor=actor, entrant_id=e.pk, to=EntrantState.APPROVED)
        assert error.value.message == "您无权执行此操作。"
    with pytest.raises(Http404):
        entrant_transition(actor=w.other_county, entrant_id=e.pk, to=EntrantState.APPROVED)
    assert Entrant.objects.get(pk=e.pk).state == EntrantState.SUBMITTED


# --- score reports ---------------------------------------------------------------------------------------


def test_a_report_is_scored_and_weighted(w):
    e = entrant(w)
    report = services.report_save(
        actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 1).pk, values=values(w), today=TODAY
    )
    scored = {v.indicator.name: (v.score, v.weighted) for v in ScoreValue.objects.filter(report=report)}
    assert scored == {
        "产值": (Decimal("80.00"), Decimal("48.00")),  # 60 + 10 × 2, 80 % of 60
        "安全事故": (Decimal("100.00"), Decimal("20.00")),
        "现场管理": (Decimal("8.00"), Decimal("16.00")),  # 8 of 10, 80 % of 20
    }
    assert report.total == Decimal("84.00")
    assert report.state == ReportState.DRAFT


def _refused_report(call, message):
    before = (ScoreReport.objects.count(), ScoreValue.objects.count())
    with pytest.raises(services.CompetitionError) as error:
        call()
    assert error.value.message == message
    assert (ScoreReport.objects.count(), ScoreValue.objects.count()) == before


def test_a_report_for_a_period_outside_the_competition_is_refused(w):
    e = entrant(w)
    other = services.competition_save(
        actor=w.organiser, data=competition_data(w.tree, title="另一竞赛"), indicators=indicators()
    )
    _refused_report(
        lambda: services.report_save(
            actor=w.submitter,
            entrant_id=e.pk,
            period_id=other.periods.first().pk,
            values=values(w),
            today=TODAY,
        ),
        "所选报送期不属于本竞赛。",
    )
    _refused_report(
        lambda: services.report_save(
            actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 4).pk, values=values(w), today=TODAY
        ),
        "第4期自 2026-06-01 开始，尚不能报送。",
    )


def test_a_report_for_an_entrant_not_approved_is_refused(w):
    e = entrant(w, approve=False)
    _refused_report(
        lambda: services.report_save(
            actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 1).pk, values=values(w), today=TODAY
        ),
        "报名通过审核后才能报送成绩。",
    )


def test_a_report_for_another_unions_entrant_is_404(w):
    e = entrant(w)
    with pytest.raises(Http404):
        services.report_save(actor=w.outsider, entrant_id=e.pk, period_id=_period(w, 1).pk, values=values(w))


def test_a_second_report_for_the_same_period_is_refused(w):
    e = entrant(w)
    services.report_save(
        actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 1).pk, values=values(w), today=TODAY
    )
    _refused_report(
        lambda: services.report_save(
            actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 1).pk, values=values(w), today=TODAY
        ),
        "“钢筋一班”第1期的成绩已报送，请修改已有的报送。",
    )


def test_values_missing_not_numbers_or_out_of_range_are_refused(w):
    e = entrant(w)
    _refused_report(
        lambda: services.report_save(
            actor=w.submitter,
            entrant_id=e.pk,
            period_id=_period(w, 1).pk,
            values=values(w, output="很多", accidents="-1", judged="11"),
            today=TODAY,
        ),
        "指标“产值”须填写数字。 指标“安全事故”的数值应在 0 至 — 之间。 指标“现场管理”的数值应在 0 至 10 之间。",
    )
    v = values(w)
    v.pop(next(iter(v)))
    _refused_report(
        lambda: services.report_save(
            actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 1).pk, values=v, today=TODAY
        ),
        "请填写指标“产值”。",
    )


def test_an_edit_after_the_organiser_checked_is_refused(w):
    e = entrant(w)
    report = services.report_save(
        actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 1).pk, values=values(w), today=TODAY
    )
    report_transition(actor=w.submitter, report_id=report.pk, to=ReportState.SUBMITTED)
    report_transition(actor=w.organiser, report_id=report.pk, to=ReportState.CHECKED)
    with pytest.raises(services.CompetitionError) as error:
        services.report_save(actor=w.submitter, report_id=report.pk, values=values(w, output="200"))
    assert error.value.message == "成绩报送处于“已核查”状态，不能修改。"
    assert ScoreReport.objects.get(pk=report.pk).total == Decimal("84.00")
    assert Notification.objects.filter(recipient=w.submitter, event="competitions.report.checked").exists()


def test_a_returned_report_is_changed_and_scored_again(w):
    e = entrant(w)
    report = services.report_save(
        actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 1).pk, values=values(w), today=TODAY
    )
    report_transition(actor=w.submitter, report_id=report.pk, to=ReportState.SUBMITTED)
    report_transition(actor=w.organiser, report_id=report.pk, to=ReportState.RETURNED, comment="产值有误")
    services.report_save(actor=w.submitter, report_id=report.pk, values=values(w, output="100"))
    assert ScoreReport.objects.get(pk=report.pk).total == Decimal("72.00")  # 60 % of 60 + 20 + 16
    assert ScoreValue.objects.filter(report=report).count() == 3


# --- ranking, reminders, winners ------------------------------------------------------------------------


def _checked(w, e, number, **figures):
    report = services.report_save(
        actor=w.submitter,
        entrant_id=e.pk,
        period_id=_period(w, number).pk,
        values=values(w, **figures),
        today=TODAY,
    )
    report_transition(actor=w.submitter, report_id=report.pk, to=ReportState.SUBMITTED)
    report_transition(actor=w.organiser, report_id=report.pk, to=ReportState.CHECKED)
    return report


def test_the_ranking_counts_checked_reports_per_period_and_cumulatively(w):
    from competitions.selectors import ranking

    a, b = entrant(w, "一班"), entrant(w, "二班")
    _checked(w, a, 1, output="120")  # 100 points of 100: 60 + 20 + 16
    _checked(w, b, 1, output="100")  # 60 points: 36 + 20 + 16
    _checked(w, b, 2, output="120")
    services.report_save(
        actor=w.submitter,
        entrant_id=a.pk,
        period_id=_period(w, 2).pk,
        values=values(w, output="200"),
        today=TODAY,
    )  # a draft: not counted
    assert [(e.name, e.points) for e in ranking(w.competition)] == [
        ("二班", Decimal("168.00")),
        ("一班", Decimal("96.00")),
    ]
    assert [(e.name, e.points) for e in ranking(w.competition, period=_period(w, 1))] == [
        ("一班", Decimal("96.00")),
        ("二班", Decimal("72.00")),
    ]


def test_late_reports_are_reminded_once(w):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    a, _b = entrant(w, "一班"), entrant(w, "二班")
    _checked(w, a, 1)
    now = datetime(2026, 4, 11, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # period 1 was due on 10 April
    assert late_report_reminders(now=now) == 1
    assert late_report_reminders(now=now) == 0
    n = Notification.objects.get(recipient=w.submitter, event="competitions.report.late")
    assert n.subject == "“二班”第1期成绩逾期未报"
    assert late_report_reminders(now=datetime(2026, 4, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))) == 0


def test_winners_go_on_notice_and_are_published_to_the_public_table(w):
    a = entrant(w, "一班", enterprise_id=w.enterprise.pk)
    title = WinnerTitle.objects.get(code="advanced-team")
    winner = services.winner_propose(
        actor=w.organiser, competition_id=w.competition.pk, entrant_id=a.pk, title_id=title.pk
    )
    assert (
        services.winners_move(actor=w.organiser, competition_id=w.competition.pk, to=WinnerState.NOTICE) == 1
    )
    entry = PublicEntry.objects.get(source=winner.public_source)
    assert (entry.stage, entry.award, entry.name, entry.unit) == (
        "notice",
        "先进班组",
        "一班",
        w.enterprise.name,
    )
    assert (
        services.winners_move(actor=w.organiser, competition_id=w.competition.pk, to=WinnerState.PUBLISHED)
        == 1
    )
    entry.refresh_from_db()
    assert entry.stage == "published" and entry.published_at is not None
    assert Winner.objects.get(pk=winner.pk).state == WinnerState.PUBLISHED


def test_bad_winners_are_refused(w):
    a = entrant(w, "一班")
    pending = entrant(w, "二班", approve=False)
    unit_title = WinnerTitle.objects.get(code="advanced-unit")
    team_title = WinnerTitle.objects.get(code="advanced-team")
    cases = [
        ({"entrant_id": pending.pk, "title_id": team_title.pk}, "只能表彰本竞赛已通过审核的参赛对象。"),
        ({"entrant_id": a.pk, "title_id": unit_title.pk}, "该称号不适用于本竞赛的参赛对象。"),
    ]
    for kwargs, message in cases:
        with pytest.raises(services.CompetitionError) as error:
            services.winner_propose(actor=w.organiser, competition_id=w.competition.pk, **kwargs)
        assert error.value.message == message
    with pytest.raises(services.CompetitionError) as error:
        services.winners_move(actor=w.organiser, competition_id=w.competition.pk, to=WinnerState.PUBLISHED)
    assert error.value.message == "没有公示中的对象可以公布。"
    with pytest.raises(Http404):
        services.winner_propose(
            actor=w.other_county, competition_id=w.competition.pk, entrant_id=a.pk, title_id=team_title.pk
        )
    assert Winner.objects.count() == 0 and PublicEntry.objects.count() == 0


def test_the_organiser_is_told_what_waits_and_the_late_reminder_is_a_periodic_job(w):
    from competitions.todos import competition_todos
    from unionportal import periodic

    e = entrant(w, "一班")
    entrant(w, "二班", approve=False)
    report = services.report_save(
        actor=w.submitter, entrant_id=e.pk, period_id=_period(w, 1).pk, values=values(w), today=TODAY
    )
    report_transition(actor=w.submitter, report_id=report.pk, to=ReportState.SUBMITTED)
    assert [(t.label, t.count) for t in competition_todos(w.organiser)] == [
        ("待审核的竞赛报名", 1),
        ("待核查的竞赛成绩", 1),
        ("待公布的技能大赛成绩", 0),
    ]
    # A township above the union is not the organiser: nothing waits for it; a submitter has no review.
    assert [t.count for t in competition_todos(w.township)] == [0, 0, 0]
    assert competition_todos(w.submitter) == []
    assert periodic.jobs()["competitions.late_report_reminders"] is late_report_reminders
