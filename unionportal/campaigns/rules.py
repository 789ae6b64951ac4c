"""Model permissions (django-rules) for the campaign admin: province staff set up campaigns, milestones
and the working-day calendar; staff elsewhere may look. Rows are scoped by ``scope_q`` where they belong
to an organisation (activity reports, completions)."""

import rules

from unionportal.orgs.enums import Role
from unionportal.orgs.models import Organisation
from unionportal.orgs.scoping import get_scope, has_role


@rules.predicate
def is_union_staff(user):
    return has_role(user, Role.STAFF, Role.ORG_ADMIN)


@rules.predicate
def is_province_staff(user):
    """Staff (or organisation admin) of the root organisation, the provincial federation."""
    scope = get_scope(user, [Role.STAFF, Role.ORG_ADMIN])
    return scope.everything or any(len(path) == Organisation.steplen for path in scope.subtree_paths)


rules.add_perm("campaigns", is_union_staff)
for _model in ("campaign", "milestone", "calendarday"):
    rules.add_perm(f"campaigns.view_{_model}", is_union_staff)
    rules.add_perm(f"campaigns.add_{_model}", is_province_staff)
    rules.add_perm(f"campaigns.change_{_model}", is_province_staff)
    rules.add_perm(f"campaigns.delete_{_model}", is_province_staff)
rules.add_perm("campaigns.view_milestonecompletion", is_union_staff)
rules.add_perm("campaigns.view_activityreport", is_union_staff)
