"""Milestones: responsible organisations, completion per organisation, progress, reminders, pages."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.http import Http404

from tests.campaigns.conftest import at
from tests.factories import Role, make_org, make_user
from unionportal import periodic
from unionportal.audit.models import AuditEvent
from unionportal.campaigns import selectors, services
from unionportal.campaigns.models import ActivityReport, Milestone, MilestoneCompletion, MilestoneReminder
from unionportal.campaigns.plan import load_plan_2026
from unionportal.campaigns.todos import milestones_todo
from unionportal.notifications.models import Notification
from unionportal.orgs.enums import Level
from unionportal.reports.registry import todos_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_milestone(campaign):
    return Milestone.objects.create(
        campaign=campaign,
        title="市州工会建成覆盖城区的网络体系",
        due_on=date(2026, 6, 30),
        responsible_level=Level.CITY,
        remind_days_before=3,
    )


@pytest.fixture
def mixed_milestone(campaign, tree):
    """Responsible: the province by level, plus county a by name."""
    milestone = Milestone.objects.create(
        campaign=campaign,
        title="全省行业集体协商推动会",
        due_on=date(2026, 4, 10),
        responsible_level=Level.PROVINCE,
    )
    milestone.organisations.add(tree["county_a"])
    return milestone


def notified(event):
    return sorted(Notification.objects.filter(event=event).values_list("recipient__username", "channel"))


# --- responsible organisations and completion ----------------------------------------------------------


def test_responsible_are_the_level_plus_the_named_organisations(tree, mixed_milestone, city_milestone):
    assert set(selectors.responsible_organisations(mixed_milestone)) == {tree["province"], tree["county_a"]}
    make_org(tree["province"], level=Level.CITY, name="Closed city", is_active=False)
    assert set(selectors.responsible_organisations(city_milestone)) == {tree["city_a"], tree["city_b"]}


def test_staff_mark_their_organisation_done_once(tree, people, mixed_milestone):
    completion = services.milestone_mark_done(
        actor=people["county_a"],
        milestone_id=mixed_milestone.pk,
        organisation_id=tree["county_a"].pk,
        note="4月8日已召开",
    )
    assert (completion.organisation, completion.done_by, completion.note) == (
        tree["county_a"],
        people["county_a"],
        "4月8日已召开",
    )
    event = AuditEvent.objects.get(action="campaigns.milestone.done")
    assert (event.actor, event.org_path, event.comment) == (
        people["county_a"],
        tree["county_a"].path,
        "4月8日已召开",
    )

    again = services.milestone_mark_done(
        actor=people["county_a"], milestone_id=mixed_milestone.pk, organisation_id=tree["county_a"].pk
    )
    assert again == completion
    assert MilestoneCompletion.objects.count() == 1
    assert AuditEvent.objects.filter(action="campaigns.milestone.done").count() == 1


def test_marking_outside_the_staff_scope_is_404(tree, people, mixed_milestone, city_milestone):
    cases = [
        (people["county_a"], mixed_milestone.pk, tree["province"].pk),  # above the actor
        (people["city_b"], mixed_milestone.pk, tree["county_a"].pk),  # another branch
        (people["submitter_a"], city_milestone.pk, tree["grassroots_a"].pk),  # not a staff role
        (people["province"], 999_999, tree["province"].pk),  # no such milestone
    ]
    for actor, milestone_id, organisation_id in cases:
        with pytest.raises(Http404):
            services.milestone_mark_done(
                actor=actor, milestone_id=milestone_id, organisation_id=organisation_id
            )
    assert not MilestoneCompletion.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_organisation_that_is_not_responsible_cannot_be_marked(tree, people, city_milestone):
    tree["county_a"].name = "宜城市总工会"
    tree["county_a"].save()
    with pytest.raises(services.CampaignError) as error:
        services.milestone_mark_done(
            actor=people["county_a"], milestone_id=city_milestone.pk, organisation_id=tree["county_a"].pk
        )
    assert error.value.message == "宜城市总工会不是工作节点“市州工会建成覆盖城区的网络体系”的责任单位。"
    assert not MilestoneCompletion.objects.exists()


def test_progress_counts_the_responsible_organisations_in_each_users_subtree(
    tree, people, campaign, mixed_milestone, city_milestone
):
    services.milestone_mark_done(
        actor=people["city_a"], milestone_id=city_milestone.pk, organisation_id=tree["city_a"].pk
    )
    today = date(2026, 5, 1)

    def progress(user):
        return {
            m.title: (m.done_count, m.responsible_count, m.overdue)
            for m in selectors.milestones_with_progress(user, campaign, today=today)
        }

    assert progress(people["province"]) == {
        "全省行业集体协商推动会": (0, 2, True),
        "市州工会建成覆盖城区的网络体系": (1, 2, False),
    }
    assert progress(people["city_a"]) == {
        "全省行业集体协商推动会": (0, 1, True),  # county a, named
        "市州工会建成覆盖城区的网络体系": (1, 1, False),
    }
    assert progress(people["city_b"]) == {
        "全省行业集体协商推动会": (0, 0, False),
        "市州工会建成覆盖城区的网络体系": (0, 1, False),
    }


def test_progress_takes_the_same_queries_for_one_milestone_or_many(
    people, campaign, city_milestone, django_assert_num_queries
):
    user = people["province"]
    selectors.milestones_with_progress(user, campaign, today=date(2026, 5, 1))  # warm the scope cache
    with django_assert_num_queries(2):
        assert len(selectors.milestones_with_progress(user, campaign, today=date(2026, 5, 1))) == 1
    for n in range(6):
        Milestone.objects.create(
            campaign=campaign, title=f"节点{n}", due_on=date(2026, 7, n + 1), responsible_level=3
        )
    with django_assert_num_queries(2):
        assert len(selectors.milestones_with_progress(user, campaign, today=date(2026, 5, 1))) == 7


# --- reminders -----------------------------------------------------------------------------------------


def test_reminders_before_due_and_when_overdue_are_sent_once_to_the_staff_of_those_not_done(
    tree, people, city_milestone
):
    extra_staff = make_user("city_b_second", org=tree["city_b"], role=Role.STAFF)
    services.milestone_mark_done(
        actor=people["city_a"], milestone_id=city_milestone.pk, organisation_id=tree["city_a"].pk
    )
    remind = periodic.jobs()["campaigns.reminders"]

    # Due Tuesday 30 June; three working days before is Thursday 25 June.
    assert remind(now=at(2026, 6, 24)) == 0
    assert not Notification.objects.exists()

    assert remind(now=at(2026, 6, 25)) == 1
    assert notified("campaigns.milestone.before_due") == [
        ("city_b_second", "inbox"),
        ("city_b_staff", "inbox"),
    ]
    row = Notification.objects.filter(recipient=extra_staff).get()
    assert row.subject == "工作节点提醒：“市州工会建成覆盖城区的网络体系”将于 2026-06-30 到期"
    assert row.body == (
        "City b尚未完成工作节点“市州工会建成覆盖城区的网络体系”，距截止日期 2026-06-30 还有 3 个工作日。"
        "完成后请在平台上标记完成。"
    )
    assert row.url == f"/campaigns/milestones/{city_milestone.pk}/"

    assert remind(now=at(2026, 6, 26)) == 0  # the next day: nothing new
    assert remind(now=at(2026, 6, 30, 23)) == 0  # due day: not overdue yet
    assert Notification.objects.count() == 2

    assert remind(now=at(2026, 7, 1)) == 1
    assert notified("campaigns.milestone.overdue") == [("city_b_second", "inbox"), ("city_b_staff", "inbox")]
    assert (
        Notification.objects.filter(event="campaigns.milestone.overdue", recipient=extra_staff).get().subject
        == "工作节点已逾期：“市州工会建成覆盖城区的网络体系”（截止日期 2026-06-30）"
    )
    assert remind(now=at(2026, 7, 1, 10)) == 0
    assert remind(now=at(2026, 7, 20)) == 0
    assert Notification.objects.count() == 4
    assert set(MilestoneReminder.objects.values_list("organisation__name", "kind", "recipients")) == {
        ("City b", "before_due", 2),
        ("City b", "overdue", 2),
    }
    # City a did it: never reminded; nobody but the staff of the responsible organisation hears of it.
    assert not Notification.objects.exclude(recipient__in=[extra_staff, people["city_b"]]).exists()


def test_the_reminder_day_counts_working_days_over_a_holiday(tree, people, campaign):
    # Due Friday 9 October; three working days before: 8 Oct, 30 Sep, 29 Sep (国庆 in between).
    milestone = Milestone.objects.create(campaign=campaign, title="国庆后节点", due_on=date(2026, 10, 9))
    milestone.organisations.add(tree["township_a"])
    assert services.milestone_reminders(now=at(2026, 9, 28)) == 0
    assert services.milestone_reminders(now=at(2026, 9, 29)) == 1
    assert notified("campaigns.milestone.before_due") == [("township_a_staff", "inbox")]


def test_a_milestone_done_after_the_first_reminder_gets_no_overdue_reminder(tree, people, city_milestone):
    services.milestone_reminders(now=at(2026, 6, 26))
    assert MilestoneReminder.objects.count() == 2
    for key in ("city_a", "city_b"):
        services.milestone_mark_done(
            actor=people[key], milestone_id=city_milestone.pk, organisation_id=tree[key].pk
        )
    assert services.milestone_reminders(now=at(2026, 7, 2)) == 0
    assert not Notification.objects.filter(event="campaigns.milestone.overdue").exists()


def test_a_first_run_after_the_due_date_sends_only_the_overdue_reminder(people, city_milestone):
    assert services.milestone_reminders(now=at(2026, 7, 3)) == 2
    assert not Notification.objects.filter(event="campaigns.milestone.before_due").exists()
    assert notified("campaigns.milestone.overdue") == [("city_a_staff", "inbox"), ("city_b_staff", "inbox")]


def test_no_reminders_without_a_current_campaign(people, city_milestone, campaign):
    campaign.is_current = False
    campaign.save()
    assert services.milestone_reminders(now=at(2026, 7, 3)) == 0
    assert not MilestoneReminder.objects.exists()


# --- the home page's "waiting for you" --------------------------------------------------------------------


def test_todo_lists_milestones_due_within_two_weeks_or_overdue_of_the_users_own_organisation(
    tree, people, campaign, city_milestone, mixed_milestone, monkeypatch
):
    Milestone.objects.create(
        campaign=campaign, title="远期节点", due_on=date(2026, 12, 31), responsible_level=Level.CITY
    )
    monkeypatch.setattr("unionportal.campaigns.todos.timezone.localdate", lambda: date(2026, 6, 20))
    items = {t.label: (t.count, t.kind) for t in milestones_todo(people["city_a"])}
    assert items == {
        "已逾期、本单位尚未完成的工作节点": (0, "danger"),
        "14 天内到期、本单位尚未完成的工作节点": (1, "warning"),
    }
    # The province's staff see the province's own milestone (overdue), not the cities' ones.
    assert {t.label: t.count for t in todos_for(people["province"]) if "工作节点" in t.label} == {
        "已逾期、本单位尚未完成的工作节点": 1
    }
    services.milestone_mark_done(
        actor=people["city_a"], milestone_id=city_milestone.pk, organisation_id=tree["city_a"].pk
    )
    assert [t for t in milestones_todo(people["city_a"]) if t.count] == []
    assert [t for t in milestones_todo(people["submitter_a"]) if t.count] == []


# --- pages ---------------------------------------------------------------------------------------------


def test_campaign_page_shows_progress_in_the_users_subtree(client, tree, people, campaign, city_milestone):
    services.milestone_mark_done(
        actor=people["city_a"], milestone_id=city_milestone.pk, organisation_id=tree["city_a"].pk
    )
    client.force_login(people["province"])
    html = client.get("/campaigns/").content.decode()
    assert "践行新理念，有为新常态，争当主力军" in html
    assert '<span class="done-count">1</span> / <span class="responsible-count">2</span>' in html

    client.force_login(people["city_b"])
    html = client.get("/campaigns/").content.decode()
    assert '<span class="done-count">0</span> / <span class="responsible-count">1</span>' in html


def test_campaign_page_queries_do_not_grow_with_milestones(
    client, people, campaign, city_milestone, django_assert_max_num_queries
):
    client.force_login(people["province"])
    with django_assert_max_num_queries(16) as few:
        assert client.get("/campaigns/").status_code == 200
    for n in range(8):
        Milestone.objects.create(
            campaign=campaign, title=f"节点{n}", due_on=date(2026, 7, n + 1), responsible_level=2
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/campaigns/").status_code == 200


def test_milestone_page_lists_the_subtree_and_offers_mark_done_for_the_own_organisation(
    client, tree, people, city_milestone
):
    url = f"/campaigns/milestones/{city_milestone.pk}/"
    client.force_login(people["province"])
    html = client.get(url).content.decode()
    assert "City a" in html and "City b" in html
    assert "mark-done" not in html  # the province is not responsible for it

    client.force_login(people["city_a"])
    html = client.get(url).content.decode()
    assert "City a" in html and "City b" not in html
    done_url = f"/campaigns/milestones/{city_milestone.pk}/done/{tree['city_a'].pk}/"
    assert done_url in html

    confirm = client.get(done_url)
    assert confirm.status_code == 200
    assert (
        "确认City a已完成工作节点“市州工会建成覆盖城区的网络体系”（截止日期 2026-06-30）？"
        in confirm.content.decode()
    )
    assert not MilestoneCompletion.objects.exists()

    response = client.post(done_url, {"note": "6月28日验收"})
    assert response.status_code == 302 and response.url == url
    assert MilestoneCompletion.objects.get().note == "6月28日验收"
    html = client.get(url).content.decode()
    assert "mark-done" not in html and "6月28日验收" in html


def test_mark_done_page_for_another_organisation_is_404(client, tree, people, city_milestone):
    client.force_login(people["city_a"])
    assert (
        client.get(f"/campaigns/milestones/{city_milestone.pk}/done/{tree['city_b'].pk}/").status_code == 404
    )
    assert (
        client.post(f"/campaigns/milestones/{city_milestone.pk}/done/{tree['city_b'].pk}/").status_code == 404
    )
    client.force_login(people["province"])  # staff above, but not of city b itself
    assert (
        client.post(f"/campaigns/milestones/{city_milestone.pk}/done/{tree['city_b'].pk}/").status_code == 404
    )
    assert client.get("/campaigns/milestones/999999/").status_code == 404
    assert not MilestoneCompletion.objects.exists()


def test_pages_need_a_sign_in(client, city_milestone):
    for url in ("/campaigns/", f"/campaigns/milestones/{city_milestone.pk}/", "/campaigns/reports/gallery/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# --- the plan and the demo ------------------------------------------------------------------------------


def test_the_2026_plan_loads_once_and_creates_the_campaign_if_missing():
    assert load_plan_2026() == {"created": 6, "updated": 0}
    assert load_plan_2026() == {"created": 0, "updated": 0}
    rows = list(
        Milestone.objects.filter(campaign__year=2026).values_list("title", "due_on", "responsible_level")
    )
    assert rows == [
        ("全省行业集体协商推动会", date(2026, 4, 10), Level.PROVINCE),
        ("全省“十三五”劳动竞赛动员大会", date(2026, 4, 20), Level.PROVINCE),
        ("“五一”当天集中刊（播）发庆祝活动消息", date(2026, 5, 1), Level.PROVINCE),
        ("省总本级信息平台基本建成", date(2026, 6, 30), Level.PROVINCE),
        ("市州工会建成覆盖城区的网络体系", date(2026, 6, 30), Level.CITY),
        ("全省县以上基本完成“互联网+”服务职工体系", date(2026, 12, 31), Level.COUNTY),
    ]
    campaign = Milestone.objects.first().campaign
    assert (campaign.theme, campaign.is_current) == ("践行新理念，有为新常态，争当主力军", True)
    assert "宜城" in Milestone.objects.get(title="全省行业集体协商推动会").description


def test_load_campaign_plan_command(campaign):
    out = StringIO()
    call_command("load_campaign_plan", stdout=out)
    assert out.getvalue() == "2026 milestones: 6 created, 0 updated.\n"
    assert Milestone.objects.filter(campaign=campaign).count() == 6


def test_seed_demo_adds_the_calendar_and_reports_once(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path  # the demo's generated pictures
    call_command("seed_demo", stdout=StringIO())
    counts = (
        Milestone.objects.count(),
        MilestoneCompletion.objects.count(),
        ActivityReport.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )
    # The campaign's six milestones (four done) and the 宜城 bargaining drive's three (its launch done).
    assert counts[:2] == (9, 5)
    # Reports from several cities' unions, in every state (the demo's activity reports).
    assert counts[2] >= 12
    assert set(ActivityReport.objects.values_list("state", flat=True)) == {
        "draft",
        "submitted",
        "accepted",
        "returned",
    }
    assert ActivityReport.objects.values("organisation").distinct().count() >= 4
    call_command("seed_demo", stdout=StringIO())
    assert (
        Milestone.objects.count(),
        MilestoneCompletion.objects.count(),
        ActivityReport.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    ) == counts


def test_admin_milestones_for_province_staff_and_scoped_reports(
    client, tree, people, campaign, city_milestone
):
    from tests.campaigns.conftest import make_report

    people["province"].is_staff = True
    people["province"].save()
    people["township_b"].is_staff = True
    people["township_b"].save()
    report = make_report(tree, people)

    client.force_login(people["province"])
    assert client.get("/admin/campaigns/milestone/add/").status_code == 200
    response = client.post(
        "/admin/campaigns/milestone/add/",
        {"campaign": campaign.pk, "title": "无责任单位", "due_on": "2026-07-01", "remind_days_before": 3},
    )
    assert response.status_code == 200
    assert "请指定责任层级或责任单位（至少一项）。" in response.content.decode()
    assert client.get(f"/admin/campaigns/activityreport/{report.pk}/change/").status_code == 200

    client.force_login(people["township_b"])
    assert client.get("/admin/campaigns/milestone/add/").status_code == 403
    assert client.get(f"/admin/campaigns/activityreport/{report.pk}/change/").status_code == 404
