"""One way to declare a workflow and one service that performs every transition.

A workflow is a table of edges (from state, to state) with who may take each edge, guards and the
notifications it causes. ``transition`` does, in one transaction: fetch with the scope check (404
outside) and a row lock, permission, guards, a compare-and-set on the state (of two concurrent
transitions one wins, the other gets a clear message), an audit event and the notification rows.
Views, admin actions, imports and tasks all call ``transition``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.notifications.services import Message, queue

from . import services as audit


class TransitionError(Exception):
    """A transition the user asked for cannot happen; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


Allowed = Callable[..., bool]  # (actor, obj) -> bool
Guard = Callable[..., str | None]  # (obj, actor) -> an error message, or None when it may proceed
Notify = Callable[..., Iterable[Message]]  # (obj, actor, comment) -> messages to queue

# Every workflow by name, so that its audit events can be told in words (audit/presenting.py).
WORKFLOWS: dict[str, "Workflow"] = {}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    allowed: Allowed
    guards: tuple[Guard, ...] = ()
    notify: Notify | None = None
    needs_comment: bool = False


@dataclass
class Workflow:
    """``access(actor, pk, for_update=bool)`` must return the object or raise Http404 (the scope)."""

    name: str
    model: type[models.Model]
    access: Callable[..., models.Model]
    edges: list[Edge]
    state_field: str = "state"
    _index: dict = field(init=False, repr=False)

    def __post_init__(self):
        self._index = {(e.source, e.target): e for e in self.edges}
        WORKFLOWS[self.name] = self

    def edge(self, source: str, target: str) -> Edge | None:
        return self._index.get((source, target))

    def available(self, obj, actor) -> list[Edge]:
        state = getattr(obj, self.state_field)
        return [e for e in self.edges if e.source == state and e.allowed(actor, obj)]

    def label(self, state: str) -> str:
        field_ = self.model._meta.get_field(self.state_field)
        return str(dict(field_.flatchoices).get(state, state))


def transition(
    *,
    workflow: Workflow,
    pk,
    to: str,
    actor,
    comment: str = "",
    expected_from: str | None = None,
    changes: dict | None = None,
):
    """Move the object ``pk`` to state ``to``; raise TransitionError (or Http404) and change nothing
    when it may not. ``expected_from`` is the state the user saw: if someone changed it meanwhile the
    user is told instead of acting on a record they have not seen."""
    with transaction.atomic():
        obj = workflow.access(actor, pk, for_update=True)
        current = getattr(obj, workflow.state_field)
        if expected_from is not None and current != expected_from:
            raise TransitionError(
                _("该记录已被他人处理，当前状态为“%(state)s”，请刷新后再操作。")
                % {"state": workflow.label(current)}
            )
        edge = workflow.edge(current, to)
        if edge is None:
            raise TransitionError(
                _("不能从“%(source)s”变为“%(target)s”。")
                % {"source": workflow.label(current), "target": workflow.label(to)}
            )
        if not edge.allowed(actor, obj):
            raise TransitionError(_("您无权执行此操作。"))
        if edge.needs_comment and not comment.strip():
            raise TransitionError(_("请填写理由。"))
        for guard in edge.guards:
            problem = guard(obj, actor)
            if problem:
                raise TransitionError(problem)
        values = {workflow.state_field: to}
        if any(f.name == "updated_at" for f in workflow.model._meta.concrete_fields):
            values["updated_at"] = timezone.now()
        # Compare-and-set: on databases without row locks (SQLite) this is what stops a double move.
        if not workflow.model._default_manager.filter(pk=obj.pk, **{workflow.state_field: current}).update(
            **values
        ):
            raise TransitionError(_("该记录已被他人处理，请刷新后再操作。"))
        for name, value in values.items():
            setattr(obj, name, value)
        audit.record(
            actor=actor,
            action=f"{workflow.name}.transition",
            obj=obj,
            from_state=current,
            to_state=to,
            comment=comment,
            changes=changes,
        )
        if edge.notify is not None:
            for message in edge.notify(obj, actor, comment):
                queue(message)
    return obj
