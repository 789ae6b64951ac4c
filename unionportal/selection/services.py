"""Writes of the nomination pipeline. Every state change goes through the shared transition service.

Domain apps save their nominee details and call ``candidacy_prepare`` for the shared fields; the rest
(submit, withdraw, forward, return, reject, approve, notice, objections, publish, revoke) lives here so
that awards, craftsmen and competitions walk the same path.
"""

import logging
import secrets
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.accounts.validators import MOBILE_RE, normalise_mobile
from unionportal.audit import services as audit
from unionportal.audit.transitions import TransitionError, transition
from unionportal.campaigns.workdays import add_working_days, is_workday
from unionportal.notifications.sms import send_sms
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.public.cache import invalidate
from unionportal.public.models import PublicEntry
from unionportal.uploads.services import stored_file_set_public, upload_store

from . import registry
from .enums import REVIEW_STATES, ObjectionState, State
from .models import Candidacy, Notice, Objection, PastHonour, PastHonours, Programme
from .selectors import (
    access_candidacy,
    ancestors_of,
    check_rules,
    first_review_state,
    forwarded,
    is_staff_of,
    next_state,
    quota_of,
    quota_use,
)
from .workflows import CANDIDACY_WORKFLOW, OBJECTION_WORKFLOW, is_editable, lock_quota

logger = logging.getLogger(__name__)

SUMMARY_LIMIT = 500
DEEDS_LIMIT = 2000
FORM_TOKEN_SALT = "selection.objection.form"  # noqa: S105 (a signing salt, not a secret)
FORM_TOKEN_MAX_AGE = 2 * 3600


class SelectionError(TransitionError):
    """A pipeline step that cannot happen; ``message`` says why in the user's language."""


class NotOnNotice(SelectionError):
    """The objection names someone who is not (or no longer) on this notice's list."""


def characters(text: str) -> int:
    """Text length as the rules count it: characters excluding whitespace."""
    return sum(1 for ch in text or "" if not ch.isspace())


# --- the shared fields of a candidacy -------------------------------------------------------------


def region_of(organisation: Organisation) -> str:
    """The city (市州) a union belongs to, or the province's name for units directly under it."""
    chain = [*ancestors_of(organisation), organisation]
    for org in chain:
        if org.level == Level.CITY:
            # The public shows the place (襄阳市), not the union's name (襄阳市总工会).
            return org.name.removesuffix("总工会").removesuffix("工会") or org.name
    return _("省直")


def person_taken(*, campaign_id: int, id_number: str, exclude_pk=None) -> Candidacy | None:
    """The candidacy that already holds this person's one nomination of the campaign, if any."""
    if not id_number:
        return None
    rows = Candidacy.objects.filter(campaign_id=campaign_id, id_number=id_number).exclude(
        state__in=(State.REJECTED, State.STRUCK)
    )
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return rows.select_related("organisation", "programme").first()


def past_honours_of(*, id_number: str, year: int, within_years: int) -> list[PastHonour]:
    if not id_number:
        return []
    return list(
        PastHonour.objects.filter(id_number=id_number, year__gte=year - within_years, year__lt=year + 1)
    )


def candidacy_prepare(candidacy: Candidacy) -> Candidacy:
    """Fill what the pipeline derives (campaign, region, earlier honours) before a domain app saves."""
    programme = candidacy.programme
    candidacy.campaign_id = programme.campaign_id
    candidacy.region = region_of(candidacy.organisation)
    honours = past_honours_of(
        id_number=candidacy.id_number, year=programme.campaign.year, within_years=programme.past_honour_years
    )
    # Stored as data and joined when shown, in the reader's language (models.PastHonours).
    candidacy.past_honours = PastHonours(
        {"year": h.year, "level": h.level, "award": h.award} for h in honours
    )
    return candidacy


