"""Who may do what: the permission matrix and the object-level predicates read from it.

Every record kind names, per action, the roles that may take the action and how far each role reaches
(``MATRIX``). A membership alone grants nothing: a role missing from an action's row may not take it,
whatever organisation it is held in. Querysets (``visible_to``), views (``@permission``), templates
(``{% has_perm "candidacy.reveal" user obj %}``), the admin and transition edges all ask this module;
``tests/test_permission_matrix.py`` walks every URL of the project for every demo role against it, so a
view without an entry here fails the suite.

Reach, for a role held in an organisation O:

- ``PROVINCE``: the role held at the root (the provincial federation), reaching everything;
- ``SUBTREE``: O and everything below it (staff and organisation admins);
- ``BELOW``: strictly below O (reviewers of what their subtree sends up, and never O's own records);
- ``ORG``: O itself (a grassroots union's submitters);
- ``OWN``: only the user's own records: written by them, assigned to them, paired with them.

Records carry their organisation as a materialised path (treebeard), so every reach is a prefix test.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from unionportal.orgs.enums import Role
from unionportal.orgs.scoping import membership_rows


class Action(StrEnum):
    LIST = "list"  # see the list (a page of many records)
    OPEN = "open"  # open one record
    PRINT = "print"  # print its form
    REVEAL = "reveal"  # see a masked personal field in full (a logged action)
    EXPORT = "export"
    IMPORT = "import"
    CHANGE = "change"  # edit, submit, record a step
    DELETE = "delete"
    REVIEW = "review"  # decide on what a lower level sent up
    ADMIN = "admin"  # open it in the admin site


class Reach(StrEnum):
    PROVINCE = "province"
    SUBTREE = "subtree"
    BELOW = "below"
    ORG = "org"
    OWN = "own"


S, A, SUB, E, C, W = Role.STAFF, Role.ORG_ADMIN, Role.SUBMITTER, Role.EXPERT, Role.CADRE, Role.WORKER
PROVINCE, SUBTREE, BELOW, ORG, OWN = Reach.PROVINCE, Reach.SUBTREE, Reach.BELOW, Reach.ORG, Reach.OWN

UNION_STAFF = {S: SUBTREE, A: SUBTREE}
PROVINCE_STAFF = {S: PROVINCE}
ADMINS = {A: SUBTREE}
SUBMITTERS = {**UNION_STAFF, SUB: ORG}
EVERYONE_OWN = {S: OWN, A: OWN, SUB: OWN, E: OWN, C: OWN, W: OWN}
ANY_ACCOUNT = "*"  # any signed-in account, with or without a role (its own messages)


@dataclass(frozen=True)
class Kind:
    """One record kind: its row of the matrix and where a record keeps its organisation and owner."""

    label: str
    grants: dict[str, dict[Role | str, Reach]]  # action → role (or ANY_ACCOUNT) → reach
    # Attribute paths from a record to its organisation's path ("organisation.path"); several when a record
    # belongs to more than one (an enterprise: its union and its township). None: not kept in the tree.
    paths: tuple[str, ...] = ()
    owner: str = ""  # attribute naming the user a record belongs to (for OWN), e.g. "created_by_id"
    owner_test: list = field(default_factory=list, compare=False)  # set by an app for complex ownership
    tree: bool = True  # kept in the union tree; False: province-wide records (programmes), reached by role


# The permission matrix: record kind × action → role → reach. Read it as a table (the README prints it).
MATRIX: dict[str, Kind] = {
    # The union tree and the coverage page.
    "organisation": Kind(
        "工会组织",
        {
            "list": UNION_STAFF,
            "open": UNION_STAFF,
            "change": ADMINS,
            "import": UNION_STAFF,
            "export": UNION_STAFF,
            "admin": UNION_STAFF,
        },
        paths=("path",),
    ),
    "enterprise": Kind(
        "企业",
        {
            "list": UNION_STAFF,
            "open": UNION_STAFF,
            "change": UNION_STAFF,
            "import": UNION_STAFF,
            "export": UNION_STAFF,
            "admin": UNION_STAFF,
        },
        paths=("union.path", "township.path"),
    ),
    # Accounts and the roles they hold: organisation admins of the subtree.
    "account": Kind(
        "账户",
        {
            "list": ADMINS,
            "open": ADMINS,
            "change": ADMINS,
            "import": ADMINS,
            "reveal": ADMINS,
            "admin": ADMINS,
        },
        paths=("organisation.path",),
    ),
    # Programmes are set up by the province; every union that nominates sees the open ones.
    "programme": Kind(
        "评选项目",
        # export: a programme's chosen list (the 荆楚工匠 batch list, craftsmen/resources.py).
        {
            "list": SUBMITTERS,
            "open": PROVINCE_STAFF,
            "change": PROVINCE_STAFF,
            "export": PROVINCE_STAFF,
            "admin": PROVINCE_STAFF,
        },
        tree=False,
    ),
    "allocation": Kind(
        "名额分配", {"list": {S: SUBTREE}, "change": {S: SUBTREE}}, paths=("organisation.path",)
    ),
    # Nominations: the nominating union's submitters and staff, and the staff above it.
    "candidacy": Kind(
        "推荐对象",
        {
            "list": SUBMITTERS,
            "open": SUBMITTERS,
            "print": SUBMITTERS,
            "reveal": SUBMITTERS,
            "export": UNION_STAFF,
            "import": {S: ORG, A: ORG, SUB: ORG},
            "change": {S: ORG, A: ORG, SUB: ORG},
            # A draft is deleted by whoever wrote it, or by the nominating union's admin.
            "delete": {S: OWN, SUB: OWN, A: ORG},
            "review": {S: SUBTREE},
            "admin": UNION_STAFF,
        },
        paths=("organisation.path",),
        owner="created_by_id",
    ),
    "past_honour": Kind(
        "既往荣誉",
        {
            "list": PROVINCE_STAFF,
            "open": PROVINCE_STAFF,
            "reveal": PROVINCE_STAFF,
            "change": PROVINCE_STAFF,
            "import": PROVINCE_STAFF,
            "export": PROVINCE_STAFF,
            "admin": PROVINCE_STAFF,
        },
        tree=False,
    ),
    # Objections name the objector: staff above the candidate's union only, never the union objected to.
    "objection": Kind(
        "公示异议",
        {
            "list": {S: BELOW},
            "open": {S: BELOW},
            "reveal": {S: BELOW},
            "change": PROVINCE_STAFF,
            "admin": {S: BELOW},
        },
        paths=("candidacy.organisation.path",),
    ),
    # Public evaluation (社会评议): the province sets a vote up, opens and closes it, watches the counts,
    # decides on quarantined votes (review) and exports the votes per day.
    "vote_stage": Kind(
        "社会评议",
        {
            "list": PROVINCE_STAFF,
            "open": PROVINCE_STAFF,
            "change": PROVINCE_STAFF,
            "review": PROVINCE_STAFF,
            "export": PROVINCE_STAFF,
        },
        tree=False,
    ),
    # Expert review (专家评审): the province keeps the expert pool and sets a programme's review up
    # (settings, rubric, panels, assignment, the ranking and the score sheet); a panel's chair watches its
    # scores and reopens one (review); an expert opens and scores only the candidates assigned to them.
    "expert_pool": Kind(
        "评审专家库",
        {
            "list": PROVINCE_STAFF,
            "open": PROVINCE_STAFF,
            "change": PROVINCE_STAFF,
            "import": PROVINCE_STAFF,
            "export": PROVINCE_STAFF,
            "admin": PROVINCE_STAFF,
        },
        tree=False,
    ),
    "expert_stage": Kind(
        "专家评审",
        {
            "list": PROVINCE_STAFF,
            "open": PROVINCE_STAFF,
            "change": PROVINCE_STAFF,
            "export": PROVINCE_STAFF,
            "admin": PROVINCE_STAFF,
        },
        tree=False,
    ),
    "expert_panel": Kind(
        "评审组",
        {
            "open": {S: PROVINCE, E: OWN},
            "review": {S: PROVINCE, E: OWN},
            "export": {S: PROVINCE, E: OWN},
            "change": PROVINCE_STAFF,
        },
        owner="chair_id",
        tree=False,
    ),
    "expert_assignment": Kind(
        "评审任务",
        {"list": {E: OWN}, "open": {E: OWN}, "change": {E: OWN}},
        owner="expert.user_id",
        tree=False,
    ),
    # Grassroots May Day activity reports and the campaign calendar.
    "activity_report": Kind(
        "活动报送",
        {
            "list": SUBMITTERS,
            "open": SUBMITTERS,
            "change": {S: ORG, SUB: ORG},
            "review": {S: BELOW},
            "admin": UNION_STAFF,
        },
        paths=("organisation.path",),
    ),
    "milestone": Kind(
        "工作节点",
        # Progress is read over the subtree; a union's own staff mark it done for their union.
        {"list": UNION_STAFF, "open": UNION_STAFF, "change": {S: ORG}, "admin": UNION_STAFF},
        paths=("path",),  # checked against the responsible organisation
    ),
    "campaign_setup": Kind("活动与日历设置", {"change": PROVINCE_STAFF, "admin": UNION_STAFF}, tree=False),
    # The "10,000 cadres" ledger: staff of the subtree, and a cadre for the enterprises paired with them.
    "household": Kind(
        "困难职工家庭",
        {
            "list": {**UNION_STAFF, C: OWN},
            "open": {**UNION_STAFF, C: OWN},
            "reveal": {**UNION_STAFF, C: OWN},
            "change": {**UNION_STAFF, C: OWN},
            "review": {S: SUBTREE},  # verify, identify, close a file
            "import": UNION_STAFF,
            "export": UNION_STAFF,
            "admin": UNION_STAFF,
        },
        paths=("org_path",),
    ),
    "household_report": Kind("帮扶统计", {"list": UNION_STAFF, "export": UNION_STAFF}, paths=("path",)),
    "drive_enterprise": Kind(
        "结对帮扶企业",
        {
            "list": {**UNION_STAFF, C: OWN},
            "open": {**UNION_STAFF, C: OWN},
            "change": UNION_STAFF,
            "admin": UNION_STAFF,
        },
        paths=("enterprise.union.path", "enterprise.township.path"),
    ),
    "visit": Kind(
        "走访记录",
        {
            "list": {**UNION_STAFF, C: OWN},
            "open": {**UNION_STAFF, C: OWN},
            "change": {C: OWN},
            "admin": UNION_STAFF,
        },
        paths=("drive_enterprise.enterprise.union.path", "drive_enterprise.enterprise.township.path"),
        owner="cadre_id",
    ),
    "threshold": Kind(
        "困难认定标准",
        {"list": UNION_STAFF, "change": UNION_STAFF, "admin": UNION_STAFF},
        paths=("organisation.path",),
    ),
    # Wage collective bargaining (集中要约行动): the drive's targets and progress for staff of the subtree;
    # offers and agreements kept at the responsible union (its submitters record them, staff above too);
    # the authority's objection or confirmation is recorded by staff; the minimum wage table by the province.
    "bargaining_target": Kind(
        "协商对象企业", {"list": UNION_STAFF, "export": UNION_STAFF}, paths=("org_path",)
    ),
    "bargaining_offer": Kind(
        "协商要约",
        {"list": SUBMITTERS, "open": SUBMITTERS, "change": SUBMITTERS, "import": SUBMITTERS},
        paths=("org_path",),
    ),
    "bargaining_agreement": Kind(
        "工资专项集体合同",
        {
            "list": SUBMITTERS,
            "open": SUBMITTERS,
            "change": SUBMITTERS,
            "import": SUBMITTERS,
            "review": {S: SUBTREE},
        },
        paths=("org_path",),
    ),
    "bargaining_progress": Kind("协商进度", {"list": UNION_STAFF, "export": UNION_STAFF}, paths=("path",)),
    "minimum_wage": Kind("最低工资标准", {"change": PROVINCE_STAFF, "admin": PROVINCE_STAFF}, tree=False),
    # Labour competitions (劳动竞赛): kept at the organiser; staff of the organiser or above set them up,
    # approve registrations and check reports (review); a grassroots union's submitters see those whose
    # scope holds their union (own: competitions.apps.in_scope). Entrants and their score reports are
    # kept at the registering union, which enters and reports (change), also by importing paper reports.
    "competition": Kind(
        "劳动竞赛",
        {
            "list": {**UNION_STAFF, SUB: OWN},
            "open": {**UNION_STAFF, SUB: OWN},
            "change": {S: SUBTREE},
            "review": {S: SUBTREE},
        },
        paths=("org_path",),
    ),
    "competition_entry": Kind(
        "竞赛参赛与成绩",
        {
            "list": SUBMITTERS,
            "open": SUBMITTERS,
            "change": {S: ORG, A: ORG, SUB: ORG},
            "import": {S: ORG, A: ORG, SUB: ORG},
            "review": {S: BELOW},
        },
        paths=("org_path",),
    ),
    # The innovation-star report group's tours: staff of the organiser's subtree; the schedule is public.
    "report_tour": Kind(
        "报告团巡讲", {"list": UNION_STAFF, "open": UNION_STAFF, "change": UNION_STAFF}, paths=("org_path",)
    ),
    # 荆楚工匠 films (专题片, 教学片) and posters, and the list of video sites they may come from: the province.
    "craftsman_film": Kind(
        "工匠影片",
        {"list": PROVINCE_STAFF, "open": PROVINCE_STAFF, "change": PROVINCE_STAFF, "admin": PROVINCE_STAFF},
        tree=False,
    ),
    # The real-name member registry and applications to join (网上入会): the union's submitters keep its
    # registry and decide its applications, staff those of their subtree. A worker's own profile,
    # applications and card are their own pages (@signed_in), never these rows.
    "member": Kind(
        "会员",
        {
            "list": SUBMITTERS,
            "open": SUBMITTERS,
            "reveal": SUBMITTERS,
            "change": SUBMITTERS,
            "import": UNION_STAFF,
            "export": UNION_STAFF,
        },
        paths=("org_path",),
    ),
    "join_application": Kind(
        "入会申请",
        {"list": SUBMITTERS, "open": SUBMITTERS, "review": SUBMITTERS},
        paths=("org_path",),
    ),
    # Founding a union (工会组建): the upper-level union's staff (and staff above it) guide, refuse or
    # approve; kept at the upper union's path. Any signed-in account with a profile may apply and edit
    # its own draft or returned application (change: its own only).
    "founding_application": Kind(
        "建会申请",
        {
            "list": UNION_STAFF,
            "open": UNION_STAFF,
            "change": {ANY_ACCOUNT: OWN},
            "review": {S: SUBTREE},
        },
        paths=("org_path",),
        owner="applicant_id",
    ),
    # >>> rights (职工维权)
    # Workers' requests and anonymous safety tips, kept at the union handling them: its submitters and
    # staff of its subtree keep the queue and act (change); statistics and exports over a subtree for
    # staff. A worker's own request is their own page (any account: its own only). Enterprises flagged
    # for repeated requests: the assistance and bargaining people of the union responsible for them.
    "rights_request": Kind(
        "维权申请",
        {"list": SUBMITTERS, "open": SUBMITTERS, "change": SUBMITTERS, "export": UNION_STAFF},
        paths=("org_path",),
    ),
    "rights_own": Kind(
        "本人维权申请",
        {"list": {ANY_ACCOUNT: OWN}, "open": {ANY_ACCOUNT: OWN}, "change": {ANY_ACCOUNT: OWN}},
        owner="worker_id",
        tree=False,
    ),
    "rights_stats": Kind("维权统计", {"list": UNION_STAFF, "export": UNION_STAFF}, paths=("path",)),
    "rights_flag": Kind("维权预警企业", {"list": SUBMITTERS, "open": SUBMITTERS}, paths=("org_path",)),
    # <<< rights
    # >>> benefits (普惠服务)
    # Inclusive services: the publishing union's submitters and staff (and staff above) set offers up,
    # publish, close and export them, and decide and reveal their sign-ups. A worker's own sign-up is
    # theirs to cancel (change: own); signing up and the worker's list are the worker's own pages.
    "benefit_offer": Kind(
        "普惠服务项目",
        {"list": SUBMITTERS, "open": SUBMITTERS, "change": SUBMITTERS, "export": SUBMITTERS},
        paths=("org_path",),
    ),
    "benefit_signup": Kind(
        "普惠服务报名",
        {
            "list": SUBMITTERS,
            "open": SUBMITTERS,
            "review": SUBMITTERS,
            "reveal": SUBMITTERS,
            "change": {ANY_ACCOUNT: OWN},
        },
        paths=("org_path",),
        owner="user_id",
    ),
    # <<< benefits
    # >>> publicity (宣传教育)
    # Model-worker cartoons (劳模漫画) attached to public honourees, and the online courses' lessons: the
    # province keeps them (the public sees them once published). Learning progress is counted at the
    # member's union: staff see their subtree's counts.
    "public_cartoon": Kind(
        "劳模漫画",
        {"list": PROVINCE_STAFF, "change": PROVINCE_STAFF, "admin": PROVINCE_STAFF},
        tree=False,
    ),
    "course": Kind("网上课程", {"change": PROVINCE_STAFF, "admin": PROVINCE_STAFF}, tree=False),
    "course_progress": Kind("课程学习统计", {"list": UNION_STAFF}, paths=("org_path",)),
    # <<< publicity
    # >>> dashboard (六大功能)
    # The six-function dashboard: the figures of an organisation's subtree, for the staff of that subtree
    # (a province staff opens every organisation's, a county staff only those in its county).
    "dashboard": Kind("六大功能数据看板", {"list": UNION_STAFF, "export": UNION_STAFF}, paths=("path",)),
    # <<< dashboard
    # Platform records.
    "audit_event": Kind("操作记录", {"list": UNION_STAFF}, paths=("org_path",)),
    "stored_file": Kind(
        "上传文件",
        {"open": {**SUBMITTERS, E: OWN, C: OWN, W: OWN}},
        paths=("organisation.path",),
        owner="uploaded_by_id",
    ),
    "import_job": Kind(
        "导入任务",
        {"list": EVERYONE_OWN, "open": EVERYONE_OWN, "change": EVERYONE_OWN},
        owner="actor_id",
        tree=False,
    ),
    "notification": Kind(
        "站内消息", {"list": {ANY_ACCOUNT: OWN}, "open": {ANY_ACCOUNT: OWN}}, owner="recipient_id", tree=False
    ),
}

# Pages that are not about one kind of record: the public site, and each user's own pages.
PUBLIC = "public"
SIGNED_IN = "signed_in"
RESOURCE = "resource"  # an import or export of the resource the URL names: the resource's kind decides


def kind(name: str) -> Kind:
    return MATRIX[name]


def grants(kind_name: str, action: str) -> dict[Role, Reach]:
    """The row of the matrix; an unknown kind or action is a programming error (KeyError)."""
    return MATRIX[kind_name].grants.get(Action(action), {})


def roles_for(kind_name: str, action: str, *reaches: Reach) -> frozenset[str]:
    """The roles that may take ``action`` on ``kind`` (with one of ``reaches`` when given)."""
    return frozenset(
        str(role) for role, reach in grants(kind_name, action).items() if not reaches or reach in reaches
    )


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _root_path_length() -> int:
    from unionportal.orgs.models import Organisation

    return Organisation.steplen


def holdings(user, kind_name: str, action: str) -> list[tuple[Reach, str]]:
    """(reach, organisation path) for each of the user's active memberships that the row grants."""
    row = grants(kind_name, action)
    held = [(row[ANY_ACCOUNT], "")] if ANY_ACCOUNT in row else []
    root = _root_path_length()
    for role, path in membership_rows(user):
        reach = row.get(role)
        if reach is None or (reach == PROVINCE and len(path) != root):
            continue
        held.append((reach, path))
    return held


