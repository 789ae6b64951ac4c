"""Reads of the nomination pipeline: who reviews what, quotas, rule checks. Always scoped."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from unionportal.audit.models import AuditEvent
from unionportal.orgs.enums import Level, Role
from unionportal.orgs.models import Organisation
from unionportal.orgs.scoping import membership_rows

from .enums import FINAL_STATES, REVIEW_STATES, STATE_LEVEL, Flag, RuleKind, State, states_above
from .models import Allocation, Candidacy, Objection, Programme, Rule


def candidacies_for(user, action: str = "list"):
    return Candidacy.objects.visible_to(user, action).select_related("programme__campaign", "organisation")


def access_candidacy(user, pk, *, action: str = "open", for_update: bool = False) -> Candidacy:
    """The candidacy if ``user`` may take ``action`` on it, else Http404 (a guessed URL tells nothing)."""
    rows = Candidacy.objects.visible_to(user, action)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows.select_related("programme__campaign", "organisation"), pk=pk)


def objections_for(user, action: str = "list"):
    """The objection cases ``user`` may take ``action`` on, newest first."""
    return (
        Objection.objects.visible_to(user, action)
        .select_related("candidacy__organisation", "notice__programme__campaign")
        .order_by("-created_at", "-id")
    )


# --- the reviewing ancestors ------------------------------------------------------------------------


def ancestors_of(organisation: Organisation) -> list[Organisation]:
    """Strict ancestors, nearest first (one query)."""
    prefixes = [
        organisation.path[:i]
        for i in range(organisation.steplen, len(organisation.path), organisation.steplen)
    ]
    return sorted(Organisation.objects.filter(path__in=prefixes), key=lambda o: -len(o.path))


def reviewers_of(candidacy: Candidacy) -> list[Organisation]:
    """The ancestors that review this candidacy, nearest first: those at a level the programme names.

    Levels strictly decrease up the tree, so each reviewing level has at most one such ancestor.
    """
    levels = set(candidacy.programme.review_levels)
    return [o for o in ancestors_of(candidacy.organisation) if o.level in levels]


def first_review_state(candidacy: Candidacy) -> str:
    reviewers = reviewers_of(candidacy)
    return REVIEW_STATES[reviewers[0].level] if reviewers else State.REVIEW1


def reviewer_for(candidacy: Candidacy) -> Organisation | None:
    """The union holding the candidacy now (None outside review)."""
    level = STATE_LEVEL.get(candidacy.state)
    if level is None:
        return None
    for org in reviewers_of(candidacy):
        if org.level == level:
            return org
    return None


def next_state(candidacy: Candidacy) -> str | None:
    """Where forwarding takes the candidacy: the next reviewer's state, or approved after the province."""
    level = STATE_LEVEL.get(candidacy.state)
    if level is None:
        return None
    higher = [o for o in reviewers_of(candidacy) if o.level < level]
    return REVIEW_STATES[higher[0].level] if higher else State.APPROVED


