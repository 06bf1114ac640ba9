"""Where a page's time goes: cProfile around requests to one URL, in-process (issue 14).

    .venv/bin/python bench/pages.py --keep /tmp/bench-dbs          # builds (and keeps) 1× and 10×
    .venv/bin/python bench/profile_page.py /es/practices/?q=migracion --database /tmp/bench-dbs/pages-10x.sqlite3
    .venv/bin/python bench/profile_page.py /es/ /es/practices/ --requests 30 --top 15

Signs the demo participant in (participante@example.org), sends two warm-up requests, then
profiles `--requests` GETs through Django's test client (the whole middleware stack, DEBUG off,
bench.settings) and prints per URL: ms per request, the share of a few known phases (template
rendering, SQL execution, middleware outside the view), and the functions with the most own time.
Run it from another checkout to profile that code on the same database (a "before" profile):
`cd /other/checkout && PYTHONPATH=. /work/…/.venv/bin/python /work/…/bench/profile_page.py …`
(it then uses that checkout's workspace.settings.dev with DEBUG off).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

# Phases: (label, module path fragment, function name) whose cumulative time is reported.
PHASES = (
    ("template rendering", "django/template/base.py", "render"),
    ("SQL execution", "django/db/backends/utils.py", "_execute"),
    ("ORM: building SQL", "django/db/models/sql/compiler.py", "as_sql"),
    ("view (inside middleware)", "django/core/handlers/base.py", "_get_response"),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("urls", nargs="+")
    parser.add_argument(
        "--database", default="/tmp/bench-dbs/pages-10x.sqlite3", help="an SQLite file (or use DATABASE_URL)"
    )
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", type=int, default=12)
    options = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{options.database}"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_DEBUG"] = "false"
    here = Path(__file__).resolve().parent.parent
    if Path.cwd().resolve() == here:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
        os.environ["BENCH_PLAIN_STATIC"] = "1"  # no collectstatic needed
        sys.path.insert(0, str(here))
    else:  # another checkout: its own settings, DEBUG off
        os.environ["DJANGO_SETTINGS_MODULE"] = "workspace.settings.dev"
        sys.path.insert(0, str(Path.cwd()))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    # Pages link their static files through the manifest when bench.settings is used: profile
    # without collectstatic by using the plain storage's names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    client = Client()
    client.force_login(get_user_model().objects.get(email="participante@example.org"))
    for url in options.urls:
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(options.requests):
            client.get(url)
        profile.disable()
        per_request = (time.perf_counter() - started) * 1000 / options.requests
        stats = pstats.Stats(profile)
        total = sum(entry[2] for entry in stats.stats.values())  # own time of everything
        print(f"\n## {url}: {per_request:.1f} ms per request under the profiler ({options.requests} requests)")
        for label, fragment, function in PHASES:
            cumulative = max(
                (
                    entry[3]
                    for (file, _line, name), entry in stats.stats.items()
                    if fragment in file and name == function
                ),
                default=0,
            )
            print(f"- {label}: {100 * cumulative / total:.0f} %")
        project = str(Path.cwd().resolve())
        ours = sorted(
            (
                (entry[3], file, line, name)
                for (file, line, name), entry in stats.stats.items()
                if file.startswith(project) and "/.venv/" not in file and "/bench/" not in file and name != "__call__"
            ),
            reverse=True,
        )
        print("the project's own functions, by cumulative time:")
        for cumulative, file, line, name in ours[: options.top]:
            print(f"  {100 * cumulative / total:5.1f} %  {file.removeprefix(project + '/')}:{line}({name})")
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(options.top)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next(index for index, line in enumerate(lines) if line.strip().startswith("ncalls"))
        print("own time, top functions:")
        for line in lines[start + 1 :]:
            parts = line.split(None, 5)
            if len(parts) == 6:
                calls, own = parts[0], float(parts[1])
                where = parts[5].replace(str(Path(sys.prefix)), "…").replace("/lib/python3.11/site-packages/", "")
                print(f"  {100 * own / total:5.1f} %  {calls:>9}  {where}")


if __name__ == "__main__":
    main()