def may(user, kind_name: str, action: str) -> bool:
    """Whether ``user`` holds a role that may take ``action`` on some record of ``kind`` (the role gate)."""
    if not _signed_in(user):
        return False
    return user.is_superuser or bool(holdings(user, kind_name, action))


def scope_q(user, kind_name: str, action: str, path_field: str, *, own: Q | None = None) -> Q:
    """A filter for the records of ``kind`` that ``user`` may take ``action`` on.

    ``path_field`` is the ORM path to the record's organisation path; ``own`` the filter for the user's
    own records, OR-ed in when one of the user's roles reaches only those (OWN).
    """
    nothing = Q(pk__in=[])
    if not _signed_in(user):
        return nothing
    if user.is_superuser:
        # Not Q(): Django drops an empty Q from an OR, so ``q | Q(other)`` would mean only "other".
        return Q(pk__isnull=False)
    q = nothing
    for reach, path in holdings(user, kind_name, action):
        if reach in (PROVINCE, SUBTREE):
            q |= Q(**{f"{path_field}__startswith": path})
        elif reach == BELOW:
            q |= Q(**{f"{path_field}__startswith": path}) & ~Q(**{path_field: path})
        elif reach == ORG:
            q |= Q(**{path_field: path})
        elif reach == OWN and own is not None:
            q |= own
    return q


