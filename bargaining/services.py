"""Every write of the bargaining drive. Keyword-only functions; each checks the user's reach (Http404
outside it), checks every rule before writing anything, and raises ``BargainingError`` (a message in the
user's language) or ``TransitionError`` when it may not proceed, having changed nothing. State changes go
through ``unionportal.audit.transitions.transition`` (audited, notified)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import fragments, permissions
from unionportal.audit import services as audit
from unionportal.audit.models import AuditEvent
from unionportal.audit.transitions import TransitionError, transition
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message, queue
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.uploads.services import upload_store

from . import conf
from .enums import AgreementKind, AgreementState, OfferState, Side, Topic
from .models import (
    BARGAINING_TOPIC,
    Agreement,
    BargainingProfile,
    Coverage,
    Negotiator,
    Offer,
    Round,
    responsible_union,
)
from .selectors import access_agreement, access_offer, minimum_wage_for, people_of
from .workflows import AGREEMENT_WORKFLOW, OFFER_WORKFLOW, UNION_PEOPLE, offer_contacts


class BargainingError(Exception):
    """Input the user can fix; ``message`` says what, in the user's language."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _today() -> date:
    return timezone.localdate()


def _parent(organisation: Organisation) -> Organisation:
    return organisation.parent_organisation() or organisation


# --- drive targets ----------------------------------------------------------------------------------------


def profile_save(*, actor, enterprise: Enterprise, **facts) -> BargainingProfile:
    """Create or update an enterprise's bargaining facts (demo, admin, import); ``org_path`` follows
    the responsible union. Staff of the enterprise's subtree only (Http404 otherwise)."""
    union = responsible_union(enterprise)
    if actor is not None and not permissions.covers(actor, "bargaining_target", "list", union.path):
        raise Http404
    profile, _created = BargainingProfile.objects.update_or_create(
        enterprise=enterprise, defaults={**facts, "org_path": union.path}
    )
    return profile


# --- offers -----------------------------------------------------------------------------------------------


def offer_create(
    *,
    actor,
    enterprise_id: int,
    side: str,
    topics: list[str],
    data_requested: str = "",
    contact_name: str,
    contact_phone: str = "",
    contact_user=None,
) -> Offer:
    """A draft offer to an enterprise the actor's union is responsible for (Http404 outside the reach)."""
    enterprise = Enterprise.objects.select_related("union", "township").filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    union = responsible_union(enterprise)
    if not permissions.covers(actor, "bargaining_offer", "change", union.path):
        raise Http404
    if side not in Side.values:
        raise BargainingError(_("请选择要约方。"), "side")
    unknown = [t for t in topics if t not in Topic.values]
    if not topics or unknown:
        raise BargainingError(_("请至少选择一项协商议题。"), "topics")
    if not contact_name.strip():
        raise BargainingError(_("请填写对方联系人。"), "contact_name")
    with transaction.atomic():
        offer = Offer.objects.create(
            enterprise=enterprise,
            union=union,
            supervisor=_parent(union),
            org_path=union.path,
            side=side,
            topics=[t for t in Topic.values if t in topics],
            data_requested=data_requested.strip(),
            contact_name=contact_name.strip(),
            contact_phone=contact_phone.strip(),
            contact_user=contact_user,
            created_by=actor,
        )
        audit.record(actor=actor, action="bargaining.offer.create", obj=offer)
    return offer


def offer_send(*, actor, offer_id: int, sent_on: date, received_on: date, proof=None) -> Offer:
    """Record the offer as delivered: the reply clock runs from the receipt (REPLY_DAYS). ``proof`` is an
    uploaded file (PDF or image), checked and stored through ``unionportal.uploads``."""
    offer = access_offer(actor, offer_id, action="change")
    today = _today()
    if sent_on is None or received_on is None:
        raise BargainingError(_("请填写发出日期和送达日期。"))
    if sent_on > today or received_on > today:
        raise BargainingError(_("发出日期和送达日期不能晚于今天。"))
    if received_on < sent_on:
        raise BargainingError(_("送达日期不能早于发出日期。"), "received_on")
    if offer.state != OfferState.DRAFT:
        raise BargainingError(_("这份要约已经发出。"))
    stored = None
    if proof is not None:
        kind = "pdf" if (getattr(proof, "name", "") or "").lower().endswith(".pdf") else "image"
        stored = upload_store(file=proof, kind=kind, actor=actor, organisation=offer.union)
    due = received_on + timedelta(days=conf.figure("REPLY_DAYS"))
    return transition(
        workflow=OFFER_WORKFLOW,
        pk=offer.pk,
        to=OfferState.SENT,
        actor=actor,
        expected_from=OfferState.DRAFT,
        sets={"sent_on": sent_on, "received_on": received_on, "reply_due_on": due, "delivery_proof": stored},
    )