def is_staff_of(user, organisation: Organisation) -> bool:
    """Staff of exactly this union (reviewing is done by a level's own staff), or a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or (Role.STAFF, organisation.path) in membership_rows(user)


def reviewing_organisations(user, programme: Programme) -> list[Organisation]:
    """The unions at which ``user`` reviews ``programme`` (staff memberships at a reviewing level)."""
    if user.is_superuser:
        return list(Organisation.objects.filter(depth=1))
    return list(
        Organisation.objects.filter(
            memberships__user=user,
            memberships__role=Role.STAFF,
            memberships__is_active=True,
            level__in=programme.review_levels,
        )
        .distinct()
        .order_by("path")
    )


# --- quotas ---------------------------------------------------------------------------------------


def quota_of(programme: Programme, organisation: Organisation) -> int | None:
    """What the union may forward: the province holds the programme's total; others their allocation
    (None when nobody allocated them one)."""
    if organisation.level == Level.PROVINCE:
        return programme.total_quota
    row = Allocation.objects.filter(programme=programme, organisation=organisation).first()
    return row.quota if row else None


def forwarded(programme: Programme, organisation: Organisation):
    """The list the union has forwarded (or, for the province, approved) and that still stands. Rows
    granted through another selection (``granted_from``) were never forwarded and use no quota."""
    return Candidacy.objects.filter(
        programme=programme, state__in=states_above(organisation.level), granted_from__isnull=True
    ).filter(organisation__path__startswith=organisation.path)


@dataclass(frozen=True)
class QuotaUse:
    """A union's quota, what it has forwarded and what it would forward now: the figures behind every
    quota message (the confirm page's line, the refusal of a batch, the guard of a single move)."""

    organisation: Organisation
    quota: int | None  # ``quota_of``
    used: int  # ``forwarded``
    adding: int

    @property
    def problem(self) -> str | None:
        """Why the union may not forward ``adding`` more, in the user's language; None when it may."""
        if self.quota is None:
            return _("%(org)s 未获分配本项目名额，不能报送。请联系上级工会分配名额。") % {
                "org": self.organisation.name
            }
        over = self.used + self.adding - self.quota
        if over > 0:
            return _(
                "%(org)s 的名额为 %(quota)s 个，已报送 %(used)s 个，本次选择 %(count)s 个，超出 %(over)s 个。"
            ) % {
                "org": self.organisation.name,
                "quota": self.quota,
                "used": self.used,
                "count": self.adding,
                "over": over,
            }
        return None

    @property
    def summary(self) -> str:
        """The confirm page's line: the refusal, or what is left after forwarding."""
        return self.problem or _(
            "名额 %(quota)s 个：已用 %(used)s 个，本次 %(count)s 个，之后剩余 %(left)s 个。"
        ) % {
            "quota": self.quota,
            "used": self.used,
            "count": self.adding,
            "left": self.quota - self.used - self.adding,
        }


def quota_use(programme: Programme, organisation: Organisation, *, adding: int) -> QuotaUse:
    """The figures of forwarding ``adding`` more (read them under ``workflows.lock_quota`` to act)."""
    return QuotaUse(
        organisation, quota_of(programme, organisation), forwarded(programme, organisation).count(), adding
    )


def _queue_q(programme: Programme, organisation: Organisation) -> Q:
    return Q(
        programme=programme,
        state=REVIEW_STATES.get(organisation.level),
        organisation__path__startswith=organisation.path,
    )


def queue(programme: Programme, organisation: Organisation):
    """What the union's subtree forwarded to it and waits for its decision."""
    return Candidacy.objects.filter(_queue_q(programme, organisation)).select_related("organisation")


def queue_counts(pairs: list[tuple[Programme, Organisation]]) -> list[int]:
    """The length of each ``queue(programme, organisation)``, in one query however many pairs."""
    if not pairs:
        return []
    wanted = Q(pk__in=[])
    for programme, organisation in pairs:
        wanted |= _queue_q(programme, organisation)
    counts = Candidacy.objects.filter(wanted).aggregate(
        **{f"n{i}": Count("pk", filter=_queue_q(p, o)) for i, (p, o) in enumerate(pairs)}
    )
    return [counts[f"n{i}"] for i in range(len(pairs))]


def allocation_parent_quota(
    programme: Programme, organisation: Organisation
) -> tuple[Organisation, int] | None:
    """The nearest ancestor holding a quota in this programme, and that quota."""
    for ancestor in ancestors_of(organisation):
        quota = quota_of(programme, ancestor)
        if quota is not None:
            return ancestor, quota
    return None


def allocation_problems(programme: Programme, rows: dict[int, int]) -> list[str]:
    """Check allocations {organisation id: quota} (the whole set a programme would hold): each
    union's children together never get more than it holds."""
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=rows)}
    held = {orgs[pk].path: q for pk, q in rows.items()}
    root = Organisation.objects.filter(depth=1).first()
    if root is not None:
        held.setdefault(root.path, programme.total_quota)
    given: dict[str, int] = {}
    for path, quota in held.items():
        parents = [p for p in held if p != path and path.startswith(p)]
        if not parents:
            continue
        parent = max(parents, key=len)
        given[parent] = given.get(parent, 0) + quota
    by_path = {o.path: o for o in orgs.values()}
    if root is not None:
        by_path[root.path] = root
    problems = []
    for parent, total in sorted(given.items()):
        if total > held[parent]:
            problems.append(
                _("%(org)s 向下分配 %(given)s 个名额，超过其持有的 %(held)s 个。")
                % {"org": by_path[parent].name, "given": total, "held": held[parent]}
            )
    return problems


def allocation_children(programme: Programme, organisation: Organisation) -> list[Organisation]:
    """The unions ``organisation`` allocates to: the nearest unions below it at a level the programme
    reviews at (a reviewing union between them takes its share from it and allocates further down)."""
    levels = [lv for lv in programme.review_levels if lv > organisation.level]
    below = list(
        Organisation.objects.filter(path__startswith=organisation.path, level__in=levels)
        .exclude(pk=organisation.pk)
        .order_by("path")
    )
    paths = [o.path for o in below]
    return [o for o in below if not any(o.path != p and o.path.startswith(p) for p in paths)]


@dataclass
class AllocationFigures:
    """One union's quota on the allocation page."""

    organisation: Organisation
    held: int | None  # its quota (``quota_of``); None when nobody allocated it one
    given: int  # allocated to the unions below it (their parent in ``allocation_problems``)
    used: int  # forwarded and still standing (``forwarded``; approved, for the province)

    @property
    def remaining(self) -> int | None:
        """Left to allocate (negative when the unions below were given more than it holds)."""
        return None if self.held is None else self.held - self.given