def reaches(user, kind_name: str, action: str, *wanted: Reach) -> bool:
    """Whether one of the user's roles takes ``action`` on ``kind`` with one of the ``wanted`` reaches
    (e.g. OWN: "is a cadre here", SUBTREE: "is staff here"); superusers reach everything."""
    if not _signed_in(user):
        return False
    return user.is_superuser or any(reach in wanted for reach, _path in holdings(user, kind_name, action))


def reaches_own(user, kind_name: str, action: str) -> bool:
    """Whether one of the user's roles reaches the user's own records of ``kind`` for ``action``."""
    return _signed_in(user) and any(reach == OWN for reach, _path in holdings(user, kind_name, action))


def covers(user, kind_name: str, action: str, *paths: str, own: bool = False) -> bool:
    """Whether ``user`` may take ``action`` on one record kept at organisation ``paths`` (own: it is theirs).

    A kind kept outside the tree (no paths: programmes, past honours) is covered by the role alone."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    in_tree = MATRIX[kind_name].tree
    for reach, held in holdings(user, kind_name, action):
        if reach == OWN:
            if own:
                return True
        elif (
            reach == PROVINCE
            or not in_tree
            or (reach == SUBTREE and any(p.startswith(held) for p in paths))
            or (reach == BELOW and any(p.startswith(held) and p != held for p in paths))
            or (reach == ORG and held in paths)
        ):
            return True
    return False


def _attribute(obj, dotted: str):
    for name in dotted.split("."):
        obj = getattr(obj, name, None) if obj is not None else None
    return obj


def allows(user, kind_name: str, action: str, obj=None) -> bool:
    """The object-level predicate: ``may`` without a record, ``covers`` the record's path and owner with one."""
    if obj is None:
        return may(user, kind_name, action)
    spec = MATRIX[kind_name]
    paths = [p for p in (_attribute(obj, dotted) for dotted in spec.paths) if p]
    own = False
    if _signed_in(user):
        if spec.owner:
            own = _attribute(obj, spec.owner) == user.pk
        for test in spec.owner_test:
            own = own or test(user, obj)
    return covers(user, kind_name, action, *paths, own=own)


