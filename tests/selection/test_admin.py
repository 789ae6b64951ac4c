"""The pipeline's admin: programmes with allocations and rules (province staff), earlier honours, and
read-only scoped candidacy and objection lists."""

import pytest
from django.forms import CheckboxInput, SplitDateTimeWidget
from django.urls import reverse

from unionportal.accounts.validators import mask_id_number
from unionportal.selection import services
from unionportal.selection.enums import Flag, RuleKind
from unionportal.selection.models import Allocation, PastHonour, Programme, Rule

from .factories import id_number, nominate, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world(quota=12)  # cities 6 + 6 within the total, counties 5 within each city


def change_url(programme):
    return reverse("admin:selection_programme_change", args=[programme.pk])


def form_values(form, prefix_name=None) -> dict:
    """What the browser posts back for one admin form: every field's current value."""
    data = {}
    for bound in form:
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, SplitDateTimeWidget):
            date, time = widget.decompress(value)
            data[f"{bound.html_name}_0"] = date.strftime("%Y-%m-%d") if date else ""
            data[f"{bound.html_name}_1"] = time.strftime("%H:%M:%S") if time else ""
        elif isinstance(widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif value is not None:
            data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def change_data(client, programme) -> tuple[dict, dict]:
    """The change form as posted unchanged, and the inline prefix of each model."""
    page = client.get(change_url(programme))
    assert page.status_code == 200
    data = form_values(page.context["adminform"].form)
    prefixes = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        prefixes[formset.model.__name__] = formset.prefix
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = str(management[name].value())
        for form in formset.initial_forms:
            data.update(form_values(form))
    return data, prefixes


def inline_index(data, prefix, field, value) -> int:
    for key, posted in data.items():
        if key.startswith(f"{prefix}-") and key.endswith(f"-{field}") and posted == str(value):
            return int(key.split("-")[1])
    raise AssertionError(f"no {field}={value} in {prefix}")


def test_a_rule_changed_in_the_admin_changes_the_forwarding_message(w, client):
    picks = [nominate(w, n, submit=True, frontline=n != 4).pk for n in range(1, 5)]  # 3 of 4 frontline
    client.force_login(w.province)
    data, prefixes = change_data(client, w.programme)
    rule = Rule.objects.get(programme=w.programme, kind=RuleKind.MIN_SHARE, flag=Flag.FRONTLINE)
    i = inline_index(data, prefixes["Rule"], "id", rule.pk)
    assert data[f"{prefixes['Rule']}-{i}-percent"] == "65"
    data[f"{prefixes['Rule']}-{i}-percent"] = "80"
    response = client.post(change_url(w.programme), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule.refresh_from_db()
    assert rule.percent == 80
    with pytest.raises(services.SelectionError) as refused:
        services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=picks)
    assert refused.value.message == "报送名单不符合评选规则：一线职工占名单 75%（3/4），要求不低于 80%。"


def test_over_allocation_in_the_admin_is_refused_with_the_figures_and_nothing_is_saved(w, client):
    client.force_login(w.province)
    data, prefixes = change_data(client, w.programme)
    prefix = prefixes["Allocation"]
    county = Allocation.objects.get(programme=w.programme, organisation=w.tree["county_a"])
    i = inline_index(data, prefix, "id", county.pk)
    data[f"{prefix}-{i}-quota"] = "7"
    data["name"] = "改名"
    response = client.post(change_url(w.programme), data)
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix)
    assert formset.non_form_errors() == ["City a 向下分配 7 个名额，超过其持有的 6 个。"]
    county.refresh_from_db()
    assert county.quota == 5
    assert Programme.objects.get(pk=w.programme.pk).name == "Programme medal"


def test_a_total_below_the_cities_shares_is_refused(w, client):
    client.force_login(w.province)
    data, prefixes = change_data(client, w.programme)
    data["total_quota"] = "10"
    response = client.post(change_url(w.programme), data)
    assert response.status_code == 200
    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == prefixes["Allocation"]
    )
    assert formset.non_form_errors() == ["Province 向下分配 12 个名额，超过其持有的 10 个。"]
    assert Programme.objects.get(pk=w.programme.pk).total_quota == 12


def test_an_incomplete_share_rule_is_refused_with_the_rule_message(w, client):
    client.force_login(w.province)
    data, prefixes = change_data(client, w.programme)
    prefix = prefixes["Rule"]
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    data.update(
        {f"{prefix}-{n}-kind": RuleKind.MIN_SHARE, f"{prefix}-{n}-flag": "", f"{prefix}-{n}-position": "9"}
    )
    response = client.post(change_url(w.programme), data)
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix)
    assert formset.forms[n].non_field_errors() == ["比例规则须选择统计对象并填写比例。"]
    assert Rule.objects.filter(programme=w.programme).count() == n


def test_only_province_staff_manage_programmes(w, client):
    for user in (w.county_a, w.city_a):
        client.force_login(user)
        assert client.get(change_url(w.programme)).status_code == 403
        assert client.get(reverse("admin:selection_programme_add")).status_code == 403
    client.force_login(w.province)
    assert client.get(reverse("admin:selection_programme_add")).status_code == 200


def test_past_honours_list_masks_the_id_number_and_searches_by_name_and_id(w, client):
    honour = PastHonour.objects.create(
        id_number=id_number(7), name="张三", year=2024, level="provincial", award="五一劳动奖章"
    )
    PastHonour.objects.create(
        id_number=id_number(8), name="李四", year=2023, level="national", award="五一劳动奖章"
    )
    client.force_login(w.province)
    url = reverse("admin:selection_pasthonour_changelist")
    response = client.get(url)
    html = response.content.decode()
    assert mask_id_number(id_number(7)) in html and id_number(7) not in html
    assert [h.pk for h in client.get(url, {"q": "张三"}).context["cl"].result_list] == [honour.pk]
    assert [h.pk for h in client.get(url, {"q": id_number(7)}).context["cl"].result_list] == [honour.pk]
    client.force_login(w.county_a)
    assert client.get(url).status_code == 403


def test_candidacy_and_objection_lists_are_read_only_scoped_and_masked(w, client):
    mine = nominate(w, 1, submit=True)
    client.force_login(w.county_a)
    changelist = client.get(reverse("admin:selection_candidacy_changelist"))
    assert [c.pk for c in changelist.context["cl"].result_list] == [mine.pk]
    assert mask_id_number(id_number(1)) in changelist.content.decode()
    page = client.get(reverse("admin:selection_candidacy_change", args=[mine.pk]))
    assert page.status_code == 200 and id_number(1) not in page.content.decode()
    assert client.get(reverse("admin:selection_candidacy_add")).status_code == 403
    client.force_login(w.county_b)
    assert list(client.get(reverse("admin:selection_candidacy_changelist")).context["cl"].result_list) == []
    assert client.get(reverse("admin:selection_candidacy_change", args=[mine.pk])).status_code == 404
    assert client.get(reverse("admin:selection_objection_changelist")).status_code == 200
