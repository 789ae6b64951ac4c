"""The admin speaks the portal's language under the portal's name and leads back to the workspace."""

import pytest

from tests.factories import Role, make_tree, make_user

pytestmark = pytest.mark.django_db


def test_the_admin_has_the_portals_name_in_both_languages(client):
    tree = make_tree()
    client.force_login(make_user("prov", org=tree["province"], role=Role.STAFF))
    chinese = client.get("/admin/").content.decode()
    assert "五一系列活动平台 · 后台管理" in chinese and "unionportal" not in chinese
    assert 'href="/home/"' in chinese  # "view site" goes to the user's workspace
    english = client.get("/en/admin/").content.decode()
    assert "May Day Campaign Portal · Administration" in english
