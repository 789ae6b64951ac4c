"""The bench is its own app: it holds the bench commands, and no other app imports it."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
BENCH_COMMANDS = ("seed_bench", "seed_honourees", "bench_queries", "bench_import_households")


@pytest.mark.parametrize("command", BENCH_COMMANDS)
def test_the_bench_commands_are_the_bench_apps(command):
    assert get_commands()[command] == "bench"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_app_imports_the_bench():
    # The project's own packages: the shared platform (settings and urls included) and every app.
    packages = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert {"bench", "assistance", "awards", "unionportal"} <= packages
    offenders = [
        str(path.relative_to(ROOT))
        for package in sorted(packages - {"bench"})
        for path in (ROOT / package).rglob("*.py")
        if any(name == "bench" or name.startswith("bench.") for name in imported_modules(path))
    ]
    assert offenders == []
