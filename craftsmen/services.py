"""Writing 荆楚工匠 recommendations: the programme with its settings and rubric, and one validation for the
form, the demo and any later import.

``recommendation_save`` creates or edits a draft (candidacy + craftsman + patents) after
``recommendation_problems`` found nothing wrong and the enterprise is within the programme's
per-enterprise limit; submitting goes through ``recommendation_submit`` (the limit again, then the shared
pipeline), and every review step after it is the pipeline's (``unionportal.selection.services``).
"""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.accounts.validators import normalise_id_number, validate_id_number
from unionportal.audit import services as audit
from unionportal.i18n import register_stored_texts
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.selection import services as selection
from unionportal.selection.enums import NomineeKind, State
from unionportal.selection.experts.services import stage_save
from unionportal.selection.models import Candidacy, Programme
from unionportal.selection.selectors import access_candidacy
from unionportal.selection.services import (
    DEEDS_LIMIT,
    SUMMARY_LIMIT,
    SelectionError,
    candidacy_fill,
    characters,
    draft_target,
)
from unionportal.selection.voting.models import VoteCandidate
from unionportal.selection.workflows import is_editable

from .models import APP, Craftsman, CraftsmanProgramme, Patent, PatentKind, SkillGrade, Trade

CODE = "craftsman"
NAME = gettext_lazy("荆楚工匠")
AWARD = gettext_lazy("荆楚工匠")
# A recommendation stops counting against its enterprise's limit once it is out of the selection.
FREEING_STATES = (State.REJECTED, State.STRUCK)
SKILLS_LIMIT = 1000
HONOURS_LIMIT = 1000
MAX_PATENTS = 20

# The rubric of the expert evaluation (专家论证): weights sum to 100, each criterion scored up to its weight.
RUBRIC = (
    (gettext_lazy("技能水平"), 30, gettext_lazy("技能等级、绝活绝技的难度和水平，解决生产难题的能力。")),
    (gettext_lazy("创新创造和专利"), 25, gettext_lazy("技术革新、发明专利、操作法及其经济社会效益。")),
    (gettext_lazy("传承技艺"), 20, gettext_lazy("带徒传技、技能工作室、培养技能人才的成效。")),
    (gettext_lazy("职业道德"), 10, gettext_lazy("爱岗敬业、精益求精、坚守专注的工匠精神。")),
    (gettext_lazy("贡献"), 15, gettext_lazy("对企业和行业发展的贡献，所获荣誉和社会评价。")),
)

# Candidacy fields the recommendation form fills in (the rest the pipeline derives).
CANDIDACY_FIELDS = ("name", "unit", "id_number", "summary", "deeds")
DETAIL_FIELDS = (
    "enterprise",
    "trade",
    "skill_grade",
    "years_in_trade",
    "position",
    "signature_skills",
    "apprentices",
    "honours",
)


def english(text) -> str:
    with translation.override("en"):
        translated = translation.gettext(str(text))
    return "" if translated == str(text) else translated


# --- the programme ----------------------------------------------------------------------------------------


