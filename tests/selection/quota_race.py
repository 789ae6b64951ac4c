"""Two forwards of one union racing for its last quota slot, in a fixed order.

Forward A takes the quota lock and holds its transaction open; forward B starts while A holds it.
Where the lock is a row lock (PostgreSQL) B waits for A and then counts A's forward; where it is not
(SQLite, whose ``select_for_update`` does nothing) B runs to its end first. ``python -m
tests.selection.quota_race RESULT.json`` runs the race on the database the settings name (a fresh file,
its tables made here) and writes what happened, so that a test can run it on an SQLite file of its own.
"""

import json
import sys
import threading
from unittest import mock

from django.db import OperationalError, connections

QUOTA = 3


def last_slot_world():
    """County a with a quota of QUOTA, QUOTA - 1 of it used, and two more candidacies waiting."""
    from unionportal.selection import services
    from unionportal.selection.models import Rule

    from .factories import nominate, world

    w = world(county_quota=QUOTA)
    Rule.objects.filter(programme=w.programme).update(is_active=False)  # the quota alone is under test
    waiting = [nominate(w, n, submit=True) for n in range(1, QUOTA + 2)]
    services.forward(
        actor=w.county_a,
        programme=w.programme,
        organisation=w.tree["county_a"],
        pks=[c.pk for c in waiting[: QUOTA - 1]],
    )
    return w, waiting[QUOTA - 1], waiting[QUOTA]


def last_slot_race(w, first, second, *, patience: float = 2.0) -> dict:
    """Forward ``first`` (A) and ``second`` (B) as described above; what each got, and whether B
    finished while A held the lock."""
    from unionportal.audit.transitions import TransitionError
    from unionportal.selection import services
    from unionportal.selection.enums import State
    from unionportal.selection.selectors import forwarded

    county = w.tree["county_a"]
    a_locked, b_done, release = threading.Event(), threading.Event(), threading.Event()
    outcome: dict = {}
    take_lock = services.lock_quota

    def lock_and_hold(programme, organisation):
        take_lock(programme, organisation)
        if threading.current_thread().name == "A":
            a_locked.set()
            release.wait(timeout=30)

    def run(candidacy):
        name = threading.current_thread().name
        try:
            services.forward(actor=w.county_a, programme=w.programme, organisation=county, pks=[candidacy.pk])
            outcome[name] = "forwarded"
        except TransitionError as error:
            outcome[name] = error.message
        except OperationalError as error:
            outcome[name] = f"OperationalError: {error}"
        finally:
            if name == "B":
                b_done.set()
            connections.close_all()  # each thread had its own connection

    with mock.patch.object(services, "lock_quota", lock_and_hold):
        a = threading.Thread(target=run, args=(first,), name="A")
        a.start()
        if not a_locked.wait(timeout=30):
            release.set()
            a.join(timeout=30)
            raise AssertionError(f"forward A never took the quota lock: {outcome}")
        b = threading.Thread(target=run, args=(second,), name="B")
        b.start()
        outcome["B finished while A held the lock"] = b_done.wait(timeout=patience)
        release.set()
        a.join(timeout=60)
        b.join(timeout=60)
    outcome["forwarded"] = forwarded(w.programme, county).count()
    outcome["still waiting"] = sorted(
        c.name for c in type(first).objects.filter(pk__in=[first.pk, second.pk], state=State.REVIEW3)
    )
    return outcome


def main(result_path: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    # The tables straight from the models (no migration runs): the race needs the schema, not its history.
    with override_settings(MIGRATION_MODULES={app.label: None for app in django.apps.apps.get_app_configs()}):
        call_command("migrate", run_syncdb=True, verbosity=0)
    w, first, second = last_slot_world()
    mode = connection.settings_dict.get("OPTIONS", {}).get("transaction_mode")
    # Without IMMEDIATE: long enough for B to finish on a loaded machine (the race waits only as long as
    # B takes). With it B waits for A's lock, so A lets go well inside SQLite's busy timeout.
    patience = 3.0 if mode == "IMMEDIATE" else 30.0
    outcome = last_slot_race(w, first, second, patience=patience)
    outcome["transaction_mode"] = mode
    with open(result_path, "w", encoding="utf-8") as out:
        json.dump(outcome, out, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
