"""A 荆楚工匠 from end to end in the browser: the enterprise's grassroots union recommends a craftsman, the
county and the city forward it on the shared review queue, an expert declares no conflict and scores it
(the file shows the craftsman's trade, grade and patent), a voter on a phone verifies by code and votes
for it, province staff close the vote, choose the batch on the batch page (the top of the combined
ranking preselected), confirm, put the batch on notice and publish it after the notice period; the
craftsman then stands on /honourees/.

The last step is the published list on /honourees/ (``#honourees`` on the public list, the craftsman's
name in it); the public craftsman page with its film comes from the films part and can extend this walk.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import jpeg_file, shot, sign_in
from tests.craftsmen.factories import expert_scores, id_number, recommend, to_province, trade, world
from tests.experts.factories import make_expert
from tests.factories import make_org
from unionportal import clock
from unionportal.selection.enums import State
from unionportal.selection.experts import services as experts
from unionportal.selection.experts.models import Assignment
from unionportal.selection.models import Candidacy
from unionportal.selection.voting import services as voting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_craftsman_goes_from_recommendation_to_the_published_batch(
    page, phone_page, live_server, artifacts, tmp_path, sms_outbox
):
    w = world(limit=3, quota=10, county_quota=5, city_quota=5)
    w.programme.craftsman_settings.batch_size = 1
    w.programme.craftsman_settings.save(update_fields=["batch_size"])
    base = live_server.url

    # 1. The enterprise's union recommends its craftsman and submits.
    sign_in(page, base, "sub_a")
    page.goto(base + "/craftsmen/")
    page.click(f"#new-{w.programme.code}")
    page.wait_for_url(re.compile(r".*/craftsmen/new/\d+/$"))
    page.select_option("#id_enterprise", str(w.enterprise_a.pk))
    page.fill("#id_name", "王建华")
    page.fill("#id_id_number", id_number(7))
    page.select_option("#id_trade", str(trade().pk))
    page.select_option("#id_skill_grade", "senior_technician")
    page.fill("#id_years_in_trade", "26")
    page.fill("#id_apprentices", "21")
    page.fill("#id_signature_skills", "手工研磨精度达到0.002毫米。")
    page.select_option("#id_patents-0-kind", "invention")
    page.fill("#id_patents-0-number", "ZL202110000001.1")
    page.fill("#id_patents-0-title", "一种薄壁套筒车削夹具")
    page.fill("#id_patents-0-granted_on", "2023-04-18")
    page.fill("#id_summary", "扎根车工岗位二十六年。")
    page.fill("#id_deeds", "攻克薄壁零件加工变形难题，带出技师十二名。")
    page.set_input_files("#id_photo", str(jpeg_file(tmp_path, "portrait.jpg", (300, 400))))
    page.check("#id_consent")
    page.click("#save-recommendation")
    page.wait_for_url(re.compile(r".*/craftsmen/\d+/$"))
    page.click("#submit-recommendation")
    page.wait_for_selector("text=推荐已提交，等待上级工会审核。")
    craftsman = Candidacy.objects.get(name="王建华")
    assert craftsman.state == State.REVIEW3
    # A second recommendation of the union, through the services: the batch has one place for two.
    rival = to_province(w, [recommend(w, 2, submit=True, name="李卫东")])[0]
    expert_scores(w, [rival], [70])  # the panel's expert has scored the rival (69 on the rubric)

    # 2. County and city forward it on the shared review queue.
    for username, after in (("county_a", State.REVIEW2), ("city_a", State.REVIEW1)):
        sign_in(page, base, username)
        page.goto(base + f"/selection/review/?programme={w.programme.pk}")
        page.check(f"input[name=pk][value='{craftsman.pk}']")
        page.click("#do-forward")
        page.click("#confirm-form button[type=submit]")
        page.wait_for_selector("text=已向上级报送 1 个推荐对象。")
        craftsman.refresh_from_db()
        assert craftsman.state == after

    # 3. The expert declares no conflict and scores; the file shows the craftsman's details.
    stage = w.programme.expert_stage
    union = make_org(make_org(w.tree["province"], name="City x"), name="Expert union x")
    expert = make_expert(w, "walk_expert", union=union)
    panel = experts.panel_save(
        actor=w.province, stage=stage, name="第二评审组", chair=expert.user, members=[expert]
    )
    experts.assignment_create(actor=w.province, panel=panel, candidacy_id=craftsman.pk, expert_id=expert.pk)
    row = Assignment.objects.get(candidacy=craftsman, expert=expert)
    sign_in(page, base, "walk_expert")
    page.goto(f"{base}/selection/experts/mine/")
    page.click(f"#assignment-{row.pk}")
    page.wait_for_selector("#declaration-form")
    page.check("#id_conflict_0")
    page.click("#declare")
    page.wait_for_selector("#score-form")
    facts = page.inner_text("#candidate-facts")
    assert "车工" in facts and "高级技师" in facts and "26 年" in facts
    assert "ZL202110000001.1 一种薄壁套筒车削夹具" in facts
    for criterion, points in zip(stage.criteria.order_by("position"), (28, 23, 19, 9, 14), strict=True):
        page.fill(f"#id_points_{criterion.pk}", str(points))
    shot(page, artifacts, "craftsmen-walk-expert")
    page.click("#submit-score")
    page.wait_for_selector("#locked")
    assert Assignment.objects.get(pk=row.pk).total == 93

    # 4. The public vote: a voter on a phone verifies by code and votes for the craftsman.
    now = timezone.now()
    vote = voting.stage_save(
        actor=w.province,
        programme=w.programme,
        values={
            "opens_at": now - timedelta(minutes=5),
            "closes_at": now + timedelta(days=2),
            "period": "day",
            "votes_per_candidate": 1,
            "candidates_per_day": 2,
            "hide_results": False,
            "expert_weight": 70,
            "public_weight": 30,
        },
    )
    vote = voting.stage_open(actor=w.province, stage=vote, candidacy_ids=[craftsman.pk, rival.pk])
    candidate = vote.candidates.get(candidacy=craftsman)
    phone_page.goto(f"{base}/vote/{vote.pk}/")
    card = phone_page.inner_text(f"#candidate-{candidate.pk}")
    assert "车工" in card and "高级技师" in card and "手工研磨精度达到0.002毫米。" in card
    assert id_number(7) not in phone_page.content()
    phone_page.click("#verify-link")
    phone_page.fill("#id_phone", "13712345678")
    phone_page.click("#send-code")
    phone_page.wait_for_selector(".alert-info")
    code = re.search(r"您的验证码为 (\d{6})", sms_outbox[-1][1]).group(1)
    phone_page.fill("#id_code", code)
    phone_page.check("#id_consent")
    phone_page.click("#verify")
    phone_page.wait_for_selector("#voter")
    phone_page.click(f"#vote-{candidate.pk}")
    phone_page.wait_for_selector(".alert-success")
    assert "投票成功：您为 王建华 投了一票。" in phone_page.inner_text("main")
    shot(phone_page, artifacts, "craftsmen-walk-vote")

    # 5. Province staff close the vote and choose the batch: the craftsman is preselected.
    sign_in(page, base, "prov")
    page.goto(f"{base}/selection/votes/programmes/{w.programme.pk}/")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector("text=社会评议已结束。")
    page.goto(f"{base}/craftsmen/programmes/{w.programme.pk}/batch/")
    assert page.is_checked(f"#pick-{craftsman.pk}") and not page.is_checked(f"#pick-{rival.pk}")
    assert "综合得分相同时，专家评审得分高者排名在前" in page.inner_text("#tie-rule")
    first = page.locator("#batch-table tbody tr").nth(0)
    assert first.get_attribute("id") == f"batch-line-{craftsman.pk}"
    assert (first.locator(".expert").inner_text(), first.locator(".votes").inner_text()) == ("93.00", "1")
    assert first.locator(".combined").inner_text() == "95.10"  # 0.7 × 93 + 0.3 × 100
    shot(page, artifacts, "craftsmen-walk-batch")
    # Ticking the rival too is one over the batch's size: refused, nothing approved.
    page.check(f"#pick-{rival.pk}")
    page.click("#batch-submit")
    page.wait_for_selector(".alert-danger")
    assert "每批 1 人" in page.inner_text("main") and "超出 1 人" in page.inner_text("main")
    assert not Candidacy.objects.filter(state=State.APPROVED).exists()
    page.uncheck(f"#pick-{rival.pk}")
    page.click("#batch-submit")
    page.wait_for_selector("#confirm-form")
    assert "王建华" in page.inner_text("#confirm-rows")
    shot(page, artifacts, "craftsmen-walk-batch-confirm")
    page.click("#confirm-submit")
    page.wait_for_selector("text=已批准 1 名荆楚工匠，可在“省级批准名单”页发布公示。")
    craftsman.refresh_from_db()
    assert craftsman.state == State.APPROVED

    # 6. Notice on the shared final page, then publication once the period is over.
    page.click("#final-link")
    page.fill("#id_office", "湖北省总工会劳动和经济工作部")
    page.fill("#id_phone", "027-87125137")
    page.fill("#id_address", "武汉市武昌区中南路43号")
    page.click("#notice-form [type=submit]")
    page.wait_for_selector("#confirm-form")
    page.click("#confirm-submit")
    page.wait_for_selector("text=公示已发布")
    notice = w.programme.notices.get()
    page.goto(f"{base}/notices/{notice.pk}/")
    assert "王建华" in page.inner_text("main") and "李卫东" not in page.inner_text("main")
    shot(page, artifacts, "craftsmen-walk-notice")
    with clock.travel(notice.ends_on + timedelta(days=1)):
        sign_in(page, base, "prov")
        page.goto(f"{base}/selection/programmes/{w.programme.pk}/final/")
        page.click("#publish")
        page.click("#confirm-submit")
        page.wait_for_selector("text=已公布 1 个表彰对象。")
        craftsman.refresh_from_db()
        assert craftsman.state == State.PUBLISHED
        page.goto(f"{base}/honourees/")
        assert "王建华" in page.inner_text("main")
        shot(page, artifacts, "craftsmen-walk-honourees")

        # 7. The provincial TV station's feature film goes on the staff films page; the batch page and
        # the craftsman's own page show it, embedded in a sandboxed frame the page's CSP allows.
        page.goto(f"{base}/craftsmen/films/{craftsman.pk}/")
        page.select_option("#id_films-0-kind", "feature")
        page.fill("#id_films-0-title", "《荆楚工匠》专题片：王建华")
        page.fill("#id_films-0-url", "https://www.bilibili.com/video/BV1Xs411c7mD")
        page.click("#save-films")
        page.wait_for_selector(".alert-success")
        page.goto(f"{base}/jingchu-craftsmen/")
        page.locator(".craftsman-card", has_text="王建华").click()
        page.wait_for_selector("#films iframe")
        frame = page.locator("#films iframe").first
        assert frame.get_attribute("sandbox") == "allow-scripts allow-same-origin allow-presentation"
        assert frame.get_attribute("src").startswith(
            "https://player.bilibili.com/player.html?bvid=BV1Xs411c7mD"
        )
        response = page.request.get(page.url)
        assert "frame-src https://player.bilibili.com" in response.headers["content-security-policy"]
        assert "李卫东" not in page.inner_text("main")
        shot(page, artifacts, "craftsmen-walk-public-page")
