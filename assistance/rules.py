"""Model permissions of the ledger by role (django-rules, autodiscovered), so the admin's permission checks
follow memberships. Which households a permitted user sees is ``Household.objects.visible_to``'s job."""

import rules

from unionportal.orgs.rules import is_union_staff

rules.add_perm("assistance", is_union_staff)
rules.add_perm("assistance.view_household", is_union_staff)
rules.add_perm("assistance.change_household", is_union_staff)
rules.add_perm("assistance.view_householdmember", is_union_staff)
rules.add_perm("assistance.view_measure", is_union_staff)
rules.add_perm("assistance.view_planitem", is_union_staff)
rules.add_perm("assistance.view_yearlyreview", is_union_staff)
