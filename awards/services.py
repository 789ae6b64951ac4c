"""Writing May Day award nominations: one validation for the form, the offline import and the demo.

``nomination_save`` creates or edits a draft (candidacy + details) after ``nomination_problems`` found
nothing wrong; submitting and everything after it are the shared pipeline's (``selection.services``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.accounts.validators import birth_date_from_id, normalise_id_number, validate_id_number
from unionportal.audit import services as audit
from unionportal.i18n import register_stored_texts
from unionportal.orgs.models import Organisation
from unionportal.selection.enums import Flag, NomineeKind, State, Tag
from unionportal.selection.models import Candidacy, Programme
from unionportal.selection.services import (
    DEEDS_LIMIT,
    SUMMARY_LIMIT,
    SelectionError,
    candidacy_fill,
    characters,
    draft_target,
)
from unionportal.selection.workflows import is_editable

from .models import FrontlineEntry, Nomination, NominationWay

FRONTLINE_CODE = "frontline"  # awards.frontline.CODE (that module imports this one)

# Nominee details per kind (the Nomination fields the form shows and the import reads).
INDIVIDUAL_FIELDS = (
    "gender",
    "ethnicity",
    "birth_date",
    "political_status",
    "education",
    "job_title",
    "position",
    "phone",
    "employer",
)
UNIT_FIELDS = ("enterprise", "unit_organisation", "credit_code", "unit_type", "employees")
TEAM_FIELDS = ("parent_unit", "leader", "member_count", "members")
DETAIL_FIELDS = {
    NomineeKind.INDIVIDUAL: INDIVIDUAL_FIELDS,
    NomineeKind.UNIT: UNIT_FIELDS,
    NomineeKind.TEAM: TEAM_FIELDS,
}
# The shared candidacy fields the submitter fills in.
CANDIDACY_FIELDS = ("name", "unit", "id_number", "summary", "deeds", "tags", "flags", "declarations")


def submitting_organisations(user):
    """The unions ``user`` may nominate for: their own union as a submitter, admin or staff member
    (the matrix's "candidacy" / "change" row, which reaches the union itself)."""
    return Organisation.objects.filter(
        permissions.scope_q(user, "candidacy", "change", "path"), is_active=True
    )


def nomination_problems(*, programme: Programme, fields: dict, details: dict) -> dict[str, str]:
    """Field name -> what is wrong, for everything that can be checked without the database's help."""
    problems: dict[str, str] = {}
    kind = programme.nominee_kind
    if not (fields.get("name") or "").strip():
        problems["name"] = _("请填写推荐对象名称。")
    if characters(fields.get("summary", "")) > SUMMARY_LIMIT:
        problems["summary"] = _("事迹摘要不能超过 %(limit)s 字（不计空白），现为 %(count)s 字。") % {
            "limit": SUMMARY_LIMIT,
            "count": characters(fields.get("summary", "")),
        }
    if characters(fields.get("deeds", "")) > DEEDS_LIMIT:
        problems["deeds"] = _("主要事迹不能超过 %(limit)s 字（不计空白），现为 %(count)s 字。") % {
            "limit": DEEDS_LIMIT,
            "count": characters(fields.get("deeds", "")),
        }
    unknown = set(fields.get("tags") or ()) - set(Tag.values)
    if unknown:
        problems["tags"] = _("未知的重点领域：%(tags)s") % {"tags": "、".join(sorted(unknown))}
    if kind == NomineeKind.INDIVIDUAL:
        id_number = normalise_id_number(fields.get("id_number", ""))
        try:
            validate_id_number(id_number)
        except ValidationError as exc:
            problems["id_number"] = exc.messages[0]
        else:
            born = details.get("birth_date")
            if born and born != birth_date_from_id(id_number):
                problems["birth_date"] = _("出生日期 %(born)s 与身份证号中的 %(id_born)s 不一致。") % {
                    "born": born,
                    "id_born": birth_date_from_id(id_number),
                }
    elif kind == NomineeKind.UNIT:
        if not details.get("enterprise") and not details.get("unit_organisation"):
            problems["enterprise"] = _("请选择推荐的企业或组织。")
    elif kind == NomineeKind.TEAM and not (details.get("leader") or "").strip():
        problems["leader"] = _("请填写班组负责人。")
    return problems


def _clean_fields(programme: Programme, fields: dict, details: dict) -> tuple[dict, dict]:
    kind = programme.nominee_kind
    fields = dict(fields)
    fields["id_number"] = (
        normalise_id_number(fields.get("id_number", "")) if kind == NomineeKind.INDIVIDUAL else ""
    )
    fields["flags"] = {
        k: bool(v)
        for k, v in (fields.get("flags") or {}).items()
        if k in Flag.values and kind == NomineeKind.INDIVIDUAL
    }
    fields["tags"] = [t for t in Tag.values if t in set(fields.get("tags") or ())]
    fields["declarations"] = {k: bool(v) for k, v in (fields.get("declarations") or {}).items() if v}
    details = {k: v for k, v in details.items() if k in DETAIL_FIELDS[kind]}
    if kind == NomineeKind.INDIVIDUAL and fields["id_number"] and not details.get("birth_date"):
        details["birth_date"] = birth_date_from_id(fields["id_number"])
    if kind == NomineeKind.UNIT and not fields.get("unit"):
        unit = details.get("enterprise") or details.get("unit_organisation")
        fields["unit"] = unit.name if unit else ""
    if kind == NomineeKind.UNIT and details.get("enterprise") and not details.get("credit_code"):
        details["credit_code"] = details["enterprise"].credit_code
    if kind == NomineeKind.INDIVIDUAL and details.get("employer") and not fields.get("unit"):
        fields["unit"] = details["employer"].name
    return fields, details


def nomination_save(
    *,
    actor,
    programme: Programme,
    organisation: Organisation | None = None,
    fields: dict,
    details: dict,
    consent: bool,
    photo=None,
    attachments=(),
    instance: Candidacy | None = None,
    now=None,
) -> Candidacy:
    """Create (``organisation`` given) or edit (``instance`` given) a draft nomination.

    ``photo`` and ``attachments`` are checked uploads (the form fields' cleaned values); raises
    SelectionError (one message) or ValidationError (per field) and writes nothing when anything fails.
    """
    now = now or timezone.now()
    programme, organisation = draft_target(
        app="awards",
        programme=programme,
        organisation=organisation,
        instance=instance,
        submitting=submitting_organisations(actor),
        now=now,
    )
    problems = nomination_problems(programme=programme, fields=fields, details=details)
    if problems:
        raise ValidationError(problems)
    fields, details = _clean_fields(programme, fields, details)
    with transaction.atomic():
        if instance is None:
            candidacy = Candidacy(programme=programme, organisation=organisation, created_by=actor)
        else:
            candidacy = Candidacy.objects.select_for_update().get(pk=instance.pk)
            if not is_editable(candidacy):
                raise SelectionError(_("已提交的推荐不能修改；如需修改，请在审核开始前撤回。"))
        before = {name: getattr(candidacy, name) for name in CANDIDACY_FIELDS} if instance else {}
        candidacy_fill(
            candidacy,
            actor=actor,
            organisation=organisation,
            fields={name: value for name, value in fields.items() if name in CANDIDACY_FIELDS},
            consent=consent,
            photo=photo,
            attachments=attachments,
            now=now,
        )
        Nomination.objects.update_or_create(candidacy=candidacy, defaults=details)
        if instance is None and programme.code == FRONTLINE_CODE:
            # An organisation's nomination to the 最美一线职工 selection records its way in.
            FrontlineEntry.objects.create(
                candidacy=candidacy,
                way=NominationWay.ORGANISATION,
                nominator_name=organisation.name,
                phone=details.get("phone", ""),
                employer=candidacy.unit,
                job=details.get("position", ""),
                is_manager=not candidacy.flags.get(Flag.FRONTLINE.value, False),
            )
        audit.record(
            actor=actor,
            action="selection.candidacy.edit" if instance else "selection.candidacy.create",
            obj=candidacy,
            changes=audit.field_changes(
                {k: str(v) for k, v in before.items() if k != "id_number"},
                {k: str(getattr(candidacy, k)) for k in before if k != "id_number"},
            )
            if instance
            else None,
        )
    return candidacy


# --- the 五一劳动奖章 granted through the 最美一线职工 selection ------------------------------------

MEDAL_CODE = "medal"
# How the 奖章 list and the public list mark a medal granted through the frontline selection.
GRANTED_NOTE = gettext_lazy("经最美一线职工评选授予")
register_stored_texts(GRANTED_NOTE)


def granted_award(medal: Programme) -> tuple[str, str]:
    """The award line of a granted medal's public row: 湖北省五一劳动奖章（经最美一线职工评选授予）."""
    with translation.override("zh-hans"):
        chinese = f"{medal.award}（{GRANTED_NOTE}）"
    with translation.override("en"):
        english = f"{medal.award_en or translation.gettext(medal.award)} ({GRANTED_NOTE})"
    return chinese[:80], english[:120]


def medal_grant_from_frontline(*, actor, programme: Programme, now=None) -> list[Candidacy]:
    """Add each published winner of the 最美一线职工 ``programme`` to the 五一劳动奖章 list of the same
    campaign: a medal candidacy approved directly (no review: the frontline selection's expert review,
    public vote, notice and publication stand for it) and published with it, outside the medal's quota
    (``granted_from`` records the source; ``selection.selectors.forwarded`` does not count such rows),
    marked 经最美一线职工评选授予 on the list and on the public row, one audit event each.

    Province staff only. Idempotent: a winner already granted is skipped. Raises SelectionError when
    the campaign has no medal programme or the selection has no published winner; nothing is written.
    """
    from unionportal.public.cache import invalidate
    from unionportal.public.models import PublicEntry

    from .frontline import is_frontline

    now = now or timezone.now()
    if not permissions.is_province_staff(actor):
        raise SelectionError(_("您无权执行此操作。"))
    if not is_frontline(programme):
        raise SelectionError(_("该项目不是最美一线职工评选。"))
    medal = Programme.objects.filter(campaign_id=programme.campaign_id, code=MEDAL_CODE, app="awards").first()
    if medal is None:
        raise SelectionError(_("本年度活动没有“五一劳动奖章”项目，不能授予。"))
    granted = []
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=medal.pk).first()
        winners = list(
            Candidacy.objects.select_for_update(of=("self",))
            .filter(programme=programme, state=State.PUBLISHED)
            .select_related("organisation", "photo", "campaign")
            .order_by("rank", "id")
        )
        if not winners:
            raise SelectionError(_("最美一线职工评选尚未公布入选名单，不能授予五一劳动奖章。"))
        done = set(
            Candidacy.objects.filter(granted_from__in=winners).values_list("granted_from_id", flat=True)
        )
        award, award_en = granted_award(medal)
        for winner in winners:
            if winner.pk in done:
                continue
            entry = getattr(winner, "frontline", None)
            grant = Candidacy.objects.create(
                programme=medal,
                campaign_id=medal.campaign_id,
                organisation=winner.organisation,
                state=State.PUBLISHED,
                name=winner.name,
                unit=winner.unit,
                region=winner.region,
                id_number=winner.id_number,
                flags=winner.flags,
                declarations=winner.declarations,
                tags=winner.tags,
                summary=winner.summary,
                deeds=winner.deeds,
                photo=winner.photo,
                consent_at=winner.consent_at,
                past_honours=winner.past_honours,
                rank=winner.rank,
                created_by=actor,
                submitted_at=now,
                granted_from=winner,
            )
            Nomination.objects.create(
                candidacy=grant,
                birth_date=birth_date_from_id(winner.id_number) if winner.id_number else None,
                position=entry.job if entry else "",
                phone=entry.phone if entry else "",
            )
            PublicEntry.objects.update_or_create(
                source=grant.public_source,
                defaults={
                    "year": winner.campaign.year,
                    "programme": medal.name,
                    "award": award,
                    "award_en": award_en,
                    "name": grant.name,
                    "unit": grant.unit,
                    "region": grant.region,
                    "stage": PublicEntry.Stage.PUBLISHED,
                    "summary": grant.summary,
                    "deeds": grant.deeds,
                    "photo": grant.photo,
                    "tags": "," + ",".join(grant.tags) + "," if grant.tags else "",
                    "published_at": now,
                },
            )
            audit.record(
                actor=actor,
                action="awards.medal.grant",
                obj=grant,
                to_state=State.PUBLISHED,
                comment=str(GRANTED_NOTE),
                changes={"granted_from": [None, winner.pk]},
            )
            granted.append(grant)
    invalidate()
    return granted
