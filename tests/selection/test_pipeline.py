"""The shared nomination pipeline, end to end through its services."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from unionportal.audit.models import AuditEvent
from unionportal.notifications.models import Notification
from unionportal.public.models import PublicEntry
from unionportal.selection import services
from unionportal.selection.enums import ObjectionState, RuleKind, State
from unionportal.selection.models import Candidacy, Rule

from .factories import id_number, nominate, world

pytestmark = pytest.mark.django_db


def walk_to_province(w, n=1):
    c = nominate(w, n, submit=True)
    services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=[c.pk])
    services.forward(actor=w.city_a, programme=w.programme, organisation=w.tree["city_a"], pks=[c.pk])
    c.refresh_from_db()
    return c


def test_submit_goes_to_the_first_reviewing_ancestor_skipping_the_township():
    w = world()
    c = nominate(w, 1, submit=True)
    assert c.state == State.REVIEW3
    assert c.region == "City a"
    assert c.submitted_at is not None
    assert Notification.objects.filter(recipient=w.county_a, event="selection.candidacy.to_review").exists()


def test_full_path_to_publication_writes_public_rows_without_personal_data():
    w = world()
    c = walk_to_province(w)
    assert c.state == State.REVIEW1
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[c.pk])
    today = date.today()
    notice = services.notice_open(
        actor=w.province, programme=w.programme, starts_on=today, office="省总", phone="027-1", address="武汉"
    )
    c.refresh_from_db()
    assert c.state == State.NOTICE
    entry = PublicEntry.objects.get(source=c.public_source)
    assert entry.stage == PublicEntry.Stage.NOTICE
    assert entry.tags == ",innovation,"
    assert c.photo.is_public
    objection = services.objection_lodge(
        notice=notice,
        candidacy_id=c.pk,
        name="群众",
        contact="13800001111",
        reason="反映情况",
        token=services.objection_form_token(),
        today=today,
    )
    assert services.publish_problems(w.programme, today=notice.ends_on + timedelta(days=1)) == [
        "尚有 1 件异议未办结，全部办结后才能公布。"
    ]
    with pytest.raises(services.SelectionError, match="公示期"):
        services.programme_publish(actor=w.province, programme=w.programme, today=today)
    services.objection_decide(actor=w.province, pk=objection.pk, upheld=False, findings="经核实，反映不实。")
    assert (
        services.programme_publish(
            actor=w.province, programme=w.programme, today=notice.ends_on + timedelta(days=1)
        )
        == 1
    )
    entry.refresh_from_db()
    assert entry.stage == PublicEntry.Stage.PUBLISHED and entry.published_at
    values = " ".join(str(v) for v in PublicEntry.objects.values().first().values())
    assert id_number(1) not in values
    services.honour_revoke(actor=w.province, pk=c.pk, reason="弄虚作假")
    entry.refresh_from_db()
    assert entry.stage == PublicEntry.Stage.REVOKED
    c.photo.refresh_from_db()
    assert not c.photo.is_public
    actions = list(
        AuditEvent.objects.filter(object_id=str(c.pk), action="selection.candidacy.transition")
        .order_by("at", "id")
        .values_list("to_state", flat=True)
    )
    assert actions == ["review3", "review2", "review1", "approved", "notice", "published", "revoked"]


def test_upheld_objection_strikes_the_candidate_and_removes_the_public_row():
    w = world()
    c = walk_to_province(w)
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[c.pk])
    notice = services.notice_open(
        actor=w.province, programme=w.programme, starts_on=date.today(), office="o", phone="p", address="a"
    )
    objection = services.objection_lodge(
        notice=notice,
        candidacy_id=c.pk,
        name="n",
        contact="c",
        reason="r",
        token=services.objection_form_token(),
        today=date.today(),
    )
    services.objection_decide(actor=w.province, pk=objection.pk, upheld=True, findings="属实")
    c.refresh_from_db()
    objection.refresh_from_db()
    assert c.state == State.STRUCK
    assert objection.state == ObjectionState.UPHELD and objection.handled_by == w.province
    assert not PublicEntry.objects.filter(source=c.public_source).exists()


def test_a_replayed_objection_token_creates_nothing():
    w = world()
    c = walk_to_province(w)
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[c.pk])
    notice = services.notice_open(
        actor=w.province, programme=w.programme, starts_on=date.today(), office="o", phone="p", address="a"
    )
    token = services.objection_form_token()
    kwargs = {
        "notice": notice,
        "candidacy_id": c.pk,
        "name": "n",
        "contact": "c",
        "reason": "r",
        "token": token,
        "today": date.today(),
    }
    services.objection_lodge(**kwargs)
    with pytest.raises(services.SelectionError, match="重复提交"):
        services.objection_lodge(**kwargs)
    with pytest.raises(services.SelectionError, match="表单无效"):
        services.objection_lodge(**{**kwargs, "token": token + "x"})
    assert notice.objections.count() == 1


def test_forwarding_over_quota_is_refused_with_figures_and_changes_nothing():
    w = world(county_quota=2)
    pks = [nominate(w, n, submit=True).pk for n in range(1, 4)]
    with pytest.raises(services.SelectionError) as exc:
        services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=pks)
    assert exc.value.message == "County a 的名额为 2 个，已报送 0 个，本次选择 3 个，超出 1 个。"
    assert set(Candidacy.objects.values_list("state", flat=True)) == {State.REVIEW3}
    services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=pks[:2])
    with pytest.raises(services.SelectionError, match="已报送 2 个"):
        services.forward(
            actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=pks[2:]
        )


def test_forwarding_against_a_share_rule_names_the_figures_and_rolls_back():
    w = world()
    ok = nominate(w, 1, submit=True)
    not_frontline = nominate(w, 2, frontline=False, submit=True)
    with pytest.raises(services.SelectionError) as exc:
        services.forward(
            actor=w.county_a,
            programme=w.programme,
            organisation=w.tree["county_a"],
            pks=[ok.pk, not_frontline.pk],
        )
    assert "一线职工占名单 50%（1/2），要求不低于 65%。" in exc.value.message
    assert Candidacy.objects.filter(state=State.REVIEW3).count() == 2


def test_changing_a_rule_changes_the_forwarding_message():
    w = world()
    c = nominate(w, 1, frontline=False, submit=True)
    rule = Rule.objects.get(programme=w.programme, kind=RuleKind.MIN_SHARE, flag="frontline")
    rule.percent = 80
    rule.save()
    with pytest.raises(services.SelectionError, match="要求不低于 80%"):
        services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=[c.pk])
    rule.is_active = False
    rule.save()
    services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=[c.pk])


def test_withdraw_only_before_review_starts_and_return_then_resubmit():
    w = world()
    c = nominate(w, 1, submit=True)
    services.candidacy_withdraw(actor=w.submitter_a, pk=c.pk)
    c.refresh_from_db()
    assert c.state == State.DRAFT
    services.candidacy_submit(actor=w.submitter_a, pk=c.pk)
    services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=[c.pk])
    with pytest.raises(services.TransitionError, match="审核已经开始"):
        services.candidacy_withdraw(actor=w.submitter_a, pk=c.pk)
    services.send_back(actor=w.city_a, pks=[c.pk], reason="补充材料")
    c.refresh_from_db()
    assert c.state == State.RETURNED
    services.candidacy_submit(actor=w.submitter_a, pk=c.pk)
    c.refresh_from_db()
    assert c.state == State.REVIEW3


def test_reviewers_act_only_at_their_level_and_scope():
    w = world()
    c = nominate(w, 1, submit=True)
    with pytest.raises(services.SelectionError):
        services.forward(actor=w.city_a, programme=w.programme, organisation=w.tree["county_a"], pks=[c.pk])
    with pytest.raises(services.SelectionError, match="不在本级待审"):
        services.forward(actor=w.city_a, programme=w.programme, organisation=w.tree["city_a"], pks=[c.pk])
    with pytest.raises(Http404):
        services.send_back(actor=w.county_b, pks=[c.pk], reason="x")
    with pytest.raises(services.TransitionError, match="无权"):
        services.send_back(actor=w.city_a, pks=[c.pk], reason="x")


def test_one_nomination_per_person_per_campaign():
    w = world()
    nominate(w, 1)
    with pytest.raises(ValidationError) as exc:
        nominate(w, 1, org=w.tree["grassroots_b"])
    assert "同一人每年只能被推荐一次" in str(exc.value)


def test_submit_outside_the_window_is_refused():
    w = world()
    c = nominate(w, 1)
    w.programme.intake_closes_at = w.programme.intake_opens_at + timedelta(seconds=1)
    w.programme.save()
    with pytest.raises(services.SelectionError, match="不在申报时间内"):
        services.candidacy_submit(actor=w.submitter_a, pk=c.pk)
    c.refresh_from_db()
    assert c.state == State.DRAFT


def test_notice_period_counts_working_days():
    # The start day counts when it is a working day; a weekend start counts from Monday.
    assert services.notice_period(date(2026, 6, 1), 5) == date(2026, 6, 5)
    assert services.notice_period(date(2026, 5, 30), 5) == date(2026, 6, 5)
    # 1-5 May 2026 are the Labour Day holiday in the seeded calendar.
    assert services.notice_period(date(2026, 4, 27), 5) == date(2026, 5, 6)


def _noticed_objection(w, contact):
    c = walk_to_province(w)
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[c.pk])
    notice = services.notice_open(
        actor=w.province, programme=w.programme, starts_on=date.today(), office="o", phone="p", address="a"
    )
    return services.objection_lodge(
        notice=notice,
        candidacy_id=c.pk,
        name="n",
        contact=contact,
        reason="r",
        token=services.objection_form_token(),
        today=date.today(),
    )


def test_the_objector_is_told_the_outcome_once_by_sms(django_capture_on_commit_callbacks, monkeypatch):
    from unionportal.celery import app
    from unionportal.notifications.sms import LocMemSmsBackend

    # The task runs in this process whatever the broker (under CI no worker consumes during pytest).
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    LocMemSmsBackend.outbox.clear()
    w = world()
    objection = _noticed_objection(w, "138 0000 1111")
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(
            actor=w.province, pk=objection.pk, upheld=False, findings="经核实，反映不实。"
        )
    objection.refresh_from_db()
    assert objection.told_at is not None
    [(phone, text)] = LocMemSmsBackend.outbox
    assert phone == "13800001111"
    assert objection.receipt_no in text and "异议不成立" in text and "经核实，反映不实。" in text
    assert services.objection_tell(objection_id=objection.pk) is False
    assert len(LocMemSmsBackend.outbox) == 1


def test_the_sweep_tells_objectors_the_task_missed(mailoutbox):
    from django.utils import timezone

    w = world()
    objection = _noticed_objection(w, "objector@example.org")
    # No on-commit callbacks run here: as if the broker had been down when the outcome was recorded.
    services.objection_decide(actor=w.province, pk=objection.pk, upheld=True, findings="属实")
    assert services.objections_tell_sweep(now=timezone.now()) == 0  # under a minute: the task may still come
    assert services.objections_tell_sweep(now=timezone.now() + timedelta(minutes=2)) == 1
    assert [m.to for m in mailoutbox] == [["objector@example.org"]]
    assert "异议成立" in mailoutbox[0].body
    assert services.objections_tell_sweep(now=timezone.now() + timedelta(minutes=3)) == 0


def test_region_is_the_city_as_a_place_or_provincial_for_units_under_the_province():
    from tests.factories import make_org

    province = make_org(name="湖北省总工会")
    city = make_org(province, name="襄阳市总工会")
    county = make_org(city, name="宜城市总工会")
    union = make_org(county, level=5, name="某企业工会")
    direct = make_org(province, level=5, name="省直某单位工会")
    assert services.region_of(union) == "襄阳市"
    assert services.region_of(city) == "襄阳市"
    assert services.region_of(direct) == "省直"


def test_objections_are_hidden_from_the_candidates_own_union():
    from tests.factories import Role, make_user
    from unionportal.selection.models import Objection

    w = world()
    objection = _noticed_objection(w, "13800001111")
    own_admin = make_user("own_admin", org=w.tree["grassroots_a"], role=Role.ORG_ADMIN)
    own_staff = make_user("own_staff", org=w.tree["grassroots_a"], role=Role.STAFF)
    assert list(Objection.objects.visible_to(w.county_a)) == [objection]
    assert list(Objection.objects.visible_to(w.province)) == [objection]
    assert not Objection.objects.visible_to(own_admin).exists()
    assert not Objection.objects.visible_to(own_staff).exists()
    assert not Objection.objects.visible_to(w.submitter_a).exists()
    assert not Objection.objects.visible_to(w.county_b).exists()
