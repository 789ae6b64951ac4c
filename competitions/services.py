"""Every write of the competitions app. Each service checks the whole request first and raises
CompetitionError (a message in the user's language) having saved nothing; records outside the actor's
scope answer Http404 (the selectors)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.audit import services as audit
from unionportal.audit.transitions import TransitionError, transition
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.public.models import PublicEntry
from unionportal.public.services import entries_write
from unionportal.selection.services import region_of
from unionportal.uploads.services import UploadRejected, upload_store

from . import scoring
from .enums import EntrantState, Method, WinnerState
from .models import (
    Competition,
    Entrant,
    Indicator,
    Period,
    ScoreReport,
    ScoreValue,
    TeamMember,
    Winner,
    WinnerTitle,
)
from .selectors import access_competition, access_entrant, access_report, entering_organisations

__all__ = ["CompetitionError", "UploadRejected"]

MAX_EVIDENCE = 9
MAX_MEMBERS = 50
COMPETITION_FIELDS = (
    "title",
    "theme",
    "organiser",
    "scope",
    "starts_on",
    "ends_on",
    "period_months",
    "report_days",
    "entrant_kind",
    "rules",
)
INDICATOR_FIELDS = (
    "name",
    "unit",
    "weight",
    "method",
    "direction",
    "target",
    "base",
    "points_better",
    "points_worse",
    "cap",
    "min_value",
    "max_value",
)


class CompetitionError(TransitionError):
    """Input the user can fix; ``message`` says what, in the user's language."""


# --- competitions and their indicators --------------------------------------------------------------------


def indicator_problems(indicators: list[dict]) -> list[str]:
    """What is wrong with a competition's indicators as a whole (each row's fields are the form's)."""
    problems = []
    if not indicators:
        return [_("请至少设置一项竞赛指标。")]
    names = [row["name"].strip() for row in indicators]
    if len(set(names)) != len(names):
        problems.append(_("指标名称不能重复。"))
    total = sum((Decimal(row["weight"]) for row in indicators), Decimal(0))
    if total != Decimal(100):
        problems.append(_("各项指标的权重合计应为 100，现为 %(total)s。") % {"total": f"{total:g}"})
    for row in indicators:
        if row.get("method", Method.TARGET) == Method.TARGET and row.get("target") is None:
            problems.append(_("设标定量计分的指标“%(name)s”须填写目标值。") % {"name": row["name"]})
        low, high = row.get("min_value"), row.get("max_value")
        if low is not None and high is not None and low > high:
            problems.append(_("指标“%(name)s”的最小值大于最大值。") % {"name": row["name"]})
        if Decimal(row.get("base") or 0) > Decimal(row.get("cap") or 100):
            problems.append(_("指标“%(name)s”的达标得分超过满分。") % {"name": row["name"]})
    return problems


def periods_of(
    starts_on: date, ends_on: date, months: int, report_days: int
) -> list[tuple[date, date, date]]:
    """(start, end, due) of each report period: ``months`` long from the start, the last cut at the end."""
    periods, start = [], starts_on
    while start <= ends_on:
        end = min(start + relativedelta(months=months) - timedelta(days=1), ends_on)
        periods.append((start, end, end + timedelta(days=report_days)))
        start = end + timedelta(days=1)
    return periods


def competition_save(*, actor, data: dict, indicators: list[dict], pk: int | None = None) -> Competition:
    """Create (``pk`` None) or change a competition with its whole list of indicators, and lay out its
    report periods. Staff of the organiser or above only; the scope must lie inside the organiser's
    subtree; weights add up to 100. Indicators and periods cannot change once reports exist."""
    organiser: Organisation = data["organiser"]
    scope: Organisation = data["scope"]
    if not permissions.covers(actor, "competition", "change", organiser.path):
        raise CompetitionError(_("您不能以该组织的名义举办竞赛。"))
    problems = []
    if not scope.path.startswith(organiser.path):
        problems.append(_("参赛范围须在主办单位及其下级组织之内。"))
    if data["ends_on"] < data["starts_on"]:
        problems.append(_("结束日期不能早于开始日期。"))
    elif (data["ends_on"] - data["starts_on"]).days > 366 * 5:
        problems.append(_("竞赛周期不能超过五年。"))
    problems += indicator_problems(indicators)
    if problems:
        raise CompetitionError(" ".join(problems))
    with transaction.atomic():
        if pk is None:
            competition = Competition(created_by=actor)
        else:
            competition = access_competition(actor, pk, action="change", for_update=True)
        has_reports = pk is not None and ScoreReport.objects.filter(entrant__competition=competition).exists()
        if has_reports and _layout_changed(competition, data, indicators):
            raise CompetitionError(_("已有成绩报送，不能再修改竞赛周期和指标。"))
        for name in COMPETITION_FIELDS:
            setattr(competition, name, data[name])
        competition.org_path, competition.scope_path = organiser.path, scope.path
        competition.save()
        if not has_reports:
            Indicator.objects.filter(competition=competition).delete()
            Indicator.objects.bulk_create(
                [
                    Indicator(competition=competition, order=i, **{f: row.get(f) for f in INDICATOR_FIELDS})
                    for i, row in enumerate(_indicator_defaults(indicators))
                ]
            )
            Period.objects.filter(competition=competition).delete()
            Period.objects.bulk_create(
                [
                    Period(competition=competition, number=n, starts_on=s, ends_on=e, due_on=d)
                    for n, (s, e, d) in enumerate(
                        periods_of(
                            competition.starts_on,
                            competition.ends_on,
                            competition.period_months,
                            competition.report_days,
                        ),
                        start=1,
                    )
                ]
            )
        audit.record(
            actor=actor,
            action="competitions.competition.create" if pk is None else "competitions.competition.update",
            obj=competition,
        )
    return competition