def craftsman_programme_create(
    *,
    actor,
    campaign,
    opens_on: date,
    closes_on: date,
    scoring_deadline: datetime,
    total_quota: int = 30,
    per_enterprise_limit: int = 3,
    batch_size: int = 10,
    review_levels=None,
    code: str = CODE,
    name=NAME,
) -> Programme:
    """The campaign's 荆楚工匠 programme with its settings and the craftsman rubric (idempotent by code).

    Province staff only (``ReviewError`` from the expert stage otherwise). ``total_quota`` is how many the
    province may approve for the expert evaluation; ``batch_size`` how many become 荆楚工匠. ``code`` and
    ``name`` tell one batch's programme from another's in the same campaign (e.g. 第一批, 第二批).
    """
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        programme, created = Programme.objects.get_or_create(
            campaign=campaign,
            code=code,
            defaults={
                "app": APP,
                "name": str(name),
                "award": str(AWARD),
                "name_en": english(name),
                "award_en": english(AWARD),
                "nominee_kind": NomineeKind.INDIVIDUAL,
                "total_quota": total_quota,
                "intake_opens_at": timezone.make_aware(datetime.combine(opens_on, time.min), tz),
                "intake_closes_at": timezone.make_aware(datetime.combine(closes_on, time(17, 30)), tz),
                "review_levels": list(review_levels or (Level.COUNTY, Level.CITY, Level.PROVINCE)),
            },
        )
        CraftsmanProgramme.objects.get_or_create(
            programme=programme,
            defaults={"per_enterprise_limit": per_enterprise_limit, "batch_size": batch_size},
        )
        if created or not hasattr(programme, "expert_stage"):
            stage_save(
                actor=actor,
                programme=programme,
                values={"scoring_deadline": scoring_deadline},
                criteria=rubric(),
            )
    return programme


def rubric() -> list[dict]:
    return [
        {
            "name": str(name),
            "name_en": english(name),
            "description": str(description),
            "weight": weight,
            "max_points": weight,
        }
        for name, weight, description in RUBRIC
    ]


def settings_of(programme: Programme) -> CraftsmanProgramme:
    """The programme's settings (the defaults for a programme set up without them)."""
    row = CraftsmanProgramme.objects.filter(programme=programme).first()
    return row or CraftsmanProgramme(programme=programme)


# --- who recommends, and for which enterprises ------------------------------------------------------------


def submitting_organisations(user):
    """The unions ``user`` may recommend for: their own union as a submitter, admin or staff member
    (the matrix's "candidacy" / "change" row, which reaches the union itself), when it is the union of
    an enterprise (an enterprise recommends through its own union; a county's staff recommend nobody)."""
    return Organisation.objects.filter(
        permissions.scope_q(user, "candidacy", "change", "path"),
        is_active=True,
        pk__in=Enterprise.objects.filter(is_active=True, union__isnull=False).values("union_id"),
    )


def enterprises_of(organisations):
    """The enterprises that recommend through these unions: those whose grassroots union is one of them."""
    return Enterprise.objects.filter(union__in=list(organisations), is_active=True).order_by("name")


def active_recommendations(programme: Programme, enterprise: Enterprise, *, exclude_pk=None):
    rows = Candidacy.objects.filter(programme=programme, craftsman__enterprise=enterprise).exclude(
        state__in=FREEING_STATES
    )
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return rows


def limit_problem(programme: Programme, enterprise: Enterprise, *, exclude_pk=None) -> str | None:
    """Why ``enterprise`` may not hold one more recommendation in ``programme``; None when it may."""
    limit = settings_of(programme).per_enterprise_limit
    taken = list(
        active_recommendations(programme, enterprise, exclude_pk=exclude_pk)
        .order_by("created_at", "id")
        .values_list("name", flat=True)
    )
    if len(taken) < limit:
        return None
    return _(
        "“%(enterprise)s”在“%(programme)s”中最多推荐 %(limit)s 人，已推荐 %(count)s 人（%(names)s），"
        "不能再推荐。如需更换人选，请先删除尚未提交的草稿。"
    ) % {
        "enterprise": enterprise.name,
        "programme": programme.name_label,
        "limit": limit,
        "count": len(taken),
        "names": "、".join(taken),
    }


# --- validation -------------------------------------------------------------------------------------------