def register_owner_test(kind_name: str, test: Callable) -> None:
    """Let an app say when a record is the user's own where no single field says it (cadre pairings)."""
    if test not in MATRIX[kind_name].owner_test:
        MATRIX[kind_name].owner_test.append(test)


def as_markdown() -> str:
    """The matrix as the README prints it (a test keeps the two the same)."""
    roles = {S: "S", A: "A", SUB: "Sub", E: "E", C: "C", W: "W", ANY_ACCOUNT: "any"}
    reach = {PROVINCE: "prov", SUBTREE: "tree", BELOW: "below", ORG: "org", OWN: "own"}
    actions = [a.value for a in Action]
    lines = ["| kind | " + " | ".join(actions) + " |", "|" + "---|" * (len(actions) + 1)]
    for name, spec in MATRIX.items():
        cells = [
            ", ".join(f"{roles[r]}:{reach[v]}" for r, v in spec.grants.get(a, {}).items()) or "—"
            for a in actions
        ]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def is_province_staff(user) -> bool:
    """The one definition: staff of the root organisation (the provincial federation), or a superuser."""
    return _signed_in(user) and (
        user.is_superuser
        or any(role == S and len(path) == _root_path_length() for role, path in membership_rows(user))
    )


def is_union_staff(user) -> bool:
    """Staff or organisation admin anywhere in the tree."""
    return _signed_in(user) and (
        user.is_superuser or any(role in (S, A) for role, _path in membership_rows(user))
    )


