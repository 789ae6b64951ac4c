"""The review queue's and the objection list's FilterSets: the form the pages draw, what each choice
narrows, and a stale link that narrows nothing."""

import pytest
from django.urls import reverse

from unionportal.selection import services
from unionportal.selection.filters import ObjectionFilter, QueueFilter
from unionportal.selection.models import Candidacy
from unionportal.selection.selectors import objections_for, queue

from .factories import nominate, world
from .test_review_pages import lodge

pytestmark = pytest.mark.django_db


def queue_filter(w, data=None):
    return QueueFilter(
        data,
        queryset=queue(w.programme, w.tree["county_a"]),
        programmes=[w.programme],
        organisations=[w.tree["county_a"]],
        initial={"programme": w.programme.pk, "org": w.tree["county_a"].pk},
    )


def test_the_queue_form_lists_its_fields_in_order_with_the_regions_waiting():
    w = world()
    nominate(w, 1, submit=True)
    form = queue_filter(w).form
    assert list(form.fields) == ["programme", "org", "q", "region", "flag", "tag", "honours", "sort"]
    assert list(form.fields["region"].choices) == [("", "全部地区"), ("City a", "City a")]
    assert list(form.fields["honours"].choices) == [("", "不限"), ("1", "有既往荣誉"), ("0", "无既往荣誉")]
    assert [value for value, _label in form.fields["sort"].choices][:2] == ["submitted", "-submitted"]
    assert form["programme"].value() == w.programme.pk  # unbound: the queue shown is selected


def test_the_queue_narrows_by_region_and_sorts_by_name():
    w = world()
    a = nominate(w, 1, submit=True)
    b = nominate(w, 2, submit=True)
    Candidacy.objects.filter(pk=a.pk).update(name="乙", region="City b")
    Candidacy.objects.filter(pk=b.pk).update(name="甲")
    assert [c.pk for c in queue_filter(w, {"region": "City a"}).qs] == [b.pk]
    assert [c.pk for c in queue_filter(w).qs] == [a.pk, b.pk]  # by submission
    assert [c.name for c in queue_filter(w, {"sort": "name"}).qs] == ["乙", "甲"]


def test_a_stale_choice_narrows_nothing_and_keeps_the_submission_order():
    w = world()
    a, b = (nominate(w, n, submit=True) for n in (1, 2))
    stale = queue_filter(w, {"region": "Nowhere", "q": "候选人1"})
    assert [c.pk for c in stale.qs] == [a.pk, b.pk]
    assert "region" in stale.form.errors


def test_the_objection_list_shows_open_and_closed_cases():
    w = world()
    objection = lodge(w)
    rows = objections_for(w.province)
    assert [o.pk for o in ObjectionFilter({"state": "open"}, queryset=rows).qs] == [objection.pk]
    services.objection_decide(actor=w.province, pk=objection.pk, upheld=False, findings="反映不实")
    assert list(ObjectionFilter({"state": "open"}, queryset=rows).qs) == []
    assert [o.pk for o in ObjectionFilter({"state": "closed"}, queryset=rows).qs] == [objection.pk]
    assert [o.pk for o in ObjectionFilter(None, queryset=rows).qs] == [objection.pk]
    assert list(ObjectionFilter(None, queryset=rows).form.fields["state"].choices) == [
        ("", "全部"),
        ("open", "未办结"),
        ("closed", "已办结"),
    ]


def test_the_objection_page_draws_the_filter_form(client):
    w = world()
    lodge(w)
    client.force_login(w.province)
    page = client.get(reverse("selection:objections"), {"state": "open"}).content.decode()
    assert '<option value="open" selected>' in page
