"""One settings module, driven by the environment.

With nothing set the app runs in *demo mode*: a SQLite file beside the code and Celery tasks run in-process.
Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL or REDIS_URL for the real thing.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

# Generic Django classes subscriptable at run time as in their stubs (`admin.ModelAdmin[Unit]`).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = "demo-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Signed-in people's pages and API answers held while nothing they show changed (enforcement.work_cache);
# WORK_PAGE_CACHE=0 builds every one (the bench's "built" figures).
WORK_PAGE_CACHE = env_bool("WORK_PAGE_CACHE", True)

# How many reverse proxies stand in front of the app and append to X-Forwarded-For. 0: trust no proxy header
# and take the socket's address (a client can write X-Forwarded-For itself). Behind the TLS proxy it defaults
# to 1.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "1" if env_bool("BEHIND_TLS_PROXY", False) else "0"))

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")
REDIS_URL = os.environ.get("REDIS_URL") or BROKER_URL
# Demo mode: an embedded database or in-process tasks. Shown in the log and in a banner on every page.
DEMO_DATABASE = not DATABASE_URL
DEMO_TASKS = not BROKER_URL
DEMO_MODE = DEMO_DATABASE or DEMO_TASKS

DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    if DATABASE_URL
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", BASE_DIR / "demo.sqlite3"),
        # The demo's file: write-ahead log, and no disk flush at every commit (a crash may lose the last
        # commits of a demo, never corrupt it); building the demo commits a few thousand times.
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_htmx",
    "csp",
    "enforcement",
    "authority",
    "discretion",
    "cases",
    "inspections",
    "whistles",
    "supervision",  # the supervisor's desk and the team view; above the domain apps it reads
    "figures",  # the reform's figures: dashboards read every app's tables through monthly aggregates
    "demo",  # the demo district and `manage.py seed_demo`; above every domain app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "enforcement.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "enforcement.middleware.LanguageMiddleware",
    "enforcement.api.middleware.RefuseNulInApiQuery",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Fail-closed: a page without `login_not_required` sends the anonymous public to the login page.
    "enforcement.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

# scripts/demo serves while it builds the demo district: every page shows the build's progress until done.
if os.environ.get("DEMO_PROGRESS_FILE"):
    MIDDLEWARE.insert(0, "demo.middleware.DemoBuildingMiddleware")

ROOT_URLCONF = "enforcement.urls"
WSGI_APPLICATION = "enforcement.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "enforcement.context_processors.site",
            ],
        },
    },
]

AUTH_USER_MODEL = "enforcement.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, reading the signed-in user with one hand-written statement (issue 18); Django's own stays
    # after it only for sessions signed in before (it never sees a password: enforcement.signin).
    "enforcement.signin.ModelBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The address a failure is counted against follows NUM_PROXIES, like the API throttles (enforcement/net.py).
AXES_CLIENT_IP_CALLABLE = "enforcement.net.client_ip"

# django-guardian: no anonymous database user; per-object grants go to unit groups.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        # scripts/demo serves on loopback, where compressing every file first (four fifths of collectstatic's
        # time) saves nothing: hashed names, not compressed copies.
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        if not env_bool("STATIC_PRECOMPRESS", True)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Production keeps only the hashed copies (every reference goes through the manifest) and does not precompress
# source maps, which only developer tools fetch: collectstatic does a quarter of the compression work.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Uploaded evidence lives outside the static tree and is only served through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))


def _cache_of_test_worker(location: str, prefix: str, worker: str) -> tuple[str, str]:
    """Under `pytest -n`, each worker (gw0, gw1 ...) its own Redis database and key prefix: the workers' test
    databases number their rows alike (user 5 of one is not user 5 of the other), and a test that empties
    the cache empties its whole Redis database. Processes a test starts inherit the worker's name, so they
    share its cache. Outside pytest-xdist nothing changes."""
    if not worker.startswith("gw") or not worker[2:].isdigit():
        return location, prefix
    parts = urlsplit(location)
    path = parts.path.strip("/")
    database = ((int(path) if path.isdigit() else 0) + 1 + int(worker[2:])) % 16
    return urlunsplit(parts._replace(path=f"/{database}")), f"{prefix}-{worker}"


if REDIS_URL:
    _cache_location, _cache_prefix = _cache_of_test_worker(
        REDIS_URL, os.environ.get("CACHE_KEY_PREFIX", "zhifa"), os.environ.get("PYTEST_XDIST_WORKER", "")
    )
    CACHES = {
        "default": {
            # Redis's cache, but a Redis that is down answers as a miss (see enforcement/cache.py), and fast:
            # a dead or unreachable Redis costs at most these timeouts, then the backend rests for a few
            # seconds.
            "BACKEND": "enforcement.cache.FailSoftRedisCache",
            "LOCATION": _cache_location,
            "KEY_PREFIX": _cache_prefix,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with no broker configured, tasks run in-process (demo mode).
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", DEMO_TASKS)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "zhifa")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "audit-chain-nightly": {"task": "enforcement.tasks.audit_check_task", "schedule": 24 * 3600},
    "audit-link-every-minute": {"task": "enforcement.tasks.audit_link_task", "schedule": 60},
    "complaints-match-sweep": {"task": "cases.tasks.complaint_match_sweep_task", "schedule": 600},
    "evidence-verify-sweep": {"task": "cases.tasks.evidence_verify_sweep_task", "schedule": 3600},
    "case-deadline-reminders": {"task": "cases.tasks.case_deadline_reminders_task", "schedule": 3600},
    # A notice's reply period ends at midnight; the case's next deadline moves on within the hour.
    "case-reply-periods-end": {"task": "cases.tasks.case_reply_periods_end_task", "schedule": 3600},
    "publications-withdraw-revoked": {
        "task": "cases.tasks.publications_withdraw_revoked_task",
        "schedule": 3600,
    },
    "whistle-deadlines-every-minute": {"task": "whistles.tasks.whistle_deadlines_sweep_task", "schedule": 60},
    "notification-delivery-every-minute": {
        "task": "whistles.tasks.notification_delivery_sweep_task",
        "schedule": 60,
    },
    "outbox-relay-every-minute": {"task": "enforcement.tasks.outbox_relay_task", "schedule": 60},
    "worker-heartbeat": {"task": "enforcement.tasks.worker_heartbeat_task", "schedule": 60},
    "fence-escalation-every-10-minutes": {
        "task": "enforcement.tasks.fence_escalation_sweep_task",
        "schedule": 600,
    },
    # The fences' time-based rules (deadlines, repeat visits, zombie items): every registered sweep, hourly.
    "fence-sweeps-hourly": {"task": "enforcement.tasks.fence_sweeps_task", "schedule": 3600},
    # The dashboards' aggregates are kept up to date on each change; the nightly recount puts right what no
    # change announced (a whistle deadline that passed, a date moved to another month).
    "figures-reconcile-nightly": {
        "task": "figures.tasks.figures_reconcile_task",
        "schedule": 24 * 3600,
    },
}
# Publishing to a broker that is down fails fast: the outbox keeps the message and the relay sends it later.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, float] = {"socket_connect_timeout": 1.0}
# How long a task taken by a worker that died (SIGKILL, power) stays invisible before Redis hands it out again
# (kombu's default is an hour; the worker-kill test sets a few seconds).
if os.environ.get("CELERY_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = float(os.environ["CELERY_VISIBILITY_TIMEOUT"])
# /readyz calls the worker silent when its heartbeat (every minute from beat) is older than this.
WORKER_HEARTBEAT_STALE_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_STALE_SECONDS", "180"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call gets 401 with a WWW-Authenticate header.
        "enforcement.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # orjson for answers (a fifth of a list's CPU was encoding); the browsable API for people in a browser.
    "DEFAULT_RENDERER_CLASSES": [
        "enforcement.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # One pagination for every list: ?size= and ?after=, a signed cursor (enforcement/api/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "enforcement.api.pagination.CursorPagination",
    "DEFAULT_THROTTLE_RATES": {
        "login": os.environ.get("LOGIN_THROTTLE_RATE", "10/min"),
        # The public certificate look-up by number and name, per client address (enforcement.net).
        "certificate_verify": os.environ.get("CERTIFICATE_VERIFY_THROTTLE_RATE", "10/min"),
    },
    # Without it DRF keys throttles on the whole X-Forwarded-For header, which the client writes itself.
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "enforcement.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhifa API",
    "DESCRIPTION": "Town and subdistrict comprehensive administrative enforcement (镇街综合行政执法).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],  # the schema holds no data
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "enforcement.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStageEnum": "cases.workflow.Stage",
        "DeadlineUrgencyEnum": "enforcement.calendar.URGENCIES",
        "CaseReviewPointResultEnum": "cases.review.POINT_RESULTS",
        "InspectionScenarioEnum": "inspections.workflow.Scenario",
        "CaseActionEnum": "cases.workflow.Action",
        "AdjustmentLineActionEnum": "authority.models.AdjustmentLine.Action",
        "CaseSourceEnum": "cases.models.Source",
        "CasePartyKindEnum": "cases.models.PartyKind",
        "PenaltyKindEnum": "authority.penalties.PenaltyKind",
        "EvidenceKindEnum": "cases.models.Evidence.Kind",
        "OnSiteRecordKindEnum": "cases.models.OnSiteRecord.Kind",
        "CaseDocumentKindEnum": "cases.models.CaseDocument.Kind",
        "ComplaintChannelEnum": "cases.models.Complaint.Channel",
        "CaseOnSpotPenaltyEnum": "cases.api.serializers.inputs.ON_SPOT_PENALTIES",
        "CaseCorrectionBasisEnum": "cases.api.serializers.inputs.CORRECTION_BASIS",
        "CaseNoPenaltyBasisEnum": "cases.api.serializers.inputs.NO_PENALTY_BASIS",
        "CaseServiceMethodEnum": "cases.api.serializers.inputs.SERVICE_METHODS",
        "CasePaymentChannelEnum": "cases.api.serializers.inputs.PAYMENT_CHANNELS",
        "CasePauseReasonEnum": "cases.api.serializers.inputs.PAUSE_REASONS",
        "GrantKindEnum": "authority.models.GrantKind",
        "UnitKindEnum": "enforcement.models.Unit.Kind",
        "WhistleStatusEnum": "whistles.workflow.WhistleStatus",
        "WhistleAssignmentStatusEnum": "whistles.workflow.Status",
        "WhistleReasonEnum": "whistles.workflow.Reason",
        "WhistleReturnReasonEnum": "whistles.workflow.ReturnReason",
        "WhistleUrgencyEnum": "whistles.workflow.Urgency",
        "WhistleActionEnum": "whistles.workflow.Action",
        "WhistleEventKindEnum": "whistles.models.WhistleEvent.Kind",
        "WhistleReturnDecisionEnum": "whistles.models.WhistleReturn.Decision",
        "WhistleOriginTypeEnum": "whistles.models.WhistleRequest.OriginType",
    },
}

# Production hardening: on unless DEBUG, each overridable from the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Probes call the app directly over HTTP (compose health check, load balancer): no redirect to HTTPS for them.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, the row read with one hand-written statement (issue 18: enforcement.sessions).
SESSION_ENGINE = "enforcement.sessions"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Maps (Leaflet, vendored). No tile server unless one is configured: the maps then draw a plain base of their
# own (a coordinate grid) and work offline. MAP_TILE_URL is a Leaflet URL template, e.g.
# https://tiles.example.gov.cn/{z}/{x}/{y}.png ({s} for subdomains); its host is allowed in img-src, and only
# then. MAP_CENTER is where a map with nothing on it opens (latitude,longitude; default: Yuzhong, Chongqing).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "").strip()
MAP_TILE_MAX_ZOOM = int(os.environ.get("MAP_TILE_MAX_ZOOM", "18"))
MAP_CENTER = os.environ.get("MAP_CENTER", "29.5560,106.5330").strip()
MAP_MARKER_LIMIT = int(os.environ.get("MAP_MARKER_LIMIT", "300"))  # per kind, newest first


def tile_img_sources(tile_url: str) -> list[str]:
    """The CSP img-src sources a tile URL template needs: its scheme and host (a `{s}` subdomain becomes a
    wildcard); nothing when no tile server is set or the template is not an http(s) URL."""
    parts = urlsplit(tile_url.replace("{s}", "tile-subdomain"))
    if parts.scheme not in {"http", "https"} or not parts.hostname or "{" in (parts.netloc or ""):
        return []
    host = parts.netloc.rsplit("@", 1)[-1].replace("tile-subdomain", "*")
    return [f"{parts.scheme}://{host}"]


# No inline script, style or handler anywhere: behaviour lives in static files (static/enforcement/app.js and
# each app's own), so the policy needs no nonce. Bootstrap's and Swagger UI's icons are data: SVGs in their
# CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *tile_img_sources(MAP_TILE_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The service worker (/sw.js) and the web manifest (installable app), both from the site itself.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Officers photograph evidence and use "use my location"; fullscreen for viewing photo and video evidence.
# Every other powerful feature is off.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": ["self"],
    "geolocation": ["self"],
    "fullscreen": ["self"],
    **{
        feature: []
        for feature in (
            "accelerometer",
            "ambient-light-sensor",
            "autoplay",
            "bluetooth",
            "browsing-topics",
            "display-capture",
            "encrypted-media",
            "gamepad",
            "gyroscope",
            "hid",
            "idle-detection",
            "local-fonts",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "picture-in-picture",
            "publickey-credentials-get",
            "screen-wake-lock",
            "serial",
            "usb",
            "web-share",
            "xr-spatial-tracking",
        )
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "enforcement.log.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A PDF's every step and font subset at INFO: a few hundred lines per document, saying nothing wrong.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Tasks run in-process (demo mode, tests): a line per task that succeeded; a worker keeps them.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
        # With no broker at all (demo mode) kombu warns that it has no host name, which is the point.
        **({"kombu.connection": {"level": "ERROR"}} if DEMO_TASKS else {}),
    },
}

# Whistle notifications also go out by e-mail (Django's EMAIL_* settings) when this is on.
WHISTLE_EMAIL_NOTIFICATIONS = env_bool("WHISTLE_EMAIL_NOTIFICATIONS", False)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
if os.environ.get("EMAIL_FILE_PATH"):  # for the file backend (tests, a mail spool)
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")

SITE_NAME = _("Zhifa · Town comprehensive enforcement")
