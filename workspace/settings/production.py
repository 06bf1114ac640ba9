"""Production: everything from the environment, secure by default, loud when something is missing.

Missing DJANGO_SECRET_KEY or DJANGO_ALLOWED_HOSTS stops the process with one readable line.
SQLite and the in-memory channel layer are refused by deploy checks (workspace.site.checks),
so `manage.py check --deploy --fail-level WARNING` fails on a half-configured deployment.
"""

import sys

from .base import *  # noqa: F403
from .base import env, env_bool, env_list


def required(name):
    value = env(name)
    if not value:
        sys.exit(f"error: the environment variable {name} must be set in production")
    return value


DEBUG = False
# Security keys only over HTTPS in production, whatever the environment says.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
SECRET_KEY = required("DJANGO_SECRET_KEY")
required("DJANGO_ALLOWED_HOSTS")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# TLS terminates at the proxy, which must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Cookies only this exact origin can set (the __Host- prefix: Secure, Path=/, no Domain), so a
# sibling subdomain cannot plant a session or CSRF cookie (session fixation, CSRF token tossing).
# The JS client reads the CSRF token from the page's forms, never from the cookie.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
LANGUAGE_COOKIE_SECURE = True

# Behind TLS, websockets only as wss:// (X-Forwarded-Proto from the proxy, as for HTTP): a ws://
# upgrade is accepted then closed with 4426 (docs/realtime.md), before any consumer runs.
WEBSOCKETS_REQUIRE_TLS = env_bool("WEBSOCKETS_REQUIRE_TLS", True)
