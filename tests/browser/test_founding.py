"""On a phone a worker applies to found a union for their enterprise, which has none; on a desktop the
township union's staff approve it; the coverage page's union and member counts move."""

import re
from datetime import date

import pytest

from tests.browser.conftest import shot, sign_in
from tests.factories import make_enterprise, make_tree, make_user
from unionportal.orgs.enums import Role
from unionportal.orgs.member_demo import id_number
from unionportal.orgs.models import Enterprise, Member
from unionportal.orgs.workers import worker_profile_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ID_SELF = id_number("420684", date(1986, 4, 3), 15)
ID_A = id_number("420684", date(1991, 8, 9), 26)
ID_B = id_number("420684", date(1995, 2, 17), 38)


def _shot(page, artifacts, name):
    shot(page, artifacts, f"founding-{name}")


def _figures(page, base):
    page.goto(base + "/coverage/")
    return int(page.inner_text("#total-unions")), int(page.inner_text("#total-members"))


def test_a_worker_applies_to_found_a_union_and_the_township_approves(
    phone_page, page, live_server, artifacts
):
    tree = make_tree()
    enterprise = make_enterprise(tree["township_a"], name="新星印务有限公司", employees=48)
    worker = make_user("founder", phone="13912340077", name="黄志刚")
    worker_profile_save(user=worker, name="黄志刚", id_number=ID_SELF, employer=enterprise, job="车间主任")
    make_user("township", org=tree["township_a"], role=Role.STAFF, name="陈晓燕")
    base = live_server.url

    sign_in(page, base, "township")
    unions_before, members_before = _figures(page, base)

    # On the phone: the worker finds the enterprise and fills in the application.
    p = phone_page
    sign_in(p, base, "founder")
    p.goto(base + "/orgs/me/founding/")
    p.fill("#enterprise-q", "新星")
    p.click("#enterprise-search button")
    p.wait_for_url(re.compile(r".*/orgs/me/founding/\?q=.*"))
    p.select_option("#id_enterprise", label="新星印务有限公司")
    p.fill("#id_employees", "48")
    p.fill("#id_committee", "黄志刚，车间主任\n李红，财务\n张伟，职工代表")
    p.fill("#id_chair_name", "黄志刚")
    p.fill("#id_chair_job", "车间主任")
    # First a bad ID number: a clear message, nothing saved.
    bad = ID_A[:17] + ("1" if ID_A[17] != "1" else "2")
    p.fill("#id_first_members", f"黄志刚，{ID_SELF}\n李红，{bad}\n张伟，{ID_B}")
    p.click("input[type=submit][name=submit]")
    assert "第 2 行：身份证号校验位不正确，请核对。" in p.inner_text("#main")
    assert not Enterprise.objects.get(pk=enterprise.pk).founding_applications.exists()
    p.fill("#id_first_members", f"黄志刚，{ID_SELF}，13912340077\n李红，{ID_A}\n张伟，{ID_B}")
    _shot(p, artifacts, "apply-phone")
    p.click("input[type=submit][name=submit]")
    p.wait_for_url(re.compile(r".*/orgs/me/founding/\d+/$"))
    assert p.inner_text("#state") == "待审批"
    assert ID_A not in p.content()
    _shot(p, artifacts, "submitted-phone")

    # On the desktop: the township union's queue, the application, the approval.
    page.goto(base + "/orgs/founding/")
    assert "新星印务有限公司" in page.inner_text("#founding-queue")
    _shot(page, artifacts, "queue")
    page.click("#founding-queue a.btn-danger")
    page.wait_for_url(re.compile(r".*/orgs/founding/\d+/$"))
    page.check("input[name=decision][value=approve]")
    _shot(page, artifacts, "detail")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/orgs/founding/\d+/$"))
    assert page.inner_text("#state") == "已批准建会"
    assert page.inner_text("#new-union") == "新星印务有限公司工会委员会"
    _shot(page, artifacts, "approved")

    enterprise = Enterprise.objects.select_related("union").get(pk=enterprise.pk)
    assert enterprise.union.parent_organisation() == tree["township_a"]
    assert Member.objects.filter(organisation=enterprise.union).count() == 3

    unions_after, members_after = _figures(page, base)
    assert (unions_after, members_after) == (unions_before + 1, members_before + 3)
    _shot(page, artifacts, "coverage")
    page.goto(base + "/orgs/founding/targets/")
    assert page.inner_text("#total-founded") == "1" and page.inner_text("#total-without") == "0"
    _shot(page, artifacts, "targets")

    # The founder, now the new union's submitter, sees the approval on the phone.
    p.reload()
    assert p.inner_text("#state") == "已批准建会"
