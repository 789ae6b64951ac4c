"""What a workflow's edges may declare they set: the model's own columns, never the state or the key,
and the mistake shows when the workflow is declared (or the call is made), not on the first move."""

import pytest

from unionportal.audit.transitions import NOW, WORKFLOWS, Edge, Workflow, audit_value, param, transition
from unionportal.selection.enums import ObjectionState
from unionportal.selection.models import Objection
from unionportal.selection.workflows import OBJECTION_WORKFLOW


def allowed(actor, obj):
    return True


@pytest.mark.parametrize(
    ("sets", "named"),
    [({"state": "upheld"}, "state"), ({"id": 1}, "id"), ({"no_such_column": 1}, "no_such_column")],
)
def test_an_edge_that_sets_the_state_the_key_or_an_unknown_field_is_refused_when_declared(sets, named):
    with pytest.raises(ValueError, match=f"a move cannot set {named}"):
        Workflow(
            name="test.refused",
            model=Objection,
            access=lambda actor, pk, for_update=False: None,
            edges=[Edge(ObjectionState.OPEN, ObjectionState.UPHELD, allowed=allowed, sets=sets)],
        )
    assert "test.refused" not in WORKFLOWS


def test_a_call_that_sets_an_unknown_field_is_refused_before_anything_is_read():
    with pytest.raises(ValueError, match="a move cannot set colour"):
        transition(
            workflow=OBJECTION_WORKFLOW, pk=0, to=ObjectionState.UPHELD, actor=None, sets={"colour": "red"}
        )


def test_effects_read_the_moment_and_the_parameters():
    assert NOW(None, "the moment", None, {}) == "the moment"
    assert param("comment", limit=3)(None, None, None, {"comment": "abcdef"}) == "abc"
    assert param("n")(None, None, None, {"n": 7}) == 7


def test_audit_values_are_text():
    from datetime import date

    assert [audit_value(None), audit_value(date(2026, 4, 27)), audit_value(3)] == ["", "2026-04-27", "3"]
