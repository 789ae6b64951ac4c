"""The ledger's report per level for staff: a table and a chart per child organisation, and an export.

Thin: parse ``?org=`` (the level) and ``?capacity=1`` (the capacity-cutting subset), call
``reports.level_report`` (a constant number of aggregate queries) and render or write the workbook.
"""

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from unionportal.imports.masking import neutralise
from unionportal.permissions import permission

from . import rollups
from .reports import LevelReport, Money, level_report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_for(request) -> LevelReport:
    return level_report(
        request.user, request.GET.get("org") or None, capacity=request.GET.get("capacity") == "1"
    )


def _chart(report: LevelReport) -> dict:
    return {
        "labels": [row.label for row in report.rows],
        "datasets": [
            {
                "key": c.value,
                "label": str(c.label),
                "data": [row.filed.get(c.value, 0) for row in report.rows],
            }
            for c in report.categories
        ],
        "unit": str(_("户")),
    }


@permission("household_report", "list")
def report(request):
    """Staff: households, measures, cadres and enterprises per child organisation of one level."""
    data = _report_for(request)
    data.page_tables()
    return render(
        request,
        "assistance/report.html",
        {
            "report": data,
            "chart": _chart(data),
            # The figures come from the rollups: say when they were taken and how often they are.
            "as_of": rollups.refreshed_at(),
            "every_minutes": int(rollups.REFRESH_EVERY.total_seconds() // 60),
        },
    )


# --- export ---------------------------------------------------------------------------------------------


def _money_columns(choices) -> list[str]:
    columns = []
    for choice in choices:
        columns += [
            _("%(name)s（项）") % {"name": choice.label},
            _("%(name)s（元）") % {"name": choice.label},
        ]
    return [*columns, _("合计（项）"), _("合计（元）")]


def _money_cells(cells, total: Money) -> list:
    values = []
    for _choice, money in cells:
        values += [money.count, money.amount]
    return [*values, total.count, total.amount]


def report_workbook(data: LevelReport, *, username: str, at) -> bytes:
    """The report as a workbook: who exported it and when in the first row, then one block per table.

    Text cells are neutralised (a leading = + - @ TAB or CR would run as a formula in Excel or WPS).
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("帮扶统计")
    bold = Font(bold=True)

    def append(values, *, strong=False):
        sheet.append([neutralise(str(v) if isinstance(v, Promise) else v) for v in values])
        if strong:
            for cell in sheet[sheet.max_row]:
                cell.font = bold

    scope = data.current.name if data.current is not None else _("全部管辖范围")
    append(
        [_("困难职工帮扶统计"), _("导出人"), username, _("导出时间"), at.strftime("%Y-%m-%d %H:%M")],
        strong=True,
    )
    append([_("范围"), scope, _("口径"), _("去产能企业") if data.capacity else _("全部")])
    rows = [*data.rows, data.total]

    append([])
    append([_("困难职工家庭（户）")], strong=True)
    append(
        [
            _("单位"),
            *[_("在档·%(category)s") % {"category": c.label} for c in data.categories],
            _("在档合计"),
            _("帮扶中"),
            _("已脱困"),
            _("已退档"),
            _("受助家庭"),
        ],
        strong=True,
    )
    for row in rows:
        append(
            [
                row.label,
                *[n for _c, n in row.category_cells],
                row.filed_total,
                row.assisted,
                row.escaped,
                row.exited,
                row.helped,
            ]
        )

    for title, choices, attr in (
        (_("帮扶措施（按类型）"), data.types, "type_cells"),
        (_("帮扶措施（按资金来源）"), data.funds, "fund_cells"),
    ):
        append([])
        append([title], strong=True)
        append([_("单位"), *_money_columns(choices)], strong=True)
        for row in rows:
            append([row.label, *_money_cells(getattr(row, attr), row.measures)])

    append([])
    append([_("干部与企业")], strong=True)
    append([_("单位"), _("帮扶企业"), _("结对干部"), _("受助家庭")], strong=True)
    for row in rows:
        append([row.label, row.enterprises, row.cadres, row.helped])

    append([])
    append([_("帮扶金额（元）：类型 × 资金来源")], strong=True)
    append([_("帮扶类型"), *[f.label for f in data.funds], _("合计")], strong=True)
    for measure_type, cells, row_total in data.crosstab_rows():
        append([measure_type.label, *[money.amount for _f, money in cells], row_total.amount])
    append(
        [
            _("合计"),
            *[money.amount for _f, money in data.total.fund_cells],
            data.total.measures.amount,
        ]
    )
    sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@permission("household_report", "export")
def report_export(request):
    """The same report (same ``org`` and ``capacity``) as an xlsx download named after the user and time."""
    data = _report_for(request)
    now = timezone.localtime()
    username = request.user.get_username()
    response = HttpResponse(report_workbook(data, username=username, at=now), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"assistance-report-{username}-{now:%Y%m%d-%H%M%S}.xlsx"
    )
    return response