def patent_problems(patents) -> list[str]:
    problems = []
    today = timezone.localdate()
    seen = set()
    if len(patents) > MAX_PATENTS:
        problems.append(_("专利和创新成果最多填写 %(limit)s 项。") % {"limit": MAX_PATENTS})
    for n, row in enumerate(patents, start=1):
        number = (row.get("number") or "").strip()
        title = (row.get("title") or "").strip()
        if row.get("kind") not in PatentKind.values:
            problems.append(_("第 %(n)s 项专利：请选择类型。") % {"n": n})
        if not number or not title or not row.get("granted_on"):
            problems.append(_("第 %(n)s 项专利：请填写编号、名称和授权日期。") % {"n": n})
        elif row["granted_on"] > today:
            problems.append(_("第 %(n)s 项专利：授权日期不能晚于今天。") % {"n": n})
        if number and number.upper() in seen:
            problems.append(_("第 %(n)s 项专利：编号 %(number)s 重复。") % {"n": n, "number": number})
        seen.add(number.upper())
    return problems


def recommendation_problems(*, fields: dict, details: dict, patents=()) -> dict[str, list[str]]:
    """Field name -> what is wrong, for everything that can be checked without the database's help."""
    problems: dict[str, list[str]] = {}

    def add(name, message):
        problems.setdefault(name, []).append(message)

    if not (fields.get("name") or "").strip():
        add("name", _("请填写姓名。"))
    try:
        validate_id_number(normalise_id_number(fields.get("id_number", "")))
    except ValidationError as exc:
        add("id_number", exc.messages[0])
    for name, limit, label in (
        ("summary", SUMMARY_LIMIT, _("事迹摘要")),
        ("deeds", DEEDS_LIMIT, _("主要事迹")),
    ):
        count = characters(fields.get(name, ""))
        if count > limit:
            add(
                name,
                _("%(field)s不能超过 %(limit)s 字（不计空白），现为 %(count)s 字。")
                % {"field": label, "limit": limit, "count": count},
            )
    if not isinstance(details.get("enterprise"), Enterprise):
        add("enterprise", _("请选择推荐企业。"))
    if not isinstance(details.get("trade"), Trade) or not details["trade"].is_active:
        add("trade", _("请从列表中选择工种。"))
    if details.get("skill_grade") not in SkillGrade.values:
        add("skill_grade", _("请选择技能等级。"))
    years = details.get("years_in_trade")
    if not isinstance(years, int) or not 0 <= years <= 60:
        add("years_in_trade", _("从事本工种年限应为 0 至 60 之间的整数。"))
    apprentices = details.get("apprentices")
    if not isinstance(apprentices, int) or apprentices < 0:
        add("apprentices", _("带徒人数应为不小于 0 的整数。"))
    skills = details.get("signature_skills") or ""
    if not skills.strip():
        add("signature_skills", _("请填写绝活绝技。"))
    elif characters(skills) > SKILLS_LIMIT:
        add(
            "signature_skills",
            _("绝活绝技不能超过 %(limit)s 字（不计空白），现为 %(count)s 字。")
            % {"limit": SKILLS_LIMIT, "count": characters(skills)},
        )
    if characters(details.get("honours") or "") > HONOURS_LIMIT:
        add(
            "honours",
            _("所获荣誉不能超过 %(limit)s 字（不计空白），现为 %(count)s 字。")
            % {"limit": HONOURS_LIMIT, "count": characters(details.get("honours") or "")},
        )
    for message in patent_problems(list(patents)):
        add("patents", message)
    return problems


# --- saving -----------------------------------------------------------------------------------------------