def offer_reply(*, actor, offer_id: int, accept: bool, replied_on: date, reason: str = "") -> Offer:
    """Record the other side's written reply. A refusal needs its reason and goes up to the supervising
    union; a reply after the enterprise's agreement was signed is refused (the edges' guard)."""
    offer = access_offer(actor, offer_id, action="change")
    if replied_on is None:
        raise BargainingError(_("请填写答复日期。"), "replied_on")
    if replied_on > _today():
        raise BargainingError(_("答复日期不能晚于今天。"), "replied_on")
    if offer.received_on and replied_on < offer.received_on:
        raise BargainingError(_("答复日期不能早于要约送达日期。"), "replied_on")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise BargainingError(_("拒绝协商须写明理由。"), "reason")
    return transition(
        workflow=OFFER_WORKFLOW,
        pk=offer.pk,
        to=OfferState.ACCEPTED if accept else OfferState.REFUSED,
        actor=actor,
        comment=reason,
        sets={"replied_on": replied_on, "refusal_reason": "" if accept else reason},
    )


OFFER_REMINDER = register(
    "bargaining.offer.reminder",
    subject=gettext_lazy("提醒：%(name)s 应于 %(date)s 前答复工资集体协商要约（还剩 %(days)s 天）"),
)


def offer_clock(*, now) -> dict:
    """The periodic reply clock: remind the other side's contact, the supervising union and the union
    itself once, when
    the reply is due within REMIND_DAYS_BEFORE days; after the due date, flag the offer overdue (which
    escalates to the supervising union). Idempotent: a reminded offer is not reminded again."""
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    soon = today + timedelta(days=conf.figure("REMIND_DAYS_BEFORE"))
    reminded = overdue = 0
    waiting = Offer.objects.filter(
        state=OfferState.SENT, reply_due_on__gte=today, reply_due_on__lte=soon, reminded_on__isnull=True
    ).select_related("enterprise", "supervisor", "contact_user")
    for offer in waiting:
        with transaction.atomic():
            if not Offer.objects.filter(pk=offer.pk, reminded_on__isnull=True).update(reminded_on=today):
                continue
            recipients = {
                u.pk: u
                for u in offer_contacts(offer)
                + people_of(offer.supervisor)
                + people_of(offer.union, UNION_PEOPLE)
            }
            if recipients:
                queue(
                    Message(
                        recipients=tuple(recipients.values()),
                        event=OFFER_REMINDER,
                        params={
                            "name": offer.enterprise.name,
                            "date": offer.reply_due_on.isoformat(),
                            "days": (offer.reply_due_on - today).days,
                        },
                        url=offer.get_absolute_url(),
                    )
                )
        reminded += 1
    late = Offer.objects.filter(state=OfferState.SENT, reply_due_on__lt=today).values_list("pk", flat=True)
    for pk in list(late):
        try:
            transition(
                workflow=OFFER_WORKFLOW,
                pk=pk,
                to=OfferState.OVERDUE,
                actor=None,
                expected_from=OfferState.SENT,
                now=now,
            )
        except TransitionError:  # replied meanwhile
            continue
        overdue += 1
    return {"reminded": reminded, "overdue": overdue}


# --- agreements ---------------------------------------------------------------------------------------------