# --- django-rules: the same predicates for templates ({% has_perm %}), the admin and user.has_perm -------


def _rule(kind_name: str, action: str):
    @rules.predicate(name=f"{kind_name}.{action}")
    def predicate(user, obj=None):
        return allows(user, kind_name, action, obj)

    return predicate


for _kind_name, _kind in MATRIX.items():
    for _action in Action:
        rules.add_perm(f"{_kind_name}.{_action}", _rule(_kind_name, _action))


# --- the admin: Django's model permissions ("<app>.<verb>_<model>") read from the same rows ----------------

# Model → (kind, the verbs besides "view" its admin offers). "view" needs the kind's ADMIN action; add,
# change and delete need ADMIN and CHANGE. Which rows a permitted user then sees is the admin's
# ``get_queryset`` (``ScopedAdmin``: the kind's ADMIN reach). Models not listed are for superusers only.
ADMIN_MODELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "orgs.organisation": ("organisation", ("add", "change")),
    "orgs.enterprise": ("enterprise", ("add", "change")),
    "orgs.membership": ("account", ("add", "change", "delete")),
    "accounts.user": ("account", ("change",)),
    "selection.programme": ("programme", ("add", "change", "delete")),
    "selection.allocation": ("programme", ("add", "change", "delete")),
    "selection.rule": ("programme", ("add", "change", "delete")),
    "selection.pasthonour": ("past_honour", ("add", "change", "delete")),
    "selection.candidacy": ("candidacy", ()),
    "selection.objection": ("objection", ()),
    "selection_experts.expertprofile": ("expert_pool", ("add", "change")),
    "selection_experts.expertstage": ("expert_stage", ("add", "change")),
    "selection_experts.criterion": ("expert_stage", ("add", "change", "delete")),
    "selection_experts.panel": ("expert_stage", ("add", "change")),
    "campaigns.campaign": ("campaign_setup", ("add", "change", "delete")),
    "campaigns.milestone": ("campaign_setup", ("add", "change", "delete")),
    "campaigns.calendarday": ("campaign_setup", ("add", "change", "delete")),
    "campaigns.milestonecompletion": ("milestone", ()),
    "campaigns.activityreport": ("activity_report", ()),
    "assistance.household": ("household", ("change",)),
    "assistance.householdmember": ("household", ()),
    "assistance.measure": ("household", ()),
    "assistance.planitem": ("household", ()),
    "assistance.yearlyreview": ("household", ()),
    "assistance.threshold": ("threshold", ("add", "change")),
    "assistance.driveenterprise": ("drive_enterprise", ("add", "change")),
    "assistance.visit": ("visit", ()),
    # 荆楚工匠: the trades and the programme's settings are programme setup; a recommendation and its
    # patents are a candidacy's details (read-only, scoped like the candidacy).
    "craftsmen.trade": ("programme", ("add", "change", "delete")),
    "craftsmen.craftsmanprogramme": ("programme", ("add", "change")),
    "craftsmen.craftsman": ("candidacy", ()),
    "craftsmen.patent": ("candidacy", ()),
    "craftsmen.videohost": ("craftsman_film", ("add", "change", "delete")),
    # Labour competitions: the themes and the titles conferred are programme setup, as the trades are.
    "competitions.theme": ("programme", ("add", "change")),
    "competitions.winnertitle": ("programme", ("add", "change")),
    "public.course": ("course", ("add", "change", "delete")),
    "public.lesson": ("course", ("add", "change", "delete")),
    "public.cartoon": ("public_cartoon", ()),
    # The local minimum wage table: staff check it against the notice in force and keep it current.
    "bargaining.minimumwage": ("minimum_wage", ("add", "change")),
}


