"""Model permissions by role (django-rules), so the admin's own permission checks follow memberships.

Which rows a permitted user sees is the scoping rule's job (``scope_q``), not these predicates'.
"""

import rules

from .enums import Role
from .scoping import has_role


@rules.predicate
def is_union_staff(user):
    return has_role(user, Role.STAFF, Role.ORG_ADMIN)


@rules.predicate
def is_org_admin(user):
    return has_role(user, Role.ORG_ADMIN)


rules.add_perm("orgs", is_union_staff)
rules.add_perm("orgs.view_organisation", is_union_staff)
rules.add_perm("orgs.add_organisation", is_org_admin)
rules.add_perm("orgs.change_organisation", is_org_admin)
rules.add_perm("orgs.view_enterprise", is_union_staff)
rules.add_perm("orgs.add_enterprise", is_union_staff)
rules.add_perm("orgs.change_enterprise", is_union_staff)
rules.add_perm("orgs.view_membership", is_org_admin)
rules.add_perm("orgs.add_membership", is_org_admin)
rules.add_perm("orgs.change_membership", is_org_admin)
rules.add_perm("orgs.delete_membership", is_org_admin)
rules.add_perm("accounts", is_org_admin)
rules.add_perm("accounts.view_user", is_org_admin)
rules.add_perm("accounts.change_user", is_org_admin)
