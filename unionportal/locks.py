"""Run a command while holding a PostgreSQL advisory lock: one at a time across every host.

    python -m unionportal.locks NAME -- COMMAND [ARGS...]

waits until this process holds the session-level advisory lock NAME (``migrate``, ``beat``), runs
COMMAND as a child, and exits with its status, releasing the lock as the connection closes. So
concurrent ``bin/migrate`` runs serialize (one migrates, the others wait and find nothing to do), and
of several ``bin/beat`` processes one ticks while the others stand by, taking over when it stops.

The lock is held by this process's connection, not by the child's. It is checked every CHECK_SECONDS:
if the connection is lost (so the lock may be someone else's now), the child is stopped and the exit
status is 1, for the orchestrator to start it again. The lock is taken by polling
``pg_try_advisory_lock``, not by a blocking call, so no statement outlives a statement timeout.

On a database other than PostgreSQL (the embedded SQLite) there is no one to share with: COMMAND
runs without a lock.
"""

import os
import signal
import subprocess
import sys
import time

# pg_advisory_lock(int4, int4): the portal's namespace and one key per job.
NAMESPACE = 0x554E494F  # "UNIO"
KEYS = {"migrate": 1, "beat": 2}
POLL_SECONDS = 1.0
CHECK_SECONDS = float(os.environ.get("LOCKS_CHECK_SECONDS", "10"))


def _say(message: str) -> None:
    print(f"locks: {message}", file=sys.stderr, flush=True)


def _try_lock(cursor, key: int) -> bool:
    cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, key])
    return cursor.fetchone()[0]


def _holds(cursor, key: int) -> bool:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        " AND classid = %s AND objid = %s AND objsubid = 2 AND granted)",
        [NAMESPACE, key],
    )
    return cursor.fetchone()[0]


def _stop(child: subprocess.Popen, grace: float = 30.0) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def run_locked(name: str, command: list[str]) -> int:
    from django.db import connection

    if connection.vendor != "postgresql":
        return subprocess.call(command)  # noqa: S603 - the command line of a bin/ script

    key = KEYS[name]
    stopping = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    with connection.cursor() as cursor:
        said = False
        while not _try_lock(cursor, key):
            if stopping:
                return 128 + stopping[0]
            if not said:
                _say(f"another {name} holds the lock; waiting for it")
                said = True
            time.sleep(POLL_SECONDS)
        if said:
            _say(f"took the {name} lock")

        child = subprocess.Popen(command)  # noqa: S603 - the command line of a bin/ script
        checked = time.monotonic()
        while child.poll() is None:
            if stopping:
                child.send_signal(stopping[0])
                try:
                    return child.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    _stop(child, grace=0)
                    return 128 + stopping[0]
            if time.monotonic() - checked >= CHECK_SECONDS:
                checked = time.monotonic()
                try:
                    held = _holds(cursor, key)
                except Exception as exc:
                    held = False
                    _say(f"the lock's connection failed: {exc}")
                if not held:
                    _say(f"lost the {name} lock; stopping {command[0]}")
                    _stop(child)
                    return 1
            time.sleep(0.2)
        return child.returncode


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in KEYS or argv[1] != "--":
        _say(f"usage: python -m unionportal.locks {{{','.join(KEYS)}}} -- COMMAND [ARGS...]")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()
    return run_locked(argv[0], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