def agreement_open(*, actor, offer_id: int, title: str = "") -> Agreement:
    """Start negotiating on an accepted offer: the enterprise's agreement, covering its workers."""
    offer = access_offer(actor, offer_id, action="change")
    if offer.state != OfferState.ACCEPTED:
        raise BargainingError(_("对方同意协商后才能开始协商。"))
    if offer.agreements.exists():
        raise BargainingError(_("这份要约已经开始协商。"))
    enterprise = offer.enterprise
    with transaction.atomic():
        agreement = Agreement.objects.create(
            kind=AgreementKind.ENTERPRISE,
            title=title.strip()
            or _("%(name)s %(year)s 年度工资专项集体合同") % {"name": enterprise.name, "year": _today().year},
            offer=offer,
            enterprise=enterprise,
            union=offer.union,
            org_path=offer.org_path,
            employer_party=enterprise.name,
            created_by=actor,
        )
        Coverage.objects.create(
            agreement=agreement, enterprise=enterprise, workers=enterprise.employees, org_path=offer.org_path
        )
        audit.record(actor=actor, action="bargaining.agreement.create", obj=agreement)
    return agreement


def industry_agreement_create(
    *,
    actor,
    union: Organisation,
    title: str,
    employer_party: str,
    enterprises: list[Enterprise],
    kind=AgreementKind.INDUSTRY,
) -> Agreement:
    """An industry or regional agreement, signed by ``union`` and covering ``enterprises`` (each counted
    with its workers at its own union's place in the tree)."""
    if actor is not None and not permissions.covers(actor, "bargaining_agreement", "change", union.path):
        raise Http404
    if len(enterprises) < 2:
        raise BargainingError(_("行业性、区域性协议至少覆盖两家企业。"))
    with transaction.atomic():
        agreement = Agreement.objects.create(
            kind=kind,
            title=title,
            union=union,
            org_path=union.path,
            employer_party=employer_party,
            created_by=actor,
        )
        Coverage.objects.bulk_create(
            Coverage(
                agreement=agreement, enterprise=e, workers=e.employees, org_path=responsible_union(e).path
            )
            for e in enterprises
        )
        # bulk_create sends no signals: the progress figures at each covered enterprise's union are told.
        fragments.bump(BARGAINING_TOPIC, *{responsible_union(e).path for e in enterprises})
        audit.record(actor=actor, action="bargaining.agreement.create", obj=agreement)
    return agreement


def _editable(actor, agreement_id: int) -> Agreement:
    agreement = access_agreement(actor, agreement_id, action="change", for_update=True)
    if agreement.state != AgreementState.NEGOTIATING:
        raise BargainingError(_("协议已提交职代会表决，不能再修改协商代表、会议或条款。"))
    return agreement


@dataclass(frozen=True)
class NegotiatorRow:
    side: str
    name: str
    position: str = ""
    is_chief: bool = False
    is_expert: bool = False


def negotiators_problem(rows) -> str | None:
    """The first negotiator rule ``rows`` break, as a message; None when they keep them all."""
    low, high = conf.figure("NEGOTIATORS_MIN"), conf.figure("NEGOTIATORS_MAX")
    sides = {side: [r for r in rows if r.side == side] for side in Side.values}
    union, employer = len(sides[Side.UNION]), len(sides[Side.EMPLOYER])
    if union != employer:
        return _("双方协商代表人数应当对等：职工方 %(union)s 人，企业方 %(employer)s 人。") % {
            "union": union,
            "employer": employer,
        }
    if union < low:
        return _("每方协商代表至少 %(low)s 人，现为 %(n)s 人。") % {"low": low, "n": union}
    if union > high:
        return _("每方协商代表最多 %(high)s 人，现为 %(n)s 人。") % {"high": high, "n": union}
    for side, members in sides.items():
        label = Side(side).label
        chiefs = [r for r in members if r.is_chief]
        if len(chiefs) != 1:
            return _("%(side)s应有且只有一名首席代表，现有 %(n)s 名。") % {"side": label, "n": len(chiefs)}
        if chiefs[0].is_expert:
            return _("%(side)s的首席代表不能由外聘专家担任。") % {"side": label}
        experts = sum(1 for r in members if r.is_expert)
        if experts * 3 > len(members):
            return _("%(side)s外聘专家 %(experts)s 人，超过本方代表人数（%(n)s 人）的三分之一。") % {
                "side": label,
                "experts": experts,
                "n": len(members),
            }
    if any(not r.name.strip() for r in rows):
        return _("请填写每位协商代表的姓名。")
    return None


