"""Roles inside one organisation, on the demo data: a membership alone grants nothing.

The defect this guards: ``worker`` (a worker of ``grassroots``'s enterprise, a member of the same union)
could list the union's nominations, open and print them, reveal a colleague's full ID number, open the
photos under /files/, the activity reports, and delete a draft; county and township staff could delete a
grassroots union's draft; ``expert`` could open the milestones.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from unionportal.audit.models import AuditEvent
from unionportal.audit.services import REVEAL_ACTION
from unionportal.campaigns.models import ActivityReport
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(module_db, demo_day, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()  # the demo's generated pictures stay out of var/media (and are readable by the tests)
    with module_db.unblock(), override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    yield
    media.disable()


@pytest.fixture
def draft(demo):
    return Candidacy.objects.filter(created_by__username="grassroots", state=State.DRAFT).first()


def signed_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def reveals() -> int:
    return AuditEvent.objects.filter(action=REVEAL_ACTION).count()


@pytest.mark.parametrize("username", ["worker", "expert", "cadre"])
def test_a_member_without_a_nominating_role_opens_none_of_the_unions_nominations(client, draft, username):
    client = signed_in(client, username)
    before = reveals()
    assert client.get(reverse("awards:list")).status_code == 403
    for name in ("awards:detail", "awards:print", "awards:edit", "awards:withdraw", "selection:candidacy"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404, name
    # Posting a reason to the printed form reveals nothing and logs nothing.
    response = client.post(reverse("awards:print", args=[draft.pk]), {"reason": "核对身份信息用于打印"})
    assert response.status_code == 404
    assert draft.id_number not in response.content.decode()
    assert reveals() == before
    # The nomination's photo and the union's activity reports are not theirs either.
    assert client.get(reverse("uploads:file", args=[draft.photo_id])).status_code == 404
    report = ActivityReport.objects.filter(organisation=draft.organisation).first()
    assert client.get(reverse("campaigns:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("campaigns:reports")).status_code == 403
    # Exports of the nominations are refused.
    assert client.get(reverse("imports:export", args=["selection.candidacy"])).status_code == 403


def test_a_worker_cannot_delete_a_colleagues_draft(client, draft):
    response = signed_in(client, "worker").post(reverse("awards:delete", args=[draft.pk]))
    assert response.status_code == 404
    assert Candidacy.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("username", ["county", "township", "city", "province"])
def test_staff_above_cannot_delete_a_draft_they_did_not_write(client, draft, username):
    client = signed_in(client, username)
    assert client.get(reverse("awards:delete", args=[draft.pk])).status_code == 404
    assert client.post(reverse("awards:delete", args=[draft.pk])).status_code == 404
    assert Candidacy.objects.filter(pk=draft.pk).exists()
    # They still open it (their subtree), but neither edit it nor submit it for the union.
    assert client.get(reverse("awards:detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("awards:edit", args=[draft.pk])).status_code == 404


def test_the_author_deletes_their_own_draft(client, draft):
    response = signed_in(client, "grassroots").post(reverse("awards:delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not Candidacy.objects.filter(pk=draft.pk).exists()


def test_the_expert_opens_no_milestones_and_no_staff_pages(client, demo):
    client = signed_in(client, "expert")
    for name in ("campaigns:index", "campaigns:review", "coverage", "audit:events", "assistance:dashboard"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("reason", ["", "查"])
def test_a_reveal_needs_a_reason_of_four_characters(client, draft, reason):
    before = reveals()
    response = signed_in(client, "grassroots").post(
        reverse("awards:print", args=[draft.pk]), {"reason": reason}
    )
    assert response.status_code == 400
    assert draft.id_number not in response.content.decode()
    assert reveals() == before


def test_the_submitter_reveals_with_a_reason_and_it_is_logged(client, draft):
    before = reveals()
    response = signed_in(client, "grassroots").post(
        reverse("awards:print", args=[draft.pk]), {"reason": "打印推荐表报送上级"}
    )
    assert response.status_code == 200
    assert draft.id_number in response.content.decode()
    assert reveals() == before + 1


def test_a_guessed_id_answers_404_like_another_unions_record(client, draft):
    client = signed_in(client, "grassroots2")
    assert client.get(reverse("awards:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("awards:detail", args=[999999])).status_code == 404
