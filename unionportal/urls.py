from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from unionportal import health, metrics
from unionportal.accounts import views as account_views
from unionportal.reports import views as report_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("ping", health.ping, name="ping"),
    path("metrics", metrics.metrics, name="metrics"),
    path("files/", include("unionportal.uploads.urls")),
    path("captcha/", include("captcha.urls")),
]

urlpatterns += i18n_patterns(
    path("home/", report_views.home, name="home"),
    path("coverage/", report_views.coverage_page, name="coverage"),
    path("dashboard/", include("unionportal.reports.urls")),
    path("accounts/", include("unionportal.accounts.urls")),
    path("orgs/", include("unionportal.orgs.urls")),
    path("inbox/", include("unionportal.notifications.urls")),
    path("audit/", include("unionportal.audit.urls")),
    path("imports/", include("unionportal.imports.urls")),
    path("campaigns/", include("unionportal.campaigns.urls")),
    path("selection/votes/", include("unionportal.selection.voting.staff_urls")),
    path("selection/experts/", include("unionportal.selection.experts.urls")),
    path("selection/", include("unionportal.selection.urls")),
    path("notices/", include("unionportal.selection.public_urls")),
    path("vote/", include("unionportal.selection.voting.urls")),
    # The domain apps (this file and settings are the one place that wires them in).
    path("assistance/", include("assistance.urls")),
    path("bargaining/", include("bargaining.urls")),
    path("awards/", include("awards.urls")),
    path("craftsmen/", include("craftsmen.urls")),
    path("jingchu-craftsmen/", include("craftsmen.public_urls")),
    path("competitions/", include("competitions.urls")),
    path("rights/", include("rights.urls")),
    path("services/", include("benefits.urls")),
    path("admin/login/", account_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    # Last: its paths share no prefix with the others, and a staff page's URL is resolved without
    # trying the public pages one by one (a public page answered from the cache is not resolved at all).
    path("", include("unionportal.public.urls")),
    prefix_default_language=False,
)

# Uploaded files are never served from MEDIA_URL, only through the permission-checked /files/ views.

# The admin speaks the portal's language (Chinese at /admin/, English at /en/admin/) under its name.
admin.site.site_header = _("五一系列活动平台 · 后台管理")
admin.site.site_title = _("五一系列活动平台后台")
admin.site.index_title = _("后台管理")
admin.site.site_url = "/home/"

handler400 = "unionportal.errors.bad_request"
handler403 = "unionportal.errors.permission_denied"
handler404 = "unionportal.errors.page_not_found"
handler500 = "unionportal.errors.server_error"