def allocation_figures(
    programme: Programme, organisation: Organisation, children: list[Organisation]
) -> tuple[AllocationFigures, list[AllocationFigures]]:
    """The figures of ``organisation`` and of each union it allocates to, by the definitions of
    ``quota_of``, ``allocation_problems`` and ``forwarded``, in two queries however many children."""
    holders = [organisation, *children]
    held = dict(
        Allocation.objects.filter(
            programme=programme, organisation__path__startswith=organisation.path
        ).values_list("organisation__path", "quota")
    )
    if organisation.level == Level.PROVINCE:
        held[organisation.path] = programme.total_quota
    # Each allocation counts against the nearest ancestor holding a quota, as allocation_problems has it.
    given: dict[str, int] = {}
    for path, quota in held.items():
        parents = [p for p in held if p != path and path.startswith(p)]
        if parents:
            parent = max(parents, key=len)
            given[parent] = given.get(parent, 0) + quota
    # What each union forwarded: the states above its level, in its subtree. The deepest union's states
    # include every shallower one's, so one grouped count serves all of them.
    deepest = max(o.level for o in holders)
    counts = (
        Candidacy.objects.filter(
            programme=programme,
            organisation__path__startswith=organisation.path,
            state__in=states_above(deepest),
            granted_from__isnull=True,
        )
        .values_list("organisation__path", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    used = dict.fromkeys((o.path for o in holders), 0)
    for path, state, n in counts:
        for org in holders:
            if path.startswith(org.path) and state in states_above(org.level):
                used[org.path] += n
    figures = [AllocationFigures(o, held.get(o.path), given.get(o.path, 0), used[o.path]) for o in holders]
    return figures[0], figures[1:]


# --- rules ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    ok: bool
    message: str
    # The nominees the message names, as typed (pages mark them as user content).
    names: tuple[str, ...] = ()


def _listed(names: list[str], limit: int = 10) -> str:
    """The first ``limit`` names as the page's language lists them, "等" (and others) after them."""
    listed = pgettext("list separator", "、").join(names[:limit])
    return _("%(names)s等") % {"names": listed} if len(names) > limit else listed


def active_rules(programme: Programme) -> list[Rule]:
    """The programme's rules that are checked (one query; pass them to ``check_rules`` to check several
    lists against them)."""
    return list(programme.rules.filter(is_active=True))


def check_rules(programme: Programme, candidacies: list[Candidacy], *, rules=None) -> list[RuleResult]:
    """Each active rule (``rules``, else read) against a list, with the figures in the message."""
    total = len(candidacies)
    results = []
    for rule in active_rules(programme) if rules is None else rules:
        if rule.kind == RuleKind.VETO:
            missing = [c.name for c in candidacies if not (c.declarations or {}).get(rule.code)]
            ok = not missing
            message = (
                _("已确认：%(rule)s") % {"rule": rule.statement()}
                if ok
                else _("%(names)s 未确认“%(rule)s”，不能报送。")
                % {"names": _listed(missing), "rule": rule.statement()}
            )
            results.append(RuleResult(rule, ok, message, names=tuple(missing[:10])))
            continue
        flag = Flag(rule.flag).label if rule.flag in Flag.values else rule.flag
        count = sum(1 for c in candidacies if (c.flags or {}).get(rule.flag))
        share = round(100 * count / total) if total else 0
        figures = {"flag": flag, "share": share, "count": count, "total": total, "percent": rule.percent}
        if rule.kind == RuleKind.MIN_SHARE:
            ok = total == 0 or count * 100 >= rule.percent * total
            template = (
                _("%(flag)s占名单 %(share)s%%（%(count)s/%(total)s），不低于 %(percent)s%%，符合。")
                if ok
                else _("%(flag)s占名单 %(share)s%%（%(count)s/%(total)s），要求不低于 %(percent)s%%。")
            )
        else:
            ok = count * 100 <= rule.percent * total
            template = (
                _("%(flag)s占名单 %(share)s%%（%(count)s/%(total)s），不超过 %(percent)s%%，符合。")
                if ok
                else _("%(flag)s占名单 %(share)s%%（%(count)s/%(total)s），要求不超过 %(percent)s%%。")
            )
        results.append(RuleResult(rule, ok, template % figures))
    return results


def history(candidacy: Candidacy):
    """The candidacy's audit trail, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Candidacy), object_id=str(candidacy.pk)
    ).order_by("at", "id")


def final_list(programme: Programme):
    return Candidacy.objects.filter(programme=programme, state__in=FINAL_STATES).order_by(
        "rank", "organisation__path", "id"
    )


def open_programmes(now=None):
    return Programme.objects.open_for_intake(now).select_related("campaign")


def staff_organisations(user) -> list[Organisation]:
    """The unions where ``user`` is staff (a superuser acts as the province)."""
    if user.is_superuser:
        return list(Organisation.objects.filter(depth=1))
    return list(
        Organisation.objects.filter(
            memberships__user=user, memberships__role=Role.STAFF, memberships__is_active=True
        )
        .distinct()
        .order_by("path")
    )


def review_assignments(user) -> list[tuple[Programme, list[Organisation]]]:
    """Each programme the user reviews, with the unions at which they review it (two queries)."""
    orgs = staff_organisations(user)
    if not orgs:
        return []
    pairs = []
    for programme in Programme.objects.select_related("campaign"):
        at = [o for o in orgs if o.level in programme.review_levels]
        if at:
            pairs.append((programme, at))
    return pairs
