"""Settings shared by every environment.

Everything is read from environment variables with safe development defaults; with no
environment at all the workspace runs on SQLite, the in-memory channel layer, a local-memory
cache, console email and immediate tasks (one process, nothing to install). `production.py`
tightens the defaults and refuses to start without what a deployment needs.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from workspace.core.reference import DEFAULT_LANGUAGE
from workspace.core.reference import LANGUAGES as REFERENCE_LANGUAGES

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "workspace"


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    return str(env(name, default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in str(env(name, default)).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
# Old keys still accepted for signatures while a rotation settles (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # daphne first so that `runserver` serves websockets too.
    "daphne",
    "workspace.core",
    "workspace.live",
    "workspace.accounts",
    "workspace.site",
    "workspace.discussions",
    "workplans",
    "meetings",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    # Translating pages in the admin, kept in step with their source (docs/architecture.md).
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail",
    # After wagtail.admin: its ready() replaces Wagtail's workflow emails with the workspace's notices.
    "workspace.notifications",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "channels",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML gzipped (static files come precompressed from whitenoise, which answers before this).
    # BREACH needs a secret repeated unchanged in a compressed body: Django masks the CSRF token
    # anew on every response, and no other secret is in a page (docs/architecture.md).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workspace.site.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workspace.accounts.middleware.MemberTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "workspace.site.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "workspace.accounts.middleware.SessionLifetimeMiddleware",
    "workspace.accounts.middleware.CoordinatorMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "workspace.site.middleware.AdminDraftPrivacyMiddleware",
    # Last, so that its process_exception sees a view's 404 first: logs refused foreign objects.
    "workspace.core.middleware.ForeignObjectLogMiddleware",
]

ROOT_URLCONF = "workspace.urls"
ASGI_APPLICATION = "workspace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workspace.site.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", 0)),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool per process (psycopg_pool): each request borrows a connection and gives it back at
    # its end, so a process holds at most DATABASE_POOL_MAX_SIZE connections however many
    # threads ASGI runs sync code in. CONN_MAX_AGE kept one connection per such thread, never
    # closed under ASGI: 85 connections after 10 s of load, then "too many clients" (issue 14).
    # Django refuses persistent connections together with a pool.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(env("DATABASE_POOL_MIN_SIZE", 2)),
        "max_size": int(env("DATABASE_POOL_MAX_SIZE", 10)),
        # A request waits this long for a free connection, then fails (instead of hanging).
        "timeout": int(env("DATABASE_POOL_TIMEOUT", 10)),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; the timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channel layer, tasks ------------------------------------------------------------
REDIS_URL = env("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, but a Redis restart degrades requests instead of failing them.
            "BACKEND": "workspace.site.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast while Redis is unreachable (a request must not hang on the cache).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "workspace"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py raises instead of waiting when the pool (default 100) is exhausted:
                # a mass disconnect then leaves stale group members behind (DESIGN §8).
                # redis-py 8 reads with a 5 s timeout, the same as channels_redis's blocking pop
                # for a socket's next message: without a longer one, every socket with nothing
                # to receive for 5 s dies (django/channels_redis#422).
                "hosts": [{"address": REDIS_URL, "max_connections": 1000, "socket_timeout": 30}],
                "prefix": env("CHANNEL_LAYER_PREFIX", "workspace"),
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# --- Authentication (django-allauth) --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "account_login"

ACCOUNT_ADAPTER = "workspace.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# A signed-in member sent to the sign-in page (e.g. a participant opening /admin/) must see it,
# with an explanation, instead of bouncing back to the page that refused them: a redirect loop.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
# Membership is by invitation only: the adapter closes public signup while this is False.
ACCOUNT_SIGNUP_ENABLED = False
# allauth's default rate limits stay on (failed logins: 10/minute per IP and 5 per 5 minutes per
# account, not reset by a successful login; password resets; signups). They are counted in the
# cache, which is Redis whenever REDIS_URL is set, so every process shares them.
# The client address that rate limits count by: REMOTE_ADDR unless the deployment says how many
# proxies in front append to X-Forwarded-For (1 behind a single reverse proxy). A client can put
# anything in that header, so trusting it by default would let one address pose as many.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", 0))
# Security keys and passkeys (WebAuthn) beside authenticator apps; allauth's scripts are files and
# its data blocks are JSON, so the site's strict CSP holds on the MFA pages too.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Browsers allow WebAuthn on http://localhost only; the relying party check needs this off HTTPS.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False)
MFA_TOTP_ISSUER = "Regional workspace"
# One 30-second step either way (RFC 6238, 5.2): a phone's clock drifts and a slow ministry link
# can take a code past its step. allauth still refuses a code used once.
MFA_TOTP_TOLERANCE = 1

# Sessions end after 12 hours in all, or 2 hours without activity (SessionLifetimeMiddleware,
# which also refreshes allauth's session activity, at most every 5 minutes: no write per GET).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_ABSOLUTE_LIFETIME = SESSION_COOKIE_AGE
SESSION_IDLE_TIMEOUT = int(env("SESSION_IDLE_TIMEOUT", 2 * 60 * 60))
USERSESSIONS_TRACK_ACTIVITY = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = DEFAULT_LANGUAGE
LANGUAGES = list(REFERENCE_LANGUAGES)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# Where a member has not chosen a zone and belongs to no government, show the programme's.
WORKSPACE_DEFAULT_TIME_ZONE = env("WORKSPACE_DEFAULT_TIME_ZONE", "America/Guatemala")

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For django.core.mail.backends.filebased.EmailBackend (the production topology's check reads it).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", BASE_DIR / "mail")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", 25))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "workspace@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers (tightened further in production) -------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": ["'none'"],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
    }
}
# Wagtail's admin relies on inline scripts and styles; it gets a relaxed policy of its own.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": ["'none'"],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = _("Regional dialogue and coordination workspace")
# The admin is the workspace's: no "what's new in Wagtail" banner, no check for Wagtail releases.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: nothing may load from outside the workspace.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Mixed es/en/fr content: no language's stemming (DESIGN §8); accents are folded at indexing
    # (site.models.AccentFoldedSearchField). Changing it needs `manage.py update_index`.
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "simple"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# Email addresses and passwords are allauth's (verification, rate limits, MFA): Wagtail's account
# page would change the email without verifying it, and its reset form bypasses the rate limits.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# --- Uploads (docs/operations.md, "Uploads") -------------------------------------------------
# What ministries exchange: PDF, OOXML and OpenDocument office files, CSV and plain text. Not
# zip (an archive hides what it carries from this list), nor the legacy .doc/.xls/.ppt or the
# macro-enabled .docm/.xlsm formats, nor SVG or HTML (they carry scripts).
WAGTAILDOCS_EXTENSIONS = env_list("WAGTAILDOCS_EXTENSIONS", "pdf,docx,xlsx,pptx,odt,ods,odp,csv,txt")
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(env("WAGTAILDOCS_MAX_UPLOAD_SIZE", 20 * 1024 * 1024))
# Documents go through Django (never a direct media URL), so the serve view's access checks
# (collection restriction, drafts' attachments: site/documents.py) apply to every download.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Every document is a download (Content-Disposition: attachment), PDFs included: nothing a
# member uploaded is rendered in the workspace's origin. Wagtail adds "default-src 'none'" and
# nosniff to the response (WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT, on by default).
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
WAGTAILIMAGES_EXTENSIONS = env_list("WAGTAILIMAGES_EXTENSIONS", "jpg,jpeg,png,webp,gif")
WAGTAILIMAGES_MAX_UPLOAD_SIZE = int(env("WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024))
# 40 megapixels: any camera photo, while a decompression bomb is refused before it is decoded.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = int(env("WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000))
# Request bodies other than files (files stream to disk above FILE_UPLOAD_MAX_MEMORY_SIZE).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024))

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_client_error_traceback": {"()": "workspace.site.log_filters.NoTracebackForClientErrors"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_client_error_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default config gives "django" (and the development server's request lines) a
        # console handler of its own: with the root's, every line was printed twice.
        "django": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO"), "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # Both log every page save and every immediate task at INFO: noise in a terminal.
        "django_tasks": {"level": env("LOG_LEVEL_TASKS", "WARNING")},
        "wagtail": {"level": env("LOG_LEVEL_WAGTAIL", "WARNING")},
    },
}
