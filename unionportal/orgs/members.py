"""The real-name member registry: reads (scoped, searchable by name, masked ID number or phone) and writes
(add, transfer, leave), each write with its audit event.

A person (by ID number) is a member of one union at a time: the database holds it
(``member_one_union_per_person``) and every write checks it first so that the user is told which union
holds the person, and offered a transfer where they may make one. A transfer closes the current row
("transferred out") and opens one in the new union in one transaction, so the rows of an ID number are
the person's history.
"""

import re
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import fragments, periodic, permissions
from unionportal.accounts.validators import normalise_id_number, normalise_mobile
from unionportal.audit import services as audit
from unionportal.audit.models import AuditEvent
from unionportal.pagination import page_by_key

from .enums import Level, MemberStatus, OrgKind
from .models import Member, Organisation
from .models_members import MemberCount
from .scoping import get_scope

HISTORY_LIMIT = 50
# The cached fragment of the registry list (unionportal.fragments): every write below bumps the union's
# path (and so its ancestors'); the import bumps the paths it wrote.
MEMBER_TOPIC = "member"
# The registry list's order; it ends in the primary key, so that a page is well defined.
LIST_ORDER = ("-joined_on", "-id")
# Subtrees rooted this deep (a county: province → city → county) or deeper are listed organisation by
# organisation (pagination.NewestPerGroup): a few hundred unions, one index descent each per page. A city or the
# province holds thousands of unions but also a large share of all members, so walking the newest-first
# index (member_recent) and skipping other subtrees' rows finds a page sooner.
PER_UNION_FROM_DEPTH = 3

# A masked ID number as lists show it (110***********001X) or its ends with fewer stars; a masked phone.
_MASKED_ID = re.compile(r"^([0-9]{3,6})\*{4,12}([0-9]{3}[0-9X])$")
_MASKED_PHONE = re.compile(r"^(1[0-9]{2})\*{4}([0-9]{4})$")
_FULL_ID = re.compile(r"^[0-9]{17}[0-9X]$")
_FULL_PHONE = re.compile(r"^1[3-9][0-9]{9}$")


class MemberConflict(ValidationError):
    """The person is already a member of another union; ``holder`` is that membership."""

    def __init__(self, message: str, *, holder: Member):
        super().__init__(message, code="member_elsewhere")
        self.holder = holder


def accepts_members(organisation: Organisation) -> bool:
    """Grassroots unions keep a registry; so do township federations (工会联合会, for small workplaces and
    flexible workers) and industry unions (行业工会)."""
    return organisation.is_active and (
        organisation.level in (Level.TOWNSHIP, Level.GRASSROOTS) or organisation.kind == OrgKind.INDUSTRY
    )


# --- reads ------------------------------------------------------------------------------------------------


def access_member(user, pk, *, action: str = "open", for_update: bool = False) -> Member:
    """The registry row ``pk`` if ``user``'s ``action`` row reaches it; Http404 otherwise."""
    rows = Member.objects.visible_to(user, action).select_related("organisation", "user")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    member = rows.filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def search_q(text: str) -> Q:
    """What a staff search matches: a full or masked ID number (420***********123X), a full or masked
    phone (138****1234), the last four characters of either, or the start of a name (the surname, or
    surname and given name).

    Each form is an index lookup at a million members: the full values on their own indexes, the masked
    forms and the last four on the stored tails (``id_tail``, ``phone_tail``; about one row in ten
    thousand shares a tail) with the visible start checked on those rows, a name on (org_path, name)
    within each union of the list. A name is matched from its start, never in the middle: a substring
    match could use no index and would read the user's whole subtree on every search."""
    name = (text or "").strip()
    text = name.upper().replace(" ", "")
    if not text:
        return Q()
    if _FULL_ID.match(text):
        return Q(id_number=text)
    if _FULL_PHONE.match(text):
        return Q(phone_tail=text[-4:], phone=text)  # on the tail's index: the phone has none of its own
    if len(text) == 18 and (match := _MASKED_ID.match(text)):
        return Q(id_tail=match[2], id_number__startswith=match[1])
    if match := _MASKED_PHONE.match(text):
        return Q(phone_tail=match[2], phone__startswith=match[1])
    if re.fullmatch(r"[0-9]{3}[0-9X]", text):
        return Q(id_tail=text) | Q(phone_tail=text)
    return Q(name__startswith=name)


