"""Score reports collected on paper, imported through the shared import base (preview, confirm,
row-numbered errors, all or nothing): ``competitions.score_reports``.

A competition's indicators differ from one competition to the next, so the file is long rather than
wide: one row per entrant, period and indicator. The rows of one entrant and period make one report,
which must give every indicator of its competition once. Each report is written by ``report_save`` (the
service the report form uses), so an import checks what a form would: the entrant registered and
approved and the importer's union its registering union, the period of the competition and begun, each
figure a number inside its indicator's range, no second report for a period. A report still a draft or
returned is replaced by the file's figures; one submitted or checked cannot be changed. Imported reports
are drafts: the union adds the evidence and submits each one.

``report_sheet_xlsx`` fills the file in advance for one competition: a row for each of the user's
approved entrants and each indicator, for the latest period begun.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.imports.enums import RowStatus
from unionportal.imports.files import import_sheet_xlsx
from unionportal.imports.importers import Importer, ImportRejected, Outcome, Sheet
from unionportal.imports.resources import missing_columns_message
from unionportal.imports.widgets import shown

from .enums import EntrantState
from .models import Competition, Entrant, Indicator, Period, ScoreReport

KIND = "competition_entry"
COMPETITION, ENTRANT, PERIOD, INDICATOR, VALUE, NOTE = (
    "竞赛编号",
    "参赛名称",
    "期次",
    "指标名称",
    "数值",
    "说明",
)
# (column, required)
COLUMNS = [
    (COMPETITION, True),
    (ENTRANT, True),
    (PERIOD, True),
    (INDICATOR, True),
    (VALUE, True),
    (NOTE, False),
]
MAX_ROWS = 20000


@dataclass
class _Report:
    """The rows of one entrant and period."""

    first_row: int
    entrant: Entrant
    period: Period
    values: dict = field(default_factory=dict)  # indicator pk → the cell as given
    rows: dict = field(default_factory=dict)  # indicator pk → its spreadsheet row
    note: str = ""
    existing: ScoreReport | None = None


class ScoreReportImporter(Importer):
    sheets = (Sheet("", "", "", MAX_ROWS),)
    description = gettext_lazy(
        "每行一个参赛对象、一期、一项指标；同一参赛对象同一期的各行合为一份成绩报送，须填齐该竞赛的全部指标。"
        "可在竞赛页面下载预先填好参赛对象和指标的报送表。导入的报送为草稿，补充佐证材料后逐份提交；"
        "已提交或已核查的报送不能通过导入修改。导入要么全部成功，要么一行也不写入。"
    )

    @classmethod
    def can_import(cls, user) -> bool:
        return permissions.may(user, KIND, "import")

    def columns(self, sheet: Sheet) -> list[str]:
        return [name for name, _required in COLUMNS]

    def missing_columns(self, sheet: Sheet, headers: list[str]) -> list[str]:
        present = set(headers)
        return [name for name, required in COLUMNS if required and name not in present]

    # --- reading -----------------------------------------------------------------------------------------

    def _parse(self, table) -> tuple[Outcome, list[_Report]]:
        outcome = Outcome()
        missing = self.missing_columns(self.sheets[0], table.headers)
        if missing:
            outcome.file_errors.append(missing_columns_message(missing))
            return outcome, []
        index = {header: n for n, header in enumerate(table.headers)}
        records = list(table.numbered())
        outcome.total = len(records)
        if not records:
            outcome.file_errors.append(_("文件中没有数据行。"))
            return outcome, []

        def cell(cells, header):
            n = index.get(header)
            return (cells[n] if n is not None and n < len(cells) else "").strip()

        self._allowed = {}
        lookups = self._lookups({cell(c, COMPETITION) for _n, c in records})
        competitions, entrants, periods, indicators, existing = lookups
        today = timezone.localdate()
        reports: dict[tuple[int, int], _Report] = {}
        results = []  # (row, summary, messages, report)
        for number, cells in records:
            errors = []
            summary = " ".join(
                filter(None, (cell(cells, ENTRANT), cell(cells, PERIOD), cell(cells, INDICATOR)))
            )
            report = None
            code = cell(cells, COMPETITION)
            competition = competitions.get(code)
            if competition is None:
                errors.append(_("没有编号为“%(code)s”的劳动竞赛，或您无权查看。") % {"code": shown(code)})
                results.append((number, summary, errors, None))
                continue
            name = cell(cells, ENTRANT)
            entrant = entrants.get((competition.pk, name))
            if entrant is None:
                errors.append(
                    _("“%(name)s”没有报名参加“%(competition)s”。")
                    % {"name": shown(name), "competition": competition.title}
                )
            elif entrant.state != EntrantState.APPROVED:
                errors.append(_("“%(name)s”的报名尚未通过审核，不能报送成绩。") % {"name": entrant.name})
            elif not self._reports_for(entrant):
                errors.append(_("“%(name)s”不是本单位报名的参赛对象。") % {"name": entrant.name})
            period = self._period(cell(cells, PERIOD), competition, periods, today, errors)
            indicator = indicators.get((competition.pk, cell(cells, INDICATOR)))
            if indicator is None:
                errors.append(_("本竞赛没有名为“%(name)s”的指标。") % {"name": shown(cell(cells, INDICATOR))})
            if not errors:
                key = (entrant.pk, period.pk)
                report = reports.get(key)
                if report is None:
                    report = reports[key] = _Report(
                        first_row=number, entrant=entrant, period=period, existing=existing.get(key)
                    )
                    if report.existing is not None and not report.existing.is_editable:
                        errors.append(
                            _("“%(name)s”第%(n)s期的成绩处于“%(state)s”状态，不能通过导入修改。")
                            % {
                                "name": entrant.name,
                                "n": period.number,
                                "state": report.existing.get_state_display(),
                            }
                        )
                if indicator.pk in report.rows:
                    errors.append(
                        _("与第 %(row)d 行是同一参赛对象、同一期的同一指标。")
                        % {"row": report.rows[indicator.pk]}
                    )
                else:
                    report.rows[indicator.pk] = number
                    report.values[indicator.pk] = cell(cells, VALUE)
                    _row, problem = _score(indicator, cell(cells, VALUE))
                    if problem:
                        errors.append(problem)
                note = cell(cells, NOTE)
                if note and not report.note:
                    report.note = note[:2000]
            results.append((number, summary, errors, report))

        # A report lacking an indicator is named on its first row.
        lacking = {}
        for report in reports.values():
            wanted = [i for i in indicators.values() if i.competition_id == report.entrant.competition_id]
            names = [i.name for i in wanted if i.pk not in report.rows]
            if names:
                lacking[report.first_row] = _("“%(name)s”第%(n)s期缺少指标：%(names)s。") % {
                    "name": report.entrant.name,
                    "n": report.period.number,
                    "names": "、".join(names),
                }
        failed_reports = set()
        for number, _summary, errors, report in results:
            if number in lacking:
                errors.append(lacking[number])
            if errors and report is not None:
                failed_reports.add(id(report))
        for number, summary, errors, report in results:
            if errors:
                status = RowStatus.ERROR
            elif report.existing is not None:
                status = RowStatus.CHANGED
            else:
                status = RowStatus.NEW
            outcome.add_row(row=number, status=status, summary=summary, messages=errors)
        outcome.totals[str(_("成绩报送"))] = len(reports)
        ready = [r for r in reports.values() if id(r) not in failed_reports]
        return outcome, ready

    def _reports_for(self, entrant) -> bool:
        """Whether the importer reports for ``entrant`` (its registering union), asked once per entrant."""
        allowed = self._allowed.get(entrant.pk)
        if allowed is None:
            allowed = self._allowed[entrant.pk] = permissions.allows(self.user, KIND, "change", entrant)
        return allowed

    def _lookups(self, codes: set[str]):
        """The competitions the file names that the user may see, with their entrants, periods and
        indicators and the reports already filed: a fixed number of queries whatever the file holds."""
        pks = [int(c) for c in codes if c.isdigit() and len(c) < 10]
        competitions = {
            str(c.pk): c for c in Competition.objects.visible_to(self.user, "open").filter(pk__in=pks)
        }
        ids = [c.pk for c in competitions.values()]
        entrants = {(e.competition_id, e.name): e for e in Entrant.objects.filter(competition_id__in=ids)}
        periods = {(p.competition_id, p.number): p for p in Period.objects.filter(competition_id__in=ids)}
        indicators = {(i.competition_id, i.name): i for i in Indicator.objects.filter(competition_id__in=ids)}
        existing = {
            (r.entrant_id, r.period_id): r
            for r in ScoreReport.objects.filter(entrant__competition_id__in=ids).only(
                "id", "entrant_id", "period_id", "state"
            )
        }
        return competitions, entrants, periods, indicators, existing

    @staticmethod
    def _period(text, competition, periods, today, errors) -> Period | None:
        if not text.isdigit():
            errors.append(_("期次须填写数字，如 1。"))
            return None
        period = periods.get((competition.pk, int(text)))
        if period is None:
            errors.append(_("本竞赛没有第%(n)s期。") % {"n": shown(text)})
        elif period.starts_on > today:
            errors.append(
                _("第%(n)s期自 %(date)s 开始，尚不能报送。")
                % {"n": period.number, "date": period.starts_on.isoformat()}
            )
            return None
        return period

    # --- the job's interface -----------------------------------------------------------------------------

    def check(self, tables, *, on_progress=None) -> Outcome:
        outcome, _ready = self._parse(tables[""])
        return outcome

    def write(self, tables, *, on_progress=None) -> Outcome:
        from .services import CompetitionError, report_save

        outcome, ready = self._parse(tables[""])
        if outcome.has_errors:
            raise ImportRejected(outcome)
        done = 0
        with transaction.atomic():
            for report in ready:
                try:
                    report_save(
                        actor=self.user,
                        values=report.values,
                        note=report.note or (report.existing.note if report.existing else ""),
                        entrant_id=None if report.existing else report.entrant.pk,
                        period_id=None if report.existing else report.period.pk,
                        report_id=report.existing.pk if report.existing else None,
                    )
                except CompetitionError as error:  # changed since the check (another user's edit)
                    outcome.file_errors.append(
                        _("第 %(row)d 行：%(message)s") % {"row": report.first_row, "message": error.message}
                    )
                    raise ImportRejected(outcome) from None
                done += len(report.rows)
                if on_progress:
                    on_progress(done)
        return outcome

    def template_xlsx(self) -> bytes:
        return _workbook(
            [
                ["12", "钢筋一班", "1", "产值", "112.5", "本月完成产值112.5万元"],
                ["12", "钢筋一班", "1", "现场管理", "8", ""],
            ]
        )


def _score(indicator, raw):
    from .services import score_value

    return score_value(indicator, raw)


def _workbook(rows: list[list]) -> bytes:
    return import_sheet_xlsx(
        _("成绩报送"),
        [name for name, _required in COLUMNS],
        rows,
        [
            (COMPETITION, _("竞赛页面标题下的编号。")),
            (ENTRANT, _("报名时填写的参赛名称，须已通过审核。")),
            (PERIOD, _("报送期的期次，如 1 表示第1期；该期须已开始。")),
            (INDICATOR, _("竞赛指标的名称；同一参赛对象同一期须填齐全部指标，每项一行。")),
            (VALUE, _("数字，须在指标规定的范围内；评委定性评分填 0 至满分。")),
            (NOTE, _("可不填；同一份报送填一处即可。")),
        ],
    )


def report_sheet_xlsx(user, competition: Competition) -> bytes | None:
    """The import file filled in for ``competition``: each approved entrant ``user`` reports for and each
    indicator, for the latest period begun, values left blank; None when the user reports for none."""
    from .selectors import reporting_entrants

    entrants = list(reporting_entrants(user, competition))
    period = (
        Period.objects.filter(competition=competition, starts_on__lte=timezone.localdate())
        .order_by("-number")
        .first()
    )
    if not entrants or period is None:
        return None
    indicators = list(Indicator.objects.filter(competition=competition))
    return _workbook(
        [
            [str(competition.pk), e.name, str(period.number), i.name, "", ""]
            for e in entrants
            for i in indicators
        ]
    )