def _indicator_defaults(indicators):
    defaults = {
        "base": Decimal(60),
        "points_better": Decimal(0),
        "points_worse": Decimal(0),
        "cap": Decimal(100),
    }
    for row in indicators:
        yield {**defaults, **{k: v for k, v in row.items() if v is not None}}


def _layout_changed(competition: Competition, data: dict, indicators: list[dict]) -> bool:
    if any(
        getattr(competition, name) != data[name]
        for name in ("starts_on", "ends_on", "period_months", "report_days")
    ):
        return True
    current = [
        [getattr(i, f) for f in INDICATOR_FIELDS] for i in Indicator.objects.filter(competition=competition)
    ]
    wanted = [[row.get(f) for f in INDICATOR_FIELDS] for row in _indicator_defaults(indicators)]
    # Compared as values (Decimal("60") == Decimal("60.00")), an empty unit as "".
    return [[v or "" if not isinstance(v, Decimal) else v for v in r] for r in current] != [
        [v or "" if not isinstance(v, Decimal) else v for v in r] for r in wanted
    ]


# --- registration ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    name: str
    post: str = ""


def entrant_register(
    *,
    actor,
    competition_id: int,
    organisation_id: int,
    name: str,
    leader: str = "",
    enterprise_id: int | None = None,
    members: list[MemberRow] = (),
    today: date | None = None,
) -> Entrant:
    """A grassroots union inside the competition's scope enters a team, unit or person; the entrant
    waits for the organiser's approval. Raises CompetitionError (outside the scope, after the end, an
    enterprise not of the union, a name taken, too many or no team members) with nothing saved."""
    today = today or timezone.localdate()
    competition = access_competition(actor, competition_id)
    name = (name or "").strip()
    allowed = {o.pk: o for o in entering_organisations(actor, competition)}
    organisation = allowed.get(int(organisation_id)) if str(organisation_id).isdigit() else None
    if organisation is None:
        raise CompetitionError(_("只有参赛范围内的基层工会可以报名参加本竞赛。"))
    problems = []
    if today > competition.ends_on:
        problems.append(_("竞赛已于 %(date)s 结束，不能再报名。") % {"date": competition.ends_on.isoformat()})
    if not name:
        problems.append(_("请填写参赛名称。"))
    enterprise = None
    if enterprise_id:
        enterprise = Enterprise.objects.filter(pk=enterprise_id, union=organisation).first()
        if enterprise is None:
            problems.append(_("所选企业不属于报名工会。"))
    members = [m for m in members if m.name.strip()]
    if competition.entrant_kind == "team" and not members:
        problems.append(_("班组参赛须填写班组成员。"))
    if len(members) > MAX_MEMBERS:
        problems.append(_("班组成员最多 %(n)s 人。") % {"n": MAX_MEMBERS})
    if Entrant.objects.filter(competition=competition, name=name).exists():
        problems.append(_("本竞赛已有名为“%(name)s”的参赛对象。") % {"name": name})
    if problems:
        raise CompetitionError(" ".join(problems))
    try:
        with transaction.atomic():
            entrant = Entrant.objects.create(
                competition=competition,
                organisation=organisation,
                org_path=organisation.path,
                enterprise=enterprise,
                name=name,
                leader=leader.strip(),
                created_by=actor,
            )
            TeamMember.objects.bulk_create(
                [TeamMember(entrant=entrant, name=m.name.strip(), post=m.post.strip()) for m in members]
            )
            audit.record(actor=actor, action="competitions.entrant.register", obj=entrant)
    except IntegrityError:
        raise CompetitionError(_("本竞赛已有名为“%(name)s”的参赛对象。") % {"name": name}) from None
    return entrant


