"""技能大赛 (skills contests): events per trade of a competition under the skills-contest theme, the results
entered by the organiser's staff, their publication on a public results page; and putting a competition
winner or a skills champion forward to an open May Day award programme as a draft candidacy (through the
shared selection pipeline, never by importing the awards app), recording the source once."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import fragments, permissions
from unionportal.audit import services as audit
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy, Programme
from unionportal.selection.services import candidacy_prepare

from .enums import EntrantKind, WinnerState
from .models import Competition, PutForward, SkillsEvent, SkillsResult, Winner
from .selectors import ENTRY_TOPIC, access_competition
from .services import CompetitionError

SKILLS_THEME = "skills-contest"
AWARD_APP = "awards"  # the May Day award programmes of the selection pipeline
MAX_RESULTS = 500


def is_skills(competition: Competition) -> bool:
    return competition.theme.code == SKILLS_THEME


# --- reads -----------------------------------------------------------------------------------------------------


def events_for(user, action: str = "change"):
    return SkillsEvent.objects.filter(permissions.scope_q(user, "competition", action, "org_path"))


def access_event(user, pk, *, action: str = "change", for_update: bool = False) -> SkillsEvent:
    rows = events_for(user, action).select_related("competition__organiser", "competition__theme")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows, pk=pk)


def events_waiting(user):
    """Events of the user's reach with results entered and not yet published (the organiser's to-do)."""
    return events_for(user, "change").filter(published_at__isnull=True, results__isnull=False).distinct()


def results_of(event: SkillsEvent):
    return (
        SkillsResult.objects.filter(event=event)
        .select_related("enterprise", "organisation", "put_forward")
        .order_by("rank", "id")
    )


def published_event(pk) -> SkillsEvent:
    return get_object_or_404(
        SkillsEvent.objects.select_related("competition__organiser"), pk=pk, published_at__isnull=False
    )


def published_events():
    return (
        SkillsEvent.objects.filter(published_at__isnull=False)
        .select_related("competition")
        .order_by("-held_on", "id")
    )


def open_programmes(*, nominee_kind: str, now=None):
    """The May Day award programmes taking nominations now, for this kind of nominee."""
    return (
        Programme.objects.open_for_intake(now)
        .filter(app=AWARD_APP, nominee_kind=nominee_kind)
        .select_related("campaign")
        .order_by("-campaign__year", "id")
    )


# --- events and results ----------------------------------------------------------------------------------------


def event_save(*, actor, competition_id: int, data: dict, pk: int | None = None) -> SkillsEvent:
    """Create or change one trade's event of a skills contest (staff of the organiser or above)."""
    with transaction.atomic():
        competition = access_competition(actor, competition_id, action="change")
        if not is_skills(competition):
            raise CompetitionError(_("只有“职工技能大赛”主题的竞赛才能设置比赛工种。"))
        problems = []
        trade = data["trade"].strip()
        if not trade:
            problems.append(_("请填写比赛工种。"))
        if not competition.starts_on <= data["held_on"] <= competition.ends_on:
            problems.append(
                _("比赛日期须在竞赛期间（%(start)s至%(end)s）之内。")
                % {"start": competition.starts_on.isoformat(), "end": competition.ends_on.isoformat()}
            )
        clash = SkillsEvent.objects.filter(competition=competition, trade=trade)
        if pk is not None:
            clash = clash.exclude(pk=pk)
        if trade and clash.exists():
            problems.append(_("本竞赛已有“%(trade)s”赛项。") % {"trade": trade})
        if problems:
            raise CompetitionError(" ".join(problems))
        if pk is None:
            event = SkillsEvent(competition=competition, created_by=actor)
        else:
            event = access_event(actor, pk, for_update=True)
            if event.competition_id != competition.pk:
                raise CompetitionError(_("不能执行此操作。"))
        event.trade, event.held_on = trade, data["held_on"]
        event.place, event.organiser = data["place"].strip(), data["organiser"].strip()
        event.org_path = competition.org_path
        event.save()
        audit.record(
            actor=actor,
            action="competitions.skills.event" if pk is None else "competitions.skills.event_update",
            obj=event,
        )
    return event


