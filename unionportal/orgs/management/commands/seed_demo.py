"""``python manage.py seed_demo``: load the demo data (DEBUG only), then print the demo logins.

Idempotent: rows are looked up by their natural key (organisation code, credit code, campaign year,
user name) and brought to the data's values; a second run writes nothing. Everything happens in one
transaction, including the seeders that domain apps register in ``unionportal.demo``.
"""

import time
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from unionportal import clock, demo
from unionportal.campaigns.models import Campaign
from unionportal.notifications.models import Channel, Notification
from unionportal.orgs import demo_data
from unionportal.orgs.enums import SUBTREE_ROLES, Level, Role
from unionportal.orgs.models import Enterprise, Membership, Organisation, check_parent_level
from unionportal.orgs.services import membership_grant, organisation_create, organisation_move

User = get_user_model()

_TREE_FIELDS = ["path", "depth", "numchild"]


def _changed(obj, values: dict) -> list[str]:
    return [field for field, value in values.items() if getattr(obj, field) != value]


def date_deliveries(*, since) -> int:
    """The inbox messages of the demo's past were delivered when the seed committed (``since`` or
    later): date each as delivered when its event happened, as it was on the day."""
    return Notification.objects.filter(
        channel=Channel.INBOX, sent_at__gte=since, created_at__lt=since
    ).update(sent_at=F("created_at"))


