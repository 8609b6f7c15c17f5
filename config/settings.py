"""Platform settings, driven by environment variables (see docs/operations.md).

Everything a deployment must choose is read here and checked at once; a wrong or missing value
stops start-up with one sentence naming the setting.
"""

from __future__ import annotations

import os
from pathlib import Path

from config import env
from pubcredit.core.errors import ConfigurationError

BASE_DIR = env.BASE_DIR
VAR_DIR = Path(os.environ.get("PUBCREDIT_VAR_DIR", BASE_DIR / "var"))
env.load_env_file(Path(os.environ.get("PUBCREDIT_ENV_FILE", VAR_DIR / "pubcredit.env")))

DEBUG = env.flag("PUBCREDIT_DEBUG", default=False)
SECRET_KEY = env.required("DJANGO_SECRET_KEY", "set a long random string (run `make keys`).")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("PUBCREDIT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]

# Personal identifiers: SM4-GCM encryption key (16 bytes) and SM3-HMAC blind-index key (32 bytes).
# They come from the environment only, never from the database (ARCHITECTURE.md, core invariants).
PUBCREDIT_SM4_KEY = env.hex_key("PUBCREDIT_SM4_KEY", 16)
PUBCREDIT_INDEX_KEY = env.hex_key("PUBCREDIT_INDEX_KEY", 32)

# The jurisdiction's policy pack (pubcredit/policy/packs/<name>.toml), layered over national.toml.
PUBCREDIT_POLICY = os.environ.get("PUBCREDIT_POLICY", "xian").strip()

DATABASES = {"default": env.database(os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pubcredit.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "pubcredit.core",
    "pubcredit.policy",
    "pubcredit.accounts",
    "pubcredit.subjects",
    "pubcredit.catalog",
    "pubcredit.records",
    "pubcredit.collection",
    "pubcredit.disclosure",
    "pubcredit.notices",
    "pubcredit.objections",
    "pubcredit.repairs",
    "pubcredit.lists",
    "pubcredit.measures",
    "pubcredit.screening",
    "pubcredit.reports",
    "pubcredit.evaluation",
    "pubcredit.exchange",
    "pubcredit.statistics",
    "pubcredit.portal",
    "pubcredit.ops",
    "pubcredit.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pubcredit.core.middleware.RejectNulMiddleware",
    "pubcredit.accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the platform speaks one language (LANGUAGES below), so negotiating it
    # on every request would only cost time on the hottest paths.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pubcredit.accounts.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "pubcredit.portal.context.platform",
                "pubcredit.portal.context.workspace",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Argon2 first: new passwords and every sign-in with an older hash are (re)hashed with it.
# Twelve characters at least (ASVS 2.1.1); Django's validators speak Chinese under zh-hans.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "pubcredit.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock-out: after this many consecutive failed sign-ins for one username, the name is refused
# (even with the right password) for this many minutes (pubcredit/accounts/lockout.py).
PUBCREDIT_LOGIN_MAX_FAILURES = env.positive_int("PUBCREDIT_LOGIN_MAX_FAILURES", 5)
PUBCREDIT_LOGIN_LOCK_MINUTES = env.positive_int("PUBCREDIT_LOGIN_LOCK_MINUTES", 15)
# Second factor (TOTP) for operator, authority, auditor and superusers: hours an account without
# an authenticator may still sign in with its password from its first sign-in (0: enrol at once).
_TOTP_GRACE = os.environ.get("PUBCREDIT_TOTP_GRACE_HOURS", "").strip() or "48"
if not _TOTP_GRACE.isdecimal():
    raise ConfigurationError(
        f"Setting PUBCREDIT_TOTP_GRACE_HOURS={_TOTP_GRACE!r} must be a whole number of hours (0 or more)."
    )
PUBCREDIT_TOTP_GRACE_HOURS = int(_TOTP_GRACE)
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Providers' raw uploads and declaration proofs: outside the web root, never served directly.
UPLOAD_DIR = Path(os.environ.get("PUBCREDIT_UPLOAD_DIR", VAR_DIR / "uploads"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
# Absolute: a session ends 8 hours after sign-in, active or not; staff sessions also end after
# PUBCREDIT_STAFF_IDLE_MINUTES without a request (pubcredit/accounts/middleware.py).
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
PUBCREDIT_STAFF_IDLE_MINUTES = env.positive_int("PUBCREDIT_STAFF_IDLE_MINUTES", 30)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy and Permissions-Policy: pubcredit/accounts/middleware.py.
# Served over HTTPS (directly or behind a TLS proxy): cookies only over TLS, and HSTS for a year.
PUBCREDIT_HTTPS = env.flag("PUBCREDIT_HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PUBCREDIT_HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if PUBCREDIT_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False

# Cache: local memory per process by default; PUBCREDIT_CACHE_URL=redis://host:port/db shares it
# between processes and servers (needs the `redis` package).
_CACHE_URL = os.environ.get("PUBCREDIT_CACHE_URL", "").strip()
if _CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}}
elif _CACHE_URL:
    raise ConfigurationError("Setting PUBCREDIT_CACHE_URL must be empty (local memory) or a redis:// URL.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pubcredit"}}

# Public search limit per client (IP address, or API client by token), against scraping: at most
# PUBCREDIT_SEARCH_RATE searches per PUBCREDIT_SEARCH_RATE_WINDOW seconds. A platform choice, not a
# regulation value; counted in the cache above (per process unless the cache is shared).
PUBCREDIT_SEARCH_RATE = env.positive_int("PUBCREDIT_SEARCH_RATE", 30)
PUBCREDIT_SEARCH_RATE_WINDOW = env.positive_int("PUBCREDIT_SEARCH_RATE_WINDOW", 60)
# Reverse proxies in front of the platform (addresses or networks, comma-separated). Only when a
# request comes from one of them is X-Forwarded-For read, to find the client's address
# (pubcredit/core/client_address.py); otherwise the header is ignored, as anyone can write it.
PUBCREDIT_TRUSTED_PROXIES = env.networks("PUBCREDIT_TRUSTED_PROXIES")

# Credit reports: the signing key and certificate (written by `pubcredit reports keys`, never in
# the database or the repository) and the public address the reports' QR codes point to.
PUBCREDIT_REPORT_SIGNING_KEY = os.environ.get("PUBCREDIT_REPORT_SIGNING_KEY", "").strip() or None
PUBCREDIT_REPORT_SIGNING_CERT = os.environ.get("PUBCREDIT_REPORT_SIGNING_CERT", "").strip() or None
PUBCREDIT_PUBLIC_BASE_URL = os.environ.get("PUBCREDIT_PUBLIC_BASE_URL", "").strip().rstrip("/") or None
if PUBCREDIT_PUBLIC_BASE_URL and not PUBCREDIT_PUBLIC_BASE_URL.startswith(("https://", "http://")):
    raise ConfigurationError("Setting PUBCREDIT_PUBLIC_BASE_URL must start with https:// or http://.")
# A PostgreSQL connection idle this many seconds is pinged before its next request's first query;
# a busier one is not (pubcredit/ops/postgresql/base.py).
PUBCREDIT_DB_PING_AFTER_SECONDS = env.positive_int("PUBCREDIT_DB_PING_AFTER_SECONDS", 5)

EMAIL_BACKEND = os.environ.get("PUBCREDIT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PUBCREDIT_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