def person_problem(candidacy: Candidacy) -> str | None:
    taken = person_taken(
        campaign_id=candidacy.programme.campaign_id, id_number=candidacy.id_number, exclude_pk=candidacy.pk
    )
    if taken is None:
        return None
    return _("此人已由 %(org)s 推荐参加本年度“%(programme)s”，同一人每年只能被推荐一次。") % {
        "org": taken.organisation.name,
        "programme": taken.programme.name,
    }


def draft_target(*, app: str, programme, organisation, instance, submitting, now) -> tuple:
    """Where a programme app's form saves, as (programme, organisation): a new draft of ``programme``
    (the app's own, else 404) for ``organisation`` (one of the ``submitting`` organisations, else 404)
    while its intake is open, or ``instance`` while it is still editable (SelectionError otherwise)."""
    if instance is not None:
        if not is_editable(instance):
            raise SelectionError(_("已提交的推荐不能修改；如需修改，请在审核开始前撤回。"))
        return instance.programme, instance.organisation
    if programme is None or programme.app != app:
        raise Http404
    if organisation is None or not submitting.filter(pk=organisation.pk).exists():
        raise Http404
    if not programme.intake_open(now):
        raise SelectionError(
            _("“%(programme)s”不在申报时间内，不能新建推荐。") % {"programme": programme.name_label}
        )
    return programme, organisation


def candidacy_fill(
    candidacy: Candidacy, *, actor, organisation, fields: dict, consent: bool, photo, attachments, now
) -> None:
    """What every programme's own form does with the shared candidacy, in the caller's transaction:
    set ``fields``, derive what the pipeline derives, refuse a person already nominated this campaign,
    record or clear the consent, store the photo and the evidence (checked uploads) and save. Raises
    ValidationError ({"id_number": ...}) for a person taken, also when two submitters race."""
    for name, value in fields.items():
        setattr(candidacy, name, value)
    candidacy_prepare(candidacy)
    problem = person_problem(candidacy)
    if problem:
        raise ValidationError({"id_number": problem})
    if consent and candidacy.consent_at is None:
        candidacy.consent_at = now
    elif not consent:
        candidacy.consent_at = None
    if photo:
        candidacy.photo = upload_store(file=photo, kind="image", actor=actor, organisation=organisation)
    try:
        with transaction.atomic():
            candidacy.save()
    except IntegrityError:
        # Two submitters racing with the same person: the constraint decides, the message explains.
        raise ValidationError({"id_number": _("同一人在同一年度只能被推荐一次。")}) from None
    for file in attachments or ():
        candidacy.attachments.add(upload_store(file=file, kind="pdf", actor=actor, organisation=organisation))