def negotiators_set(*, actor, agreement_id: int, rows: list[NegotiatorRow]) -> list[Negotiator]:
    """Replace both sides' negotiators at once, after checking every rule (nothing saved on a breach)."""
    problem = negotiators_problem(rows)
    if problem:
        raise BargainingError(problem)
    with transaction.atomic():
        agreement = _editable(actor, agreement_id)
        agreement.negotiators.all().delete()
        saved = Negotiator.objects.bulk_create(
            Negotiator(
                agreement=agreement,
                side=r.side,
                name=r.name.strip(),
                position=r.position.strip(),
                is_chief=r.is_chief,
                is_expert=r.is_expert,
            )
            for r in rows
        )
        audit.record(
            actor=actor,
            action="bargaining.negotiators.set",
            obj=agreement,
            changes={"negotiators": [r.name for r in rows]},
        )
    return saved


def round_add(
    *,
    actor,
    agreement_id: int,
    held_on: date,
    place: str,
    recorder: str,
    minutes: str,
    settled: str = "",
    open_issues: str = "",
) -> Round:
    if held_on is None or held_on > _today():
        raise BargainingError(_("协商会议日期不能晚于今天。"), "held_on")
    if not (place.strip() and recorder.strip() and minutes.strip()):
        raise BargainingError(_("请填写地点、记录人和协商纪要。"))
    with transaction.atomic():
        agreement = _editable(actor, agreement_id)
        number = agreement.rounds.count() + 1
        held = Round.objects.create(
            agreement=agreement,
            number=number,
            held_on=held_on,
            place=place.strip(),
            recorder=recorder.strip(),
            minutes=minutes.strip(),
            settled=settled.strip(),
            open_issues=open_issues.strip(),
        )
        audit.record(actor=actor, action="bargaining.round.add", obj=agreement, changes={"round": number})
    return held


def terms_problem(
    agreement: Agreement, *, start_on, term_years, enterprise_min_wage
) -> tuple[str, str] | None:
    """(field, message) for the first term rule the draft breaks, else None."""
    top = conf.figure("TERM_MAX_YEARS")
    if start_on is None:
        return "start_on", _("请填写协议起始日期。")
    if term_years is None or not 1 <= term_years <= top:
        return "term_years", _("协议期限为 1 至 %(top)s 年，现为 %(n)s 年。") % {"top": top, "n": term_years}
    if enterprise_min_wage is None:
        return "enterprise_min_wage", _("请填写企业最低工资。")
    for cover in agreement.coverage.select_related("enterprise__township"):
        standard = minimum_wage_for(cover.enterprise, start_on)
        if standard is None:
            return "enterprise_min_wage", _(
                "%(name)s 所在地区在 %(date)s 没有有效的最低工资标准，请先在后台录入。"
            ) % {
                "name": cover.enterprise.name,
                "date": start_on.isoformat(),
            }
        if enterprise_min_wage < standard.monthly:
            return "enterprise_min_wage", _(
                "企业最低工资 %(wage)s 元低于%(region)s %(date)s 执行的最低工资标准 %(standard)s 元/月（%(tier)s）。"
            ) % {
                "wage": enterprise_min_wage,
                "region": standard.region_name,
                "date": start_on.isoformat(),
                "standard": standard.monthly,
                "tier": standard.get_tier_display(),
            }
    return None


def terms_save(
    *,
    actor,
    agreement_id: int,
    start_on: date,
    term_years: int,
    enterprise_min_wage: Decimal,
    average_rise: Decimal | None,
    clauses: str = "",
) -> Agreement:
    """The draft's terms: a term of 1 to TERM_MAX_YEARS years, an enterprise minimum wage not below the
    local standard in force on the start date for every enterprise covered."""
    with transaction.atomic():
        agreement = _editable(actor, agreement_id)
        problem = terms_problem(
            agreement, start_on=start_on, term_years=term_years, enterprise_min_wage=enterprise_min_wage
        )
        if problem:
            raise BargainingError(problem[1], problem[0])
        if average_rise is not None and not Decimal("-100") < average_rise < Decimal("1000"):
            raise BargainingError(_("平均工资增长幅度不在合理范围内。"), "average_rise")
        before = {
            f: str(getattr(agreement, f) or "")
            for f in ("start_on", "term_years", "enterprise_min_wage", "average_rise")
        }
        agreement.start_on, agreement.term_years = start_on, term_years
        agreement.enterprise_min_wage, agreement.average_rise = enterprise_min_wage, average_rise
        agreement.clauses = clauses.strip()
        agreement.save(
            update_fields=[
                "start_on",
                "term_years",
                "enterprise_min_wage",
                "average_rise",
                "clauses",
                "updated_at",
            ]
        )
        after = {f: str(getattr(agreement, f) or "") for f in before}
        audit.record(
            actor=actor,
            action="bargaining.terms.save",
            obj=agreement,
            changes={f: [before[f], after[f]] for f in before if before[f] != after[f]},
        )
    return agreement


