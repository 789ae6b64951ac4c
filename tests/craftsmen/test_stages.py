"""The craftsman programme through the generic later stages: an expert's file and the public vote show
the craftsman's details through the registry's facts hook; after the batch, the shared final list,
notice (with an objection) and publication pages run the craftsman programme to /honourees/."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from craftsmen.selectors import candidate_facts
from craftsmen.services import batch_approve
from tests.selection.confirming import confirmed
from unionportal import clock
from unionportal.public.models import PublicEntry
from unionportal.selection import registry
from unionportal.selection import services as selection
from unionportal.selection.enums import State
from unionportal.selection.experts.models import Assignment
from unionportal.selection.models import Candidacy

from .factories import batch_world, id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return batch_world(candidates=3, batch_size=2, votes=[2, 1, 0])


def test_the_registry_hands_the_craftsman_facts_to_the_shared_pages(w, django_assert_max_num_queries):
    ids = [c.pk for c in w.candidacies]
    with django_assert_max_num_queries(2):
        facts = registry.candidate_facts("craftsmen", ids)
    first = {f.label: (f.value, f.items) for f in facts[ids[0]]}
    assert first == {
        "工种": ("焊工", ()),
        "技能等级": ("技师", ()),
        "从事本工种年限": ("20 年", ()),
        "岗位": ("班组长", ()),
        "绝活绝技": ("仰焊一次合格率百分之百。", ()),
        "带徒人数": ("8", ()),
        "专利和创新成果": ("", ("实用新型专利 ZL202120000001.1 一种仰焊辅助支架（2022-05-06）",)),
    }
    anonymous = {f.label: f.items for f in candidate_facts(ids[:1], anonymous=True)[ids[0]]}
    assert "岗位" not in anonymous
    assert anonymous["专利和创新成果"] == ("实用新型专利 一种仰焊辅助支架（2022-05-06）",)
    assert registry.candidate_facts("frontline", ids) == {}  # an app without a provider


def test_the_expert_sees_the_craftsman_details_once_they_declared_no_conflict(w):
    row = Assignment.objects.select_related("expert__user").get(candidacy=w.candidacies[0])
    client = Client()
    client.force_login(row.expert.user)
    # The demo's expert declared and scored already: a fresh assignment shows the declaration first.
    Assignment.objects.filter(pk=row.pk).update(state="assigned")
    page = client.get(reverse("experts:assignment", args=[row.pk])).content.decode()
    assert 'id="declaration"' in page and 'id="candidate-facts"' not in page
    Assignment.objects.filter(pk=row.pk).update(state="cleared")
    page = client.get(reverse("experts:assignment", args=[row.pk])).content.decode()
    facts = page[page.index('id="candidate-facts"') :]
    for text in ("焊工", "技师", "20 年", "仰焊一次合格率百分之百。", "ZL202120000001.1 一种仰焊辅助支架"):
        assert text in facts
    assert id_number(1) not in page


def test_with_identities_hidden_the_expert_sees_no_patent_number(w):
    from unionportal.selection.experts import services as experts

    experts.stage_save(actor=w.province, programme=w.programme, values={"hide_identity": True})
    row = Assignment.objects.select_related("expert__user").get(candidacy=w.candidacies[0])
    client = Client()
    client.force_login(row.expert.user)
    page = client.get(reverse("experts:assignment", args=[row.pk])).content.decode()
    assert "一种仰焊辅助支架" in page and "ZL202120000001.1" not in page and "班组长" not in page


def test_the_vote_page_shows_each_craftsmans_trade_grade_and_skills_but_no_personal_data(w):
    page = Client().get(reverse("voting:stage", args=[w.stage.pk])).content.decode()
    for candidacy in w.candidacies:
        card = page[page.index(f'id="candidate-{w.candidates[candidacy.pk].pk}"') :]
        assert "焊工" in card[:3000] and "技师" in card[:3000] and "仰焊一次合格率百分之百。" in card[:3000]
        assert candidacy.id_number not in page
    assert page.count("candidate-facts") == 3


def test_the_batch_goes_on_notice_takes_an_objection_and_is_published_on_the_shared_pages(client, w):
    first, second, _third = w.candidacies
    batch_approve(actor=w.province, programme=w.programme, pks=[first.pk, second.pk])
    client.force_login(w.province)
    final = reverse("selection:final", args=[w.programme.pk])
    page = client.get(final).content.decode()
    assert "工匠1" in page and "工匠2" in page
    today = timezone.localdate()
    response = confirmed(
        client,
        final,
        {
            "action": "notice",
            "starts_on": today.isoformat(),
            "office": "省总工会",
            "phone": "027-1",
            "address": "武汉",
        },
        follow=True,
    )
    notice = w.programme.notices.get()
    assert [str(m) for m in response.context["messages"]] == [
        f"公示已发布：{notice.starts_on} 至 {notice.ends_on}。"
    ]
    public = Client().get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "工匠1" in public and "工匠2" in public and "工匠3" not in public
    objection = selection.objection_lodge(
        notice=notice,
        candidacy_id=second.pk,
        name="张三",
        contact="13800001234",
        reason="反映该同志的专利并非本人完成。",
        token=selection.objection_form_token(),
        today=today,
    )
    # Publication waits for the period and for the objection.
    response = client.post(reverse("selection:publish", args=[w.programme.pk]), follow=True)
    assert Candidacy.objects.filter(programme=w.programme, state=State.PUBLISHED).count() == 0
    selection.objection_decide(
        actor=w.province, pk=objection.pk, upheld=False, findings="经核实，专利为本人完成。"
    )
    with clock.travel(notice.ends_on + timedelta(days=1)):
        response = client.post(reverse("selection:publish", args=[w.programme.pk]), follow=True)
        assert [str(m) for m in response.context["messages"]] == ["已公布 2 个表彰对象。"]
    assert dict(Candidacy.objects.filter(programme=w.programme).values_list("name", "state")) == {
        "工匠1": "published",
        "工匠2": "published",
        "工匠3": "review1",
    }
    published = PublicEntry.objects.published().filter(award="荆楚工匠")
    assert sorted(published.values_list("name", flat=True)) == ["工匠1", "工匠2"]
    honourees = Client().get(reverse("public:honourees")).content.decode()
    assert "工匠1" in honourees and "工匠2" in honourees
    # The batch page reads the published batch as full.
    page = client.get(reverse("craftsmen:batch", args=[w.programme.pk])).content.decode()
    assert "本批人数已满。" in page


def test_the_later_stage_pages_read_in_english(client, w):
    from tests.craftsmen.test_english import english_text

    client.force_login(w.province)
    assert english_text(client, "craftsmen:list") == []
    assert english_text(client, "craftsmen:batch", w.programme.pk, typed=["荆楚工匠"]) == []
    assert english_text(client, "voting:stage", w.stage.pk) == []
    row = Assignment.objects.select_related("expert__user").get(candidacy=w.candidacies[0])
    client.force_login(row.expert.user)
    assert english_text(client, "experts:assignment", row.pk, typed=[w.candidacies[0].name]) == []


def test_province_staff_find_each_programmes_later_stages_on_the_list(client, w):
    client.force_login(w.province)
    page = client.get(reverse("craftsmen:list")).content.decode()
    assert (
        f'href="{reverse("craftsmen:batch", args=[w.programme.pk])}" id="batch-link-{w.programme.pk}"' in page
    )
    assert reverse("experts:stage", args=[w.programme.pk]) in page
    client.force_login(w.submitter_a)
    page = client.get(reverse("craftsmen:list")).content.decode()
    assert 'id="later-stages"' not in page