def result_problems(competition: Competition, row: dict) -> list[str]:
    """What is wrong with one result row (rank, score, contestant, enterprise or unit, union)."""
    problems = []
    if not (row.get("contestant") or "").strip():
        problems.append(_("请填写选手姓名。"))
    rank, score = row.get("rank"), row.get("score")
    if rank is None or rank < 1:
        problems.append(_("名次须为正整数。"))
    if score is None or not Decimal(0) <= score <= Decimal(100):
        problems.append(_("成绩须在 0 至 100 之间。"))
    organisation = row.get("organisation")
    if organisation is None or not organisation.path.startswith(competition.scope_path):
        problems.append(_("选手所属工会须在本竞赛的参赛范围之内。"))
    elif organisation.level != Level.GRASSROOTS:
        problems.append(_("选手所属工会须为基层工会。"))
    if row.get("enterprise") is None and not (row.get("unit") or "").strip():
        problems.append(_("请选择所在企业或填写所在单位。"))
    return problems


def results_add(*, actor, event_id: int, rows: list[dict]) -> list[SkillsResult]:
    """Add result rows to an event not yet published, all or nothing: a list of messages (each naming
    its row when there are several) and nothing saved when any row is wrong."""
    with transaction.atomic():
        event = access_event(actor, event_id, for_update=True)
        if event.published_at is not None:
            raise CompetitionError(_("成绩已公布，不能再添加。"))
        if not rows:
            raise CompetitionError(_("没有可导入的成绩。"))
        if len(rows) + event.results.count() > MAX_RESULTS:
            raise CompetitionError(_("每个赛项最多 %(n)s 条成绩。") % {"n": MAX_RESULTS})
        taken = set(event.results.values_list("contestant", flat=True))
        problems = []
        for number, row in enumerate(rows, start=1):
            found = result_problems(event.competition, row)
            name = (row.get("contestant") or "").strip()
            if name and name in taken:
                found.append(_("选手“%(name)s”已有成绩。") % {"name": name})
            taken.add(name)
            if found and len(rows) > 1:
                problems.append(_("第 %(n)s 行：%(problems)s") % {"n": number, "problems": " ".join(found)})
            else:
                problems += found
        if problems:
            raise CompetitionError(" ".join(problems))
        created = SkillsResult.objects.bulk_create(
            [
                SkillsResult(
                    event=event,
                    rank=row["rank"],
                    score=row["score"],
                    contestant=row["contestant"].strip(),
                    enterprise=row.get("enterprise"),
                    unit=(row.get("unit") or "").strip(),
                    organisation=row["organisation"],
                )
                for row in rows
            ]
        )
        audit.record(actor=actor, action="competitions.skills.results", obj=event, comment=str(len(created)))
        fragments.bump(ENTRY_TOPIC, event.org_path)  # bulk_create sends no signal (the organiser's to-do)
    return created


def result_delete(*, actor, result_id: int) -> None:
    with transaction.atomic():
        result = get_object_or_404(
            SkillsResult.objects.filter(event__in=events_for(actor)).select_for_update(of=("self",)),
            pk=result_id,
        )
        event = access_event(actor, result.event_id, for_update=True)
        if event.published_at is not None:
            raise CompetitionError(_("成绩已公布，不能删除。"))
        if PutForward.objects.filter(result=result).exists():
            raise CompetitionError(_("该选手已推荐参加评选，不能删除。"))
        audit.record(
            actor=actor, action="competitions.skills.result_delete", obj=event, comment=result.contestant
        )
        result.delete()
        fragments.bump(ENTRY_TOPIC, event.org_path)


def event_publish(*, actor, event_id: int, now=None) -> SkillsEvent:
    now = now or timezone.now()
    with transaction.atomic():
        event = access_event(actor, event_id, for_update=True)
        if event.published_at is not None:
            raise CompetitionError(_("该赛项成绩已公布。"))
        if not event.results.exists():
            raise CompetitionError(_("尚未录入成绩，不能公布。"))
        event.published_at = now
        event.save(update_fields=["published_at"])
        audit.record(actor=actor, action="competitions.skills.publish", obj=event)
    return event