def submit_problems(candidacy: Candidacy, *, now=None) -> list[str]:
    """What stops a candidacy from being submitted, each in the user's language."""
    programme = candidacy.programme
    problems = []
    if not programme.intake_open(now):
        problems.append(
            _("不在申报时间内（%(start)s 至 %(end)s）。")
            % {
                "start": timezone.localtime(programme.intake_opens_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(programme.intake_closes_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if candidacy.consent_at is None:
        problems.append(_("尚未记录被推荐人（单位）同意。"))
    if candidacy.photo_id is None:
        problems.append(_("请上传照片。"))
    if not candidacy.summary.strip() or not candidacy.deeds.strip():
        problems.append(_("请填写事迹摘要和主要事迹。"))
    if characters(candidacy.summary) > SUMMARY_LIMIT:
        problems.append(_("事迹摘要不能超过 %(limit)s 字。") % {"limit": SUMMARY_LIMIT})
    if characters(candidacy.deeds) > DEEDS_LIMIT:
        problems.append(_("主要事迹不能超过 %(limit)s 字。") % {"limit": DEEDS_LIMIT})
    for rule in programme.rules.filter(is_active=True, kind="veto"):
        if not (candidacy.declarations or {}).get(rule.code):
            problems.append(_("请确认：%(rule)s") % {"rule": rule.statement()})
    problem = person_problem(candidacy)
    if problem:
        problems.append(problem)
    return problems


def candidacy_submit(*, actor, pk, now=None) -> Candidacy:
    """Submit a draft (or resubmit a returned one) to its first reviewing level."""
    with transaction.atomic():
        candidacy = CANDIDACY_WORKFLOW.access(actor, pk, for_update=True)
        if candidacy.state not in (State.DRAFT, State.RETURNED):
            raise SelectionError(_("只有草稿或退回修改的推荐可以提交。"))
        problems = submit_problems(candidacy, now=now)
        if problems:
            raise SelectionError(" ".join(problems))
        # The edge stamps submitted_at (``now``) with the state.
        return transition(
            workflow=CANDIDACY_WORKFLOW,
            pk=pk,
            to=first_review_state(candidacy),
            actor=actor,
            expected_from=candidacy.state,
            now=now,
        )


def candidacy_withdraw(*, actor, pk, comment: str = "") -> Candidacy:
    with transaction.atomic():
        candidacy = CANDIDACY_WORKFLOW.access(actor, pk, for_update=True)
        if candidacy.state not in REVIEW_STATES.values():
            raise SelectionError(_("只有审核开始前的推荐可以撤回。"))
        return transition(
            workflow=CANDIDACY_WORKFLOW,
            pk=pk,
            to=State.DRAFT,
            actor=actor,
            comment=comment,
            expected_from=candidacy.state,
        )


def candidacy_delete(*, actor, pk) -> None:
    with transaction.atomic():
        # Only whoever wrote the draft (or the nominating union's admin): the matrix's "delete" row.
        candidacy = access_candidacy(actor, pk, action="delete", for_update=True)
        if candidacy.state != State.DRAFT or candidacy.submitted_at is not None:
            raise SelectionError(_("只能删除从未提交过的草稿。"))
        audit.record(actor=actor, action="selection.candidacy.delete", obj=candidacy)
        candidacy.delete()


# --- review ---------------------------------------------------------------------------------------


def forward(
    *, actor, programme: Programme, organisation: Organisation, pks, comment: str = ""
) -> list[Candidacy]:
    """Forward candidacies from ``organisation``'s queue to the next level (the province: approve).

    All or nothing: the quota is asked once for the whole batch (``quota_use``, under the
    allocation's lock, so each move's own guard then finds its slot), each move goes through the
    transition service, then the rules are checked on the whole list as it stands after forwarding;
    any failure rolls everything back with the figures in the message.
    """
    pks = list(dict.fromkeys(pks))
    if not pks:
        raise SelectionError(_("请先选择要报送的推荐对象。"))
    if not is_staff_of(actor, organisation):
        raise SelectionError(_("您无权执行此操作。"))
    state = REVIEW_STATES.get(organisation.level)
    moved = []
    with transaction.atomic():
        # The allocation lock first, before any candidacy row: two forwards of one union queue up here
        # instead of deadlocking on each other's candidacies.
        lock_quota(programme, organisation)
        problem = quota_use(programme, organisation, adding=len(pks)).problem
        if problem is None and organisation.level == Level.PROVINCE:
            problem = registry.approval_problem(programme, len(pks))
        if problem:
            raise SelectionError(problem)
        rows = Candidacy.objects.filter(pk__in=pks, programme=programme, state=state).filter(
            organisation__path__startswith=organisation.path
        )
        found = {c.pk: c for c in rows.select_related("programme", "organisation")}
        if len(found) != len(pks):
            raise SelectionError(_("所选推荐中有的已被处理或不在本级待审列表中，请刷新后重试。"))
        for pk in pks:
            target = next_state(found[pk])
            moved.append(
                transition(
                    workflow=CANDIDACY_WORKFLOW,
                    pk=pk,
                    to=target,
                    actor=actor,
                    comment=comment,
                    expected_from=state,
                )
            )
        failures = [
            r.message for r in check_rules(programme, list(forwarded(programme, organisation))) if not r.ok
        ]
        if failures:
            raise SelectionError(_("报送名单不符合评选规则：") + " ".join(failures))
    return moved


def send_back(*, actor, pks, reason: str, reject: bool = False) -> list[Candidacy]:
    """Return for revision (or reject), each with the reason; all or nothing."""
    if not reason.strip():
        raise SelectionError(_("请填写理由。"))
    target = State.REJECTED if reject else State.RETURNED
    with transaction.atomic():
        done = []
        for pk in dict.fromkeys(pks):
            candidacy = CANDIDACY_WORKFLOW.access(actor, pk)
            done.append(
                transition(
                    workflow=CANDIDACY_WORKFLOW,
                    pk=pk,
                    to=target,
                    actor=actor,
                    comment=reason,
                    expected_from=candidacy.state,
                )
            )
    return done


def ranks_set(*, actor, programme: Programme, ranks: dict[int, int]) -> None:
    """The province orders the candidacies at its level (its queue and the approved list)."""
    if not permissions.is_province_staff(actor):
        raise SelectionError(_("您无权执行此操作。"))
    with transaction.atomic():
        rows = Candidacy.objects.filter(
            programme=programme, pk__in=ranks, state__in=(State.REVIEW1, State.APPROVED)
        ).select_for_update()
        for candidacy in rows:
            rank = ranks[candidacy.pk]
            if candidacy.rank != rank:
                audit.record(
                    actor=actor,
                    action="selection.candidacy.rank",
                    obj=candidacy,
                    changes={"rank": [candidacy.rank, rank]},
                )
                candidacy.rank = rank
                candidacy.save(update_fields=["rank", "updated_at"])


# --- public notice, objections, publication -------------------------------------------------------


def _public_defaults(candidacy: Candidacy, stage: str) -> dict:
    return {
        "year": candidacy.campaign.year,
        "programme": candidacy.programme.name,
        "award": candidacy.programme.award,
        "award_en": candidacy.programme.award_en,
        "name": candidacy.name,
        "unit": candidacy.unit,
        "region": candidacy.region,
        "stage": stage,
        "summary": candidacy.summary,
        "deeds": candidacy.deeds,
        "photo": candidacy.photo,
        "tags": f",{','.join(candidacy.tags)}," if candidacy.tags else "",
    }


def notice_period(starts_on: date, working_days: int) -> date:
    """The last day of a notice of ``working_days`` working days that starts on ``starts_on``."""
    counted = 1 if is_workday(starts_on) else 0
    return add_working_days(starts_on, working_days - counted) if working_days > counted else starts_on


def notice_open(
    *, actor, programme: Programme, starts_on: date, office: str, phone: str, address: str
) -> Notice:
    """Put the approved list on public notice: a Notice and a public row (stage notice) per candidate.

    Each call opens a new batch numbered after the programme's last (第二批, 第三批…) with the candidates
    approved since, rather than adding them to a notice already open: every candidate must stay on
    notice for the full period, and a published notice's dates and list do not change afterwards.
    Province staff only (SelectionError otherwise, or when nothing is approved).
    """
    if not permissions.is_province_staff(actor):
        raise SelectionError(_("您无权执行此操作。"))
    with transaction.atomic():
        # The programme row first, as forward and publish take it: two notices of one programme open one
        # after the other and number their batches in that order.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        approved = list(
            Candidacy.objects.select_for_update()
            .filter(programme=programme, state=State.APPROVED)
            .order_by("rank", "id")
            .values_list("pk", flat=True)
        )
        if not approved:
            raise SelectionError(_("没有已批准的推荐对象，不能发布公示。"))
        last = Notice.objects.filter(programme=programme).aggregate(last=Max("batch"))["last"] or 0
        notice = Notice.objects.create(
            programme=programme,
            batch=last + 1,
            starts_on=starts_on,
            ends_on=notice_period(starts_on, programme.notice_working_days),
            office=office,
            phone=phone,
            address=address,
            opened_by=actor,
        )
        for pk in approved:
            # The batch is set with the state, so the candidacy's audit event names it.
            candidacy = transition(
                workflow=CANDIDACY_WORKFLOW,
                pk=pk,
                to=State.NOTICE,
                actor=actor,
                expected_from=State.APPROVED,
                sets={"notice": notice},
            )
            entry, _created = PublicEntry.objects.update_or_create(
                source=candidacy.public_source, defaults=_public_defaults(candidacy, PublicEntry.Stage.NOTICE)
            )
            registry.public_extras_write(candidacy, entry)
            if candidacy.photo is not None:
                stored_file_set_public(stored_file=candidacy.photo, public=True)
        audit.record(
            actor=actor,
            action="selection.notice.open",
            obj=notice,
            org_path=Organisation.objects.get(depth=1).path,
        )
    invalidate()
    return notice


def objection_form_token() -> str:
    """A signed single-use token for one objection form."""
    return signing.dumps(uuid.uuid4().hex, salt=FORM_TOKEN_SALT)


def _token_value(token: str) -> str:
    try:
        return signing.loads(token, salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise SelectionError(_("表单已过期，请刷新页面后重新填写。")) from None
    except signing.BadSignature:
        raise SelectionError(_("表单无效，请刷新页面后重新填写。")) from None


def _receipt_number(today: date) -> str:
    return f"YY{today:%Y%m%d}{secrets.randbelow(10**6):06d}"


def objection_lodge(
    *,
    notice: Notice,
    candidacy_id: int,
    name: str,
    contact: str,
    reason: str,
    token: str,
    evidence_file=None,
    evidence_kind: str = "",
    uploader=None,
    client_ip=None,
    today: date,
) -> Objection:
    """Record a public objection during the notice, with its evidence (an uploaded file of
    ``evidence_kind``, stored through the checked upload path). Raises SelectionError (NotOnNotice for
    a candidate not on the list) or UploadRejected, and then nothing is stored; a replayed form (same
    token) creates nothing."""
    value = _token_value(token)
    if not notice.is_running(today):
        raise SelectionError(
            _("公示期为 %(start)s 至 %(end)s，现在不在公示期内。")
            % {"start": notice.starts_on, "end": notice.ends_on}
        )
    candidacy = (
        Candidacy.objects.filter(pk=candidacy_id, programme_id=notice.programme_id, state=State.NOTICE)
        .select_related("notice", "organisation")
        .first()
    )
    if candidacy is None:
        raise NotOnNotice(_("请选择公示名单中的对象。"))
    # A candidate is open to objections during its own batch's period, and the case is filed there.
    notice = candidacy.notice or notice
    if not notice.is_running(today):
        raise SelectionError(
            _("“%(name)s”的公示期为 %(start)s 至 %(end)s，现在不在公示期内。")
            % {"name": candidacy.name, "start": notice.starts_on, "end": notice.ends_on}
        )
    if Objection.objects.filter(form_token=value).exists():
        raise SelectionError(_("该表单已经提交过，请勿重复提交。"))
    with transaction.atomic():
        evidence = None
        if evidence_file is not None:
            # Filed under the union above the candidate's: staff up the tree can open it, the
            # candidate's own union cannot (the objector is protected).
            evidence = upload_store(
                file=evidence_file,
                kind=evidence_kind,
                actor=uploader,
                organisation=candidacy.organisation.parent_organisation() or candidacy.organisation,
            )
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    objection = Objection.objects.create(
                        notice=notice,
                        candidacy=candidacy,
                        receipt_no=_receipt_number(today),
                        name=name,
                        contact=contact,
                        reason=reason,
                        evidence=evidence,
                        form_token=value,
                        client_ip=client_ip,
                    )
                    audit.record(actor=None, action="selection.objection.lodge", obj=objection)
                    return objection
            except IntegrityError:
                if Objection.objects.filter(form_token=value).exists():
                    raise SelectionError(_("该表单已经提交过，请勿重复提交。")) from None
        raise SelectionError(_("系统繁忙，请稍后再试。"))


def objection_decide(*, actor, pk, upheld: bool, findings: str) -> Objection:
    """Close an objection with the findings (the edge records them, the handler and the time with the
    state). Upheld: the candidate is withdrawn from the notice and its public row removed."""
    if not findings.strip():
        raise SelectionError(_("请填写调查核实情况。"))
    target = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    with transaction.atomic():
        objection = transition(
            workflow=OBJECTION_WORKFLOW,
            pk=pk,
            to=target,
            actor=actor,
            comment=findings,
            expected_from=ObjectionState.OPEN,
        )
        candidacy = objection.candidacy
        transaction.on_commit(lambda: _enqueue_tell(objection.pk))
        if upheld and candidacy.state == State.NOTICE:
            transition(
                workflow=CANDIDACY_WORKFLOW,
                pk=candidacy.pk,
                to=State.STRUCK,
                actor=actor,
                comment=findings,
                expected_from=State.NOTICE,
            )
            PublicEntry.objects.filter(source=candidacy.public_source).delete()
            registry.public_extras_write(candidacy, None)
            if candidacy.photo is not None:
                stored_file_set_public(stored_file=candidacy.photo, public=False)
    invalidate()
    return objection


def _enqueue_tell(objection_id: int) -> None:
    from .tasks import tell_objector

    try:
        tell_objector.delay(objection_id=objection_id)
    except Exception:  # broker down: the periodic sweep tells them later
        logger.warning("objection %s: telling the objector is left to the sweep", objection_id)


def _outcome_text(objection: Objection) -> str:
    return _("您反映的问题（受理编号 %(receipt)s）已办结：%(outcome)s。%(findings)s") % {
        "receipt": objection.receipt_no,
        "outcome": objection.get_state_display(),
        "findings": objection.findings,
    }


def objection_tell(*, objection_id: int, now=None) -> bool:
    """Tell the objector the outcome once, by SMS when the contact is a mobile number, by e-mail when it
    is an address; any other contact can only look the outcome up by receipt number. Idempotent."""
    with transaction.atomic():
        objection = Objection.objects.select_for_update().filter(pk=objection_id).first()
        if objection is None or objection.state == ObjectionState.OPEN or objection.told_at is not None:
            return False
        contact = objection.contact.strip()
        mobile = normalise_mobile(contact)
        if MOBILE_RE.match(mobile):
            send_sms(mobile, _outcome_text(objection))
        elif "@" in contact:
            try:
                validate_email(contact)
            except ValidationError:
                pass
            else:
                send_mail(
                    _("公示异议办理结果"), _outcome_text(objection), settings.DEFAULT_FROM_EMAIL, [contact]
                )
        objection.told_at = now or timezone.now()
        objection.save(update_fields=["told_at", "updated_at"])
    return True


def objections_tell_sweep(*, now) -> int:
    """Periodic: tell objectors whose outcome was recorded over a minute ago and who were not told."""
    pending = Objection.objects.filter(
        told_at__isnull=True, handled_at__lt=now - timedelta(minutes=1)
    ).exclude(state=ObjectionState.OPEN)
    return sum(objection_tell(objection_id=pk, now=now) for pk in pending.values_list("pk", flat=True))


def publish_problems(programme: Programme, *, today: date) -> list[str]:
    # The batch that ends last: publication waits for every batch's period.
    notice = programme.notices.order_by("-ends_on", "-id").first()
    problems = []
    if notice is None:
        problems.append(_("尚未发布公示。"))
    elif today <= notice.ends_on:
        problems.append(_("公示期至 %(end)s 结束，公示期满后才能公布。") % {"end": notice.ends_on})
    open_count = Objection.objects.filter(notice__programme=programme, state=ObjectionState.OPEN).count()
    if open_count:
        problems.append(_("尚有 %(count)s 件异议未办结，全部办结后才能公布。") % {"count": open_count})
    if not Candidacy.objects.filter(programme=programme, state=State.NOTICE).exists():
        problems.append(_("没有公示中的对象可以公布。"))
    return problems


def programme_publish(*, actor, programme: Programme, today: date) -> int:
    """Publish the notice list: candidacies become honourees, their public rows published."""
    if not permissions.is_province_staff(actor):
        raise SelectionError(_("您无权执行此操作。"))
    now = timezone.now()
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        problems = publish_problems(programme, today=today)
        if problems:
            raise SelectionError(" ".join(problems))
        rows = list(
            Candidacy.objects.filter(programme=programme, state=State.NOTICE).select_related(
                "campaign", "programme", "photo"
            )
        )
        for candidacy in rows:
            transition(
                workflow=CANDIDACY_WORKFLOW,
                pk=candidacy.pk,
                to=State.PUBLISHED,
                actor=actor,
                expected_from=State.NOTICE,
            )
            defaults = _public_defaults(candidacy, PublicEntry.Stage.PUBLISHED)
            defaults["published_at"] = now
            entry, _created = PublicEntry.objects.update_or_create(
                source=candidacy.public_source, defaults=defaults
            )
            registry.public_extras_write(candidacy, entry)
    invalidate()
    return len(rows)


def honour_revoke(*, actor, pk, reason: str) -> Candidacy:
    """Revoke a published honour (撤销): off every public page at once."""
    with transaction.atomic():
        candidacy = transition(
            workflow=CANDIDACY_WORKFLOW,
            pk=pk,
            to=State.REVOKED,
            actor=actor,
            comment=reason,
            expected_from=State.PUBLISHED,
        )
        PublicEntry.objects.filter(source=candidacy.public_source).update(stage=PublicEntry.Stage.REVOKED)
        registry.public_extras_write(
            candidacy, PublicEntry.objects.filter(source=candidacy.public_source).first()
        )
        if candidacy.photo_id is not None:
            stored_file_set_public(stored_file=candidacy.photo, public=False)
    invalidate()
    return candidacy


def allocations_set(*, actor, programme: Programme, organisation: Organisation, quotas: dict) -> None:
    """A union's staff set the quotas of the unions it allocates to ({organisation id: quota or None};
    None removes the allocation). The whole set is checked with ``allocation_problems``: nothing is saved
    when the change makes any union give away more than it holds."""
    from .models import Allocation
    from .selectors import allocation_problems

    if not is_staff_of(actor, organisation):
        raise SelectionError(_("您无权执行此操作。"))
    below = Organisation.objects.filter(pk__in=list(quotas), path__startswith=organisation.path).exclude(
        pk=organisation.pk
    )
    if below.count() != len(quotas):
        raise SelectionError(_("只能为本单位下级工会分配名额。"))
    with transaction.atomic():
        lock_quota(programme, organisation)
        if quota_of(programme, organisation) is None:
            raise SelectionError(_("%(org)s 未获分配本项目名额，不能向下分配。") % {"org": organisation.name})
        current = {
            a.organisation_id: a for a in Allocation.objects.select_for_update().filter(programme=programme)
        }
        rows = {pk: a.quota for pk, a in current.items()}
        before = set(allocation_problems(programme, rows))
        for pk, quota in quotas.items():
            if quota is None:
                rows.pop(pk, None)
            else:
                rows[pk] = quota
        # Only what this change breaks: another union's standing problem is not this union's to fix.
        problems = [p for p in allocation_problems(programme, rows) if p not in before]
        if problems:
            raise SelectionError(" ".join(problems))
        for pk, quota in quotas.items():
            row = current.get(pk)
            before = row.quota if row else None
            if quota == before:
                continue
            if quota is None:
                row.delete()
            elif row is None:
                Allocation.objects.create(programme=programme, organisation_id=pk, quota=quota)
            else:
                row.quota = quota
                row.save(update_fields=["quota"])
            audit.record(
                actor=actor,
                action="selection.allocation.set",
                obj=programme,
                org_path=organisation.path,
                changes={str(pk): [before, quota]},
            )
