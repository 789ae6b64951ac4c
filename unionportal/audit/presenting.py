"""Audit events in words: who (the person's name), what (the action's label), on what (the record's kind
and name), from which state to which (the workflow's state labels) and which fields changed (their
labels, and their values as the reader reads them: a choice's label, a time in local time, yes or no),
in the reader's language. The audit page and each record's history use ``describe``.

Apps name their actions with ``register_action_labels`` in ``AppConfig.ready``; a workflow's
``<name>.transition`` events take their state labels from the workflow itself.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .services import REVEAL_ACTION
from .transitions import WORKFLOWS

_ACTION_LABELS = {
    REVEAL_ACTION: gettext_lazy("查看完整个人信息"),
    "imports.import": gettext_lazy("批量导入"),
}
# Masked fields a reveal names, and the parts of an export reveal.
_FIELD_LABELS = {
    "id_number": gettext_lazy("身份证号"),
    "phone": gettext_lazy("手机号"),
    "contact": gettext_lazy("联系方式"),
    "export": gettext_lazy("导出数据"),
    "format": gettext_lazy("格式"),
    "fields": gettext_lazy("完整显示的列"),
    "rows": gettext_lazy("行数"),
}


def register_action_labels(labels: dict) -> None:
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    if action in _ACTION_LABELS:
        return str(_ACTION_LABELS[action])
    if action.endswith(".transition"):
        return _("状态变更")
    return action


@dataclass
class Described:
    at: object
    actor: str
    action: str
    kind: str
    obj: str
    from_state: str
    to_state: str
    comment: str
    changes: list[tuple[str, str, str]]  # (field label, before, after); before is "" for a single value
    client_ip: str


def _model(event):
    content_type = event.content_type
    return content_type.model_class() if content_type is not None else None


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a changed column that is not a model field (e.g. "members")
        return None


def _field_label(model, name: str) -> str:
    if name in _FIELD_LABELS:
        return str(_FIELD_LABELS[name])
    model_field = _model_field(model, name)
    if model_field is None or not hasattr(model_field, "verbose_name"):
        return name
    if model_field.is_relation and model_field.verbose_name == name.replace("_", " "):
        # A relation without a label of its own: the kind of record it names (a person: "用户").
        return str(model_field.related_model._meta.verbose_name)
    return str(model_field.verbose_name)


def _shown(value, model_field=None) -> str:
    if value in (None, "None", ""):
        return "—"
    if isinstance(value, list):
        return _("、").join(str(_FIELD_LABELS.get(v, v)) for v in value)
    if model_field is not None and getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField) and value in ("True", "False"):
        return _("是") if value == "True" else _("否")
    if isinstance(model_field, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _workflow(event, model):
    """The workflow an event's states belong to: by its name ("<workflow>.transition"), else the model's."""
    workflow = WORKFLOWS.get(event.action.removesuffix(".transition"))
    if workflow is None and model is not None:
        workflow = next((w for w in WORKFLOWS.values() if w.model is model), None)
    return workflow


def _state(workflow, state: str) -> str:
    if not state:
        return ""
    return workflow.label(state) if workflow is not None else state


def _in_field_order(model, changes: dict) -> list:
    """The changed fields in the model's order (PostgreSQL's jsonb keeps no key order); keys that are no
    field of the model follow in the order stored."""
    order = {field.name: n for n, field in enumerate(model._meta.get_fields())} if model else {}
    return sorted(changes.items(), key=lambda item: order.get(item[0], len(order)))


def describe(events) -> list[Described]:
    """The events in words (select_related "actor" and "content_type" on the queryset: no query here)."""
    rows = []
    for event in events:
        model = _model(event)
        workflow = _workflow(event, model)
        changes = []
        for name, value in _in_field_order(model, event.changes or {}):
            label = _field_label(model, name)
            model_field = _model_field(model, name)
            if event.action == REVEAL_ACTION and name == "field":
                changes.append((_("查看字段"), "", _field_label(model, value)))
            elif isinstance(value, list) and len(value) == 2 and name not in _FIELD_LABELS:
                changes.append((label, _shown(value[0], model_field), _shown(value[1], model_field)))
            else:
                changes.append((label, "", _shown(value, model_field)))
        actor = event.actor
        rows.append(
            Described(
                at=event.at,
                actor=(getattr(actor, "display_name", "") or event.actor_label)
                if actor
                else event.actor_label,
                action=action_label(event.action),
                kind=str(model._meta.verbose_name) if model is not None else "",
                obj=event.object_repr,
                from_state=_state(workflow, event.from_state),
                to_state=_state(workflow, event.to_state),
                comment=event.comment,
                changes=changes,
                client_ip=event.client_ip or "",
            )
        )
    return rows