def recommendation_save(
    *,
    actor,
    programme: Programme | None = None,
    organisation: Organisation | None = None,
    fields: dict,
    details: dict,
    patents=(),
    consent: bool,
    photo=None,
    attachments=(),
    instance: Candidacy | None = None,
    now=None,
) -> Candidacy:
    """Create (``programme`` and ``organisation`` given) or edit (``instance`` given) a draft recommendation.

    Who may call: a submitter, admin or staff member of the recommending union (else Http404); the
    enterprise must recommend through that union. ``patents`` (dicts of kind, number, title,
    granted_on) replace the stored ones; ``photo`` and ``attachments`` are checked uploads (the form
    fields' cleaned values). Raises SelectionError (one message: the intake window, the per-enterprise
    limit, a submitted recommendation) or ValidationError (per field) and writes nothing when anything
    fails.
    """
    now = now or timezone.now()
    patents = list(patents)
    programme, organisation = draft_target(
        app=APP,
        programme=programme,
        organisation=organisation,
        instance=instance,
        submitting=submitting_organisations(actor),
        now=now,
    )
    problems = recommendation_problems(fields=fields, details=details, patents=patents)
    if problems:
        raise ValidationError(problems)
    enterprise = details["enterprise"]
    if enterprise.union_id != organisation.pk:
        raise ValidationError({"enterprise": _("只能推荐本工会所在企业的职工。")})
    fields = {k: v for k, v in fields.items() if k in CANDIDACY_FIELDS}
    fields["id_number"] = normalise_id_number(fields.get("id_number", ""))
    fields["unit"] = enterprise.name
    details = {k: v for k, v in details.items() if k in DETAIL_FIELDS}
    with transaction.atomic():
        # The enterprise row is the lock of its limit: two submitters of one union queue up here.
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        if instance is None:
            candidacy = Candidacy(programme=programme, organisation=organisation, created_by=actor)
        else:
            candidacy = Candidacy.objects.select_for_update().get(pk=instance.pk)
            if not is_editable(candidacy):
                raise SelectionError(_("已提交的推荐不能修改；如需修改，请在审核开始前撤回。"))
        problem = limit_problem(programme, enterprise, exclude_pk=candidacy.pk)
        if problem:
            raise SelectionError(problem)
        before = {name: str(getattr(candidacy, name)) for name in CANDIDACY_FIELDS if name != "id_number"}
        candidacy_fill(
            candidacy,
            actor=actor,
            organisation=organisation,
            fields=fields,
            consent=consent,
            photo=photo,
            attachments=attachments,
            now=now,
        )
        craftsman, _created = Craftsman.objects.update_or_create(candidacy=candidacy, defaults=details)
        craftsman.patents.all().delete()
        Patent.objects.bulk_create(
            Patent(
                craftsman=craftsman,
                kind=row["kind"],
                number=row["number"].strip(),
                title=row["title"].strip(),
                granted_on=row["granted_on"],
                position=n,
            )
            for n, row in enumerate(patents)
        )
        after = {name: str(getattr(candidacy, name)) for name in before}
        audit.record(
            actor=actor,
            action="selection.candidacy.edit" if instance else "selection.candidacy.create",
            obj=candidacy,
            changes=audit.field_changes(before, after) if instance else None,
        )
    return candidacy


def recommendation_submit(*, actor, pk, now=None) -> Candidacy:
    """Submit a draft (or resubmit a returned one) through the shared pipeline, once the enterprise is
    still within the limit (a limit lowered after the drafts were written is enforced here)."""
    with transaction.atomic():
        candidacy = access_candidacy(actor, pk, action="change")
        craftsman = getattr(candidacy, "craftsman", None)
        if craftsman is not None and candidacy.state in (State.DRAFT, State.RETURNED):
            Enterprise.objects.select_for_update().filter(pk=craftsman.enterprise_id).first()
            problem = limit_problem(candidacy.programme, craftsman.enterprise, exclude_pk=candidacy.pk)
            if problem:
                raise SelectionError(problem)
        return selection.candidacy_submit(actor=actor, pk=pk, now=now)


# --- the batch --------------------------------------------------------------------------------------------

BATCH_COMMENT = gettext_lazy("按综合排名列入荆楚工匠批次")
register_stored_texts(BATCH_COMMENT)


class BatchTooLarge(SelectionError):
    """More candidates chosen than the batch has room for (its size less those already approved)."""


