"""Settings for onestop.

Everything a deployment changes is read once from the environment; the defaults run the whole system
on one machine with SQLite (the embedded default). DEBUG is off unless asked for; with it off, the secrets
(SECRET_KEY, PAYMENT_SECRET, PORTAL_PASSWORD, PORTAL_SIGNING_SECRET) have no defaults and a system check stops
the start-up while one is missing (onestop/checks.py). docs/deploy.md lists every variable.
"""

import datetime as dt
import logging
import os
from pathlib import Path

import dj_database_url
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("onestop.settings")

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("ONESTOP_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def env_secret(name: str, development_value: str) -> str:
    """A secret from the environment; a development value only while DEBUG is on (else empty, which the
    `onestop.E001` system check refuses before anything is served)."""
    return os.environ.get(name, "") or (development_value if DEBUG else "")


SECRET_KEY = env_secret("SECRET_KEY", "insecure-development-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://localhost:8000,http://127.0.0.1:8000")

# HTTPS, read from variables named as Django's settings (`manage.py check --deploy` is clean with them set).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz"]  # the orchestrator's probes speak plain HTTP inside the deployment
if os.environ.get("SECURE_PROXY_SSL_HEADER"):  # e.g. "HTTP_X_FORWARDED_PROTO,https" behind a TLS proxy
    SECURE_PROXY_SSL_HEADER = tuple(env_list("SECURE_PROXY_SSL_HEADER", ""))[:2]
# How many reverse proxies in front of the web processes append to X-Forwarded-For. The client's address is
# the one the outermost trusted proxy saw; with 0 (the default) it is the socket's, and the header is ignored.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "onestop",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "axes",
    "csp",
    "workflows",
    "dossiers",
    "payments",
    "portal",
    "notifications",
    "citizen",
    "reports",
    "seeds",
]

MIDDLEWARE = [
    "onestop.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "onestop.middleware.BadInputMiddleware",
    "onestop.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "onestop.middleware.DatabaseBusyMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out client before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins from one address for one username, that
# pair is refused for AXES_COOLOFF_MINUTES. Client addresses follow NUM_PROXIES, as the throttles do.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "onestop.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "onestop/locked_out.html"

# Content-Security-Policy on every answer (django-csp): scripts, styles, fonts and images from this origin only;
# no inline script anywhere (the templates' JavaScript is in static files). Inline style attributes are allowed.
# Forms may also lead to the payment platform and the e-identity (onestop.middleware adds their origins).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "onestop.urls"
WSGI_APPLICATION = "onestop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "onestop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dossiers.context_processors.officer_navigation",
            ],
        },
    },
]

# Database: SQLite file under DATA_DIR unless DATABASE_URL names another.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'onestop.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two writers queue instead of
    # failing with "database is locked" when a read lock is upgraded; WAL lets readers go on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")),  # seconds a writer waits for the lock
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DATABASES["default"]["NAME"] == ":memory:" else 60
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_SERVER_SIDE_BINDING", True):
    # Server-side parameter binding lets psycopg prepare the statements a transition repeats. Turn it
    # off (DB_SERVER_SIDE_BINDING=false) behind a transaction-pooling proxy that cannot keep them.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": int(os.environ.get("DB_PREPARE_THRESHOLD", "5"))}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first dates typed and shown (10/12/2026 is 10 December), the admin's widgets included.
