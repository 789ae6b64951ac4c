"""A household's name (shown on pages and kept as the audit event's object name) has no full-width
punctuation, so English pages show none."""

import pytest
from django.utils import translation

from assistance import services
from tests.assistance.factories import MEMBERS, household_fields, ledger
from unionportal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_household_is_named_with_language_neutral_brackets():
    world = ledger()
    household = services.household_create(
        actor=world.cadre, enterprise=world.enterprise, members=MEMBERS, **household_fields(1)
    )
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert str(household) == f"职工1 ({household.masked_id_number})"
    event = AuditEvent.objects.get(action="assistance.household.create")
    assert event.object_repr == f"职工1 ({household.masked_id_number})"
    assert not set(event.object_repr) & set("（）")