class Command(BaseCommand):
    help = (
        "Load the demo data (the Hubei union tree, enterprises, the 2026 campaign and the ten demo accounts "
        f"with the password {demo_data.PASSWORD}) and print the demo logins. Refuses to run with DEBUG off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: it creates accounts with the published password "
                f"{demo_data.PASSWORD!r}, which must never exist on a production site. Nothing was written. "
                "Run it only on a development or demo machine (DEBUG=True)."
            )
        verbosity = options["verbosity"]
        started = time.monotonic()
        self.stats = Counter()
        self._hash: str | None = None
        self._checked: dict[str, bool] = {}
        with demo.calendar():
            begun = timezone.now()
            with transaction.atomic():
                orgs = self._organisations()
                self._enterprises(orgs)
                self._campaign()
                self._accounts(orgs)
                for name, func in demo.registered():
                    if verbosity >= 2:
                        self.stdout.write(f"Demo data from {name} …")
                    func(stdout=self.stdout)
            date_deliveries(since=begun)
        if verbosity >= 1:
            self._summary(time.monotonic() - started)
        self._logins(orgs)

    # --- the union tree ---------------------------------------------------------------------------------

    def _organisations(self) -> dict[str, Organisation]:
        rows = demo_data.ORGANISATIONS
        codes = [row["code"] for row in rows]
        field_names = [key for key in rows[0] if key != "parent"]

        # 1. Create what is missing, parents first. organisation_create re-reads the parent, so paths
        #    shifted by sorted sibling inserts do not matter here.
        nodes = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
        for row in rows:
            if row["code"] not in nodes:
                parent = nodes[row["parent"]] if row["parent"] else None
                nodes[row["code"]] = organisation_create(parent=parent, **{f: row[f] for f in field_names})
                self.stats["organisations created"] += 1

        # 2. Move rows whose parent differs from the data (a demo tree edited by hand, or changed data).
        #    The tree is re-read after each move, since a move rewrites paths.
        nodes, code_by_path = self._tree(codes)
        for row in rows:
            if row["parent"] is None:
                continue
            node = nodes[row["code"]]
            if code_by_path.get(node.path[: -Organisation.steplen]) != row["parent"]:
                target = nodes[row["parent"]]
                check_parent_level(target, row["level"])
                if node.level != row["level"]:  # the service checks the stored level: take the data's first
                    Organisation.objects.filter(pk=node.pk).update(level=row["level"])
                organisation_move(organisation=node, parent=target)
                self.stats["organisations moved"] += 1
                nodes, code_by_path = self._tree(codes)

        # 3. Bring every field to the data's values, on fresh rows now that the tree has its final shape.
        nodes, _paths = self._tree(codes)
        for row in rows:
            node = nodes[row["code"]]
            changed = _changed(node, {f: row[f] for f in field_names})
            if changed:
                for field in changed:
                    setattr(node, field, row[field])
                # full_clean minus the model's clean(): the parent rule is checked on the data's parent.
                node.clean_fields(exclude=_TREE_FIELDS)
                node.validate_unique(exclude=_TREE_FIELDS)
                node.validate_constraints(exclude=_TREE_FIELDS)
                if row["parent"]:
                    check_parent_level(nodes[row["parent"]], row["level"])
                node.save(update_fields=[*changed, "updated_at"])
                self.stats["organisations updated"] += 1
        return nodes

    def _tree(self, codes: list[str]) -> tuple[dict[str, Organisation], dict[str, str]]:
        """Fresh rows of the data's organisations by code, and their codes by path."""
        nodes = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
        return nodes, {o.path: o.code for o in nodes.values()}

    # --- enterprises ------------------------------------------------------------------------------------

    def _enterprises(self, orgs: dict[str, Organisation]) -> None:
        rows = demo_data.ENTERPRISES
        existing = {
            e.credit_code: e
            for e in Enterprise.objects.filter(credit_code__in=[r["credit_code"] for r in rows])
        }
        for row in rows:
            values = {
                "name": row["name"],
                "industry": row["industry"],
                "ownership": row["ownership"],
                "employees": row["employees"],
                "address": row["address"],
                "township_id": orgs[row["township"]].pk,
                "union_id": orgs[row["union"]].pk if row["union"] else None,
                "is_active": True,
            }
            enterprise = existing.get(row["credit_code"])
            if enterprise is None:
                enterprise = Enterprise(credit_code=row["credit_code"], **values)
                enterprise.full_clean()
                enterprise.save()
                self.stats["enterprises created"] += 1
                continue
            changed = _changed(enterprise, values)
            if changed:
                for field in changed:
                    setattr(enterprise, field, values[field])
                enterprise.full_clean()
                enterprise.save(update_fields=[*changed, "updated_at"])
                self.stats["enterprises updated"] += 1

    # --- the current campaign ---------------------------------------------------------------------------

    def _campaign(self) -> None:
        data = demo_data.CAMPAIGN
        if data["is_current"]:
            # Only one campaign may be current (a unique constraint): retire any other first.
            self.stats["campaigns updated"] += (
                Campaign.objects.filter(is_current=True).exclude(year=data["year"]).update(is_current=False)
            )
        campaign = Campaign.objects.filter(year=data["year"]).first()
        if campaign is None:
            campaign = Campaign(**data)
            campaign.full_clean()
            campaign.save()
            self.stats["campaigns created"] += 1
            return
        changed = _changed(campaign, data)
        if changed:
            for field in changed:
                setattr(campaign, field, data[field])
            campaign.full_clean()
            campaign.save(update_fields=changed)
            self.stats["campaigns updated"] += 1

    # --- demo accounts ----------------------------------------------------------------------------------

    def _accounts(self, orgs: dict[str, Organisation]) -> None:
        for account in demo_data.ACCOUNTS:
            user = User.objects.filter(username=account["username"]).first()
            created = user is None
            if created:
                user = User(username=account["username"])
            values = {
                "name": account["name"],
                "phone": account.get("phone") or None,
                "is_active": True,
                "is_staff": any(role in SUBTREE_ROLES for _code, role in account["roles"]),
                "is_superuser": False,
                "must_change_password": False,
            }
            changed = _changed(user, values)
            for field in changed:
                setattr(user, field, values[field])
            if account.get("phone_verified"):
                if user.phone_verified_at is None:
                    user.phone_verified_at = timezone.now()
                    changed.append("phone_verified_at")
            elif user.phone_verified_at is not None:
                user.phone_verified_at = None
                changed.append("phone_verified_at")
            if not self._is_current_demo_hash(user.password):
                user.password = self._demo_hash()
                changed.append("password")
            if created:
                user.full_clean()
                user.save()
                self.stats["accounts created"] += 1
            elif changed:
                user.full_clean()
                user.save(update_fields=changed)
                self.stats["accounts updated"] += 1

            # Exactly the roles of the table: grant them, and switch off any other role the account holds.
            kept = []
            for code, role in account["roles"]:
                before = Membership.objects.filter(
                    user=user, organisation=orgs[code], role=role, is_active=True
                ).exists()
                kept.append(membership_grant(user=user, organisation=orgs[code], role=role).pk)
                if not before:
                    self.stats["roles granted"] += 1
            self.stats["roles withdrawn"] += (
                Membership.objects.filter(user=user, is_active=True)
                .exclude(pk__in=kept)
                .update(is_active=False)
            )

    def _demo_hash(self) -> str:
        """One hash of the demo password, shared by the demo accounts: hashing is slow on purpose."""
        if self._hash is None:
            self._hash = make_password(demo_data.PASSWORD)
        return self._hash

    def _is_current_demo_hash(self, encoded: str) -> bool:
        """Whether ``encoded`` is the demo password hashed with the preferred hasher at its current cost."""
        if encoded not in self._checked:
            try:
                hasher = identify_hasher(encoded)
            except ValueError:
                self._checked[encoded] = False
            else:
                preferred = get_hasher()
                self._checked[encoded] = (
                    hasher.algorithm == preferred.algorithm
                    and not preferred.must_update(encoded)
                    and check_password(demo_data.PASSWORD, encoded)
                )
        return self._checked[encoded]

    # --- output -----------------------------------------------------------------------------------------

    def _summary(self, seconds: float) -> None:
        per_level = Counter(row["level"] for row in demo_data.ORGANISATIONS)
        levels = ", ".join(f"{per_level[level]} {Level(level).label.lower()}" for level in sorted(per_level))
        changes = ", ".join(f"{what}: {count}" for what, count in sorted(self.stats.items()) if count)
        self.stdout.write(
            f"Demo data: {len(demo_data.ORGANISATIONS)} organisations ({levels}), "
            f"{len(demo_data.ENTERPRISES)} enterprises, campaign {demo_data.CAMPAIGN['year']}, "
            f"{len(demo_data.ACCOUNTS)} accounts; {changes or 'nothing changed'} ({seconds:.1f} s)."
        )

    def _logins(self, orgs: dict[str, Organisation]) -> None:
        lines = [
            "",
            "Demo logins (demo data only; never on a production site):",
            f"  {'account':<12} {'password':<16} holds",
        ]
        for account in demo_data.ACCOUNTS:
            holds: dict[str, list[str]] = {}
            for code, role in account["roles"]:
                holds.setdefault(code, []).append(str(Role(role).label))
            text = "; ".join(f"{' + '.join(roles)} · {orgs[code].name}" for code, roles in holds.items())
            if account.get("phone"):
                text += f" (phone {account['phone']}, verified; may also sign in with it)"
            lines.append(f"  {account['username']:<12} {demo_data.PASSWORD:<16} {text}")
        day = clock.demo_day()
        if day is None:
            lines += [
                "",
                f"The demo describes the campaign as of {demo.DAY:%Y-%m-%d}; serve it with DEMO_TODAY={demo.DAY}",
                "(make run does) to see it so, or the site runs on the real date and the campaign looks over.",
            ]
        elif day != demo.DAY:
            lines += [
                "",
                f"The site runs as of {day:%Y-%m-%d} (DEMO_TODAY); the demo describes {demo.DAY:%Y-%m-%d}.",
            ]
        self.stdout.write("\n".join(lines))
