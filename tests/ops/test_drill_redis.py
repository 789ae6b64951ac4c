"""bin/drill-redis against a server whose Redis is down: every page answers, the drill says so."""

import subprocess
import sys

from tests.ops.conftest import DEAD_REDIS, ROOT, serve


def test_drill_against_a_server_without_redis_finds_no_failure(tmp_path, sqlite_url):
    with serve(tmp_path, DATABASE_URL=sqlite_url, REDIS_URL=DEAD_REDIS) as base:
        proc = subprocess.run(
            [sys.executable, "bin/drill-redis", "--base", base, "--requests", "8"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "readiness: 200: status degraded, cache Unavailable: cache unreachable" in proc.stdout
    assert "total: 48 requests, 0 failures" in proc.stdout
