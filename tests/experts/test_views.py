"""The expert review's pages through the test client: an expert's list, the declaration before the file,
scoring (draft, submit, lock, refusals with a message and nothing saved), another expert's candidate
(404), the chair's panel page and reopening, the staff pages (settings, rubric, assignment), the score
sheet, the pool and its import, the home page's to-dos, and query counts."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.experts.factories import expert_world, make_expert, score
from tests.factories import make_org
from unionportal.selection.experts import services
from unionportal.selection.experts.enums import AssignmentState, ScoreStatus
from unionportal.selection.experts.models import Assignment, Criterion, ExpertProfile, ScoreItem

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assigned_world(**kwargs):
    w = expert_world(**kwargs)
    services.assign_auto(actor=w.province, panel=w.panel)
    return w


def test_expert_lists_only_their_assignments(django_assert_max_num_queries):
    w = assigned_world(candidates=4, experts=2, per_candidate=1)
    mine = Assignment.objects.filter(expert=w.experts[0])
    client = client_for(w.experts[0].user)
    client.get(reverse("experts:mine"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("experts:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    for row in Assignment.objects.all():
        assert (f'id="assignment-{row.pk}"' in page) == (row.expert_id == w.experts[0].pk)
    assert mine.count() == 2


def test_the_list_query_count_does_not_grow(django_assert_max_num_queries):
    w = assigned_world(candidates=8, experts=1, per_candidate=1)
    client = client_for(w.experts[0].user)
    client.get(reverse("experts:mine"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("experts:mine")).status_code == 200
    assert Assignment.objects.count() == 8


def test_declaration_comes_before_the_file_then_scoring():
    assigned_world(candidates=1, experts=1, per_candidate=1)
    row = Assignment.objects.get()
    client = client_for(row.expert.user)
    url = reverse("experts:assignment", args=[row.pk])
    page = client.get(url).content.decode()
    assert 'id="declaration-form"' in page and "攻克技术难题" not in page  # the deeds stay closed
    assert client.get(reverse("experts:assignment_photo", args=[row.pk])).status_code == 404
    response = client.post(url, {"action": "declare", "conflict": "no"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "攻克技术难题" in page and 'id="score-form"' in page
    photo = client.get(reverse("experts:assignment_photo", args=[row.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    # Read to the end: the test client then closes the file.
    assert b"".join(photo.streaming_content)[:2] == b"\xff\xd8"
    criteria = list(Criterion.objects.order_by("position"))
    # Out of range: 400, the message, nothing saved.
    response = client.post(
        url, {"action": "draft", f"points_{criteria[0].pk}": "51", f"points_{criteria[1].pk}": "10"}
    )
    assert response.status_code == 400
    assert not ScoreItem.objects.exists()
    # A draft, then the submission.
    response = client.post(url, {"action": "draft", f"points_{criteria[0].pk}": "40"})
    assert response.status_code == 302
    assert Assignment.objects.get().score_status == ScoreStatus.DRAFT
    data = {"action": "submit", **{f"points_{c.pk}": str(c.max_points) for c in criteria}}
    data[f"comment_{criteria[0].pk}"] = "业绩扎实"
    assert client.post(url, data).status_code == 302
    row.refresh_from_db()
    assert (row.score_status, row.total) == (ScoreStatus.SUBMITTED, Decimal("100.00"))
    page = client.get(url).content.decode()
    assert 'id="locked"' in page and 'id="submit-score"' not in page
    # After submission: refused with the message, unchanged.
    data[f"points_{criteria[0].pk}"] = "1"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "已提交" in response.content.decode()
    assert Assignment.objects.get().total == Decimal("100.00")


def test_a_criterion_description_is_shown_as_typed_not_as_html():
    assigned_world(candidates=1, experts=1, per_candidate=1)
    row = Assignment.objects.get()
    Criterion.objects.filter(position=0).update(description='<img src=x onerror="alert(1)">细则')
    client = client_for(row.expert.user)
    url = reverse("experts:assignment", args=[row.pk])
    client.post(url, {"action": "declare", "conflict": "no"})
    page = client.get(url).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;细则" in page
    assert '<img src=x onerror="alert(1)">' not in page
    english = client.get("/en" + url).content.decode()
    assert "<span data-user-content>&lt;img src=x" in english


def test_submitting_an_incomplete_sheet_names_the_missing_criterion():
    assigned_world(candidates=1, experts=1, per_candidate=1)
    row = Assignment.objects.get()
    services.declare(actor=row.expert.user, assignment_id=row.pk, conflict=False)
    first = Criterion.objects.order_by("position").first()
    client = client_for(row.expert.user)
    response = client.post(
        reverse("experts:assignment", args=[row.pk]), {"action": "submit", f"points_{first.pk}": "10"}
    )
    assert response.status_code == 400
    assert "请为“创新成果”评分后再提交。" in response.content.decode()
    assert Assignment.objects.get().score_status == ScoreStatus.NONE


def test_declaring_a_conflict_on_the_page_reassigns():
    assigned_world(candidates=1, experts=2, per_candidate=1)
    row = Assignment.objects.get()
    client = client_for(row.expert.user)
    url = reverse("experts:assignment", args=[row.pk])
    response = client.post(url, {"action": "declare", "conflict": "yes", "note": ""})
    assert response.status_code == 400  # the reason is required
    assert Assignment.objects.get().state == AssignmentState.ASSIGNED
    response = client.post(url, {"action": "declare", "conflict": "yes", "note": "同一单位同事"})
    assert response.status_code == 302
    assert client.get(url).status_code == 404  # no longer theirs
    other = Assignment.objects.get(state=AssignmentState.ASSIGNED)
    assert other.expert != row.expert


def test_another_experts_candidate_is_a_404():
    w = assigned_world(candidates=1, experts=2, per_candidate=1)
    row = Assignment.objects.get()
    other = next(e for e in w.experts if e != row.expert)
    client = client_for(other.user)
    url = reverse("experts:assignment", args=[row.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "declare", "conflict": "no"}).status_code == 404
    assert Assignment.objects.get().state == AssignmentState.ASSIGNED
    assert client_for(w.submitter_a).get(url).status_code == 404
    assert client_for(w.province).get(url).status_code == 404  # staff do not score


def test_the_chair_reopens_on_the_panel_page_and_others_get_404():
    w = assigned_world(candidates=2, experts=2, per_candidate=2)
    row = Assignment.objects.exclude(expert__user=w.panel.chair).first()
    score(row)
    url = reverse("experts:panel", args=[w.panel.pk])
    member = client_for(row.expert.user)
    assert member.get(url).status_code == 404
    chair = client_for(w.panel.chair)
    page = chair.get(url).content.decode()
    assert 'id="tie-rule"' in page and "reopen-form" in page
    assert 'id="auto-assign"' not in page  # assignment is the staff's
    response = chair.post(url, {"action": "reopen", "assignment": row.pk, "reason": "短"})
    assert response.status_code == 400
    assert Assignment.objects.get(pk=row.pk).score_status == ScoreStatus.SUBMITTED
    response = chair.post(url, {"action": "reopen", "assignment": row.pk, "reason": "请核对创新成果得分"})
    assert response.status_code == 302
    assert Assignment.objects.get(pk=row.pk).score_status == ScoreStatus.DRAFT
    # A chair may not assign.
    response = chair.post(url, {"action": "auto"})
    assert response.status_code == 400


def test_panel_page_shows_conflicts_and_its_queries_do_not_grow(django_assert_max_num_queries):
    w = expert_world(candidates=2, experts=2, per_candidate=2)
    inside = make_expert(w, "inside", union=w.tree["county_a"])
    w.panel.members.add(inside)
    services.assign_auto(actor=w.province, panel=w.panel)
    client = client_for(w.province)
    url = reverse("experts:panel", args=[w.panel.pk])
    client.get(url)
    with django_assert_max_num_queries(25) as small:
        page = client.get(url).content.decode()
    assert page.count("候选人由专家所在工会（County a）或其下级工会推荐。") == 2
    from tests.selection.factories import nominate
    from unionportal.selection.models import Candidacy

    extra = [nominate(w, n, submit=True) for n in range(10, 16)]
    Candidacy.objects.filter(pk__in=[c.pk for c in extra]).update(state="review1")
    services.assign_auto(actor=w.province, panel=w.panel)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_staff_manual_assignment_breaking_the_conflict_rule_is_refused():
    w = expert_world(candidates=1, experts=1)
    inside = make_expert(w, "inside", union=w.tree["grassroots_a"])
    w.panel.members.add(inside)
    client = client_for(w.province)
    response = client.post(
        reverse("experts:panel", args=[w.panel.pk]),
        {"action": "assign", "assign-candidacy": w.candidacies[0].pk, "assign-expert": inside.pk},
    )
    assert response.status_code == 400
    assert "不能分配：存在利益冲突。" in response.content.decode()
    assert not Assignment.objects.exists()
    response = client.post(
        reverse("experts:panel", args=[w.panel.pk]),
        {"action": "assign", "assign-candidacy": w.candidacies[0].pk, "assign-expert": w.experts[0].pk},
    )
    assert response.status_code == 302
    assert Assignment.objects.get().expert == w.experts[0]


def stage_post(stage, criteria, **values):
    data = {
        "action": "save",
        "stage-scoring_deadline": "2030-05-06T17:00",
        "stage-aggregation": "trimmed",
        "stage-spread_threshold": "15",
        "stage-experts_per_candidate": "3",
        "stage-remind_days": "2",
        "rubric-TOTAL_FORMS": str(len(criteria)),
        "rubric-INITIAL_FORMS": "0",
        "rubric-MIN_NUM_FORMS": "0",
        "rubric-MAX_NUM_FORMS": "1000",
    }
    for n, (name, weight, maximum) in enumerate(criteria):
        data.update(
            {
                f"rubric-{n}-name": name,
                f"rubric-{n}-weight": str(weight),
                f"rubric-{n}-max_points": str(maximum),
            }
        )
    data.update(values)
    return data


def test_stage_page_refuses_weights_that_do_not_sum_to_100():
    w = expert_world(candidates=1, experts=1)
    Criterion.objects.filter(stage=w.stage).delete()
    client = client_for(w.province)
    url = reverse("experts:stage", args=[w.programme.pk])
    response = client.post(url, stage_post(w.stage, [("业绩", 60, 60), ("创新", 30, 30)]))
    assert response.status_code == 400
    assert "各项评审标准的权重之和必须为 100，当前为 90。" in response.content.decode()
    assert not Criterion.objects.exists()
    w.stage.refresh_from_db()
    assert w.stage.experts_per_candidate == 2
    response = client.post(url, stage_post(w.stage, [("业绩", 70, 60), ("创新", 30, 30)]))
    assert response.status_code == 302
    assert list(Criterion.objects.values_list("name", "weight")) == [("业绩", 70), ("创新", 30)]
    w.stage.refresh_from_db()
    assert (w.stage.experts_per_candidate, w.stage.aggregation) == (3, "trimmed")
    assert client_for(w.county_a).get(url).status_code == 404


def test_staff_stage_page_shows_the_ranking_and_the_tie_rule():
    w = assigned_world(candidates=2, experts=2, per_candidate=2)
    for row in Assignment.objects.all():
        score(row)
    page = client_for(w.province).get(reverse("experts:stage", args=[w.programme.pk])).content.decode()
    assert "按权重最高的评审标准（工作业绩）的专家平均得分高者在前" in page
    assert page.count('class="score">70.00') == 2
    english = client_for(w.province).get("/en" + reverse("experts:stage", args=[w.programme.pk]))
    assert "Ranking rule" in english.content.decode()


def test_score_sheet_export_per_panel(django_assert_max_num_queries):
    w = assigned_world(candidates=3, experts=2, per_candidate=2)
    for row in Assignment.objects.all()[:4]:
        score(row)
    url = reverse("experts:panel_sheet", args=[w.panel.pk])
    staff = client_for(w.province)
    staff.get(reverse("home"))
    with django_assert_max_num_queries(16):
        response = staff.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header_at = rows.index(next(r for r in rows if r and r[0] == "评选项目"))
    header = rows[header_at]
    data = [dict(zip(header, r, strict=False)) for r in rows[header_at + 1 :] if r and r[0]]
    assert len(data) == 6
    submitted = [d for d in data if d["评分状态"] == "已提交"]
    assert len(submitted) == 4 and all(d["专家总分"] == "70.00" for d in submitted)
    assert all("工作业绩 40.0" in d["分项得分"] for d in submitted)
    assert client_for(w.panel.chair).get(url).status_code == 200
    other = next(e for e in w.experts if e.user != w.panel.chair)
    assert client_for(other.user).get(url).status_code == 404
    # The shared export: staff only.
    shared = reverse("imports:export_download", args=["selection_experts.sheet", "xlsx"])
    assert client_for(w.province).get(shared).status_code == 200
    assert client_for(w.county_a).get(shared).status_code == 403


def test_pool_pages_add_an_expert_with_the_role():
    w = expert_world(candidates=1, experts=1)
    client = client_for(w.province)
    union = make_org(w.city_c, name="Pool union")
    response = client.post(
        reverse("experts:pool_new"),
        {
            "username": "pool_new",
            "name": "赵敏",
            "union": union.pk,
            "title": "教授",
            "fields": ["C", "innovation"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user__username="pool_new")
    assert (profile.user.name, profile.fields, profile.union) == ("赵敏", ["C", "innovation"], union)
    assert profile.user.memberships.filter(role="expert", organisation=union).exists()
    assert not profile.user.has_usable_password()
    page = client.get(reverse("experts:pool")).content.decode()
    assert "赵敏" in page and "制造业" in page
    response = client.post(
        reverse("experts:pool_new"), {"username": "pool_new", "name": "赵敏", "union": union.pk}
    )
    assert response.status_code == 400
    assert client_for(w.county_a).get(reverse("experts:pool")).status_code == 403


def test_pool_import_checks_every_row_and_writes_all_or_nothing():
    from unionportal.imports.importers import Rows
    from unionportal.imports.registry import get_registered

    w = expert_world(candidates=1, experts=1)
    union = make_org(w.city_c, name="Import union", code="IMP001")
    importer = get_registered("selection_experts.pool_import").importer(w.province)
    headers = ["用户名", "姓名", "所在工会代码", "企业统一社会信用代码", "工作单位", "职称职务", "专业领域"]
    bad = Rows(
        headers,
        [
            ["imp1", "钱伟", "IMP001", "", "某大学", "教授", "创新驱动、制造业"],
            ["imp2", "孙丽", "NOPE", "", "", "", "天文学"],
        ],
    )
    outcome = importer.check({"": bad})
    assert outcome.error_count == 1
    assert any("NOPE" in e for e in outcome.errors) and any("天文学" in e for e in outcome.errors)
    from unionportal.imports.resources import ImportRejected

    with pytest.raises(ImportRejected):
        importer.write({"": bad})
    assert not ExpertProfile.objects.filter(user__username__in=["imp1", "imp2"]).exists()
    good = Rows(headers, [["imp1", "钱伟", "IMP001", "", "某大学", "教授", "创新驱动、制造业"]])
    importer.write({"": good})
    profile = ExpertProfile.objects.get(user__username="imp1")
    assert (profile.union, profile.fields, profile.employer) == (union, ["innovation", "C"], "某大学")
    assert get_registered("selection_experts.pool_import").can_import(w.county_a) is False
    assert importer.template_xlsx()[:2] == b"PK"


def test_home_shows_the_experts_and_the_chairs_todos():
    from unionportal.reports.registry import todos_for

    w = assigned_world(candidates=2, experts=2, per_candidate=2)
    labels = {t.label: t.count for t in todos_for(w.experts[1].user)}
    assert labels["待申报回避情况的候选人"] == 2
    row = Assignment.objects.filter(expert=w.experts[1]).first()
    services.declare(actor=w.experts[1].user, assignment_id=row.pk, conflict=False)
    labels = {t.label: t.count for t in todos_for(w.experts[1].user)}
    assert (labels["待申报回避情况的候选人"], labels["待提交评分的候选人"]) == (1, 1)
    # A wide spread for the chair.
    a, b = Assignment.objects.filter(candidacy=w.candidacies[0])
    score(a, points=(50, 30, 20))
    score(b, points=(10, 5, 5))
    labels = {t.label: t.count for t in todos_for(w.panel.chair)}
    assert labels["评分分差超过阈值、待组长复核的候选人：第一评审组"] == 1
    home = client_for(w.panel.chair).get(reverse("home")).content.decode()
    assert "待组长复核" in home


def test_home_leads_province_staff_to_a_running_review():
    from unionportal.reports.registry import todos_for

    w = expert_world(candidates=2, experts=1, per_candidate=2)
    labels = {t.label: (t.count, t.url) for t in todos_for(w.province)}
    url = reverse("experts:stage", args=[w.programme.pk])
    assert labels["专家评审进行中：2026 Programme medal"] == (1, url)
    assert labels["专家评审待分配专家的候选人：2026 Programme medal"] == (2, url)
    assert not any("专家评审" in t.label for t in todos_for(w.county_a))


def test_hidden_identity_shows_a_code_instead_of_name_unit_and_photo():
    w = expert_world(candidates=1, experts=1, per_candidate=1, hide_identity=True)
    services.assign_auto(actor=w.province, panel=w.panel)
    row = Assignment.objects.get()
    row.candidacy.unit = "鄂西机械有限公司"
    row.candidacy.save()
    services.declare(actor=row.expert.user, assignment_id=row.pk, conflict=False)
    client = client_for(row.expert.user)
    for url in (reverse("experts:mine"), reverse("experts:assignment", args=[row.pk])):
        page = client.get(url).content.decode()
        assert w.stage.candidate_code(row.candidacy_id) in page
        assert "候选人1" not in page and "鄂西机械有限公司" not in page
    assert "攻克技术难题" in page  # the deeds stay readable
    assert client.get(reverse("experts:assignment_photo", args=[row.pk])).status_code == 404
    # The code is stable and tells nothing of the id.
    assert w.stage.candidate_code(row.candidacy_id) == w.stage.candidate_code(row.candidacy_id)
    assert str(row.candidacy_id) not in w.stage.candidate_code(row.candidacy_id).split("-")[1]


def test_score_sheet_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    from tests.selection.factories import nominate
    from unionportal.selection.models import Candidacy

    w = assigned_world(candidates=1, experts=2, per_candidate=2)
    score(Assignment.objects.first())
    staff = client_for(w.province)
    url = reverse("experts:panel_sheet", args=[w.panel.pk])
    staff.get(url)
    with django_assert_max_num_queries(16) as few:
        staff.get(url)
    extra = [nominate(w, n, submit=True) for n in range(20, 26)]
    Candidacy.objects.filter(pk__in=[c.pk for c in extra]).update(state="review1")
    services.assign_auto(actor=w.province, panel=w.panel)
    for row in Assignment.objects.filter(score_status=""):
        score(row)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff.get(url).status_code == 200


def test_pool_and_stage_pages_queries_do_not_grow(django_assert_max_num_queries):
    from tests.selection.factories import nominate
    from unionportal.selection.models import Candidacy

    w = assigned_world(candidates=1, experts=1, per_candidate=1)
    staff = client_for(w.province)
    pages = [
        reverse("experts:pool"),
        reverse("experts:stage", args=[w.programme.pk]),
        reverse("experts:list"),
    ]
    counts = {}
    for url in pages:
        staff.get(url)
        with django_assert_max_num_queries(30) as captured:
            assert staff.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    for n in range(2, 8):
        make_expert(w, f"more{n}", union=make_org(w.city_c))
    extra = [nominate(w, n, submit=True) for n in range(30, 36)]
    Candidacy.objects.filter(pk__in=[c.pk for c in extra]).update(state="review1")
    services.assign_auto(actor=w.province, panel=w.panel)
    for row in Assignment.objects.all():
        score(row)
    for url in pages:
        with django_assert_max_num_queries(counts[url]):
            assert staff.get(url).status_code == 200


def test_pool_import_through_the_shared_import_job(django_capture_on_commit_callbacks):
    from tests.imports.conftest import csv_upload
    from unionportal.imports.models import ImportJob
    from unionportal.imports.tasks import run

    w = expert_world(candidates=1, experts=1)
    make_org(w.city_c, name="Job union", code="JOB001")
    client = client_for(w.province)
    headers = ["用户名", "姓名", "所在工会代码", "专业领域"]
    response = client.post(
        reverse("imports:upload", args=["selection_experts.pool_import"]),
        {
            "file": csv_upload(
                headers, [["job1", "周洁", "JOB001", "绿色发展"], ["job2", "吴江", "JOB001", ""]]
            )
        },
    )
    assert response.status_code in (200, 302)
    job = ImportJob.objects.get(resource_key="selection_experts.pool_import")
    assert job.error_count == 0
    with django_capture_on_commit_callbacks():
        assert client.post(reverse("imports:job_confirm", args=[job.pk])).status_code == 302
    run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 2)
    assert list(
        ExpertProfile.objects.filter(user__username__startswith="job")
        .order_by("user__username")
        .values_list("user__name", "fields")
    ) == [
        ("周洁", ["green"]),
        ("吴江", []),
    ]
