"""Settings for the MMIP programme tracker: one module, every deploy-time value from the
environment through the small helpers below, development defaults that need nothing."""

import os
from datetime import timedelta
from pathlib import Path

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


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


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
    "django.contrib.admin",
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
    "django_tasks",
    "django_tasks_db",
    "mmip",
    "workstreams",
    "funding",
    "skills",
    "tracking",
    "imports",
    "mmip.site",
    "mmip.pagecache",
]
if DEBUG:
    # Benchmarks, the load test and synthetic records: tools for developers, not production.
    INSTALLED_APPS.append("mmip.bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
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

# Imports of funders' 360Giving files (imports/): the largest file accepted, and the most an
# Excel workbook may unpack to (a workbook is a zip archive, which can swell enormously).
IMPORT_MAX_MEGABYTES = env_int("IMPORT_MAX_MEGABYTES", 200)
IMPORT_MAX_SPREADSHEET_MEGABYTES = env_int("IMPORT_MAX_SPREADSHEET_MEGABYTES", 100)
# A preview or apply whose worker has said nothing for this long has stopped (its worker was
# restarted); staff may run it again.
IMPORT_JOB_SILENT_MINUTES = env_int("IMPORT_JOB_SILENT_MINUTES", 5)

# Background jobs (django-tasks): large imports are previewed and applied by a worker
# (`manage.py db_worker`, which `make run` and `make serve` start), queued in the database so
# no other server is needed and queued jobs survive a restart. TASKS_BACKEND names another
# backend, such as django-tasks-rq's on Redis, once installed (docs/deploy.md).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
