"""The bench's province dashboard scenario on a tiny seed: seed_dashboard_bench is idempotent, and the page
bin/bench measures answers 200 to the bench staff account through bench_queries, as the bench asks it."""

import importlib.machinery
import importlib.util
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from unionportal.campaigns.models import ActivityReport

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def bench_script():
    loader = importlib.machinery.SourceFileLoader("bench_script", str(ROOT / "bin" / "bench"))
    spec = importlib.util.spec_from_loader("bench_script", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def run(*argv) -> str:
    out = StringIO()
    call_command(*argv, stdout=out)
    return out.getvalue()


def test_the_scenario_is_measured_at_each_size_against_its_floor():
    bench = bench_script()
    scenario = next(s for s in bench.SCENARIOS if s.path == "/dashboard/")
    assert scenario.scaled and scenario.min_ratio == 0.10
    assert scenario.setup == ("seed_dashboard_bench",) and scenario.user == "bench-staff"


def test_the_province_dashboard_answers_on_a_tiny_seed(settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    out = run("seed_dashboard_bench")
    assert "bench dashboard_user=bench-staff" in out
    reports = ActivityReport.objects.count()
    assert reports > 0
    assert "Added 0 activity reports" in run("seed_dashboard_bench")  # a second run adds nothing
    assert ActivityReport.objects.count() == reports
    measured = run("bench_queries", "--user", "bench-staff", "/dashboard/")
    assert "status=200" in measured, measured
    # Warmed up: the figure set comes from the cache, so the page reads only the session and the user.
    queries = int(measured.split("queries=")[1].split()[0])
    assert queries <= 8, measured