# --- score reports ---------------------------------------------------------------------------------------------


def _as_decimal(raw) -> Decimal | None:
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _plain(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def score_value(indicator: Indicator, raw) -> tuple[ScoreValue | None, str]:
    """One indicator's figure scored (an unsaved ScoreValue), or what is wrong with it: missing, not a
    number, or outside the indicator's range (a judged mark between 0 and its cap)."""
    if raw is None or raw == "":
        return None, _("请填写指标“%(name)s”。") % {"name": indicator.name}
    value = _as_decimal(raw)
    if value is None:
        return None, _("指标“%(name)s”须填写数字。") % {"name": indicator.name}
    low, high = indicator.min_value, indicator.max_value
    if indicator.method == Method.JUDGED:
        low, high = Decimal(0) if low is None else low, indicator.cap if high is None else high
    if (low is not None and value < low) or (high is not None and value > high):
        return None, _("指标“%(name)s”的数值应在 %(low)s 至 %(high)s 之间。") % {
            "name": indicator.name,
            "low": _plain(low),
            "high": _plain(high),
        }
    if indicator.method == Method.JUDGED:
        score = scoring.judged_score(value=value, cap=indicator.cap)
    else:
        score = scoring.indicator_score(
            value=value,
            target=indicator.target,
            direction=indicator.direction,
            base=indicator.base,
            points_better=indicator.points_better,
            points_worse=indicator.points_worse,
            cap=indicator.cap,
        )
    part = scoring.weighted(score=score, cap=indicator.cap, weight=indicator.weight)
    return ScoreValue(indicator=indicator, value=value, score=score, weighted=part), ""


def score_values(indicators: list[Indicator], values: dict) -> tuple[list[ScoreValue], Decimal, list[str]]:
    """The scored values of a report (unsaved), its weighted total and what is wrong with the figures."""
    rows, problems, total = [], [], Decimal(0)
    for indicator in indicators:
        row, problem = score_value(indicator, values.get(indicator.pk))
        if problem:
            problems.append(problem)
            continue
        total += row.weighted
        rows.append(row)
    unknown = set(values) - {i.pk for i in indicators}
    if unknown:
        problems.append(_("填报了本竞赛没有的指标。"))
    return rows, total, problems


def report_save(
    *,
    actor,
    values: dict,
    note: str = "",
    evidence_files=(),
    remove_evidence_ids=(),
    entrant_id: int | None = None,
    period_id: int | None = None,
    report_id: int | None = None,
    today: date | None = None,
) -> ScoreReport:
    """File a new report (``entrant_id`` and ``period_id``) or change one (``report_id``) still a draft or
    returned. ``values``: {indicator id: value}; ``evidence_files``: (file, "image" or "pdf") pairs. Refused with a message and nothing saved: an entrant not
    approved, a period not of the competition or not begun, a second report for a period, an edit after
    the organiser checked it, a value missing, not a number or out of range; UploadRejected for a file."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if report_id is not None:
            report = access_report(actor, report_id, action="change", for_update=True)
            if not report.is_editable:
                raise CompetitionError(
                    _("成绩报送处于“%(state)s”状态，不能修改。") % {"state": report.get_state_display()}
                )
            entrant, period = report.entrant, report.period
        else:
            entrant = access_entrant(actor, entrant_id, action="change", for_update=True)
            if entrant.state != EntrantState.APPROVED:
                raise CompetitionError(_("报名通过审核后才能报送成绩。"))
            period = Period.objects.filter(pk=period_id, competition_id=entrant.competition_id).first()
            if period is None:
                raise CompetitionError(_("所选报送期不属于本竞赛。"))
            if period.starts_on > today:
                raise CompetitionError(
                    _("第%(n)s期自 %(date)s 开始，尚不能报送。")
                    % {"n": period.number, "date": period.starts_on.isoformat()}
                )
            if ScoreReport.objects.filter(entrant=entrant, period=period).exists():
                raise CompetitionError(
                    _("“%(name)s”第%(n)s期的成绩已报送，请修改已有的报送。")
                    % {"name": entrant.name, "n": period.number}
                )
            report = None
        if not permissions.allows(actor, "competition_entry", "change", entrant):
            raise CompetitionError(_("您无权执行此操作。"))
        indicators = list(Indicator.objects.filter(competition_id=entrant.competition_id))
        rows, total, problems = score_values(indicators, values)
        kept = 0 if report is None else report.evidence.exclude(pk__in=list(remove_evidence_ids)).count()
        if kept + len(evidence_files) > MAX_EVIDENCE:
            problems.append(_("佐证材料最多 %(n)s 份。") % {"n": MAX_EVIDENCE})
        if problems:
            raise CompetitionError(" ".join(problems))
        if report is None:
            report = ScoreReport.objects.create(
                entrant=entrant,
                period=period,
                org_path=entrant.org_path,
                total=total,
                note=note,
                created_by=actor,
            )
            action = "competitions.report.create"
        else:
            report.total, report.note = total, note
            report.save(update_fields=["total", "note", "updated_at"])
            ScoreValue.objects.filter(report=report).delete()
            if remove_evidence_ids:
                report.evidence.remove(*report.evidence.filter(pk__in=list(remove_evidence_ids)))
            action = "competitions.report.update"
        for row in rows:
            row.report = report
        ScoreValue.objects.bulk_create(rows)
        stored = [
            upload_store(file=f, kind=kind, actor=actor, organisation=entrant.organisation)
            for f, kind in evidence_files
        ]
        if stored:
            report.evidence.add(*stored)
        audit.record(actor=actor, action=action, obj=report, changes={"total": [None, str(total)]})
    return report


# --- winners and their publication -----------------------------------------------------------------------------


def winner_propose(
    *, actor, competition_id: int, entrant_id: int, title_id: int, summary: str = ""
) -> Winner:
    """The organiser names an approved entrant for a title of its kind (once per entrant)."""
    from .workflows import is_organiser_staff

    with transaction.atomic():
        competition = access_competition(actor, competition_id, action="review", for_update=True)
        if not is_organiser_staff(actor, competition):
            raise CompetitionError(_("您无权执行此操作。"))
        entrant = Entrant.objects.filter(
            pk=entrant_id, competition=competition, state=EntrantState.APPROVED
        ).first()
        if entrant is None:
            raise CompetitionError(_("只能表彰本竞赛已通过审核的参赛对象。"))
        title = WinnerTitle.objects.filter(pk=title_id).first()
        if title is None or title.entrant_kind != competition.entrant_kind:
            raise CompetitionError(_("该称号不适用于本竞赛的参赛对象。"))
        if Winner.objects.filter(competition=competition, entrant=entrant).exists():
            raise CompetitionError(_("“%(name)s”已在表彰名单中。") % {"name": entrant.name})
        winner = Winner.objects.create(
            competition=competition,
            entrant=entrant,
            title=title,
            summary=summary.strip(),
            org_path=entrant.org_path,
        )
        audit.record(actor=actor, action="competitions.winner.propose", obj=winner)
    return winner


def _public_fields(winner: Winner) -> dict:
    competition = winner.competition
    return {
        "year": competition.ends_on.year,
        "programme": competition.title[:80],
        "award": winner.title.name,
        "award_en": winner.title.name_en,
        "name": winner.entrant.name,
        "unit": (
            winner.entrant.enterprise.name
            if winner.entrant.enterprise_id
            else winner.entrant.organisation.name
        ),
        "region": region_of(winner.entrant.organisation),
        "summary": winner.summary,
    }


def winners_move(*, actor, competition_id: int, to: str, now=None) -> int:
    """Put the proposed winners on notice (公示), or publish those on notice: each moves through the
    transition service and its public row is written by the public table's service, so the list shows
    on the notice and honouree pages. Returns how many moved; CompetitionError when none can."""
    from .workflows import WINNER_WORKFLOW

    source = {WinnerState.NOTICE: WinnerState.PROPOSED, WinnerState.PUBLISHED: WinnerState.NOTICE}.get(to)
    if source is None:
        raise CompetitionError(_("不能执行此操作。"))
    now = now or timezone.now()
    with transaction.atomic():
        competition = access_competition(actor, competition_id, action="review", for_update=True)
        winners = list(
            Winner.objects.filter(competition=competition, state=source).select_related(
                "competition", "title", "entrant__organisation", "entrant__enterprise"
            )
        )
        if not winners:
            raise CompetitionError(
                _("没有拟表彰的对象可以公示。")
                if to == WinnerState.NOTICE
                else _("没有公示中的对象可以公布。")
            )
        rows = []
        for winner in winners:
            transition(
                workflow=WINNER_WORKFLOW, pk=winner.pk, to=to, actor=actor, expected_from=source, now=now
            )
            fields = _public_fields(winner)
            if to == WinnerState.PUBLISHED:
                fields["published_at"] = now
                stage = PublicEntry.Stage.PUBLISHED
            else:
                stage = PublicEntry.Stage.NOTICE
            rows.append((winner.public_source, stage, fields))
        entries_write(rows=rows)
    return len(winners)
