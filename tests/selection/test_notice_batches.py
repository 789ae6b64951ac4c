"""A programme's notices are batches: a candidate approved after a notice opened goes on a batch of its
own with a full period (第二批, 第三批…), each batch's page lists its own, and objections and
publication count each batch's period."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from unionportal.audit.models import AuditEvent
from unionportal.selection import services
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy, Notice, chinese_number

from .factories import nominate, world

pytestmark = pytest.mark.django_db

TITLE = "2026年“Programme medal”拟表彰对象公示"


@pytest.fixture
def w():
    return world()


def approve(w, n):
    c = nominate(w, n, submit=True)
    for actor, org in ((w.county_a, "county_a"), (w.city_a, "city_a"), (w.province, "province")):
        services.forward(actor=actor, programme=w.programme, organisation=w.tree[org], pks=[c.pk])
    return c


def open_notice(w, starts_on):
    return services.notice_open(
        actor=w.province, programme=w.programme, starts_on=starts_on, office="省总", phone="1", address="武汉"
    )


@pytest.fixture
def batches(w):
    """Batch 1 (two candidates) opened ten days ago and ended; batch 2 (one more) opened today."""
    today = timezone.localdate()
    first = [approve(w, 1), approve(w, 2)]
    old = open_notice(w, today - timedelta(days=10))
    late = approve(w, 3)
    new = open_notice(w, today)
    return old, new, first, late, today


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 2, 9, 10, 11, 19, 20, 23, 99, 100)] == [
        "一",
        "二",
        "九",
        "十",
        "十一",
        "十九",
        "二十",
        "二十三",
        "九十九",
        "100",
    ]


def test_each_notice_opens_the_next_batch_with_its_own_candidates_and_title(w, batches):
    old, new, first, late, today = batches
    assert (old.batch, new.batch) == (1, 2)
    assert old.candidacy_ids == {c.pk for c in first}
    assert new.candidacy_ids == {late.pk}
    assert (old.title, new.title) == (TITLE, f"{TITLE}（第二批）")
    assert str(new) == "2026 Programme medal 公示（第二批）"
    assert new.ends_on == services.notice_period(today, w.programme.notice_working_days)
    third = approve(w, 4)
    notice = open_notice(w, today)
    assert (notice.batch, notice.title, notice.candidacy_ids) == (3, f"{TITLE}（第三批）", {third.pk})
    with translation.override("en"):
        assert notice.batch_label == "batch 3"
        assert notice.title == "2026 “Programme medal”: public notice of proposed honourees (batch 3)"


def test_the_public_list_and_each_batch_page_show_the_batch(w, batches, client):
    old, new, first, late, _today = batches
    listing = client.get(reverse("notices:list")).content.decode()
    assert f'<span class="fw-bold notice-title">{TITLE}（第二批）</span>' in listing
    assert f'<span class="fw-bold notice-title">{TITLE}</span>' in listing
    page = client.get(new.get_absolute_url())
    html = page.content.decode()
    assert f'<h1 class="h3" id="notice-title">{TITLE}（第二批）</h1>' in html
    assert "Programme medal · 第二批" in html  # the breadcrumb
    table = html[html.index('id="notice-table"') : html.index("</table>")]
    assert table.count('<tr id="entry-') == 1 and late.name in table
    assert all(c.name not in table for c in first)
    old_page = client.get(old.get_absolute_url()).content.decode()
    assert f'<h1 class="h3" id="notice-title">{TITLE}</h1>' in old_page
    assert old_page.count('<tr id="entry-') == 2 and late.name not in old_page
    english = client.get("/en" + new.get_absolute_url()).content.decode()
    assert "public notice of proposed honourees (batch 2)" in english


def test_an_objection_counts_the_candidates_own_batch(w, batches):
    old, new, first, late, today = batches
    with pytest.raises(services.SelectionError) as refused:
        services.objection_lodge(
            notice=new,
            candidacy_id=first[0].pk,
            name="群众",
            contact="13800001111",
            reason="反映情况",
            token=services.objection_form_token(),
            today=today,
        )
    assert (
        refused.value.message == f"“候选人1”的公示期为 {old.starts_on} 至 {old.ends_on}，现在不在公示期内。"
    )
    objection = services.objection_lodge(
        notice=new,
        candidacy_id=late.pk,
        name="群众",
        contact="13800001111",
        reason="反映情况",
        token=services.objection_form_token(),
        today=today,
    )
    assert objection.notice == new


def test_publication_waits_for_the_last_batch(w, batches):
    old, new, _first, _late, today = batches
    assert old.ends_on < today
    assert services.publish_problems(w.programme, today=today) == [
        f"公示期至 {new.ends_on} 结束，公示期满后才能公布。"
    ]


def test_the_final_page_lists_every_batch_and_says_a_new_one_follows(w, batches, client):
    old, new, _first, _late, _today = batches
    approve(w, 4)
    client.force_login(w.province)
    html = client.get(reverse("selection:final", args=[w.programme.pk])).content.decode()
    assert f'<p id="notice-batch-1"><a href="{old.get_absolute_url()}">{TITLE}</a>' in html
    assert f'<p id="notice-running"><a href="{new.get_absolute_url()}">{TITLE}（第二批）</a>' in html
    assert "这些新批准的对象将作为新的一批单独公示，公示期重新计算。" in html
    assert '公示中 · <span class="notice-batch">第二批</span>' in html


def test_the_migration_numbers_existing_notices_and_links_their_candidacies(w):
    migration = importlib.import_module("unionportal.selection.migrations.0003_notice_batches")
    today = timezone.localdate()
    first = approve(w, 1)
    old = open_notice(w, today - timedelta(days=10))
    late = approve(w, 2)
    new = open_notice(w, today)
    orphan = approve(w, 3)
    Candidacy.objects.filter(pk=orphan.pk).update(state=State.PUBLISHED)  # no trail: the first batch
    # As the data stood before batches: no numbers to speak of, no candidacy linked.
    Notice.objects.filter(pk=new.pk).update(batch=7)
    Notice.objects.filter(pk=old.pk).update(batch=5)
    Candidacy.objects.update(notice=None)
    migration.number_batches(apps, None)
    migration.link_candidacies(apps, None)
    assert dict(Notice.objects.values_list("pk", "batch")) == {old.pk: 1, new.pk: 2}
    linked = dict(Candidacy.objects.values_list("pk", "notice_id"))
    assert linked == {first.pk: old.pk, late.pk: new.pk, orphan.pk: old.pk}
    assert (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Candidacy), to_state="notice"
        ).count()
        == 2
    )
