"""Settings for the MMIP programme tracker: one module, every deploy-time value from the
environment through the small helpers below, development defaults that need nothing."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_rates(name: str, default: list[str]) -> list[str]:
    """Request rates such as "120/minute,10000/day": each a whole number of requests per
    second, minute, hour or day (the forms Django REST Framework reads)."""
    rates = env_list(name, default)
    for rate in rates:
        count, _, period = rate.partition("/")
        if not count.isdigit() or period not in {"second", "minute", "hour", "day"}:
            raise ImproperlyConfigured(
                f"{name} must be rates such as 120/minute,10000/day, not {rate!r}."
            )
    return rates


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def redis_database(url: str) -> tuple | None:
    """Where a Redis URL points: host, port and database number (0 when the URL names none)."""
    if not url:
        return None
    parsed = urlsplit(url)
    number = parsed.path.strip("/") or dict(parse_qsl(parsed.query)).get("db", "0")
    return (parsed.hostname, parsed.port or 6379, int(number) if number.isdigit() else number)


# A checkout's own settings for running manage.py directly: `make` writes `.env` once
# (DEBUG, EMBEDDED_DATABASE and a generated SECRET_KEY). Real environment variables always
# win over it, and a server without the file is configured by its environment alone.
# ENV_FILE names another file, so tests need not touch the checkout's.
load_dotenv(os.environ.get("ENV_FILE") or BASE_DIR / ".env", override=False)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string in production, "
            "or set DEBUG=true for local development (make run does this)."
        )
    # Development only: a fixed key keeps sessions valid across restarts.
    SECRET_KEY = "dev-only-insecure-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin, with the staff's front page on its index.
    "mmip.site.admin_config.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "csp",
    "simple_history",
    "axes",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    # The API documentation's script and styles, served from this site so they work offline.
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    "mmip",
    "workstreams",
    "funding",
    "skills",
    "tracking",
    "imports",
    "mmip.site",
    "api",
    "embed",
    "mmip.pagecache",
]
if DEBUG:
    # Benchmarks, the load test and synthetic records: tools for developers, not production.
    INSTALLED_APPS.append("mmip.bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the page cache, so cached API answers carry the CORS headers of each request.
    "corsheaders.middleware.CorsMiddleware",
    # Above the page cache too, so an API answer from the cache counts against the rate.
    "api.throttling.ApiThrottleMiddleware",
    # Early, so a cached page skips everything below; it stores the headers they added.
    "mmip.pagecache.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lets history entries name the member of staff whose request made the change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it turns a refused log-in into the lockout page whatever came before.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mmip.urls"
WSGI_APPLICATION = "mmip.wsgi.application"

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
            ],
            "builtins": ["mmip.templatetags.mmip_format"],
        },
    },
]

# Without DATABASE_URL the embedded server is used only in development or when asked for by
# name: a production server that forgot DATABASE_URL must stop, not serve an empty database.
_use_embedded_database = env_bool("EMBEDDED_DATABASE", DEBUG)
if os.environ.get("DATABASE_URL"):
    _database_url = os.environ["DATABASE_URL"]
elif _use_embedded_database:
    from mmip.embedded_db import database_url

    _database_url = database_url()
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Set DATABASE_URL to the PostgreSQL database in production, "
        "or set EMBEDDED_DATABASE=true to use the embedded server in .pgdata/ on this machine "
        "(the Makefile does this for local commands)."
    )

DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # Off, as Django's default: a check costs every request a round trip. A connection
        # the database dropped is replaced after the request that finds it (Django), and
        # before any cached page is read (mmip/pagecache).
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
    )
}
if not os.environ.get("DATABASE_URL"):
    # The embedded server keeps PostgreSQL's defaults, which price a random read as on a
    # spinning disk and so pass over the funding explorer's indexes at scale. 1.1 is the
    # usual setting for SSDs and memory; docs/deploy.md asks the same of a managed server.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=1.1"
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL; nothing else is supported.")
# Parallel runs (several checkouts, or CI beside a developer) each name their own test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_mmip")}

# One shared cache for every app server: Redis when REDIS_URL is set, else a table in the
# database (made by migrate). Public pages are cached whole and dropped the moment any
# record changes (mmip/pagecache), so the timeout only bounds memory.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mmip_cache",
        }
    }
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 3600)
# The version a deployment serves (a tag or commit), if it sets one. Pages and figures are
# kept per release and mode (mmip/pagecache), so none made by another release is served.
RELEASE = os.environ.get("RELEASE", "")
# Each app server process also keeps the pages it served lately, up to this many bytes, and
# serves them after checking only the record generation (mmip/pagecache/recent.py); 0 turns it off.
RECENT_PAGES_BYTES = env_int("RECENT_PAGES_BYTES", 32 * 1024 * 1024)
# The funding explorer's totals and charts of each filter, kept in the same cache under the
# record generation, so they too are recomputed the moment any record changes; 0 turns it off.
RECORD_FIGURES_CACHE_SECONDS = env_int("RECORD_FIGURES_CACHE_SECONDS", 3600)
# How long browsers and proxies may reuse a public page before asking again (with its ETag).
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django 6 makes URL form fields assume https for addresses typed without a scheme; opt in now.
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# Axes is asked first so a locked-out name and address are refused before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
# A name and address together: guessing at one account from one place locks only that pair,
# so colleagues at the same address still get in and nobody elsewhere can lock staff out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mmip.admin_base.lockout_response"

# The staff groups grant viewing history explicitly (migration mmip 0004), and nobody may
# revert from it: a revert would restore a record's own fields but not its inline rows.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# Staff imports (mmip/resources.py): the uploaded file waits for the confirm step in the
# shared cache, not on one server's disk, so any app server can finish what another began.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"

# Imports of funders' 360Giving files (imports/): the largest file accepted, and the most a
# spreadsheet may hold unpacked, a CSV file's text or an Excel workbook's XML (a workbook is a
# zip archive, which can swell enormously). flattentool reads a spreadsheet whole, at about
# 50 MB of memory a megabyte of CSV, where a JSON package is streamed in little memory.
IMPORT_MAX_MEGABYTES = env_int("IMPORT_MAX_MEGABYTES", 200)
IMPORT_MAX_SPREADSHEET_MEGABYTES = env_int("IMPORT_MAX_SPREADSHEET_MEGABYTES", 25)
# A preview or apply whose worker has said nothing for this long has stopped (its worker was
# restarted); staff may run it again.
IMPORT_JOB_SILENT_MINUTES = env_int("IMPORT_JOB_SILENT_MINUTES", 5)

# Background jobs (django-tasks): large imports are previewed and applied by a worker
# (`manage.py worker`, which `make run` and `make serve` start). By default they queue in the
# database, so no other server is needed and queued jobs survive a restart; TASKS_BACKEND=rq
# queues them in Redis through django-tasks-rq instead (docs/deploy.md), at TASKS_REDIS_URL.
TASKS_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "").strip() or "database"
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL", "").strip()
    if not TASKS_REDIS_URL:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq queues the background jobs in Redis: set TASKS_REDIS_URL to its "
            "address, such as redis://127.0.0.1:6379/1."
        )
    if redis_database(TASKS_REDIS_URL) == redis_database(os.environ.get("REDIS_URL", "")):
        raise ImproperlyConfigured(
            "TASKS_REDIS_URL names the Redis database of the cache (REDIS_URL), which is emptied "
            "whole (by a restore), queued jobs and all: give the jobs another database, such as "
            "…/1 where the cache is …/0."
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": TASKS_REDIS_URL,
            # RQ stops a job after 3 minutes unless told otherwise; the apply of a file at the
            # size limit takes longer on a slow machine, and must never be cut off part-way
            # for no reason but the clock (it would roll back and have to run again).
            "DEFAULT_TIMEOUT": env_int("TASKS_JOB_TIMEOUT_SECONDS", 3600),
        }
    }

# Security headers. Production defaults are strict; a local `make serve` over plain HTTP
# turns off the HTTPS-only ones through the environment.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Django sends HSTS only on HTTPS responses, so this is safe on a plain-HTTP loopback too.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_HTTPS_PROXY", False):
    # The reverse proxy terminates TLS and says so in X-Forwarded-Proto (docs/deploy.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: a page that needs a script uses a file, or the
# per-request nonce (request.csp_nonce) for a one-line inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Email: the reporting reminders (manage.py send_reporting_reminders). Through the SMTP server
# named by EMAIL_HOST; without one, development prints each email to the console, and
# production uses Django's default, a mail server on the machine itself (localhost:25).
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "MMIP programme tracker <webmaster@localhost>"
)
# The address the site is served at, for links in emails, which are sent without a request
# to take it from (https://mmip.example.org). Without it, emails give no links.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, not {SITE_URL!r}.")

# The read-only JSON API at /api/v1/ (api/; docs/api.md). JSON only: the browsable API's
# pages carry inline styles the Content-Security-Policy refuses, and the page cache keeps one
# answer per address, not one per Accept header.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # No logins: every request is anonymous and reads only what the public may see.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "api.paging.CursorPaging",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_VERSION": "v1",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # ?format= would be one more parameter meaning nothing: there is one format.
    "URL_FORMAT_OVERRIDE": None,
    # The proxies in front of the app servers, so throttling counts the client's address
    # from X-Forwarded-For rather than the proxy's (docs/deploy.md).
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0) or None,
}
# Anonymous requests to the API, per client address: each rate applies (a burst and a day).
API_THROTTLE_RATES = env_rates("API_THROTTLE_RATES", ["120/minute", "10000/day"])

SPECTACULAR_SETTINGS = {
    "TITLE": "MMIP programme tracker API",
    "DESCRIPTION": (
        "The public record of the Medicines Manufacturing Industry Partnership, read-only: "
        "awards with the funding explorer's filters, and every other kind of record, each by "
        "its public identifier. See /about/data/ and docs/api.md."
    ),
    # The version is the path's (v1): the schema of each version says which it is.
    "VERSION": None,
    # OpenAPI 3.1: its schemas are JSON Schema, so "null or a reference" says what it means.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Every field of an answer is always there (null where empty), so every one is required.
    "COMPONENT_NO_READ_ONLY_REQUIRED": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_common_responses",
    ],
    # Every date's precision is the one list of values, named once in the schema.
    "ENUM_NAME_OVERRIDES": {"DatePrecision": ["year", "month", "day"]},
}

# Any site may read the API from a browser; nothing else of the site is shared.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
