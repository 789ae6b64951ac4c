"""The 最美一线职工 (most beautiful frontline worker) selection: an award programme of the campaign.

The campaign plan: candidates come in by self-nomination, nomination by another person or by an
organisation (自荐、他荐、组织推荐), are reviewed by experts with a rubric that puts skills and
innovation first and evaluated by the public, and the province chooses 10, who then receive the
provincial 五一劳动奖章 (``awards.services.medal_grant_from_frontline``).

The two public ways in work without an account: the nominator verifies their phone by a one-time code
(``accounts.phone`` with this module's own purpose), the candidacy is saved as a draft of the worker's
grassroots union and waits there for the union to confirm it; a nomination by another person also waits
for the nominee's consent, given by a code sent to the nominee's phone. Confirming submits the draft
into the shared review (``selection.services.candidacy_submit``), after the frontline rule — a rule row
(一线职工 100%: managers above workshop level do not take part) — has been checked on it.
"""

from datetime import UTC, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.accounts.models import PhoneCode
from unionportal.accounts.phone import PhoneCodeError, phone_code_send, phone_code_verify
from unionportal.accounts.validators import (
    MOBILE_RE,
    normalise_id_number,
    normalise_mobile,
    validate_id_number,
)
from unionportal.audit import services as audit
from unionportal.i18n import in_language
from unionportal.notifications.sms import send_sms
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.selection.enums import Flag, NomineeKind, RuleKind, State
from unionportal.selection.models import Candidacy, Programme, Rule
from unionportal.selection.selectors import active_rules, check_rules
from unionportal.selection.services import (
    DEEDS_LIMIT,
    SUMMARY_LIMIT,
    SelectionError,
    candidacy_fill,
    candidacy_submit,
    characters,
    forward,
    person_problem,
    ranks_set,
)

from .models import FrontlineEntry, NominationWay
from .programmes import english

CODE = "frontline"
NAME = gettext_lazy("最美一线职工")
AWARD = gettext_lazy("湖北省最美一线职工")
QUOTA = 10
# PhoneCode purposes of this module: the nominator's own number, the nominee's consent.
VERIFY_PURPOSE = PhoneCode.Purpose.NOMINATE
CONSENT_PURPOSE = PhoneCode.Purpose.NOMINEE_CONSENT
# How long a verified number may be used to nominate (the session remembers it that long).
VERIFIED_MINUTES = 30
RULE_NOTE = gettext_lazy("车间主任以上管理人员不参评")
SKILLS_LIMIT = 500
INNOVATIONS_LIMIT = 1000

# The expert rubric: skills and innovation first, as the plan's criteria for this programme say.
RUBRIC = [
    {
        "name": "技能水平",
        "name_en": "Skills",
        "weight": 30,
        "max_points": 30,
        "description": "岗位技能等级、绝活绝技、技能竞赛成绩。",
    },
    {
        "name": "技术创新",
        "name_en": "Innovation",
        "weight": 30,
        "max_points": 30,
        "description": "技术革新、操作法、发明专利及其效益。",
    },
    {
        "name": "工作业绩",
        "name_en": "Achievements at work",
        "weight": 25,
        "max_points": 25,
        "description": "本岗位工作实绩、质量与安全。",
    },
    {
        "name": "示范带动",
        "name_en": "Example and mentoring",
        "weight": 15,
        "max_points": 15,
        "description": "带徒传技、班组建设与职工群众评价。",
    },
]


class FrontlineError(SelectionError):
    """A step of the frontline selection that cannot happen; ``message`` says why."""


# --- the programme --------------------------------------------------------------------------------


def frontline_programme_create(
    *, campaign, opens_on, closes_on, review_levels=(Level.CITY, Level.PROVINCE), quota: int = QUOTA
) -> Programme:
    """The campaign's 最美一线职工 programme with its frontline rule row (idempotent by code)."""
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        programme, new = Programme.objects.get_or_create(
            campaign=campaign,
            code=CODE,
            defaults={
                "app": "awards",
                "name": str(NAME),
                "award": str(AWARD),
                "name_en": english(NAME),
                "award_en": english(AWARD),
                "nominee_kind": NomineeKind.INDIVIDUAL,
                "total_quota": quota,
                "intake_opens_at": timezone.make_aware(datetime.combine(opens_on, time.min), tz),
                "intake_closes_at": timezone.make_aware(datetime.combine(closes_on, time(17, 30)), tz),
                "review_levels": sorted(set(review_levels), reverse=True),
            },
        )
        if new:
            Rule.objects.create(
                programme=programme,
                kind=RuleKind.MIN_SHARE,
                flag=Flag.FRONTLINE,
                percent=100,
                label=str(RULE_NOTE),
                label_en=english(RULE_NOTE),
                position=1,
            )
    return programme