def vote_problem(*, total, present, votes_for) -> str | None:
    if not total or total < 1:
        return _("请填写职工代表总数。")
    if present is None or votes_for is None or present > total or votes_for > present:
        return _("出席人数不能多于代表总数，赞成票不能多于出席人数。")
    if present * 3 < total * 2:
        return _("出席代表 %(present)s 人，不足全体代表 %(total)s 人的三分之二，表决无效。") % {
            "present": present,
            "total": total,
        }
    if votes_for * 2 <= total:
        return _("赞成 %(votes)s 票，未超过全体代表 %(total)s 人的半数，草案未通过。") % {
            "votes": votes_for,
            "total": total,
        }
    return None


def agreement_vote(
    *, actor, agreement_id: int, total: int, present: int, votes_for: int, voted_on: date
) -> Agreement:
    """The workers' congress vote on the draft: quorum two thirds of all delegates, approval more than
    half of all delegates. The negotiators and the terms must keep their rules too."""
    agreement = access_agreement(actor, agreement_id, action="change")
    if agreement.state != AgreementState.NEGOTIATING:
        raise BargainingError(_("只有协商中的协议草案才能提交职代会表决。"))
    rows = [
        NegotiatorRow(n.side, n.name, n.position, n.is_chief, n.is_expert)
        for n in agreement.negotiators.all()
    ]
    problem = negotiators_problem(rows)
    if problem:
        raise BargainingError(_("协商代表不符合规定：%(why)s") % {"why": problem})
    if not agreement.rounds.exists():
        raise BargainingError(_("请先登记协商会议。"))
    terms = terms_problem(
        agreement,
        start_on=agreement.start_on,
        term_years=agreement.term_years,
        enterprise_min_wage=agreement.enterprise_min_wage,
    )
    if terms:
        raise BargainingError(_("协议条款不符合规定：%(why)s") % {"why": terms[1]})
    if voted_on is None or voted_on > _today():
        raise BargainingError(_("表决日期不能晚于今天。"), "voted_on")
    problem = vote_problem(total=total, present=present, votes_for=votes_for)
    if problem:
        raise BargainingError(problem)
    return transition(
        workflow=AGREEMENT_WORKFLOW,
        pk=agreement.pk,
        to=AgreementState.APPROVED,
        actor=actor,
        expected_from=AgreementState.NEGOTIATING,
        sets={
            "delegates_total": total,
            "delegates_present": present,
            "votes_for": votes_for,
            "voted_on": voted_on,
        },
    )


def agreement_sign(*, actor, agreement_id: int, signed_on: date, signed_text) -> Agreement:
    """Both chiefs have signed: the date and the signed text (PDF or image, required)."""
    agreement = access_agreement(actor, agreement_id, action="change")
    if agreement.state != AgreementState.APPROVED:
        raise BargainingError(_("协议草案经职代会通过后才能签字。"))
    if signed_on is None or signed_on > _today():
        raise BargainingError(_("签订日期不能晚于今天。"), "signed_on")
    if agreement.voted_on and signed_on < agreement.voted_on:
        raise BargainingError(_("签订日期不能早于职代会表决日期。"), "signed_on")
    if signed_text is None:
        raise BargainingError(_("请上传双方首席代表签字的合同文本。"), "signed_text")
    kind = "pdf" if (getattr(signed_text, "name", "") or "").lower().endswith(".pdf") else "image"
    stored = upload_store(file=signed_text, kind=kind, actor=actor, organisation=agreement.union)
    return transition(
        workflow=AGREEMENT_WORKFLOW,
        pk=agreement.pk,
        to=AgreementState.SIGNED,
        actor=actor,
        expected_from=AgreementState.APPROVED,
        sets={"signed_on": signed_on, "signed_text": stored},
    )


