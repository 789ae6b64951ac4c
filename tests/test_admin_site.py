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


def test_read_only_related_records_link_only_to_admin_pages_the_user_may_open(client):
    import re

    from assistance import services
    from tests.assistance.factories import MEMBERS, household_fields, ledger
    from unionportal.accounts.validators import gender_from_id

    world = ledger()
    fields = household_fields(1)
    fields["gender"] = gender_from_id(fields["id_number"])
    household = services.household_create(
        actor=world.cadre, enterprise=world.enterprise, members=MEMBERS, **fields
    )
    client.force_login(world.staff_a)
    page = client.get(f"/admin/assistance/household/{household.pk}/change/").content.decode()
    # The enterprise, organisation, cadre and creator are read-only here; each is shown, and linked only
    # where the page answers.
    assert world.cadre.display_name in page or world.cadre.get_username() in page
    links = set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/[^/"]+/change/)"', page))
    links.discard(f"/admin/assistance/household/{household.pk}/change/")
    answers = {link: client.get(link).status_code for link in links}
    assert all(code == 200 for code in answers.values()), answers
    user_link = f"/admin/accounts/user/{world.cadre.pk}/change/"
    assert client.get(user_link).status_code in (403, 404) and user_link not in links