def frontline_programmes():
    return Programme.objects.filter(app="awards", code=CODE).select_related("campaign")


def current_programme(now=None) -> Programme | None:
    """The programme of the latest campaign (the public pages nominate for it)."""
    return frontline_programmes().order_by("-campaign__year").first()


def is_frontline(programme: Programme) -> bool:
    return programme.app == "awards" and programme.code == CODE


# --- the frontline rule ---------------------------------------------------------------------------


def rule_problems(programme: Programme, candidacy: Candidacy) -> list[str]:
    """The programme's share rules (the frontline rule row) checked on this one candidate, each failure
    in words: a manager above workshop level is not a frontline worker and fails the 100% rule."""
    rules = [r for r in active_rules(programme) if r.kind != RuleKind.VETO]
    problems = []
    for result in check_rules(programme, [candidacy], rules=rules):
        if result.ok:
            continue
        rule = result.rule
        note = in_language(rule.label, rule.label_en) if rule.label else ""
        if rule.flag == Flag.FRONTLINE:
            problems.append(
                _("“%(name)s”担任车间主任以上管理职务，不符合评选规则“%(rule)s”：%(note)s。")
                % {"name": candidacy.name, "rule": rule.describe(), "note": note or RULE_NOTE}
            )
        else:
            problems.append(
                _("“%(name)s”不符合评选规则“%(rule)s”。") % {"name": candidacy.name, "rule": rule.describe()}
            )
    return problems


def flags_for(*, is_manager: bool) -> dict:
    return {Flag.FRONTLINE.value: not is_manager}


# --- the phone of whoever nominates on the public site --------------------------------------------


def nominator_code_send(*, phone: str, client_ip: str | None, now=None) -> str:
    """Send a nomination code to ``phone``; the normalised number. Raises FrontlineError."""
    try:
        phone_code_send(phone=phone, purpose=VERIFY_PURPOSE, client_ip=client_ip, now=now)
    except PhoneCodeError as error:
        raise FrontlineError(error.message) from None
    return normalise_mobile(phone)


def nominator_verify(*, phone: str, code: str, now=None) -> str:
    """Accept the code sent to ``phone``; the verified number. Raises FrontlineError (the wrong attempt
    stays counted)."""
    try:
        phone_code_verify(phone=phone, purpose=VERIFY_PURPOSE, code=code, now=now)
    except PhoneCodeError as error:
        raise FrontlineError(error.message) from None
    return normalise_mobile(phone)