def _model_rule(kind_name: str, verb: str):
    actions = (Action.ADMIN,) if verb == "view" else (Action.ADMIN, Action.CHANGE)

    @rules.predicate(name=f"admin:{verb}:{kind_name}")
    def predicate(user, obj=None):
        return all(allows(user, kind_name, action, obj) for action in actions)

    return predicate


def _app_rule(kinds: frozenset[str]):
    @rules.predicate
    def predicate(user):
        return any(may(user, k, Action.ADMIN) for k in kinds)

    return predicate


def admin_kind(model_label: str) -> str | None:
    entry = ADMIN_MODELS.get(model_label.lower())
    return entry[0] if entry else None


for _label, (_kind_name, _verbs) in ADMIN_MODELS.items():
    assert "admin" in MATRIX[_kind_name].grants, f"{_label}: the kind {_kind_name} has no admin row"
_apps: dict[str, set[str]] = {}
for _label, (_kind_name, _verbs) in ADMIN_MODELS.items():
    _app, _model = _label.split(".")
    _apps.setdefault(_app, set()).add(_kind_name)
    for _verb in ("view", *_verbs):
        rules.add_perm(f"{_app}.{_verb}_{_model}", _model_rule(_kind_name, _verb))
for _app, _kinds in _apps.items():
    rules.add_perm(_app, _app_rule(frozenset(_kinds)))


