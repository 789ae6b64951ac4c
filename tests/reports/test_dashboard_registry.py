"""The dashboard's registry: subtree counts in one grouped query per path length, providers' figures in
the six functions' order, and a failing provider left out instead of failing the page."""

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from tests.factories import make_tree
from unionportal.audit.models import AuditEvent
from unionportal.orgs.models import Organisation
from unionportal.reports import registry
from unionportal.reports.registry import Figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


def test_subtree_counts_one_query_for_siblings(tree):
    paths = [tree["city_a"].path, tree["city_b"].path]
    orgs = Organisation.objects.all()
    with CaptureQueriesContext(connection) as queries:
        counts = registry.subtree_counts(orgs, paths, field="path")
    assert len(queries) == 1
    assert counts == {tree["city_a"].path: 4, tree["city_b"].path: 4}
    # Mixed lengths: one query per length; a path with no rows counts 0; an aggregate instead of a count.
    mixed = [tree["province"].path, tree["county_a"].path]
    assert registry.subtree_counts(orgs, mixed, field="path") == {mixed[0]: 9, mixed[1]: 3}
    assert registry.subtree_counts(AuditEvent.objects.all(), mixed) == {mixed[0]: 0, mixed[1]: 0}
    depths = registry.subtree_counts(orgs, mixed, field="path", total=Sum("depth"))
    assert depths == {mixed[0]: 1 + 2 * (2 + 3 + 4 + 5), mixed[1]: 3 + 4 + 5}


def test_figures_in_function_order_and_a_failing_provider_left_out(tree, monkeypatch):
    monkeypatch.setattr(registry, "_dashboard_providers", {})
    monkeypatch.setattr(registry, "_trend_providers", {})
    path = tree["province"].path

    def rights(paths):
        return {p: [Figure("rights", "rights.open", "open", 3)] for p in paths}

    def inclusive(paths):
        return {p: [Figure("inclusive", "inclusive.signups", "sign-ups", 7)] for p in paths}

    def broken(paths):
        raise RuntimeError("down")

    registry.register_dashboard_provider("rights", rights)
    registry.register_dashboard_provider("broken", broken)
    registry.register_dashboard_provider("inclusive", inclusive)
    figures = registry.dashboard_figures([path])[path]
    assert [f.key for f in figures] == ["inclusive.signups", "rights.open"]
    registry.unregister_dashboard_provider("inclusive")
    assert [f.key for f in registry.dashboard_figures([path])[path]] == ["rights.open"]