FORMAT_MODULE_PATH = ["onestop.locale_formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# WhiteNoise serves static files from the web processes: compressed, with far-future caching of hashed names.
# With DEBUG on (and in tests) they are found in the apps as runserver does, without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

LOGIN_URL = "/can-bo/dang-nhap/"

# DOMAIN §3, a per-province choice: an online dossier's legal time runs from the arrival of its complete, valid
# filing ("filing": its submission, or the applicant's last supplement asked at receipt) or from the counter's
# receipt of it ("receipt"). Either way the start moves to the next working time, and no appointment is earlier
# than the receipt.
ONLINE_CLOCK_START = os.environ.get("ONLINE_CLOCK_START", "filing").strip().lower()
if ONLINE_CLOCK_START not in ("filing", "receipt"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"ONLINE_CLOCK_START must be 'filing' or 'receipt', not {ONLINE_CLOCK_START!r}")

# Uploads (DOMAIN §3 "Results are electronic"; API: "type and size checked").
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
DOCUMENT_ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/xml": ".xml",
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "onestop.paging.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": [
        "onestop.jsonlimits.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "onestop.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"track": os.environ.get("TRACK_THROTTLE_RATE", "30/min")},
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "onestop API",
    "DESCRIPTION": "Một cửa: tiếp nhận, xử lý và trả kết quả hồ sơ thủ tục hành chính.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"DossierStatusEnum": "dossiers.models.Status"},
    # Swagger UI's files, served from the drf-spectacular-sidecar package by dossiers.api.docs (no CDN).
    "SWAGGER_UI_DIST": reverse_lazy("api-docs-asset", kwargs={"path": "swagger-ui-dist"}),
    "SWAGGER_UI_FAVICON_HREF": reverse_lazy("api-docs-asset", kwargs={"path": "swagger-ui-dist/favicon-32x32.png"}),
}

# Redis: cache, broker and result store when REDIS_URL is set. Without it the embedded default keeps the cache in
# files under the data directory (shared by the web, the worker and the scheduler, as Redis is: the calendars'
# invalidation and the throttles go through it) and uses a SQLite-backed kombu transport that needs no server.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Answers as an empty cache while Redis is away (onestop/cache.py); short timeouts so that a Redis that does
    # not answer costs a request at most a second.
    CACHES = {
        "default": {
            "BACKEND": "onestop.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_NAME = "redis"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": DATA_DIR / "cache"}
    }
    CELERY_BROKER_URL = f"sqla+sqlite:///{DATA_DIR / 'celery-broker.sqlite3'}"
    CELERY_BROKER_TRANSPORT_NAME = "sqlalchemy (embedded, no server needed)"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # workers and beat reconnect for as long as the broker is away
# (kombu's SQLAlchemy transport passes every transport option on to create_engine(), so it takes none
# here; it polls its queue table once a second.)
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Each app adds its own periodic tasks in its AppConfig.ready() (portal: PORTAL_SWEEP_SECONDS and
# PORTAL_RECONCILE_SECONDS, read in portal/conf.py).
CELERY_BEAT_SCHEDULE: dict = {}

# Notifications to applicants: e-mail through Django's backend (the console on the embedded default; set
# EMAIL_BACKEND and EMAIL_HOST/PORT/… for a real server), SMS through SMS_GATEWAY (simulated by default).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Một cửa điện tử <no-reply@localhost>")
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "notifications.sms.SimulatedGateway")

# Where applicants reach this system: tracking links and QR codes on receipts, notifications.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The national portal (simulated by `manage.py portal_sim`).
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8090")
PORTAL_USERNAME = os.environ.get("PORTAL_USERNAME", "onestop")
PORTAL_PASSWORD = env_secret("PORTAL_PASSWORD", "onestop-dev-password")
# The HMAC-SHA256 key of every request body sent to the portal (DOMAIN §5: secrets in the environment).
PORTAL_SIGNING_SECRET = env_secret("PORTAL_SIGNING_SECRET", "onestop-dev-signing-secret")
# The national e-identity (OpenID Connect) and population database, simulated by `manage.py eid_sim`
# (compose.yaml: the `eid-sim` service); citizen/conf.py reads them, and the secrets EID_CLIENT_SECRET and
# EID_POPULATION_TOKEN from the environment.
EID_URL = os.environ.get("EID_URL", "http://127.0.0.1:8092")
EID_CLIENT_ID = os.environ.get("EID_CLIENT_ID", "onestop")
# The national payment platform's HMAC-SHA256 key (payments/conf.py reads it, with a development one under DEBUG).
PAYMENT_SECRET = os.environ.get("PAYMENT_SECRET", "")

# Logs: one JSON object a line (LOG_FORMAT=json, the default) with the request's id, or plain text
# (LOG_FORMAT=plain). Personal data (names, ID numbers, phones, addresses) is never logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "onestop.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if os.environ.get("LOG_FORMAT", "json") == "plain" else "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
