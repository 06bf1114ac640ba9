"""Settings of the page benchmark (bench/pages.py): the workspace's, DEBUG off, plus the bare view.

Only the benchmark uses this module: the bare yardstick's URL is never in production's URLconf.
Static files are served as in production (whitenoise, hashed names, precompressed gzip and
brotli from `collectstatic` into BENCH_STATIC_ROOT) so that the first load is measured as served.
"""

from pathlib import Path

from workspace.settings.base import *  # noqa: F403
from workspace.settings.base import TEMPLATES, env

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
STATIC_ROOT = Path(env("BENCH_STATIC_ROOT", "/tmp/bench-pages-static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env("BENCH_PLAIN_STATIC"):  # bench/profile_page.py: no collectstatic, unhashed names
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "templates"]}]
# seed_demo's members post many comments in a few seconds; the 10× scaling posts more.
DISCUSSIONS_RATE_LIMITS = ()
