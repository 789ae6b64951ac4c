"""One way to declare a workflow and one service that performs every transition.

A workflow is a table of edges (from state, to state) with who may take each edge, guards, the fields
the move sets and the notifications it causes. ``transition`` does, in one transaction: fetch with the
scope check (404 outside) and a row lock, permission, guards, a compare-and-set UPDATE of the state and
the fields the move sets (of two concurrent transitions one wins, the other gets a clear message and
writes nothing), an audit event naming those fields with their old and new values, and the notification
rows. Views, admin actions, imports and tasks all call ``transition``; nobody writes a move's fields
after it.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.notifications.services import Message, queue

from . import services as audit

# Sent after a move is written (``sender``: the model, ``instance``: the record, in its new state). The
# move is a compare-and-set ``update``, which sends no ``post_save``: this is how the staff pages' cached
# fragments hear of it (unionportal.fragments.follow).
moved = Signal()


class TransitionError(Exception):
    """A transition the user asked for cannot happen; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


Allowed = Callable[..., bool]  # (actor, obj) -> bool
Guard = Callable[..., str | None]  # (obj, actor) -> an error message, or None when it may proceed
Notify = Callable[..., Iterable[Message]]  # (obj, actor, comment) -> messages to queue
# A field a move sets: a value, or (obj, now, actor, params) -> the value, where ``obj`` is the record as
# it stands before the move and ``params`` are the transition's ``params`` with its ``comment``.
Effect = Callable[..., object]
Sets = Mapping[str, object]


def _moment(obj, now, actor, params):
    return now


def _local_date(obj, now, actor, params):
    return timezone.localdate(now)


def _actor(obj, now, actor, params):
    return actor


# What an edge's ``sets`` most often names: the moment of the move, its local date, who takes it.
NOW: Effect = _moment
TODAY: Effect = _local_date
ACTOR: Effect = _actor


def param(name: str, *, limit: int | None = None) -> Effect:
    """The transition's parameter ``name`` (``"comment"`` is always there), cut to ``limit`` characters."""

    def effect(obj, now, actor, params):
        value = params[name]
        return value[:limit] if limit is not None and isinstance(value, str) else value

    return effect


COMMENT = param("comment")

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
    # The fields the move sets besides the state, {field: value or Effect}: written in the same
    # compare-and-set UPDATE as the state and recorded in the same audit event.
    sets: Sets = field(default_factory=dict, compare=False)


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
        for edge in self.edges:
            self.check_sets(edge.sets)
        WORKFLOWS[self.name] = self

    def check_sets(self, sets: Sets) -> None:
        """A move may set the model's own columns, never the state (the edge says that) or the key."""
        columns = {f.name for f in self.model._meta.concrete_fields if not f.primary_key}
        unknown = (set(sets) - columns) | (set(sets) & {self.state_field})
        if unknown:
            raise ValueError(f"{self.name}: a move cannot set {', '.join(sorted(unknown))}")

    def edge(self, source: str, target: str) -> Edge | None:
        return self._index.get((source, target))

    def available(self, obj, actor) -> list[Edge]:
        state = getattr(obj, self.state_field)
        return [e for e in self.edges if e.source == state and e.allowed(actor, obj)]

    def label(self, state: str) -> str:
        field_ = self.model._meta.get_field(self.state_field)
        return str(dict(field_.flatchoices).get(state, state))


def audit_value(value) -> str:
    """A field's value as the audit event keeps it: JSON-safe text that ``presenting`` tells in words
    (a related record by its name, since the audit page reads no other table)."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def transition(
    *,
    workflow: Workflow,
    pk,
    to: str,
    actor,
    comment: str = "",
    expected_from: str | None = None,
    changes: dict | None = None,
    sets: Sets | None = None,
    params: Mapping | None = None,
    now=None,
):
    """Move the object ``pk`` to state ``to``; raise TransitionError (or Http404) and change nothing
    when it may not. ``expected_from`` is the state the user saw: if someone changed it meanwhile the
    user is told instead of acting on a record they have not seen.

    The fields the edge ``sets`` (and this call's ``sets``, which take precedence) are written with the
    state; their callables get ``now`` (default: the current time), the actor and ``params`` (with the
    ``comment``). ``changes`` adds the caller's own entries to the audit event."""
    if sets:
        workflow.check_sets(sets)
    now = now or timezone.now()
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
        effects = {**edge.sets, **(sets or {})}
        arguments = {**(params or {}), "comment": comment}
        fields = {
            name: value(obj, now, actor, arguments) if callable(value) else value
            for name, value in effects.items()
        }
        meta = workflow.model._meta
        before = {name: _current(obj, meta.get_field(name)) for name in fields}
        values = {workflow.state_field: to, **fields}
        if any(f.name == "updated_at" for f in meta.concrete_fields):
            values["updated_at"] = timezone.now()
        # Compare-and-set: on databases without row locks (SQLite) this is what stops a double move, and
        # the fields go with the state, so a move that loses writes none of them.
        if not workflow.model._default_manager.filter(pk=obj.pk, **{workflow.state_field: current}).update(
            **values
        ):
            raise TransitionError(_("该记录已被他人处理，请刷新后再操作。"))
        for name, value in values.items():
            setattr(obj, name, value)
        moved.send(sender=workflow.model, instance=obj)
        recorded = {}
        for name, value in fields.items():
            old, new = audit_value(before[name]), audit_value(value)
            if old != new:
                recorded[name] = [old, new]
        audit.record(
            actor=actor,
            action=f"{workflow.name}.transition",
            obj=obj,
            from_state=current,
            to_state=to,
            comment=comment,
            changes={**recorded, **(changes or {})},
        )
        if edge.notify is not None:
            for message in edge.notify(obj, actor, comment):
                queue(message)
    return obj


def _current(obj, model_field: models.Field):
    """The value before the move (a related record only when one is set: no query for an empty one)."""
    if model_field.is_relation and getattr(obj, model_field.attname) is None:
        return None
    return getattr(obj, model_field.name)
