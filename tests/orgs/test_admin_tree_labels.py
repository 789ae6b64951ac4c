"""The admin's list of organisations shows the tree by indenting each level with no-break spaces, not the
ideographic space (full-width, out of place on English pages)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_tree, make_user
from unionportal.orgs.admin import TREE_INDENT

pytestmark = pytest.mark.django_db


def test_each_level_is_indented_by_no_break_spaces(client):
    tree = make_tree()
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    with translation.override("en"):
        url = reverse("admin:orgs_organisation_changelist")
    assert url.startswith("/en/")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "\u3000" not in html
    assert TREE_INDENT == "\u00a0" * 4
    admin = response.context["cl"].model_admin
    assert admin.indented_name(tree["province"]) == "Province"
    assert admin.indented_name(tree["county_a"]) == "\u00a0" * 8 + "County a"
    assert admin.indented_name(tree["grassroots_a"]) == "\u00a0" * 16 + "Union a"
    assert "\u00a0" * 8 + "County a" in html
