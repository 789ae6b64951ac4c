from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from unionportal import fragments, permissions
from unionportal.imports.services import EXPORT_FORMATS, export_table
from unionportal.notifications.services import display_language, for_display, inbox
from unionportal.orgs.apps import ACCOUNT_TOPIC
from unionportal.orgs.members import MEMBER_TOPIC
from unionportal.orgs.scoping import remember_memberships
from unionportal.orgs.selectors import memberships_of
from unionportal.permissions import permission, signed_in

from . import dashboard as board
from .coverage import ACTIVE_DAYS, coverage
from .registry import todos_for

# A provider's to-do counts are kept this long at most: some move with the date (a follow-up due today).
TODO_SECONDS = 60
# The coverage page's body, at most: its activity figures move with every sign-in in the scope.
COVERAGE_SECONDS = 60


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
    """The "one network, five levels covered" page for staff, with a chart and an export.

    The body is a cached fragment (``unionportal.fragments``): drawn again once an account, role, union
    or registry count changes, and at least every minute, since its activity figures move with every
    sign-in and action in the scope."""
    if request.GET.get("format") in EXPORT_FORMATS:
        return coverage_export(request, coverage(request.user), request.GET["format"])
    body = fragments.cached(
        request,
        "coverage",
        (ACCOUNT_TOPIC, MEMBER_TOPIC),
        fragments.scope_paths(request.user, "organisation", "list"),
        lambda: _coverage_body(request),
        timeout=COVERAGE_SECONDS,
    )
    return render(request, "reports/coverage.html", {"body": body})


def _coverage_body(request) -> str:
    data = coverage(request.user)
    chart = {
        "labels": [row.label for row in data["by_city"]],
        "account": [row.account_pct for row in data["by_city"]],
        "active": [row.active_pct for row in data["by_city"]],
        "legend": [str(_("已开通账户的工会 %")), str(_("近30天活跃的工会 %"))],
    }
    return render_to_string(
        "reports/coverage_body.html", {**data, "chart": chart, "active_days": ACTIVE_DAYS}, request=request
    )


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


# --- the six-function dashboard (六大功能) ----------------------------------------------------------------


@permission("dashboard", "list")
def dashboard(request, pk: int | None = None):
    """An organisation's six-function dashboard: the user's highest organisation, or (``pk``) one in their
    scope (404 outside it). ``?format=xlsx|csv`` exports the children table; ``?fresh=1`` recomputes the
    figures instead of reading the minute-old set."""
    org = (
        board.access_dashboard(request.user, pk) if pk is not None else board.home_organisation(request.user)
    )
    if org is None:
        raise Http404
    data = board.figure_set(org, fresh=request.GET.get("fresh") == "1")
    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        if not permissions.may(request.user, "dashboard", "export"):
            raise Http404
        return dashboard_export(request, data, org, fmt)
    ancestors = board.ancestors_in_scope(request.user, org)
    here = reverse("dashboard:org", args=[org.pk]) if pk is not None else reverse("dashboard:index")
    return render(
        request,
        "reports/dashboard.html",
        {
            "org": org,
            "data": data,
            "figures_html": board.figures_html(data),
            "age": data.age_seconds(),
            "trends": data.trends,
            "ancestors": ancestors,
            "here": here,
            "cache_seconds": board.CACHE_SECONDS,
        },
    )


def dashboard_export(request, data, org, fmt: str) -> HttpResponse:
    headers, rows = board.export_rows(data, org)
    filename, content_type, content = export_table(
        actor=request.user,
        key="dashboard",
        label=_("六大功能数据（%(name)s）") % {"name": org.name},
        headers=headers,
        rows=rows,
        fmt=fmt,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