# --- putting forward to a May Day award programme --------------------------------------------------------------


def put_forward(
    *, actor, programme_id: int, winner_id: int | None = None, result_id: int | None = None, now=None
) -> Candidacy:
    """Create a draft candidacy in an open May Day award programme for a published competition winner
    (``winner_id``) or a skills champion (``result_id``: first place of a published event), held by the
    union that entered them, and record its source. Staff of the organiser or above; once per source."""
    now = now or timezone.now()
    with transaction.atomic():
        if winner_id is not None:
            winner = get_object_or_404(
                Winner.objects.select_for_update(of=("self",))
                .select_related("entrant__organisation", "entrant__enterprise", "title", "competition")
                .filter(competition__in=Competition.objects.visible_to(actor, "review")),
                pk=winner_id,
            )
            if winner.state != WinnerState.PUBLISHED:
                raise CompetitionError(_("只有已公布的表彰对象才能推荐参加评选。"))
            source, kind = {"winner": winner}, winner.competition.entrant_kind
            organisation = winner.entrant.organisation
            name = winner.entrant.name
            unit = winner.entrant.enterprise.name if winner.entrant.enterprise_id else organisation.name
            summary = _("%(competition)s“%(title)s”。") % {
                "competition": winner.competition.title,
                "title": winner.title.name,
            }
            if winner.summary:
                summary += winner.summary
            done = PutForward.objects.filter(winner=winner).exists()
        elif result_id is not None:
            result = get_object_or_404(
                SkillsResult.objects.select_for_update(of=("self",))
                .select_related("event__competition", "enterprise", "organisation")
                .filter(event__in=events_for(actor, "review")),
                pk=result_id,
            )
            if result.event.published_at is None:
                raise CompetitionError(_("赛项成绩尚未公布，不能推荐。"))
            if result.rank != 1:
                raise CompetitionError(_("只有赛项第一名（冠军）才能推荐参加评选。"))
            source, kind = {"result": result}, EntrantKind.INDIVIDUAL
            organisation, name, unit = result.organisation, result.contestant, result.unit_label
            summary = _("%(competition)s%(trade)s赛项第一名，成绩 %(score)s 分。") % {
                "competition": result.event.competition.title,
                "trade": result.event.trade,
                "score": result.score,
            }
            done = PutForward.objects.filter(result=result).exists()
        else:
            raise CompetitionError(_("不能执行此操作。"))
        if done:
            raise CompetitionError(_("“%(name)s”已推荐参加评选，不能重复推荐。") % {"name": name})
        programme = (
            open_programmes(nominee_kind=kind, now=now)
            .select_for_update(of=("self",))
            .filter(pk=programme_id)
            .first()
        )
        if programme is None:
            if not open_programmes(nominee_kind=kind, now=now).exists():
                raise CompetitionError(_("目前没有正在申报的五一劳动奖评选项目，不能推荐。"))
            raise CompetitionError(_("所选评选项目不在申报时间内或不适用于该对象。"))
        candidacy = Candidacy(
            programme=programme,
            organisation=organisation,
            state=State.DRAFT,
            name=name[:120],
            unit=unit[:200],
            summary=summary,
            created_by=actor,
        )
        candidacy_prepare(candidacy)
        try:
            with transaction.atomic():
                candidacy.save()
                PutForward.objects.create(candidacy=candidacy, created_by=actor, **source)
        except IntegrityError:
            raise CompetitionError(_("“%(name)s”已推荐参加评选，不能重复推荐。") % {"name": name}) from None
        audit.record(
            actor=actor,
            action="competitions.put_forward",
            obj=candidacy,
            org_path=organisation.path,
            comment=programme.name,
        )
    return candidacy


def organisation_choices(competition: Competition):
    return Organisation.objects.filter(
        path__startswith=competition.scope_path, level=Level.GRASSROOTS
    ).order_by("path")


def enterprise_choices(competition: Competition):
    scope = competition.scope_path
    return Enterprise.objects.filter(
        Q(township__path__startswith=scope) | Q(union__path__startswith=scope)
    ).order_by("name", "id")
