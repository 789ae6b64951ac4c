from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import Role, make_tree, make_user
from unionportal.audit import services as audit
from unionportal.audit.context import AuditContextMiddleware
from unionportal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


def test_record_carries_actor_object_scope_and_client_address(rf, tree, settings):
    staff = make_user("county", org=tree["county_a"], role=Role.STAFF)
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    def view(request):
        return audit.record(
            actor=staff, action="test.edit", obj=tree["grassroots_a"], changes={"name": ["a", "b"]}
        )

    # Events written while a request runs carry its client address, proxies resolved.
    event = AuditContextMiddleware(view)(
        rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9")
    )
    assert event.client_ip == "203.0.113.9"
    assert event.org_path == tree["grassroots_a"].path
    assert (event.actor_label, event.object_repr, event.changes) == (
        "county",
        "Union a",
        {"name": ["a", "b"]},
    )
    # Outside a request (a task, a command) there is no address.
    assert audit.record(actor=staff, action="test.task").client_ip is None


def test_audit_page_is_scoped_and_filterable(client, tree):
    county_a = make_user("county_a", org=tree["county_a"], role=Role.STAFF)
    county_b = make_user("county_b", org=tree["county_b"], role=Role.STAFF)
    audit.record(actor=county_a, action="orgs.edit", obj=tree["grassroots_a"], comment="改联系人")
    audit.record(actor=county_b, action="orgs.edit", obj=tree["grassroots_b"], comment="改地址")
    audit.record(actor=county_a, action="personal_data.reveal", obj=tree["township_a"], comment="核实")

    client.force_login(county_a)
    page = client.get("/audit/").context["page"]
    assert sorted(e.comment for e in page.object_list) == ["改联系人", "核实"]
    page = client.get("/audit/?action=personal_data").context["page"]
    assert [e.comment for e in page.object_list] == ["核实"]
    today = timezone.localdate().isoformat()
    assert len(client.get(f"/audit/?date_from={today}&date_to={today}").context["page"].object_list) == 2
    assert len(client.get("/audit/?date_to=2000-01-01").context["page"].object_list) == 0
    assert len(client.get("/audit/?actor=county_b").context["page"].object_list) == 0

    client.force_login(make_user("sub", org=tree["grassroots_a"], role=Role.SUBMITTER))
    assert client.get("/audit/").status_code == 403


def test_reveal_needs_a_reason_and_is_logged(tree):
    staff = make_user("county", org=tree["county_a"], role=Role.STAFF)
    org = tree["grassroots_a"]
    org.contact_phone = "13812345678"
    org.save()
    with pytest.raises(ValidationError) as excinfo:
        audit.reveal(actor=staff, obj=org, field="contact_phone", reason="  看 ")
    assert excinfo.value.messages == ["请说明查看完整信息的理由（至少 4 个字）。"]
    assert AuditEvent.objects.count() == 0

    assert audit.reveal(actor=staff, obj=org, field="contact_phone", reason="电话回访核实") == "13812345678"
    event = AuditEvent.objects.get()
    assert (event.action, event.comment, event.changes) == (
        "personal_data.reveal",
        "电话回访核实",
        {"field": "contact_phone"},
    )


def test_purge_keeps_six_months(tree):
    staff = make_user("county", org=tree["county_a"], role=Role.STAFF)
    old = audit.record(actor=staff, action="old", at=timezone.now() - timedelta(days=200))
    recent = audit.record(actor=staff, action="recent", at=timezone.now() - timedelta(days=170))
    with pytest.raises(CommandError, match="at least 183 days"):
        call_command("purge_audit", days=30)
    call_command("purge_audit")
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_audit_page_tells_events_in_words(client):
    """No raw codes on the page: people, record kinds, actions and states in words (in both languages)."""
    from tests.selection.factories import nominate, world
    from unionportal.selection import services as selection

    w = world()
    candidacy = nominate(w, 1, submit=True)
    selection.ranks_set(actor=w.province, programme=w.programme, ranks={candidacy.pk: 1})
    client.force_login(w.county_a)
    page = client.get("/audit/").content.decode()
    table = page[page.index('id="audit-table"') :]
    assert "selection.candidacy.transition" not in table and "review3" not in table
    assert "状态变更" in page and "草稿 → 县（市、区）审核中" in page
    assert "推荐对象" in page  # the record's kind
    assert w.submitter_a.display_name in page
    english = client.get("/en/audit/").content.decode()
    assert "Status change" in english and "review3" not in english[english.index('id="audit-table"') :]
