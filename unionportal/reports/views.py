import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from unionportal.notifications.services import display_language, for_display, inbox
from unionportal.orgs.selectors import memberships_of
from unionportal.permissions import permission, signed_in

from .coverage import ACTIVE_DAYS, coverage
from .registry import todos_for


@signed_in
def home(request):
    """Each signed-in user's home: their organisations and roles, inbox, and what waits for them."""
    return render(
        request,
        "reports/home.html",
        {
            "memberships": memberships_of(request.user),
            "todos": todos_for(request.user),
            "latest_messages": for_display(inbox(request.user)[:5], language=display_language(request.user)),
        },
    )


@permission("organisation", "list")
def coverage_page(request):
    """The "one network, five levels covered" page for staff, with a chart and an export."""
    data = coverage(request.user)
    if request.GET.get("format") == "xlsx":
        return coverage_xlsx(request, data)
    chart = {
        "labels": [row.label for row in data["by_city"]],
        "account": [row.account_pct for row in data["by_city"]],
        "active": [row.active_pct for row in data["by_city"]],
        "legend": [str(_("已开通账户的工会 %")), str(_("近30天活跃的工会 %"))],
    }
    return render(request, "reports/coverage.html", {**data, "chart": chart, "active_days": ACTIVE_DAYS})


def coverage_xlsx(request, data) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "coverage"
    now = timezone.localtime()
    sheet.append(
        [
            str(_("五级全覆盖情况")),
            str(_("导出人")),
            request.user.get_username(),
            str(_("导出时间")),
            now.strftime("%Y-%m-%d %H:%M"),
        ]
    )
    header = [
        str(_("范围")),
        str(_("工会数")),
        str(_("已开通账户")),
        str(_("开通率 %")),
        str(_("近30天活跃")),
        str(_("活跃率 %")),
    ]
    for title, rows in ((_("按层级"), data["by_level"]), (_("按市州"), data["by_city"])):
        sheet.append([])
        sheet.append([str(title)])
        sheet.append(header)
        for row in rows:
            sheet.append(
                [row.label, row.unions, row.with_account, row.account_pct, row.active, row.active_pct]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"coverage-{request.user.get_username()}-{now:%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