def members_for(user, *, q: str = "", status: str = "", union: Organisation | None = None):
    """The registry rows ``user`` may list, newest first, with their unions (no query per row)."""
    rows = Member.objects.visible_to(user, "list").select_related("organisation")
    if q:
        rows = rows.filter(search_q(q))
    if status:
        rows = rows.filter(status=status)
    if union is not None:
        rows = rows.filter(org_path__startswith=union.path)
    return rows.order_by(*LIST_ORDER)


# --- a page of the registry at a million members ------------------------------------------------------
#
# As the household list pages (unionportal/pagination.py): the count stops at a cap, and a county's page is
# read union by union (NewestPerGroup), so a page costs the same at 10,000 and at 1,000,000 members.


def member_list_unions(user):
    """The unions whose members make up ``user``'s list when it is best read union by union (see
    PER_UNION_FROM_DEPTH), else None: for those who see the whole tree or a city, and on databases
    other than PostgreSQL."""
    if connections[Member.objects.db].vendor != "postgresql" or not user.is_authenticated:
        return None
    scope = get_scope(user, permissions.roles_for("member", "list"))
    if scope.everything or not (scope.subtree_paths or scope.own_paths):
        return None
    if any(len(path) // Organisation.steplen < PER_UNION_FROM_DEPTH for path in scope.subtree_paths):
        return None
    # Only unions that keep a registry hold members (member_add, transfers and the import check it).
    return Organisation.objects.filter(permissions.scope_q(user, "member", "list", "path")).filter(
        Q(level__in=[Level.TOWNSHIP, Level.GRASSROOTS]) | Q(kind=OrgKind.INDUSTRY)
    )


def member_page(user, rows, number, per_page: int):
    """The ``number``-th page of ``rows`` (from ``members_for(user, …)``) with a capped count; its
    object_list holds the rows with their unions. The queries do not grow with the registry."""
    return page_by_key(rows, LIST_ORDER, per_page, number, groups=member_list_unions(user))


def member_unions_for(user):
    """The unions keeping a registry that ``user`` may add members to (the form's choices)."""
    rows = Organisation.objects.filter(permissions.scope_q(user, "member", "change", "path"), is_active=True)
    return rows.filter(Q(level__in=[Level.TOWNSHIP, Level.GRASSROOTS]) | Q(kind=OrgKind.INDUSTRY)).order_by(
        "path"
    )


def current_membership(id_number: str) -> Member | None:
    """The person's current membership anywhere in the province (None if they are no member)."""
    return (
        Member.objects.current()
        .filter(id_number=normalise_id_number(id_number))
        .select_related("organisation")
        .first()
    )


def person_history(member: Member) -> list[Member]:
    """Every registry row of the person, newest first: the unions they belonged to and when."""
    return list(
        Member.objects.filter(id_number=member.id_number)
        .select_related("organisation")
        .order_by("-joined_on", "-id")
    )


def member_events(member: Member):
    from unionportal.audit.presenting import describe

    rows = Member.objects.filter(id_number=member.id_number).values_list("pk", flat=True)
    events = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Member), object_id__in=[str(pk) for pk in rows]
        )
        .select_related("actor", "content_type")
        .order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    return describe(events)


# --- the member-count rollup (MemberCount) -----------------------------------------------------------
#
# The coverage page shows current members per level and per city; counting them in the registry reads the
# user's whole subtree (a million rows for the province). Every write below moves the unions' counts in
# its own transaction; the page sums one row per union.

# Rows per upsert: three parameters each, within SQLite's 999.
_COUNT_BATCH = 300
RECOUNT_MARK = "orgs.member_counts_recount.ran"


