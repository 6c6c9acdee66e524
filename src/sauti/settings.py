"""Django settings for Sauti, read from the environment only (see .env.example).

Modes (SAUTI_ENV): ``production`` (the default: every secret must be given), ``demo`` and
``test`` (secrets are generated and kept in the data folder so a laptop runs with no set-up),
``development``.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sauti import env

BASE_DIR = Path(__file__).resolve().parent

SAUTI_ENV = env.string(
    "SAUTI_ENV", "production", choices=("production", "demo", "test", "development")
)
RELAXED = SAUTI_ENV in ("demo", "test", "development")

DATA_DIR = Path(env.string("SAUTI_DATA_DIR", ".sauti")).expanduser().resolve()


def _generated_secret(file_name: str, nbytes: int = 48) -> str:
    """A secret kept in the data folder, created on first use; only outside production."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / file_name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _secret(name: str, file_name: str) -> str:
    value = env.raw(name)
    if value:
        return value
    if RELAXED:
        return _generated_secret(file_name)
    raise ImproperlyConfigured(
        f"{name} (or {name}_FILE) is required when SAUTI_ENV=production. "
        f"Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    )


SECRET_KEY = _secret("SECRET_KEY", "secret_key")
# Keys that seal personal data (reporters' names and phones, TOTP secrets). Comma-separated; the
# first encrypts, all decrypt, so a key can be rotated with `sauti keys rotate`.
SEAL_KEYS = [k.strip() for k in _secret("SAUTI_SEAL_KEYS", "seal_keys").split(",") if k.strip()]
# Key of the keyed hash used to look up a phone number without decrypting every row.
LOOKUP_HASH_KEY = _secret("SAUTI_LOOKUP_HASH_KEY", "lookup_hash_key")

DEBUG = env.boolean("SAUTI_DEBUG", False)
ALLOWED_HOSTS = env.string_list(
    "SAUTI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if RELAXED else []
)
if not RELAXED and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("SAUTI_ALLOWED_HOSTS is required when SAUTI_ENV=production.")
CSRF_TRUSTED_ORIGINS = env.string_list("SAUTI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "sauti.core",
    "sauti.accounts",
    "sauti.places",
    "sauti.alerts",
    "sauti.channels",
    "sauti.response",
    "sauti.civic",
    "sauti.agreements",
    "sauti.warning",
    "sauti.indicators",
    "sauti.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sauti.accounts.middleware.TwoFactorMiddleware",
    "sauti.core.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sauti.urls"
WSGI_APPLICATION = "sauti.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sauti.web.context.navigation",
            ],
        },
    }
]

# Database: DATABASE_URL selects it; without it, SQLite in the data folder, in WAL mode so the web
# server and the worker can write at the same time.
_database_url = env.raw("DATABASE_URL")
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=60)
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if _db.get("ENGINE") not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL engine {_db.get('ENGINE')!r} is not supported: use sqlite:/// or postgres://"
        )
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "sauti.sqlite3")}
# How long a SQLite writer waits for the write lock before giving up (milliseconds).
SAUTI_SQLITE_BUSY_TIMEOUT_MS = 20000
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                f"PRAGMA busy_timeout={SAUTI_SQLITE_BUSY_TIMEOUT_MS};"
            ),
        }
    )
    # Keep each thread's connection: opening one (file, WAL, pragmas, functions) costs more than
    # a small request's own work (bench/intake: ~40% of the server's time at load).
    _db["CONN_MAX_AGE"] = 600
    _db["CONN_HEALTH_CHECKS"] = True
    _db["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if SAUTI_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sign-in throttling: after this many failures for one username or one address within the window,
# further attempts are refused until the window passes.
SAUTI_LOGIN_MAX_FAILURES = env.integer("SAUTI_LOGIN_MAX_FAILURES", 5, minimum=1)
SAUTI_LOGIN_WINDOW_SECONDS = env.integer("SAUTI_LOGIN_WINDOW_SECONDS", 900, minimum=1)
# Roles that must use two-factor sign-in (those that can see sealed personal data, DP-16).
SAUTI_2FA_REQUIRED_ROLES = env.string_list(
    "SAUTI_2FA_REQUIRED_ROLES", ["CLA", "CA_OFFICER", "DPO_FOCAL", "ADMIN"]
)

# Sessions and cookies: secure by default; only the local demo and tests run on plain HTTP.
_https = env.boolean("SAUTI_HTTPS", not RELAXED)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send the CSRF header
SESSION_COOKIE_AGE = env.integer("SAUTI_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.integer("SAUTI_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_SSL_REDIRECT = env.boolean("SAUTI_SSL_REDIRECT", False)

# Languages and time: stored in UTC, shown in the mission's time zone.
LANGUAGE_CODE = env.string("SAUTI_LANGUAGE", "fr", choices=("en", "fr"))
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
SAUTI_MISSION_TIME_ZONE = env.string("SAUTI_TIME_ZONE", "Africa/Bangui")
try:
    ZoneInfo(SAUTI_MISSION_TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError) as _exc:
    raise ImproperlyConfigured(
        f"SAUTI_TIME_ZONE={SAUTI_MISSION_TIME_ZONE!r} is not a known time zone."
    ) from _exc
SAUTI_MISSION_NAME = env.string("SAUTI_MISSION_NAME", "MINUSCA")
SAUTI_MISSION_CODE = env.string("SAUTI_MISSION_CODE", "MINUSCA")
# Maps are offline by default (the gazetteer's own polygons); set a tile URL such as
# https://tile.openstreetmap.org/{z}/{x}/{y}.png (or a mission tile server) to add a base layer.
SAUTI_MAP_TILE_URL = env.string("SAUTI_MAP_TILE_URL", "")
SAUTI_MAP_TILE_ATTRIBUTION = env.string("SAUTI_MAP_TILE_ATTRIBUTION", "")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = RELAXED
MEDIA_ROOT = DATA_DIR / "media"
EXPORT_DIR = DATA_DIR / "exports"

DATA_UPLOAD_MAX_MEMORY_SIZE = env.integer("SAUTI_MAX_BODY_BYTES", 2 * 1024 * 1024, minimum=1024)

# Background jobs.
SAUTI_JOB_LEASE_SECONDS = env.integer("SAUTI_JOB_LEASE_SECONDS", 300, minimum=5)
SAUTI_JOB_MAX_ATTEMPTS = env.integer("SAUTI_JOB_MAX_ATTEMPTS", 8, minimum=1)
# Response (docs/response.md): transmitting de-identified alerts to the national forces liaison is
# a mission decision, off by default (DP-5).
SAUTI_NATIONAL_FORCES_TRANSMISSION = env.boolean("SAUTI_NATIONAL_FORCES_TRANSMISSION", False)
# A community alert network with no inbound message for this many days is flagged silent.
SAUTI_SILENT_NETWORK_DAYS = env.integer("SAUTI_SILENT_NETWORK_DAYS", 14, minimum=1)
# Exports at or above this many rows run as background jobs from the pages and the API
SAUTI_EXPORT_INLINE_MAX_ROWS = env.integer("SAUTI_EXPORT_INLINE_MAX_ROWS", 20000, minimum=1)

# Exports: counts below this are shown as "<N" (DP-10).
SAUTI_SMALL_CELL_THRESHOLD = env.integer("SAUTI_SMALL_CELL_THRESHOLD", 5, minimum=0)

EMAIL_BACKEND = env.string("SAUTI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("SAUTI_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
