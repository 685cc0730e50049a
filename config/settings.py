"""Settings for ANTQ Registry, driven by environment variables.

Development needs nothing set. Production (DJANGO_ENV=production) refuses to start without a real
SECRET_KEY and hardens cookies, HTTPS and headers so that ``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = "pytest" in sys.modules or env_bool("ANTQ_TESTING")

_DEV_SECRET = "django-insecure-dev-only-antq-registry-not-for-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY")
if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production cần một SECRET_KEY thật (ít nhất 50 ký tự ngẫu nhiên): "
            "production needs a real SECRET_KEY (at least 50 random characters)."
        )
elif not SECRET_KEY:
    SECRET_KEY = _DEV_SECRET

# Off unless asked for (DEBUG=1 with runserver): `make run` must show the Vietnamese error pages, not
# Django's debug pages that list the URL patterns and tracebacks.
DEBUG = env_bool("DEBUG", default=False)
if TESTING:
    # pytest-django's live_server runs next to Playwright's event loop in the browser tests.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "registry",
    "movement",
    "certification",
    "audit",
    "dashboard",
    "dataio",
]

MIDDLEWARE = [
    "audit.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.SessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it answers a locked-out login with the lockout page (see AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database: PostgreSQL always --------------------------------------------------------------
if env_str("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=60)}
else:
    from config.embedded_db import embedded_database_url

    DATABASES = {"default": dj_database_url.parse(embedded_database_url(BASE_DIR), conn_max_age=60)}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("ANTQ Registry chạy trên PostgreSQL; DATABASE_URL phải là postgres://…")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# Parallel test runs (several checkouts, one server) set ANTQ_TEST_DB to keep their databases apart.
DATABASES["default"]["TEST"] = {
    "NAME": "test_antq" + (f"_{env_str('ANTQ_TEST_DB')}" if env_str("ANTQ_TEST_DB") else "")
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "config.passwords.CharacterClassesValidator"},
]

if TESTING:
    # Fixtures create users by the dozen; the real hasher's deliberate slowness only slows the suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Language and time --------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Dates read day/month/year in both languages (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from the npm registry into node_modules at set-up time, never into git.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/tom-select/css", NODE_MODULES / "tom-select" / "dist" / "css"),
    ("vendor/tom-select/js", NODE_MODULES / "tom-select" / "dist" / "js"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The test client builds a handler per test; without autorefresh WhiteNoise re-walks every static
# file each time.
WHITENOISE_AUTOREFRESH = TESTING
# Uploads live outside any web root and are only served through views that check scope.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "uploads")))
# No URL serves MEDIA_ROOT: attachments go out only through views that check scope.
MEDIA_URL = "/media/"
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CERTIFICATION_ATTACHMENT_MAX_BYTES = env_int("CERTIFICATION_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# --- Dashboards --------------------------------------------------------------------------------
# The year dashboards and reports open on; unset: the latest year with certification records.
DASHBOARD_DEFAULT_YEAR = env_int("DASHBOARD_DEFAULT_YEAR", 0) or None
# A cold dashboard computes its child table on a second database connection meanwhile
# (dashboard/lanes.py): up to two more connections per worker process.
DASHBOARD_LANES = env_bool("DASHBOARD_LANES", default=True)
# Rendered dashboards and page bodies, reused while the data version (dashboard.models) stays the
# same; per process, at most MAX_ENTRIES of them.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    # Rendered pages by data version (dashboard.cache): on disk, so gunicorn's workers share them.
    "dashboard": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("DASHBOARD_CACHE_DIR", str(VAR_DIR / "cache" / "dashboard")),
        "TIMEOUT": env_int("DASHBOARD_CACHE_SECONDS", 3600),
        "OPTIONS": {"MAX_ENTRIES": env_int("DASHBOARD_CACHE_ENTRIES", 2000)},
    },
}
if TESTING:
    # Each test run starts empty; tests that need the shared directory set one of their own.
    CACHES["dashboard"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "dashboard",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    }

# --- Bulk import ---------------------------------------------------------------------------------
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 25_000_000)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
# An xlsx is a zip: refuse one whose members would inflate beyond this, or inflate suspiciously well.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 400_000_000)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 200)

# --- Forms, tables ------------------------------------------------------------------------------
# A choice of areas, organisations, forces or models lists its rows up to this many; past it the
# user types to search them (registry.lookups).
FORM_CHOICES_INLINE_MAX = env_int("FORM_CHOICES_INLINE_MAX", 500)
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# django-tables2's Bootstrap 5 markup, with the rows written in Python (registry.templatetags).
DJANGO_TABLES2_TEMPLATE = "tables/table.html"
DJANGO_TABLES2_PAGE_RANGE = 7

# --- Sessions and security ----------------------------------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)  # expire after 30 minutes of inactivity
# Inactivity, not time since login: an active session's expiry moves forward, at most once a minute
# (config.middleware.SessionRefreshMiddleware) rather than with a write on every request.
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP from the host itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Login throttling (django-axes) --------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Tests log in thousands of times from one address; the lockout test turns it back on.
AXES_ENABLED = env_bool("AXES_ENABLED", not TESTING)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False
# axes.W006 wants the address in the lockout key too. Locking by username alone is deliberate: the
# officers of a station share one NAT address, and locking that address would lock them all out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Content-Security-Policy (django-csp 4): no inline script or style anywhere ------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws a few icons (select arrows, toggler) as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Uploads (config/uploads.py) ----------------------------------------------------------------
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "audit.logging.RequestIDFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # No personal data in logs: axes would log usernames and addresses of failed logins (they are
    # kept in its database tables, visible to administrators only).
    "loggers": {"pgserver": {"level": "WARNING"}, "axes": {"level": "ERROR"}},
}