def verified_phone(session, *, now=None) -> str | None:
    """The number this browser session verified in the last VERIFIED_MINUTES, else None."""
    now = now or timezone.now()
    data = session.get("frontline_verified") or {}
    try:
        at = datetime.fromtimestamp(float(data.get("at", 0)), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    phone = data.get("phone") or ""
    if not MOBILE_RE.match(phone) or now - at > timedelta(minutes=VERIFIED_MINUTES) or at > now:
        return None
    return phone


def remember_verified(session, phone: str, *, now=None) -> None:
    session["frontline_verified"] = {"phone": phone, "at": (now or timezone.now()).timestamp()}


# --- the public nominations -----------------------------------------------------------------------


def grassroots_unions():
    return Organisation.objects.filter(level=Level.GRASSROOTS, is_active=True)


def _problems(*, programme, way, verified, fields) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not (fields.get("name") or "").strip():
        problems["name"] = _("请填写被推荐人姓名。")
    try:
        validate_id_number(normalise_id_number(fields.get("id_number", "")))
    except ValidationError as exc:
        problems["id_number"] = exc.messages[0]
    if way == NominationWay.OTHER:
        if not MOBILE_RE.match(normalise_mobile(fields.get("phone", ""))):
            problems["phone"] = _("请输入被推荐人有效的大陆手机号（以 1 开头的 11 位数字）。")
        if not (fields.get("nominator_name") or "").strip():
            problems["nominator_name"] = _("请填写推荐人姓名。")
    union = fields.get("union")
    if union is None or union.level != Level.GRASSROOTS or not union.is_active:
        problems["union"] = _("请从工会组织中选择所在基层工会。")
    for name, message in (
        ("employer", _("请填写工作单位。")),
        ("job", _("请填写岗位（工种）。")),
        ("summary", _("请填写事迹摘要。")),
        ("deeds", _("请填写主要事迹。")),
    ):
        if not (fields.get(name) or "").strip():
            problems[name] = message
    for name, limit in (
        ("summary", SUMMARY_LIMIT),
        ("deeds", DEEDS_LIMIT),
        ("skills", SKILLS_LIMIT),
        ("innovations", INNOVATIONS_LIMIT),
    ):
        count = characters(fields.get(name, ""))
        if count > limit:
            problems[name] = _("不能超过 %(limit)s 字（不计空白），现为 %(count)s 字。") % {
                "limit": limit,
                "count": count,
            }
    return problems


def frontline_nominate(
    *,
    programme: Programme,
    way: str,
    verified: str | None,
    fields: dict,
    photo,
    consent: bool,
    client_ip: str | None = None,
    now=None,
) -> Candidacy:
    """A self-nomination (``way`` self) or a nomination by another person (``way`` other) from the
    public site, by the holder of the ``verified`` number (None: not verified, refused).

    ``fields``: name, id_number, phone (the nominee's; a self-nomination's is the verified one),
    nominator_name (other), employer, union (a grassroots Organisation), job, is_manager, skills,
    innovations, summary, deeds. ``photo`` is a checked upload. The draft waits for the union's
    confirmation; a nomination by another person also for the nominee's consent, whose code is sent
    here. Raises FrontlineError (one message) or ValidationError (per field); nothing is written then.
    """
    now = now or timezone.now()
    if way not in (NominationWay.SELF, NominationWay.OTHER):
        raise FrontlineError(_("未知的推荐方式。"))
    if not verified:
        raise FrontlineError(_("请先通过短信验证码验证手机号，再提交推荐。"))
    if not is_frontline(programme):
        raise FrontlineError(_("该项目不接受网上自荐或他荐。"))
    if not programme.intake_open(now):
        raise FrontlineError(
            _("“%(programme)s”不在申报时间内，不能推荐。") % {"programme": programme.name_label}
        )
    fields = dict(fields)
    if way == NominationWay.SELF:
        fields["phone"] = verified
    problems = _problems(programme=programme, way=way, verified=verified, fields=fields)
    if photo is None:
        problems["photo"] = _("请上传本人近期照片。")
    if not consent:
        problems["consent"] = _("请阅读隐私声明并勾选同意。")
    if problems:
        raise ValidationError(problems)
    union = fields["union"]
    is_manager = bool(fields.get("is_manager"))
    employer = fields["employer"].strip()
    candidacy = Candidacy(programme=programme, organisation=union, state=State.DRAFT, created_by=None)
    shared = {
        "name": fields["name"].strip(),
        "unit": employer,
        "id_number": normalise_id_number(fields["id_number"]),
        "summary": fields["summary"].strip(),
        "deeds": fields["deeds"].strip(),
        "flags": flags_for(is_manager=is_manager),
        "tags": ["innovation"] if (fields.get("innovations") or "").strip() else [],
        "declarations": {},
    }
    for name, value in shared.items():
        setattr(candidacy, name, value)
    candidacy.campaign_id = programme.campaign_id
    # Refused before anything is stored: the frontline rule row, a person already nominated.
    rule = rule_problems(programme, candidacy)
    if rule:
        raise ValidationError({"is_manager": " ".join(rule)})
    taken = person_problem(candidacy)
    if taken:
        raise ValidationError({"id_number": taken})
    nominee_phone = normalise_mobile(fields["phone"])
    with transaction.atomic():
        candidacy_fill(
            candidacy,
            actor=None,
            organisation=union,
            fields=shared,
            # The worker consents by nominating themselves; a nominee by another person later, by code.
            consent=way == NominationWay.SELF,
            photo=photo,
            attachments=(),
            now=now,
        )
        FrontlineEntry.objects.create(
            candidacy=candidacy,
            way=way,
            nominator_name=(fields.get("nominator_name") or "").strip()
            if way == NominationWay.OTHER
            else candidacy.name,
            nominator_phone=verified if way == NominationWay.OTHER else "",
            phone=nominee_phone,
            employer=employer,
            job=fields["job"].strip(),
            is_manager=is_manager,
            skills=(fields.get("skills") or "").strip(),
            innovations=(fields.get("innovations") or "").strip(),
        )
        audit.record(
            actor=None,
            action="awards.frontline.nominate",
            obj=candidacy,
            comment=str(NominationWay(way).label),
        )
        if way == NominationWay.OTHER:
            _ask_consent(candidacy, nominee_phone, client_ip=client_ip, now=now)
    return candidacy


def _ask_consent(candidacy: Candidacy, phone: str, *, client_ip, now) -> None:
    """Tell the nominee who nominated them and send the code they consent with (a refused send — too
    many codes for that number — refuses the nomination, in the caller's transaction)."""
    try:
        phone_code_send(phone=phone, purpose=CONSENT_PURPOSE, client_ip=client_ip, now=now)
    except PhoneCodeError as error:
        raise FrontlineError(error.message) from None
    text = _(
        "您被推荐参加%(year)s年“%(programme)s”评选。如同意推荐，请在网站“最美一线职工—被推荐人确认”页面输入随后收到的验证码。"
    ) % {"year": candidacy.programme.campaign.year, "programme": candidacy.programme.name}
    transaction.on_commit(lambda: send_sms(phone, text))


def consent_code_resend(*, phone: str, client_ip: str | None, now=None) -> None:
    """A new consent code for a nominee waiting to consent (the first one expired). Raises
    FrontlineError; a number with nothing waiting gets no code, and the same answer."""
    phone = normalise_mobile(phone)
    if not MOBILE_RE.match(phone):
        raise FrontlineError(_("请输入有效的大陆手机号（以 1 开头的 11 位数字）。"))
    waiting = awaiting_consent_q(phone).exists()
    try:
        phone_code_send(phone=phone, purpose=CONSENT_PURPOSE, client_ip=client_ip, now=now, deliver=waiting)
    except PhoneCodeError as error:
        raise FrontlineError(error.message) from None


def awaiting_consent_q(phone: str):
    return Candidacy.objects.filter(
        programme__app="awards",
        programme__code=CODE,
        state=State.DRAFT,
        consent_at__isnull=True,
        frontline__way=NominationWay.OTHER,
        frontline__phone=phone,
    )


def nominee_consent(*, phone: str, code: str, consent: bool, now=None) -> list[Candidacy]:
    """The nominee types the code sent to their phone and consents: each nomination by another person
    waiting for them gets its consent. Raises FrontlineError (no consent ticked, wrong or expired code,
    nothing waiting) and changes nothing then (a wrong code's attempt stays counted)."""
    now = now or timezone.now()
    phone = normalise_mobile(phone)
    if not consent:
        raise FrontlineError(_("请阅读隐私声明并勾选同意推荐后再确认。"))
    refusal = None
    rows = []
    with transaction.atomic():
        try:
            phone_code_verify(phone=phone, purpose=CONSENT_PURPOSE, code=code, now=now)
        except PhoneCodeError as error:
            # Caught inside the block: leaving it by the exception would roll back the counted attempt.
            refusal = error.message
        else:
            rows = list(awaiting_consent_q(phone).select_for_update(of=("self",)))
            if rows:
                Candidacy.objects.filter(pk__in=[c.pk for c in rows]).update(consent_at=now, updated_at=now)
                for candidacy in rows:
                    audit.record(
                        actor=None,
                        action="awards.frontline.consent",
                        obj=candidacy,
                        changes={"consent_at": [None, now.isoformat()]},
                    )
    if refusal is not None:
        raise FrontlineError(refusal)
    if not rows:
        raise FrontlineError(_("该手机号没有等待确认的推荐。"))
    return rows


# --- the grassroots union's confirmation ----------------------------------------------------------


def pending_confirmation(user):
    """Public nominations of the unions ``user`` confirms for (the matrix's candidacy "change" row,
    which reaches the union itself): drafts not yet confirmed, with or without the nominee's consent."""
    return (
        Candidacy.objects.visible_to(user, "change")
        .filter(
            programme__app="awards",
            programme__code=CODE,
            state=State.DRAFT,
            frontline__way__in=(NominationWay.SELF, NominationWay.OTHER),
            frontline__confirmed_at__isnull=True,
        )
        .select_related("frontline", "organisation", "programme__campaign", "photo")
        .order_by("created_at", "id")
    )


def awaits_confirmation(candidacy: Candidacy, entry: FrontlineEntry | None) -> bool:
    """A public nomination still waiting for its union's confirmation (it enters review only so)."""
    return (
        entry is not None
        and entry.way in (NominationWay.SELF, NominationWay.OTHER)
        and entry.confirmed_at is None
        and candidacy.state == State.DRAFT
    )


def frontline_confirm(*, actor, pk, now=None) -> Candidacy:
    """The grassroots union confirms a public nomination: the frontline rule is checked on it, the
    confirmation recorded, and the draft submitted into review, all or nothing. Http404 for a
    candidacy outside the actor's union; FrontlineError without the nominee's consent or when a rule or
    the pipeline refuses."""
    now = now or timezone.now()
    with transaction.atomic():
        candidacy = get_object_or_404(pending_confirmation(actor).select_for_update(of=("self",)), pk=pk)
        if candidacy.consent_at is None:
            raise FrontlineError(
                _("“%(name)s”尚未通过短信验证码同意被推荐，不能确认。") % {"name": candidacy.name}
            )
        problems = rule_problems(candidacy.programme, candidacy)
        if problems:
            raise FrontlineError(" ".join(problems))
        entry = candidacy.frontline
        entry.confirmed_at, entry.confirmed_by = now, actor
        entry.save(update_fields=["confirmed_at", "confirmed_by"])
        audit.record(actor=actor, action="awards.frontline.confirm", obj=candidacy)
        return candidacy_submit(actor=actor, pk=candidacy.pk, now=now)


def frontline_decline(*, actor, pk, reason: str) -> str:
    """The grassroots union declines a public nomination it cannot confirm (not its worker, not true):
    the draft is removed with an audit event giving the reason, and whoever nominated is told by SMS.
    Http404 outside the actor's union; FrontlineError without a reason. Returns the nominee's name."""
    reason = (reason or "").strip()
    if not reason:
        raise FrontlineError(_("请填写不予确认的理由。"))
    with transaction.atomic():
        candidacy = get_object_or_404(pending_confirmation(actor).select_for_update(of=("self",)), pk=pk)
        entry = candidacy.frontline
        audit.record(actor=actor, action="awards.frontline.decline", obj=candidacy, comment=reason)
        phone = entry.nominator_phone or entry.phone
        text = _("您提交的“%(name)s”参加“%(programme)s”的推荐未获所在基层工会确认。理由：%(reason)s") % {
            "name": candidacy.name,
            "programme": candidacy.programme.name,
            "reason": reason,
        }
        name = candidacy.name
        candidacy.delete()
        if phone:
            transaction.on_commit(lambda: send_sms(phone, text))
    return name


# --- the province's choice ------------------------------------------------------------------------


def frontline_choose(*, actor, programme: Programme, pks, now=None) -> list[Candidacy]:
    """After the public vote, the province chooses the winners from its list, in the order given
    (the combined ranking's): approved together, never more than the programme's quota. Raises
    FrontlineError (or the pipeline's SelectionError: quota, rules) and approves nothing then."""
    from unionportal.selection.voting.models import VoteStage

    now = now or timezone.now()
    if not permissions.is_province_staff(actor):
        raise FrontlineError(_("您无权执行此操作。"))
    if not is_frontline(programme):
        raise FrontlineError(_("该项目不是最美一线职工评选。"))
    pks = list(dict.fromkeys(int(pk) for pk in pks))
    if not pks:
        raise FrontlineError(_("请先选择入选人员。"))
    stage = VoteStage.objects.filter(programme=programme).first()
    if stage is None or not stage.has_ended(now):
        raise FrontlineError(_("社会评议结束后才能确定入选人员。"))
    approved = Candidacy.objects.filter(
        programme=programme, state__in=(State.APPROVED, State.NOTICE, State.PUBLISHED)
    ).count()
    if approved + len(pks) > programme.total_quota:
        raise FrontlineError(
            _("最多评选 %(quota)s 名：已确定 %(used)s 名，本次选择 %(count)s 名，超出 %(over)s 名。")
            % {
                "quota": programme.total_quota,
                "used": approved,
                "count": len(pks),
                "over": approved + len(pks) - programme.total_quota,
            }
        )
    province = Organisation.objects.get(depth=1)
    with transaction.atomic():
        ranks_set(
            actor=actor, programme=programme, ranks={pk: n for n, pk in enumerate(pks, start=approved + 1)}
        )
        return forward(
            actor=actor,
            programme=programme,
            organisation=province,
            pks=pks,
            comment=str(_("经专家评审和社会评议入选")),
        )
