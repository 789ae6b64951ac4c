"""Score reports collected on paper, imported through the shared import base: one row per entrant, period
and indicator; row-numbered errors, all or nothing, the report service's checks on every report."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from competitions import services
from competitions.enums import EntrantState, ReportState
from competitions.models import ScoreReport, ScoreValue
from competitions.workflows import entrant_transition, report_transition
from tests.competitions.factories import TODAY, entrant, values, world
from tests.factories import make_org, make_user
from unionportal import clock
from unionportal.imports.importers import Rows
from unionportal.imports.registry import get_registered
from unionportal.imports.resources import ImportRejected
from unionportal.orgs.enums import OrgKind, Role

pytestmark = pytest.mark.django_db

KEY = "competitions.score_reports"
HEADERS = ["竞赛编号", "参赛名称", "期次", "指标名称", "数值", "说明"]


@pytest.fixture
def w():
    w = world()
    w.team = entrant(w)
    return w


def report_rows(w, name="钢筋一班", period="1", output="110", accidents="0", judged="8", note="三月"):
    code = str(w.competition.pk)
    return [
        [code, name, period, "产值", output, note],
        [code, name, period, "安全事故", accidents, ""],
        [code, name, period, "现场管理", judged, ""],
    ]


def importer(user):
    return get_registered(KEY).importer(user)


def check(user, rows, headers=HEADERS):
    with clock.travel(TODAY):
        return importer(user).check({"": Rows(headers, rows)})


def write(user, rows, headers=HEADERS):
    with clock.travel(TODAY):
        return importer(user).write({"": Rows(headers, rows)})


def test_reports_are_imported_as_drafts_scored_as_the_form_scores_them(w):
    rows = report_rows(w) + report_rows(w, period="2", output="90", accidents="1", judged="10", note="")
    outcome = check(w.submitter, rows)
    assert not outcome.has_errors and outcome.counts["new"] == 6
    assert outcome.totals["成绩报送"] == 2
    assert not ScoreReport.objects.exists()  # the check writes nothing

    write(w.submitter, rows)
    reports = list(ScoreReport.objects.order_by("period__number"))
    assert [(r.period.number, r.state, r.note) for r in reports] == [
        (1, ReportState.DRAFT, "三月"),
        (2, ReportState.DRAFT, ""),
    ]
    with clock.travel(TODAY):  # the same figures through the form's service, for period 3
        form = services.report_save(
            actor=w.submitter,
            entrant_id=w.team.pk,
            period_id=w.competition.periods.get(number=3).pk,
            values=values(w),
        )
    assert reports[0].total == form.total  # the same figures give the same total either way
    assert ScoreValue.objects.filter(report=reports[1]).count() == 3
    assert reports[1].total < reports[0].total


def test_every_bad_row_is_named_and_nothing_is_saved(w):
    code = str(w.competition.pk)
    rows = [
        *report_rows(w, output="很多"),  # row 2: not a number
        [code, "不存在的班组", "1", "产值", "100", ""],  # row 5: not registered
        [code, "钢筋一班", "9", "产值", "100", ""],  # row 6: no such period
        [code, "钢筋一班", "6", "产值", "100", ""],  # row 7: the period has not begun
        [code, "钢筋一班", "2", "能耗", "100", ""],  # row 8: no such indicator
        [code, "钢筋一班", "2", "产值", "100", ""],  # row 9: period 2 lacks two indicators
        [code, "钢筋一班", "2", "产值", "120", ""],  # row 10: the same indicator twice
        ["99999", "钢筋一班", "1", "产值", "100", ""],  # row 11: no such competition
        *report_rows(w, period="3", judged="11"),  # row 14: over the judged cap
    ]
    outcome = check(w.submitter, rows)
    errors = "\n".join(outcome.errors)
    for expected in (
        "第 2 行",
        "“产值”须填写数字",
        "第 5 行",
        "没有报名参加",
        "第 6 行",
        "本竞赛没有第9期",
        "第 7 行",
        "尚不能报送",
        "第 8 行",
        "没有名为“能耗”的指标",
        "第 9 行",
        "缺少指标：安全事故、现场管理",
        "第 10 行",
        "与第 9 行是同一参赛对象、同一期的同一指标",
        "第 11 行",
        "没有编号为“99999”的劳动竞赛",
        "第 14 行",
        "应在 0 至 10 之间",
    ):
        assert expected in errors, expected
    with pytest.raises(ImportRejected):
        write(w.submitter, rows)
    assert not ScoreReport.objects.exists() and not ScoreValue.objects.exists()


def test_an_entrant_not_approved_or_of_another_union_is_refused(w):
    pending = entrant(w, "待审班组", approve=False)
    other_union = make_org(w.tree["township_a"], name="Union a2", kind=OrgKind.ENTERPRISE)
    other_submitter = make_user("sub_a2", org=other_union, role=Role.SUBMITTER)
    with clock.travel(TODAY):
        theirs = services.entrant_register(
            actor=other_submitter,
            competition_id=w.competition.pk,
            organisation_id=other_union.pk,
            name="焊接二班",
            members=[services.MemberRow("王五", "焊工")],
            today=TODAY,
        )
    entrant_transition(actor=w.organiser, entrant_id=theirs.pk, to=EntrantState.APPROVED)
    outcome = check(w.submitter, report_rows(w, name=pending.name) + report_rows(w, name="焊接二班"))
    errors = "\n".join(outcome.errors)
    assert "“待审班组”的报名尚未通过审核" in errors
    assert "“焊接二班”不是本单位报名的参赛对象" in errors
    # The other union imports its own team's report.
    write(other_submitter, report_rows(w, name="焊接二班"))
    assert ScoreReport.objects.get().entrant == theirs


def test_a_draft_is_replaced_but_a_submitted_or_checked_report_cannot_be_changed(w):
    write(w.submitter, report_rows(w, output="100"))
    draft = ScoreReport.objects.get()
    outcome = check(w.submitter, report_rows(w, output="130", note="更正"))
    assert not outcome.has_errors and outcome.counts["changed"] == 3
    write(w.submitter, report_rows(w, output="130", note="更正"))
    draft.refresh_from_db()
    assert draft.note == "更正" and draft.values.get(indicator__name="产值").value == Decimal(130)
    assert ScoreReport.objects.count() == 1

    report_transition(actor=w.submitter, report_id=draft.pk, to=ReportState.SUBMITTED)
    outcome = check(w.submitter, report_rows(w, output="140"))
    assert "“钢筋一班”第1期的成绩处于“待核查”状态，不能通过导入修改" in "\n".join(outcome.errors)
    report_transition(actor=w.organiser, report_id=draft.pk, to=ReportState.CHECKED)
    with pytest.raises(ImportRejected) as refused:
        write(w.submitter, report_rows(w, output="140"))
    assert "处于“已核查”状态" in "\n".join(refused.value.outcome.errors)
    draft.refresh_from_db()
    assert draft.values.get(indicator__name="产值").value == Decimal(130)


def test_only_the_entering_union_files_its_teams_reports(w):
    entry = get_registered(KEY)
    assert entry.can_import(w.submitter)
    assert not entry.can_import(make_user("no_union"))  # a worker or member of the public
    # The organiser's staff check reports; the team is the grassroots union's to report for.
    outcome = check(w.organiser, report_rows(w))
    assert outcome.error_count == 3
    assert "“钢筋一班”不是本单位报名的参赛对象" in "\n".join(outcome.errors)
    # Another county's union does not see the competition at all.
    outcome = check(w.outsider, report_rows(w))
    assert "没有编号为" in "\n".join(outcome.errors)


def test_the_competition_page_offers_the_filled_in_sheet_and_it_imports_back(w, client):
    client.force_login(w.submitter)
    with clock.travel(TODAY):
        page = client.get(reverse("competitions:detail", args=[w.competition.pk])).content.decode()
        assert f"竞赛编号 {w.competition.pk}" in page
        assert reverse("imports:upload", args=[KEY]) in page
        sheet = client.get(reverse("competitions:report_sheet", args=[w.competition.pk]))
    assert sheet.status_code == 200
    book = load_workbook(BytesIO(sheet.content))
    rows = [[str(c) if c is not None else "" for c in r] for r in book.active.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    # The latest period begun on 15 May is the third; a row per indicator of the approved team.
    assert [r[1:4] for r in rows[1:]] == [
        ["钢筋一班", "3", "产值"],
        ["钢筋一班", "3", "安全事故"],
        ["钢筋一班", "3", "现场管理"],
    ]
    for r, value in zip(rows[1:], ("105", "0", "9"), strict=True):
        r[4] = value
    write(w.submitter, rows[1:], headers=rows[0])
    assert ScoreReport.objects.get().period.number == 3

    client.force_login(w.organiser)
    with clock.travel(TODAY):
        assert client.get(reverse("competitions:report_sheet", args=[w.competition.pk])).status_code in (
            403,
            404,
        )
        page = client.get(reverse("competitions:detail", args=[w.competition.pk])).content.decode()
    assert "report-sheet-link" not in page


def test_the_import_runs_through_the_shared_job(w, client, django_capture_on_commit_callbacks):
    from tests.imports.conftest import csv_upload
    from unionportal.imports.models import ImportJob
    from unionportal.imports.tasks import run

    client.force_login(w.submitter)
    with clock.travel(TODAY):
        response = client.post(
            reverse("imports:upload", args=[KEY]), {"file": csv_upload(HEADERS, report_rows(w))}
        )
        assert response.status_code == 302
        job = ImportJob.objects.get(resource_key=KEY)
        assert job.error_count == 0
        with django_capture_on_commit_callbacks():
            assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 302
        run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    assert ScoreReport.objects.get().state == ReportState.DRAFT


def test_checking_a_file_asks_the_same_number_of_queries_for_few_and_many_rows(w, django_assert_num_queries):
    for n in range(2, 12):
        entrant(w, f"班组{n}")
    few = report_rows(w)
    many = [row for n in range(2, 12) for row in report_rows(w, name=f"班组{n}")]
    with clock.travel(TODAY):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small:
            importer(w.submitter).check({"": Rows(HEADERS, few)})
        with CaptureQueriesContext(connection) as large:
            importer(w.submitter).check({"": Rows(HEADERS, many)})
    assert len(large.captured_queries) == len(small.captured_queries)