# --- views ------------------------------------------------------------------------------------------------


def permission(kind_name: str, action: str, *, post: str | None = None):
    """Decorate a view with its entry in the matrix: anonymous users go to sign in; a signed-in user whose
    roles the row does not name gets 404 on a record's page (a guessed URL tells nothing) and 403 on a
    page of its own. ``post`` is the action a POST takes when it differs (a page opened to read, posted to
    decide). Which records the view then shows is its queryset's job (``visible_to``)."""
    grants(kind_name, action)  # fail at import for a kind or action the matrix does not know
    if post is not None:
        grants(kind_name, post)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _signed_in(request.user):
                return redirect_to_login(request.get_full_path())
            wanted = post if post is not None and request.method == "POST" else action
            if not may(request.user, kind_name, wanted):
                if kwargs or args:
                    raise Http404
                raise PermissionDenied(_("您的角色不能使用此页面。"))
            return view(request, *args, **kwargs)

        wrapped.access = (kind_name, str(action))
        wrapped.access_post = str(post or action)
        return wrapped

    return decorator


def resource_permission(action: str):
    """Decorate an import or export view whose resource (the URL's ``key``) names the kind: the view asks
    the resource (``can_import`` / ``can_export``, read from the kind's row) and answers 403 when not."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _signed_in(request.user):
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        wrapped.access = (RESOURCE, action)
        return wrapped

    return decorator


def records(kind_name: str, action: str):
    """Mark a view that serves some records to everyone (public files) and the rest by the matrix's row:
    no gate here; its queryset decides, and answers 404 for the rest."""
    grants(kind_name, action)

    def decorator(view):
        view.access = (kind_name, str(action), "records")
        return view

    return decorator


def public(view):
    """Mark a view as public: anyone, signed in or not (it shows only public data)."""
    view.access = (PUBLIC, "")
    return view


def signed_in(view):
    """Mark a view as any signed-in user's own page (their home, inbox, password): no records of others."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _signed_in(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.access = (SIGNED_IN, "")
    return wrapped
