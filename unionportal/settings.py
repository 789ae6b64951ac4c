"""Settings for unionportal, read from the environment.

With no variable set the embedded default runs: SQLite, Celery tasks executed eagerly in-process,
local-memory cache, console e-mail and a log-only SMS backend. ``DATABASE_URL`` and ``REDIS_URL``
switch the same code to PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # the embedded database, media and logs; never committed
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

# A development key is only ever accepted with DEBUG on; a deployment must bring its own.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-used-with-debug-off"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Peers whose X-Forwarded-For we believe (addresses or networks); see unionportal.http.client_ip.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "captcha",
    "django_prometheus",
    "storages",
    # the shared platform
    "unionportal.accounts",
    "unionportal.orgs",
    "unionportal.campaigns",
    "unionportal.selection",
    "unionportal.selection.voting",
    "unionportal.selection.experts",
    "unionportal.public",
    "unionportal.notifications",
    "unionportal.audit",
    "unionportal.uploads",
    "unionportal.imports",
    "unionportal.reports",
    # the domain apps
    "awards",
    "craftsmen",
    "assistance",
    "bargaining",
    "competitions",
    "rights",
    "benefits",
    "bench",  # the benchmark's seeders and commands (bin/bench); no models, imported by no app
]

MIDDLEWARE = [
    # Outermost: the request's id and its one log line (unionportal.middleware), then the metrics' clock.
    "unionportal.middleware.RequestLogMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A stored public page answers an anonymous visitor here, before the rest (unionportal.public.cache).
    "unionportal.public.cache.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A user's change shows at once on the pages cached for them (unionportal.fragments).
    "unionportal.fragments.ActedMiddleware",
    # Right below authentication, so it sees every answer the middleware under it and the views made.
    "unionportal.middleware.PrivateCacheControlMiddleware",
    "unionportal.accounts.middleware.StaffIdleTimeoutMiddleware",
    "unionportal.accounts.middleware.ForcePasswordChangeMiddleware",
    "unionportal.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "unionportal.urls"
WSGI_APPLICATION = "unionportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unionportal.context_processors.site",
                "unionportal.notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task share the file. IMMEDIATE takes the
    # write lock when a transaction begins: SQLite ignores select_for_update, so this is what makes a
    # quota check and its update one step (a second writer waits instead of failing at its commit).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that accepts and never answers must fail the request, not hang a web thread: libpq
    # gives up connecting after DATABASE_CONNECT_TIMEOUT seconds (at least 2), and the server cancels any
    # statement running longer than DATABASE_STATEMENT_TIMEOUT seconds (0: no limit, the default for
    # commands and tasks; bin/web sets one for the web processes).
    db_options = DATABASES["default"].setdefault("OPTIONS", {})
    db_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    statement_timeout = env.float("DATABASE_STATEMENT_TIMEOUT", default=0)
    if statement_timeout > 0:
        flag = f"-c statement_timeout={round(statement_timeout * 1000)}"
        db_options["options"] = f"{db_options['options']} {flag}" if db_options.get("options") else flag
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="unionportal")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, answering as an empty cache while Redis is unreachable: pages are
            # served uncached, never a 500 (unionportal.cache_backends).
            "BACKEND": "unionportal.cache_backends.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Seconds to reach Redis and to wait for an answer; past them the cache counts as down.
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=1),
                "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=2),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "unionportal",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
# Rate limits count in the cache; while it is unreachable they let requests through (the objection form
# still has its captcha) rather than refusing everyone.
RATELIMIT_FAIL_OPEN = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "unionportal.accounts.backends.UsernameOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "public:index"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Staff sessions end after this many idle seconds; others follow SESSION_COOKIE_AGE.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)
# Sessions live in the database, so signed-in pages keep working while the cache is down; with Redis they
# are read through it (cached_db: written to both, read from Redis, from the database when Redis misses or
# cannot be reached), which saves every signed-in request a query.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)
# Cached fragments of staff pages (unionportal.fragments): on with a shared cache (Redis), off with the
# local-memory one; STAFF_FRAGMENT_CACHE=0/1 says so explicitly.
STAFF_FRAGMENT_CACHE = env.bool("STAFF_FRAGMENT_CACHE", default=None)

# Lockout after repeated failures, per account and address (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "unionportal.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "unionportal.http.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "unionportal.accounts.backends.axes_username"
AXES_VERBOSE = False
# Beside it, per account across all addresses (unionportal.accounts.throttle): after this many failures
# within the window, each further attempt waits a delay doubling from DELAY up to MAX_DELAY (never a lock).
LOGIN_ACCOUNT_FREE_FAILURES = env.int("LOGIN_ACCOUNT_FREE_FAILURES", default=10)
LOGIN_ACCOUNT_WINDOW_MINUTES = env.int("LOGIN_ACCOUNT_WINDOW_MINUTES", default=15)
LOGIN_ACCOUNT_DELAY_SECONDS = env.int("LOGIN_ACCOUNT_DELAY_SECONDS", default=1)
LOGIN_ACCOUNT_MAX_DELAY_SECONDS = env.int("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", default=60)

# Public objections (公示异议): a captcha on the form and a per-address limit on posts (django-ratelimit
# counts in the cache: Redis in production, where the counts are shared by every web process).
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 10  # minutes
CAPTCHA_TEST_MODE = env.bool("CAPTCHA_TEST_MODE", default=False)
OBJECTION_RATE = env.str("OBJECTION_RATE", default="5/h")
RECEIPT_LOOKUP_RATE = env.str("RECEIPT_LOOKUP_RATE", default="30/h")
# The CJK font of the honourees' share images (Debian: fonts-noto-cjk); a plain image without it.
SHARE_IMAGE_FONT = env.str(
    "SHARE_IMAGE_FONT", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
)
RATELIMIT_VIEW = "unionportal.http.ratelimited"

# Audit events are kept at least this long (personal-data rules ask for six months).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=183)

# Wage collective bargaining: the statutory figures of the 集体合同规定 (2004) and the drive's criteria,
# read through bargaining.conf.figure() only (days are calendar days, as the regulation counts them).
BARGAINING = {
    "REPLY_DAYS": 20,  # a written offer is answered within 20 days of receipt
    "REMIND_DAYS_BEFORE": 5,  # the reply clock's reminder, this many days before it runs out
    "FILING_DAYS": 10,  # the signed agreement goes to the labour authority within 10 days
    "REVIEW_DAYS": 15,  # in effect when the authority raises no objection within 15 days
    "NEGOTIATORS_MIN": 3,
    "NEGOTIATORS_MAX": 10,  # per side
    "TERM_MAX_YEARS": 3,
    "RENEWAL_MONTHS": 3,  # renewal is requested in the last 3 months before expiry
    "FLAT_WAGE_YEARS": 2,  # a drive target when wages have not risen for this many years
    "NEAR_MINIMUM_SHARE": 30,  # a drive target when this share (%) of workers earn near the minimum wage
}

# Phone one-time codes (unionportal.accounts.phone).
PHONE_CODE_TTL_SECONDS = 5 * 60
PHONE_CODE_MAX_ATTEMPTS = 5
PHONE_CODE_MIN_INTERVAL_SECONDS = 60
PHONE_CODE_MAX_PER_NUMBER_PER_HOUR = 5
PHONE_CODE_MAX_PER_ADDRESS_PER_HOUR = 20

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded files: the local volume (MEDIA_ROOT, shared by web and worker on one host), or with
# MEDIA_STORAGE=s3 a private bucket of an S3-compatible store that web and workers on several hosts share.
# Either way files are served only through /files/<uuid>/ (unionportal.uploads.views), never by URL.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "local":
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    if not env.str("AWS_STORAGE_BUCKET_NAME", default=""):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    s3_options = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "location": env.str("AWS_LOCATION", default=""),
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
        "signature_version": "s3v4",
        # Private objects, names never reused: only the portal reads them, for a user it has checked.
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    # Without keys boto3 looks for them itself (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an instance role).
    if env.str("AWS_ACCESS_KEY_ID", default=""):
        s3_options["access_key"] = env.str("AWS_ACCESS_KEY_ID")
        s3_options["secret_key"] = env.str("AWS_SECRET_ACCESS_KEY", default="")
    MEDIA_BACKEND = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options}
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be local or s3.")
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In development WhiteNoise serves straight from the finders; deployments serve collectstatic's output.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP connection or reply may take before the delivery counts as failed (and is retried).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@unionportal.local")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute address of the site, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SMS_BACKEND = env.str("SMS_BACKEND", default="unionportal.notifications.sms.LogSmsBackend")
SMS_SIGNATURE = env.str("SMS_SIGNATURE", default="湖北省总工会")

# Shown in the footer of every page: the operator and its filing numbers (ICP / public security).
SITE_OPERATOR = env.str("SITE_OPERATOR", default="湖北省总工会")
SITE_OPERATOR_EN = env.str("SITE_OPERATOR_EN", default="Hubei Federation of Trade Unions")
# A site running the generated demo data says so on every page (on with DEBUG, the only mode seed_demo runs in).
SITE_DEMO = env.bool("SITE_DEMO", default=DEBUG)
# The demo's calendar day (ISO date): the process believes today is that day at the real time of day, so
# the demo campaign stands where its data says (unionportal.clock). `make run` sets it; never in production.
DEMO_TODAY = env.str("DEMO_TODAY", default="")
if DEMO_TODAY:
    from datetime import date

    from unionportal import clock

    clock.install(date.fromisoformat(DEMO_TODAY))
SITE_ICP_NUMBER = env.str("SITE_ICP_NUMBER", default="")
SITE_PSB_NUMBER = env.str("SITE_PSB_NUMBER", default="")
SITE_CONTACT_PHONE = env.str("SITE_CONTACT_PHONE", default="027-12351")

# Uploads (unionportal.uploads): bytes per kind, decoded pixels per image, inflated bytes per workbook.
UPLOAD_MAX_BYTES = {"image": 10 * 1024 * 1024, "pdf": 20 * 1024 * 1024, "sheet": 20 * 1024 * 1024}
UPLOAD_MAX_PIXELS = 40_000_000
UPLOAD_MAX_UNCOMPRESSED = 100 * 1024 * 1024
# Django refuses request bodies above this before any view runs (the proxy should cap them too).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_SKIP_ADMIN_LOG = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # No page frames anything; the craftsman pages allow their video players' origins per response.
        "frame-src": [NONE],
    }
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A proxy or orchestrator probes these over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^ping$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CSRF_FAILURE_VIEW = "unionportal.errors.csrf_failure"

# Observability: logs, metrics and error reports (unionportal.observability, unionportal.metrics).
# json: one JSON object per line, its time in TIME_ZONE with the offset (2026-04-27T10:15:30.123+08:00);
# text: plain lines for a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
# /metrics answers only a bearer of this token, and is not there at all (404) while it is unset.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if not DEBUG:
    SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]  # scraped over the internal network
# Queries counted and timed on PostgreSQL: django-prometheus's wrapper of the same backend. The embedded
# SQLite database keeps Django's own (pytest-django gives each xdist worker its in-memory test database
# only for that engine name).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
# Without Redis each process has its own cache; the public pages' version then lives in a file here that
# every process of the host reads (unionportal.public.cache).
PUBLIC_CACHE_VERSION_DIR = env.path("PUBLIC_CACHE_VERSION_DIR", default=VAR_DIR)
# bin/backup writes its folders here and deletes those older than BACKUP_KEEP_DAYS (never fewer days
# than audit events are kept); unionportal.backups.
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=200)
# Error reports (Django and Celery) when set; no personal data (unionportal.observability.sentry_init).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production")
if SENTRY_DSN:
    from unionportal.observability import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=env.str("SENTRY_RELEASE", default=""))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every record is stamped with the request id (and the task) it was logged for.
    "filters": {"context": {"()": "unionportal.observability.ContextFilter"}},
    "formatters": {
        "json": {"()": "unionportal.observability.JsonFormatter", "time_zone": TIME_ZONE},
        "text": {
            "()": "unionportal.observability.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s%(request_tag)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "health_check": {"level": "ERROR"},
        # Django's, Celery's and gunicorn's records go to the one handler above, in the same format.
        "django": {"handlers": [], "propagate": True},
        # The request line (unionportal.request) tells every answer; Django's own line for a 4xx would
        # tell it twice (a 5xx still logs its traceback here), and so would runserver's.
        "django.request": {"level": "ERROR", "propagate": True},
        "django.server": {"level": "ERROR", "propagate": True},
        "celery": {"handlers": [], "propagate": True},
        "gunicorn.error": {"handlers": [], "propagate": True},
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run in-process: a line per task (and kombu's note that the in-memory broker has no host) would
    # bury what `make run` and the management commands print.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
    LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}
