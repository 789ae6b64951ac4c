"""Copies of organisation paths in other tables, kept true when the tree's paths change.

Some tables copy an organisation's path (or the path cut to fewer levels) so that "the records of a
subtree" is one index range scan (``org_path LIKE 'prefix%'``) instead of a join. A path changes
whenever treebeard rewrites a branch: when a union moves (``services.organisation_move``) and also
when a sorted insert shifts the siblings after it (``node_order_by``). Treebeard tells each rewrite by
its ``path_updated`` signal; every column registered here then follows it in the same transaction, one
``UPDATE … SET col = new_prefix || SUBSTR(col, …) WHERE col LIKE 'old_prefix%'`` per column.

Apps register their columns in ``AppConfig.ready`` (``unionportal.*`` imports no domain app):

    register_path_copy(Household, "org_path")

A prefix rewrite keeps copies true, but not figures summed per ancestor: after a union changes parent
its old ancestors' totals still count it. ``register_after_move`` names what rebuilds such figures; the
move service runs each once its transaction has committed.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

_COPIES: dict[tuple[str, str], tuple] = {}
_AFTER_MOVE: list[Callable[[], object]] = []


def register_path_copy(model, field: str) -> None:
    """Keep ``model.field`` in step with the tree: a column holding an organisation path, or a path cut
    to its first levels (a prefix shorter than a rewritten branch is not in it, and stays)."""
    _COPIES[(model._meta.label, field)] = (model, field)


def register_after_move(callback: Callable[[], object]) -> None:
    """Run ``callback()`` after a transaction that moved a union to another parent has committed."""
    if callback not in _AFTER_MOVE:
        _AFTER_MOVE.append(callback)


def path_copies() -> list[str]:
    """The registered columns, as ``app_label.Model.field``."""
    return sorted(f"{label}.{field}" for label, field in _COPIES)


def rewrite_path_copies(*, old_path: str, new_path: str, using: str | None = None) -> dict[str, int]:
    """Point every registered copy under ``old_path`` to ``new_path``; the rows changed per column."""
    changed = {}
    for label, field in sorted(_COPIES):
        model, _field = _COPIES[(label, field)]
        rows = model._base_manager.using(using).filter(**{f"{field}__startswith": old_path})
        changed[f"{label}.{field}"] = rows.update(
            **{field: Concat(Value(new_path), Substr(field, len(old_path) + 1))}
        )
    return changed


def after_move() -> None:
    """Queue the registered rebuilds for when the current transaction commits."""
    for callback in _AFTER_MOVE:
        transaction.on_commit(callback)


def follow_tree_rewrites(sender, old_path: str, new_path: str, using=None, **kwargs) -> None:
    """Receiver of treebeard's ``path_updated`` for the organisation tree."""
    rewrite_path_copies(old_path=old_path, new_path=new_path, using=using)


def path_of(instance, field: str) -> str:
    """The path of the organisation that ``instance``'s foreign key ``field`` names, for its path copy:
    the loaded organisation's when it is the one named (no query), else read by its id."""
    from .models import Organisation

    pk = getattr(instance, f"{field}_id")
    loaded = instance._state.fields_cache.get(field)
    if loaded is not None and loaded.pk == pk:
        return loaded.path
    return Organisation.objects.values_list("path", flat=True).get(pk=pk)
