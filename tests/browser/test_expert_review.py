"""An expert on a desktop: finds the assigned candidate on /home/, declares no conflict of interest, saves
a draft, is refused a score out of range with the message next to the field, and submits (then locked);
the chair sees the score on the panel page. The scoring page also fits a phone."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.browser.conftest import shot, sign_in
from tests.experts.factories import expert_world
from unionportal.selection.experts import services
from unionportal.selection.experts.enums import AssignmentState, ScoreStatus
from unionportal.selection.experts.models import Assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


def keep(path: Path) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENS / path.name)


def test_an_expert_declares_no_conflict_and_scores(page, phone_page, live_server, artifacts):
    w = expert_world(candidates=2, experts=2, per_candidate=1)
    services.assign_auto(actor=w.province, panel=w.panel)
    expert = w.experts[1]  # not the chair
    row = Assignment.objects.get(expert=expert)
    base = live_server.url
    sign_in(page, base, expert.user.username)
    assert "待申报回避情况的候选人" in page.inner_text("main")
    page.goto(f"{base}/selection/experts/mine/")
    page.click(f"#assignment-{row.pk}")
    page.wait_for_selector("#declaration-form")
    assert page.locator("#file").count() == 0  # the file stays closed until the declaration
    page.check("#id_conflict_0")
    page.click("#declare")
    page.wait_for_selector("#score-form")
    assert "已申报无利益冲突，请评分。" in page.inner_text("main")
    assert "攻克技术难题" in page.inner_text("#file")
    assert Assignment.objects.get(pk=row.pk).state == AssignmentState.CLEARED

    criteria = list(w.stage.criteria.order_by("position"))
    page.fill(f"#id_points_{criteria[0].pk}", "46")
    page.fill(f"#id_comment_{criteria[0].pk}", "岗位业绩突出")
    page.click("#save-draft")
    page.wait_for_selector("#draft-note")
    assert Assignment.objects.get(pk=row.pk).score_status == ScoreStatus.DRAFT
    page.fill(f"#id_points_{criteria[1].pk}", "27.5")
    page.fill(f"#id_points_{criteria[2].pk}", "18")
    keep(shot(page, artifacts, "expert-scoring"))

    # Out of range: the message next to the field, nothing saved.
    page.fill(f"#id_points_{criteria[1].pk}", "31")
    page.fill(f"#id_points_{criteria[2].pk}", "18")
    page.click("#submit-score")
    page.wait_for_selector(".invalid-feedback, .alert-danger")
    assert "30" in page.inner_text("#score-form")
    assert Assignment.objects.get(pk=row.pk).score_status == ScoreStatus.DRAFT

    page.fill(f"#id_points_{criteria[1].pk}", "27.5")
    page.click("#submit-score")
    page.wait_for_selector("#locked")
    row.refresh_from_db()
    # 46/50×50 + 27.5/30×30 + 18/20×20
    assert (row.score_status, row.total) == (ScoreStatus.SUBMITTED, Decimal("91.50"))
    assert page.locator("#submit-score").count() == 0
    assert page.locator(f"#id_points_{criteria[0].pk}").is_disabled()
    keep(shot(page, artifacts, "expert-scoring-submitted"))

    # The chair sees it on the panel page.
    sign_in(page, base, w.panel.chair.username)
    page.goto(f"{base}/selection/experts/panels/{w.panel.pk}/")
    assert "91.50" in page.inner_text(f"#candidate-{row.candidacy_id}")
    assert "排名规则" in page.inner_text("#tie-rule")
    keep(shot(page, artifacts, "expert-panel-chair"))

    # The scoring page on a phone: nothing scrolls sideways.
    sign_in(phone_page, base, expert.user.username)
    phone_page.goto(f"{base}/selection/experts/mine/{row.pk}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    keep(shot(phone_page, artifacts, "expert-scoring-phone"))
