"""The ledger's report per level for staff: a table and a chart per child organisation, and an export.

Thin: parse ``?org=`` (the level) and ``?capacity=1`` (the capacity-cutting subset), call
``reports.level_report`` (a constant number of aggregate queries) and render it, or export it through
the shared export path (``imports.services.export_table``).
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from unionportal import fragments
from unionportal.imports.files import Block
from unionportal.imports.services import export_table
from unionportal.permissions import permission

from . import rollups
from .models import HOUSEHOLD_TOPIC, ROLLUP_TOPIC
from .reports import LevelReport, Money, level_report


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
    """Staff: households, measures, cadres and enterprises per child organisation of one level.

    The body is a cached fragment, redrawn after each rollup refresh and, for the parts read live (a
    report below the township, a user with several subtrees), after a household in scope changes."""
    paths = fragments.scope_paths(request.user, "household_report", "list")
    body = fragments.cached(
        request, "household_report", (ROLLUP_TOPIC, HOUSEHOLD_TOPIC), paths, lambda: _report_body(request)
    )
    return render(request, "assistance/report.html", {"body": body})


def _report_body(request) -> str:
    data = _report_for(request)
    data.page_tables()
    return render_to_string(
        "assistance/report_body.html",
        {
            "report": data,
            "chart": _chart(data),
            # The figures come from the rollups: say when they were taken and how often they are.
            "as_of": rollups.refreshed_at(),
            "every_minutes": int(rollups.REFRESH_EVERY.total_seconds() // 60),
        },
        request,
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


def report_table(data: LevelReport) -> tuple[list, list[Block]]:
    """The report as the shared export writes it: its first line (the scope and the subset), then one
    titled block per table. The writer neutralises formula-like cells and adds who exported it and when."""
    scope = data.current.name if data.current is not None else _("全部管辖范围")
    first = [
        _("困难职工帮扶统计"),
        _("范围"),
        scope,
        _("口径"),
        _("去产能企业") if data.capacity else _("全部"),
    ]
    rows = [*data.rows, data.total]
    blocks = [
        Block(
            _("困难职工家庭（户）"),
            [
                _("单位"),
                *[_("在档·%(category)s") % {"category": c.label} for c in data.categories],
                _("在档合计"),
                _("帮扶中"),
                _("已脱困"),
                _("已退档"),
                _("受助家庭"),
            ],
            [
                [
                    row.label,
                    *[n for _c, n in row.category_cells],
                    row.filed_total,
                    row.assisted,
                    row.escaped,
                    row.exited,
                    row.helped,
                ]
                for row in rows
            ],
        )
    ]
    for title, choices, attr in (
        (_("帮扶措施（按类型）"), data.types, "type_cells"),
        (_("帮扶措施（按资金来源）"), data.funds, "fund_cells"),
    ):
        blocks.append(
            Block(
                title,
                [_("单位"), *_money_columns(choices)],
                [[row.label, *_money_cells(getattr(row, attr), row.measures)] for row in rows],
            )
        )
    blocks.append(
        Block(
            _("干部与企业"),
            [_("单位"), _("帮扶企业"), _("结对干部"), _("受助家庭")],
            [[row.label, row.enterprises, row.cadres, row.helped] for row in rows],
        )
    )
    crosstab = [
        [measure_type.label, *[money.amount for _f, money in cells], row_total.amount]
        for measure_type, cells, row_total in data.crosstab_rows()
    ]
    crosstab.append(
        [_("合计"), *[money.amount for _f, money in data.total.fund_cells], data.total.measures.amount]
    )
    blocks.append(
        Block(
            _("帮扶金额（元）：类型 × 资金来源"),
            [_("帮扶类型"), *[f.label for f in data.funds], _("合计")],
            crosstab,
        )
    )
    return first, blocks


@permission("household_report", "export")
def report_export(request):
    """The same report (same ``org`` and ``capacity``) as an xlsx download through the shared export
    (``imports.services.export_table``), named after the user and the time."""
    headers, blocks = report_table(_report_for(request))
    filename, content_type, content = export_table(
        actor=request.user,
        key="assistance-report",
        label=_("困难职工帮扶统计"),
        headers=headers,
        rows=blocks,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