def agreement_file(*, actor, agreement_id: int, filed_on: date, authority: str) -> Agreement:
    """Filed with the labour authority (within FILING_DAYS of signing; later filing is recorded and shown
    as late). Filing before signing is refused."""
    agreement = access_agreement(actor, agreement_id, action="change")
    if (
        agreement.state in (AgreementState.NEGOTIATING, AgreementState.APPROVED)
        or agreement.signed_on is None
    ):
        raise BargainingError(_("协议尚未签订，不能报送审查。"))
    if agreement.state != AgreementState.SIGNED:
        raise BargainingError(_("协议已经报送。"))
    if filed_on is None or filed_on > _today():
        raise BargainingError(_("报送日期不能晚于今天。"), "filed_on")
    if filed_on < agreement.signed_on:
        raise BargainingError(
            _("报送日期不能早于签订日期 %(date)s。") % {"date": agreement.signed_on.isoformat()}, "filed_on"
        )
    if not authority.strip():
        raise BargainingError(_("请填写受理的劳动保障行政部门。"), "authority")
    return transition(
        workflow=AGREEMENT_WORKFLOW,
        pk=agreement.pk,
        to=AgreementState.FILED,
        actor=actor,
        expected_from=AgreementState.SIGNED,
        sets={"filed_on": filed_on, "filing_authority": authority.strip()},
    )


def agreement_objection(*, actor, agreement_id: int, objection: str) -> Agreement:
    """The authority objected within the review period: back to negotiation, with its opinion."""
    return transition(
        workflow=AGREEMENT_WORKFLOW,
        pk=agreement_id,
        to=AgreementState.NEGOTIATING,
        actor=actor,
        comment=(objection or "").strip(),
        expected_from=AgreementState.FILED,
    )


def agreement_clock(*, now) -> dict:
    """The periodic review clock: an agreement filed REVIEW_DAYS ago without objection takes effect
    (on the day after the period); an agreement in effect gets one renewal reminder in its last
    RENEWAL_MONTHS months."""
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    period = timedelta(days=conf.figure("REVIEW_DAYS"))
    effective = 0
    for pk, filed_on in list(
        Agreement.objects.filter(state=AgreementState.FILED, filed_on__lt=today - period).values_list(
            "pk", "filed_on"
        )
    ):
        try:
            transition(
                workflow=AGREEMENT_WORKFLOW,
                pk=pk,
                to=AgreementState.IN_EFFECT,
                actor=None,
                expected_from=AgreementState.FILED,
                sets={"effective_on": filed_on + period + timedelta(days=1)},
                now=now,
            )
        except TransitionError:
            continue
        effective += 1
    renewals = 0
    months = conf.figure("RENEWAL_MONTHS")
    for agreement in Agreement.objects.filter(
        state=AgreementState.IN_EFFECT, start_on__isnull=False
    ).select_related("union"):
        ends = agreement.ends_on
        if ends is None or today > ends or today < _months_before(ends + timedelta(days=1), months):
            continue
        with transaction.atomic():
            # The audit trail keeps the reminder once (an event per agreement and end date).
            key = f"renewal:{ends.isoformat()}"
            if AuditEvent.objects.filter(
                action="bargaining.agreement.renewal_reminder", object_id=str(agreement.pk), comment=key
            ).exists():
                continue
            audit.record(
                actor=None, action="bargaining.agreement.renewal_reminder", obj=agreement, comment=key
            )
            recipients = people_of(agreement.union, UNION_PEOPLE)
            if recipients:
                queue(
                    Message(
                        recipients=tuple(recipients),
                        event=RENEWAL_DUE,
                        params={"name": agreement.title, "date": ends.isoformat()},
                        url=agreement.get_absolute_url(),
                    )
                )
        renewals += 1
    return {"in_effect": effective, "renewals": renewals}


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError(day)


RENEWAL_DUE = register(
    "bargaining.agreement.renewal",
    subject=gettext_lazy("%(name)s 将于 %(date)s 到期，请向对方提出续订要约"),
)
