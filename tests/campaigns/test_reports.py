"""Grassroots activity report pages: create with photos, submit, review, gallery, counts, scope."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.campaigns.conftest import REPORT_FIELDS, jpeg, make_report
from unionportal.audit.models import AuditEvent
from unionportal.campaigns.enums import ReportState
from unionportal.campaigns.models import ActivityReport
from unionportal.campaigns.services import activity_report_create, activity_report_transition
from unionportal.uploads.models import StoredFile

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {**REPORT_FIELDS, "date": REPORT_FIELDS["date"].isoformat()}
    data.update(overrides)
    return data


def create_via_service(people, tree, *, photos=1, branch="a", **fields):
    return activity_report_create(
        actor=people[f"submitter_{branch}"],
        organisation_id=tree[f"grassroots_{branch}"].pk,
        photo_files=[jpeg(f"p{i}.jpg") for i in range(photos)],
        **{**REPORT_FIELDS, **fields},
    )


# --- the reporting union --------------------------------------------------------------------------------


def test_a_submitter_creates_a_report_with_a_photo_and_submits_it(client, tree, people, campaign):
    client.force_login(people["submitter_a"])
    form = client.get("/campaigns/reports/new/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'accept="image/jpeg,image/png,image/webp"' in form

    response = client.post(
        "/campaigns/reports/new/",
        {**form_data(organisation=tree["grassroots_a"].pk), "photos": [jpeg("运动会.jpg")]},
    )
    report = ActivityReport.objects.get()
    assert response.status_code == 302 and response.url == f"/campaigns/reports/{report.pk}/"
    assert (report.organisation, report.campaign, report.state, report.created_by) == (
        tree["grassroots_a"],
        campaign,
        ReportState.DRAFT,
        people["submitter_a"],
    )
    photo = report.photos.get()
    assert (photo.kind, photo.organisation, photo.uploaded_by, photo.is_public) == (
        "image",
        tree["grassroots_a"],
        people["submitter_a"],
        False,
    )
    assert photo.thumbnail_url
    assert AuditEvent.objects.get(action="campaigns.activity_report.create").to_state == "draft"

    detail = client.get(report.get_absolute_url()).content.decode()
    assert photo.thumbnail_url in detail and 'id="submit-report"' in detail

    response = client.post(f"/campaigns/reports/{report.pk}/submit/", {"state": "draft"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    listing = client.get("/campaigns/reports/").content.decode()
    assert "“五一”职工趣味运动会" in listing and "已提交" in listing


def test_a_non_image_named_jpg_is_refused_with_the_reason_and_nothing_is_saved(
    client, tree, people, campaign
):
    client.force_login(people["submitter_a"])
    fake = SimpleUploadedFile(
        "活动照片.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    response = client.post(
        "/campaigns/reports/new/",
        {**form_data(organisation=tree["grassroots_a"].pk), "photos": [jpeg("good.jpg"), fake]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == [
        "“活动照片.jpg”：文件内容不是 JPEG、PNG 或 WebP 图片，请上传这三种格式之一的图片。"
    ]
    assert "文件内容不是 JPEG、PNG 或 WebP 图片" in response.content.decode()
    assert not ActivityReport.objects.exists()
    assert not StoredFile.objects.exists()
    assert not AuditEvent.objects.exists()


def test_at_most_nine_photos(client, people, campaign):
    client.force_login(people["submitter_a"])
    response = client.post(
        "/campaigns/reports/new/", {**form_data(), "photos": [jpeg(f"{i}.jpg") for i in range(10)]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == ["一次最多上传 9 个文件，您选择了 10 个。"]
    assert not ActivityReport.objects.exists() and not StoredFile.objects.exists()


def test_editing_adds_and_removes_photos_while_the_report_is_a_draft(client, tree, people, campaign):
    report = create_via_service(people, tree, photos=2)
    first, second = report.photos.order_by("original_name")
    client.force_login(people["submitter_a"])
    response = client.post(
        f"/campaigns/reports/{report.pk}/edit/",
        {**form_data(participants=300), "photos": [jpeg("new.jpg")], "remove_photos": [str(first.pk)]},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.participants == 300
    assert {p.original_name for p in report.photos.all()} == {second.original_name, "new.jpg"}
    assert not StoredFile.objects.filter(pk=first.pk).exists()
    event = AuditEvent.objects.get(action="campaigns.activity_report.update")
    assert event.changes == {"participants": ["260", "300"], "photos": ["2", "2"]}

    activity_report_transition(actor=people["submitter_a"], report_id=report.pk, to=ReportState.SUBMITTED)
    response = client.post(f"/campaigns/reports/{report.pk}/edit/", form_data(participants=1))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.participants == 300


def test_only_reporting_unions_have_the_report_pages(client, people, campaign):
    client.force_login(people["county_a"])
    for url in ("/campaigns/reports/", "/campaigns/reports/new/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/campaigns/reports/review/")
    client.force_login(people["submitter_a"])
    for url in ("/campaigns/reports/review/", "/campaigns/reports/gallery/", "/campaigns/reports/overview/"):
        assert client.get(url).status_code == 403


# --- review ---------------------------------------------------------------------------------------------


def test_upper_staff_accept_from_the_review_queue(client, tree, people, campaign):
    report = create_via_service(people, tree)
    activity_report_transition(actor=people["submitter_a"], report_id=report.pk, to=ReportState.SUBMITTED)

    client.force_login(people["township_b"])
    assert f'id="report-{report.pk}"' not in client.get("/campaigns/reports/review/").content.decode()

    client.force_login(people["county_a"])
    queue = client.get("/campaigns/reports/review/").content.decode()
    assert f'action="/campaigns/reports/{report.pk}/accept/"' in queue
    response = client.post(
        f"/campaigns/reports/{report.pk}/accept/", {"state": "submitted", "next": "review"}
    )
    assert response.status_code == 302 and response.url == "/campaigns/reports/review/"
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert f'id="report-{report.pk}"' not in client.get("/campaigns/reports/review/").content.decode()

    # A second reviewer acting on the page they loaded before is told, not obeyed.
    client.force_login(people["township_a"])
    response = client.post(f"/campaigns/reports/{report.pk}/accept/", {"state": "submitted"}, follow=True)
    assert "该记录已被他人处理，当前状态为“已采用”，请刷新后再操作。" in response.content.decode()
    assert AuditEvent.objects.filter(to_state="accepted").count() == 1


def test_returning_asks_for_a_reason_the_union_then_sees(client, tree, people, campaign):
    report = create_via_service(people, tree)
    activity_report_transition(actor=people["submitter_a"], report_id=report.pk, to=ReportState.SUBMITTED)
    client.force_login(people["township_a"])
    url = f"/campaigns/reports/{report.pk}/return/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"state": "submitted", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["这个字段是必填项。"]
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    response = client.post(url, {"state": "submitted", "reason": "请补充现场照片", "next": "review"})
    assert response.status_code == 302 and response.url == "/campaigns/reports/review/"
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED

    client.force_login(people["submitter_a"])
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "请补充现场照片" in detail and 'id="submit-report"' in detail


# --- upper levels: gallery and counts -------------------------------------------------------------------


def test_gallery_shows_accepted_reports_of_the_subtree_with_thumbnails(client, tree, people, campaign):
    accepted = create_via_service(people, tree, title="职工趣味运动会")
    waiting = create_via_service(people, tree, title="技能分享会")
    other = create_via_service(people, tree, branch="b", title="劳模座谈会")
    for report, reviewer in ((accepted, "township_a"), (waiting, None), (other, "township_b")):
        author = people["submitter_b" if report is other else "submitter_a"]
        activity_report_transition(actor=author, report_id=report.pk, to=ReportState.SUBMITTED)
        if reviewer:
            activity_report_transition(actor=people[reviewer], report_id=report.pk, to=ReportState.ACCEPTED)

    client.force_login(people["city_a"])
    html = client.get("/campaigns/reports/gallery/").content.decode()
    assert "职工趣味运动会" in html and accepted.photos.get().thumbnail_url in html
    assert "技能分享会" not in html and "劳模座谈会" not in html

    client.force_login(people["province"])
    html = client.get("/campaigns/reports/gallery/").content.decode()
    assert "职工趣味运动会" in html and "劳模座谈会" in html
    html = client.get(f"/campaigns/reports/gallery/?org={tree['grassroots_b'].pk}").content.decode()
    assert "职工趣味运动会" not in html and "劳模座谈会" in html


def test_counts_per_union_in_the_subtree(client, tree, people, campaign):
    for n in range(3):
        report = create_via_service(people, tree, photos=0, title=f"活动{n}", participants=10 * (n + 1))
        if n:
            activity_report_transition(
                actor=people["submitter_a"], report_id=report.pk, to=ReportState.SUBMITTED
            )
        if n == 2:
            activity_report_transition(
                actor=people["township_a"], report_id=report.pk, to=ReportState.ACCEPTED
            )
    other = create_via_service(people, tree, photos=0, branch="b")
    activity_report_transition(actor=people["submitter_b"], report_id=other.pk, to=ReportState.SUBMITTED)

    client.force_login(people["county_a"])
    response = client.get("/campaigns/reports/overview/")
    rows = [
        (r["organisation__name"], r["submitted"], r["accepted"], r["returned"], r["total"], r["participants"])
        for r in response.context["page"].object_list
    ]
    assert rows == [("Union a", 1, 1, 0, 2, 50)]  # the draft is not counted; branch b is out of scope
    client.force_login(people["province"])
    response = client.get("/campaigns/reports/overview/")
    assert [r["organisation__name"] for r in response.context["page"].object_list] == ["Union a", "Union b"]
    assert response.context["totals"]["total"] == 3


@pytest.mark.parametrize(
    "url", ["/campaigns/reports/gallery/", "/campaigns/reports/overview/", "/campaigns/reports/review/"]
)
def test_upper_level_pages_take_the_same_queries_for_one_report_or_many(
    client, tree, people, campaign, url, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            report = make_report(tree, people, state=ReportState.SUBMITTED, title=f"活动{i}")
            report.photos.set(
                [
                    StoredFile.objects.create(
                        kind="image",
                        original_name="x.jpg",
                        size=1,
                        content_type="image/jpeg",
                        sha256="0",
                        organisation=tree["grassroots_a"],
                    )
                ]
            )
            if "review" not in url:
                activity_report_transition(
                    actor=people["township_a"], report_id=report.pk, to=ReportState.ACCEPTED
                )

    client.force_login(people["county_a"])
    add(1)
    with django_assert_max_num_queries(20) as one:
        assert client.get(url).status_code == 200
    add(6)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


# --- scope ----------------------------------------------------------------------------------------------


def test_out_of_scope_users_get_404_everywhere(client, tree, people, campaign):
    report = create_via_service(people, tree)
    activity_report_transition(actor=people["submitter_a"], report_id=report.pk, to=ReportState.SUBMITTED)
    urls = [
        ("get", f"/campaigns/reports/{report.pk}/"),
        ("get", f"/campaigns/reports/{report.pk}/edit/"),
        ("get", f"/campaigns/reports/{report.pk}/return/"),
        ("post", f"/campaigns/reports/{report.pk}/submit/"),
        ("post", f"/campaigns/reports/{report.pk}/accept/"),
        ("post", f"/campaigns/reports/{report.pk}/return/"),
    ]
    for outsider in ("submitter_b", "township_b", "city_b"):
        client.force_login(people[outsider])
        for method, url in urls:
            response = getattr(client, method)(
                url, {"state": "submitted", "reason": "x"} if method == "post" else None
            )
            assert response.status_code == 404, (outsider, url)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert AuditEvent.objects.filter(action="campaigns.activity_report.transition").count() == 1

    # Inside the subtree the same pages answer.
    for insider in ("township_a", "county_a", "province", "submitter_a"):
        client.force_login(people[insider])
        assert client.get(f"/campaigns/reports/{report.pk}/").status_code == 200


def test_a_submitter_cannot_file_for_another_union(client, tree, people, campaign):
    client.force_login(people["submitter_a"])
    response = client.post("/campaigns/reports/new/", form_data(organisation=tree["grassroots_b"].pk))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not ActivityReport.objects.exists()


def test_no_report_without_a_current_campaign(client, tree, people, campaign):
    campaign.is_current = False
    campaign.save()
    client.force_login(people["submitter_a"])
    response = client.post(
        "/campaigns/reports/new/",
        form_data(organisation=tree["grassroots_a"].pk, date=date(2026, 4, 1).isoformat()),
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["当前没有进行中的活动，暂不能填报活动报告。"]
