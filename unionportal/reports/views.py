from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from unionportal import fragments
from unionportal.imports.services import EXPORT_FORMATS, export_table
from unionportal.notifications.services import display_language, for_display, inbox
from unionportal.orgs.scoping import remember_memberships
from unionportal.orgs.selectors import memberships_of
from unionportal.permissions import permission, signed_in

from .coverage import ACTIVE_DAYS, coverage
from .registry import todos_for

# A provider's to-do counts are kept this long at most: some move with the date (a follow-up due today).
TODO_SECONDS = 60


@signed_in
def home(request):
    """Each signed-in user's home: their organisations and roles, inbox, and what waits for them.

    The counts of the providers that name fragment topics are cached for the user
    (``unionportal.fragments``, ``register_todo_provider``); the others are counted on each request."""
    user = request.user
    memberships = memberships_of(user)
    remember_memberships(user, memberships)  # the roles the page's checks read: no second query
    paths = fragments.membership_paths(user)

    def keep(entries):
        named = [(f"todos:{name}", topics, provide) for name, topics, provide in entries]
        return fragments.cached_values(request, named, paths, timeout=TODO_SECONDS)

    todos = todos_for(user, keep=keep)
    return render(
        request,
        "reports/home.html",
        {
            "memberships": memberships,
            "todos": todos,
            "latest_messages": for_display(inbox(request.user)[:5], language=display_language(request.user)),
        },
    )


@permission("organisation", "list")
def coverage_page(request):
    """The "one network, five levels covered" page for staff, with a chart and an export."""
    data = coverage(request.user)
    if request.GET.get("format") in EXPORT_FORMATS:
        return coverage_export(request, data, request.GET["format"])
    chart = {
        "labels": [row.label for row in data["by_city"]],
        "account": [row.account_pct for row in data["by_city"]],
        "active": [row.active_pct for row in data["by_city"]],
        "legend": [str(_("已开通账户的工会 %")), str(_("近30天活跃的工会 %"))],
    }
    return render(request, "reports/coverage.html", {**data, "chart": chart, "active_days": ACTIVE_DAYS})


def coverage_export(request, data, fmt: str) -> HttpResponse:
    """The coverage tables as one export through the shared writer (formula-safe, exporter and time)."""
    headers = [
        _("分组"),
        _("范围"),
        _("工会数"),
        _("已开通账户"),
        _("开通率 %"),
        _("近30天活跃"),
        _("活跃率 %"),
        _("会员数"),
    ]
    rows = [
        [
            str(group),
            row.label,
            row.unions,
            row.with_account,
            row.account_pct,
            row.active,
            row.active_pct,
            row.members,
        ]
        for group, group_rows in ((_("按层级"), data["by_level"]), (_("按市州"), data["by_city"]))
        for row in group_rows
    ]
    filename, content_type, content = export_table(
        actor=request.user,
        key="coverage",
        label=_("五级全覆盖情况"),
        headers=[str(h) for h in headers],
        rows=rows,
        fmt=fmt,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
