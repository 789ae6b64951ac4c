from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Only management commands: seed_bench, seed_honourees, bench_queries, bench_import_households."""

    name = "bench"
