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

What it says goes through the project's logging (logger ``unionportal.locks``, set up from
``settings.LOGGING`` by ``django.setup()``): one JSON object per line in production, like every other
line of web, worker and beat.

With ``LOCKS_STATUS_FILE`` set, the process keeps that file saying ``waiting`` (standing by for the
lock) or ``holding`` (COMMAND runs under it), rewritten at least every CHECK_SECONDS while either is
true. ``python -m unionportal.locks check --status FILE [--working GLOB]`` answers a container health
check from it: healthy while the file is fresh and either waiting, or holding with a file matching GLOB
changed within WORKING_SECONDS (beat's schedule file, which it writes while it ticks). So a standby beat
is as healthy as the one ticking, and a beat that holds the lock but stopped ticking is not.
"""

import argparse
import glob
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# pg_advisory_lock(int4, int4): the portal's namespace and one key per job.
NAMESPACE = 0x554E494F  # "UNIO"
KEYS = {"migrate": 1, "beat": 2}
POLL_SECONDS = 1.0
CHECK_SECONDS = float(os.environ.get("LOCKS_CHECK_SECONDS", "10"))
# The status file is stale (the process hung or is gone) after this long without a rewrite.
STATUS_SECONDS = max(60.0, 3 * CHECK_SECONDS)
# Beat writes its schedule file at start and every few minutes (at most every 5 minutes) while it ticks.
WORKING_SECONDS = 600.0

logger = logging.getLogger("unionportal.locks")


def _report(state: str) -> None:
    """Rewrite the status file (atomically: a health check never reads half a line)."""
    path = os.environ.get("LOCKS_STATUS_FILE")
    if not path:
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(f"{state}\n")
    os.replace(partial, path)


def _clear_report() -> None:
    path = os.environ.get("LOCKS_STATUS_FILE")
    if path:
        Path(path).unlink(missing_ok=True)


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

    try:
        return _run_locked(connection, name, key, command, stopping)
    finally:
        _clear_report()


def _run_locked(connection, name: str, key: int, command: list[str], stopping: list) -> int:
    with connection.cursor() as cursor:
        said, reported = False, None
        while not _try_lock(cursor, key):
            if stopping:
                return 128 + stopping[0]
            if not said:
                logger.info("another %s holds the lock; waiting for it", name, extra={"lock": name})
                said = True
            if reported is None or time.monotonic() - reported >= CHECK_SECONDS:
                _report("waiting")
                reported = time.monotonic()
            time.sleep(POLL_SECONDS)
        if said:
            logger.info("took the %s lock", name, extra={"lock": name})
        _report("holding")

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
                except Exception:
                    held = False
                    logger.exception("the %s lock's connection failed", name, extra={"lock": name})
                if not held:
                    logger.error("lost the %s lock; stopping %s", name, command[0], extra={"lock": name})
                    _stop(child)
                    return 1
                _report("holding")
            time.sleep(0.2)
        return child.returncode


def healthy(status_file: str, working_glob: str = "", *, now: float | None = None) -> tuple[bool, str]:
    """Whether the process keeping ``status_file`` stands by or works, and why (for the check's output)."""
    now = time.time() if now is None else now
    try:
        state = Path(status_file).read_text().strip()
        age = now - Path(status_file).stat().st_mtime
    except OSError:
        return False, f"no status in {status_file}"
    if age > STATUS_SECONDS:
        return False, f"status {state!r} is {age:.0f} s old"
    if state == "waiting":
        return True, "waiting for the lock"
    if state != "holding":
        return False, f"unknown status {state!r}"
    if not working_glob:
        return True, "holding the lock"
    ages = [now - os.path.getmtime(p) for p in glob.glob(working_glob)]
    if ages and min(ages) < WORKING_SECONDS:
        return True, "holding the lock and working"
    return False, f"holding the lock, but nothing matching {working_glob} changed in {WORKING_SECONDS:.0f} s"


def check(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m unionportal.locks check")
    parser.add_argument("--status", required=True, help="the LOCKS_STATUS_FILE of the process to check")
    parser.add_argument("--working", default="", help="files the lock holder changes while it works")
    args = parser.parse_args(argv)
    ok, why = healthy(args.status, args.working)
    print(why)
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:  # a health check: no Django, no database
        return check(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()
    # The lock's few lines (who stands by, who took over) are kept at INFO unless settings say otherwise.
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if len(argv) < 3 or argv[0] not in KEYS or argv[1] != "--":
        logger.error("usage: python -m unionportal.locks {%s} -- COMMAND [ARGS...]", ",".join(KEYS))
        return 2
    return run_locked(argv[0], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