def batch_problems(programme: Programme, pks, *, now=None) -> list[str]:
    """What stops ``pks`` from becoming the programme's batch, each in the user's language: no vote yet
    or still running, nobody chosen, a chosen candidate outside the vote or no longer in the province's
    review, or more than the batch's room (``batch_size`` less what is already approved, on notice or
    published). Read it under the programme's lock to act (``batch_approve`` does)."""
    from .selectors import vote_stage_of

    now = now or timezone.now()
    pks = list(dict.fromkeys(pks))
    stage = vote_stage_of(programme)
    if stage is None:
        return [_("“%(programme)s”尚未进行社会评议，不能确定批次。") % {"programme": programme.name_label}]
    problems = []
    if stage.is_running(now) or now < stage.opens_at:
        problems.append(
            _("社会评议至 %(end)s 结束，结束后才能确定批次。")
            % {"end": timezone.localtime(stage.ends_at).strftime("%Y-%m-%d %H:%M")}
        )
    if not pks:
        problems.append(_("请至少选择一名候选人。"))
    in_vote = dict(VoteCandidate.objects.filter(stage=stage).values_list("candidacy_id", "candidacy__state"))
    if any(pk not in in_vote for pk in pks):
        problems.append(_("所选候选人中有的未参加本项目的社会评议，请刷新页面后重新选择。"))
    elif any(in_vote[pk] != State.REVIEW1 for pk in pks):
        problems.append(_("所选候选人中有的已批准或已不在省级审核中，请刷新页面后重新选择。"))
    room = room_problem(programme, len(pks))
    if room:
        problems.append(room)
    return problems


def room_problem(programme: Programme, count: int) -> str | None:
    """Why ``count`` more may not join the programme's batch (its size counts what is already approved,
    on notice or published); None when they may."""
    from .selectors import batch_size_of, batch_taken

    size, taken = batch_size_of(programme), batch_taken(programme)
    if taken + count > size:
        return _(
            "“%(programme)s”每批 %(size)s 人，已批准（含公示中、已公布）%(taken)s 人，本次又选择了 "
            "%(count)s 人，超出 %(over)s 人。请减少人选后重新确认。"
        ) % {
            "programme": programme.name_label,
            "size": size,
            "taken": taken,
            "count": count,
            "over": taken + count - size,
        }
    return None


def batch_approve(*, actor, programme: Programme, pks, now=None) -> list[Candidacy]:
    """Approve the chosen candidates as the programme's batch, through the pipeline's own services: their
    ranks set to their place in the combined ranking (``ranks_set``, so the notice lists them in that
    order), then the province's forward (``forward``: approved, quota, audit, notifications).

    Who may call: province staff (SelectionError otherwise). All or nothing: any problem of
    ``batch_problems`` (a batch larger than its room above all: ``BatchTooLarge``) raises before anything
    is written, under the programme's lock, so two staff choosing at once cannot both fill the batch.
    """
    from unionportal.selection.experts.selectors import expert_totals
    from unionportal.selection.voting.selectors import combined_ranking

    from .selectors import vote_stage_of

    if not permissions.is_province_staff(actor):
        raise SelectionError(_("您无权执行此操作。"))
    pks = list(dict.fromkeys(int(pk) for pk in pks))
    with transaction.atomic():
        # The programme row is the province's quota lock (``lock_quota``): forward takes it again.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        problems = batch_problems(programme, pks, now=now)
        if problems:
            too_large = room_problem(programme, len(pks)) is not None
            raise (BatchTooLarge if too_large else SelectionError)(" ".join(problems))
        stage = vote_stage_of(programme)
        ranks = {
            line.candidate.candidacy_id: line.rank
            for line in combined_ranking(stage, expert_totals(programme))
            if line.candidate.candidacy_id in pks
        }
        ordered = sorted(pks, key=lambda pk: ranks[pk])
        selection.ranks_set(actor=actor, programme=programme, ranks=ranks)
        root = Organisation.objects.get(depth=1)
        return selection.forward(
            actor=actor, programme=programme, organisation=root, pks=ordered, comment=str(BATCH_COMMENT)
        )
