"""The test suite: base settings with fast hashing and a file-backed SQLite test database.

The test database needs a file name (not :memory:) so that the browser tests' ASGI server,
which runs in another process, sees the same data.
"""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
# The browser journeys register security keys over http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test run (so parallel runs don't share it), inherited by the live server's
    # child process through the environment.
    os.environ.setdefault("WORKSPACE_TEST_DB", str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3"))
    DATABASES["default"]["TEST"] = {"NAME": os.environ["WORKSPACE_TEST_DB"]}

# Page types that exist only for the tests (a page with twelve discussable parts…).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