def member_counts_add(deltas: dict[int, int]) -> None:
    """Add ``deltas`` ({union pk: change}) to the unions' current-member counts, in the caller's
    transaction (call it in the one that writes the members).

    Each union's row is upserted as ``current = current + change``: the row lock makes concurrent writers
    wait for each other, so none loses the other's change; rows go in pk order, so two writers touching the
    same unions (a transfer each way) never deadlock on them."""
    items = sorted((pk, n) for pk, n in deltas.items() if n)
    if not items:
        return
    using = router.db_for_write(MemberCount)
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(MemberCount._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ", ".join(quote(c) for c in ("organisation_id", "current", "updated_at"))
    head = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - the model's names; values are parameters
    tail = (
        f" ON CONFLICT ({quote('organisation_id')}) DO UPDATE SET "
        f"{quote('current')} = {table}.{quote('current')} + excluded.{quote('current')}, "
        f"{quote('updated_at')} = excluded.{quote('updated_at')}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(items), _COUNT_BATCH):
            chunk = items[start : start + _COUNT_BATCH]
            cursor.execute(
                head + ", ".join(["(%s, %s, %s)"] * len(chunk)) + tail,
                [value for pk, n in chunk for value in (pk, n, now)],
            )


def member_counts_recount(*, organisation_ids=None) -> int:
    """Put the counts right from the registry (every union, or those of ``organisation_ids``); returns
    how many unions' counts were wrong. The repair path: the writes keep the counts, this finds rows
    written around the services (a raw COPY, a database edit).

    On PostgreSQL the rollup table is locked against writes while counting (SHARE ROW EXCLUSIVE: a
    writer that has already moved a count is waited for, one that comes later waits and then adds its
    change to the corrected figure), so a recount never loses a concurrent write."""
    using = router.db_for_write(MemberCount)
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(MemberCount._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        members = Member.objects.using(using).current()
        stored = MemberCount.objects.using(using)
        if organisation_ids is not None:
            ids = list(organisation_ids)
            # The unions' paths lead the registry's indexes (its union key has none of its own).
            paths = list(Organisation.objects.using(using).filter(pk__in=ids).values_list("path", flat=True))
            members = members.filter(org_path__in=paths, organisation_id__in=ids)
            stored = stored.filter(organisation_id__in=ids)
        true = dict(members.values_list("organisation_id").annotate(n=Count("pk")).order_by())
        kept = dict(stored.values_list("organisation_id", "current"))
        wrong = {
            pk: true.get(pk, 0) - kept.get(pk, 0)
            for pk in true.keys() | kept.keys()
            if true.get(pk, 0) != kept.get(pk, 0)
        }
        member_counts_add(wrong)
    return len(wrong)


@periodic.register("orgs.member_counts_recount")
def member_counts_repair(*, now) -> str:
    """Once a day, the recount (``manage.py recount_members`` runs it at any time)."""
    if not cache.add(RECOUNT_MARK, now.isoformat(), timeout=24 * 3600):
        return "skipped"
    return f"{member_counts_recount()} corrected"


# --- writes -----------------------------------------------------------------------------------------------


def conflict_message(holder: Member, actor=None) -> str:
    """What to say when the person is a member of ``holder``'s union already, offering a transfer."""
    message = _("该身份证号已是“%(union)s”的会员（%(date)s 入会），一人只能在一个工会登记会籍。") % {
        "union": holder.organisation.name,
        "date": holder.joined_on.isoformat(),
    }
    if actor is not None and permissions.allows(actor, "member", "change", holder):
        return message + _("如本人已调动，请在该会员的页面办理转会。")
    return message + _("如本人已调动，请由原工会办理转出（转会）后再登记。")


def _check_union(actor, organisation: Organisation) -> None:
    if not permissions.covers(actor, "member", "change", organisation.path):
        raise ValidationError({"organisation": _("该工会不在您的管辖范围内。")})
    if not accepts_members(organisation):
        raise ValidationError(
            {
                "organisation": _("“%(union)s”不登记会员，请选择基层工会、工会联合会或行业工会。")
                % {"union": organisation.name}
            }
        )


def member_add(
    *,
    actor,
    organisation: Organisation,
    name: str,
    id_number: str,
    joined_on: date,
    phone: str = "",
    gender: str = "",
    birth_date: date | None = None,
    user=None,
    check_scope: bool = True,
) -> Member:
    """Enter a person in ``organisation``'s registry. ``actor`` must reach the union through the
    matrix's member "change" row (``check_scope=False``: the caller has checked, e.g. an accepted
    application). Raises ValidationError (bad field, gender or birth date against the ID number, union
    out of scope) or MemberConflict (a member elsewhere), and writes nothing then."""
    if check_scope:
        _check_union(actor, organisation)
    member = Member(
        organisation=organisation,
        name=(name or "").strip(),
        id_number=normalise_id_number(id_number),
        phone=normalise_mobile(phone or ""),
        gender=gender or "",
        birth_date=birth_date,
        joined_on=joined_on,
        user=user,
    )
    member.full_clean(exclude=["org_path", "user"], validate_constraints=False)
    with transaction.atomic():
        holder = (
            Member.objects.current().filter(id_number=member.id_number).select_related("organisation").first()
        )
        if holder is not None:
            raise MemberConflict(conflict_message(holder, actor), holder=holder)
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError:  # a concurrent write took the person first
            holder = current_membership(member.id_number)
            raise MemberConflict(
                conflict_message(holder, actor) if holder else _("该身份证号已是其他工会的会员。"),
                holder=holder,
            ) from None
        member_counts_add({member.organisation_id: 1})
        audit.record(actor=actor, action="orgs.member.add", obj=member, to_state=MemberStatus.MEMBER)
        fragments.bump(MEMBER_TOPIC, member.org_path)
    return member


def member_update(*, actor, member: Member, name: str, phone: str) -> Member:
    """Correct a current member's name or phone (the ID number, and what it says, stay)."""
    before = {"name": member.name, "phone": member.masked_phone}
    member.name, member.phone = (name or "").strip(), normalise_mobile(phone or "")
    member.full_clean(exclude=["org_path", "user"], validate_constraints=False)
    with transaction.atomic():
        locked = access_member(actor, member.pk, action="change", for_update=True)
        Member.objects.filter(pk=locked.pk).update(
            name=member.name, phone=member.phone, phone_tail=member.phone[-4:], updated_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action="orgs.member.update",
            obj=member,
            changes=audit.field_changes(before, {"name": member.name, "phone": member.masked_phone}),
        )
        fragments.bump(MEMBER_TOPIC, locked.org_path)
    return member


def member_transfer(*, actor, member_id: int, to_union: Organisation, on: date) -> Member:
    """Move a current member to ``to_union`` from ``on``: their row is closed ("transferred out") and a
    new one opened there, in one transaction; both are audited. ``actor`` must reach the member's
    union (member "change"). Raises ValidationError saying why, changing nothing."""
    if not accepts_members(to_union):
        raise ValidationError(
            {
                "to_union": _("“%(union)s”不登记会员，请选择基层工会、工会联合会或行业工会。")
                % {"union": to_union.name}
            }
        )
    with transaction.atomic():
        member = access_member(actor, member_id, action="change", for_update=True)
        if member.status != MemberStatus.MEMBER:
            raise ValidationError(_("该会员当前不在会，不能办理转会。"))
        if member.organisation_id == to_union.pk:
            raise ValidationError({"to_union": _("转入工会与当前工会相同。")})
        if on < member.joined_on:
            raise ValidationError(
                {"on": _("转会日期不能早于入会日期 %(date)s。") % {"date": member.joined_on.isoformat()}}
            )
        Member.objects.filter(pk=member.pk).update(
            status=MemberStatus.TRANSFERRED_OUT, left_on=on, updated_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action="orgs.member.transfer_out",
            obj=member,
            from_state=MemberStatus.MEMBER,
            to_state=MemberStatus.TRANSFERRED_OUT,
            comment=to_union.name,
        )
        moved = Member.objects.create(
            organisation=to_union,
            name=member.name,
            id_number=member.id_number,
            phone=member.phone,
            gender=member.gender,
            birth_date=member.birth_date,
            joined_on=on,
            user=member.user,
        )
        member_counts_add({member.organisation_id: -1, to_union.pk: 1})
        audit.record(
            actor=actor,
            action="orgs.member.transfer_in",
            obj=moved,
            to_state=MemberStatus.MEMBER,
            comment=member.organisation.name,
        )
        fragments.bump(MEMBER_TOPIC, member.org_path, moved.org_path)
    return moved


def member_leave(*, actor, member_id: int, on: date, reason: str) -> Member:
    """Record that a current member left the union on ``on`` (退会), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退会原因。")})
    with transaction.atomic():
        member = access_member(actor, member_id, action="change", for_update=True)
        if member.status != MemberStatus.MEMBER:
            raise ValidationError(_("该会员当前不在会。"))
        if on < member.joined_on:
            raise ValidationError(
                {"on": _("退会日期不能早于入会日期 %(date)s。") % {"date": member.joined_on.isoformat()}}
            )
        Member.objects.filter(pk=member.pk).update(
            status=MemberStatus.LEFT, left_on=on, updated_at=timezone.now()
        )
        member.status, member.left_on = MemberStatus.LEFT, on
        member_counts_add({member.organisation_id: -1})
        audit.record(
            actor=actor,
            action="orgs.member.leave",
            obj=member,
            from_state=MemberStatus.MEMBER,
            to_state=MemberStatus.LEFT,
            comment=reason,
        )
        fragments.bump(MEMBER_TOPIC, member.org_path)
    return member


def follow_member_fragments() -> None:
    """A union renamed or moved shows beside its members: it drops every cached registry list."""
    fragments.follow_all(MEMBER_TOPIC, Organisation)


# The registry list's fragments depend on the unions' names (idempotent: a dispatch_uid). The natural home
# of this call is OrgsConfig.ready(); it is here so the list is right before that move.
follow_member_fragments()
