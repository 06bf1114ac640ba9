"""Benchmark of the practice library: requests/s and latency under a production ASGI server.

For each N (default 200 and 2,000) it builds a fresh database with N published practices,
starts uvicorn on 127.0.0.1 (DEBUG off), signs a participant in, and sends GET requests with a
few concurrent clients to the library (plain, filtered, searched) and to a practice page.
It prints one table. A benchmark, not a test: numbers depend on the machine.

    .venv/bin/python bench/practices.py                      # SQLite files in /tmp
    .venv/bin/python bench/practices.py --practices 200 --requests 100 --concurrency 4
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_practices .venv/bin/python bench/practices.py
      (PostgreSQL: the database is emptied and rebuilt for each N)
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCENARIOS = (
    ("library", "/es/practices/"),
    ("library + filters", "/es/practices/?pillar=1&pillar=3&government=GT&government=MX&year=2019"),
    ("library + search", "/es/practices/?q=migracion"),
    ("search + filters + sort", "/es/practices/?q=retorno&population=returnees&sort=title"),
    ("library, page 5", "/es/practices/?page=5"),
    ("practice page", None),
)

SEED = r"""
import sys
from unittest import mock
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from tests.factories import make_member
from workspace.site.demo import build_practice
from workspace.site.models import BestPracticePage, GovernmentPage

count = int(sys.argv[1])
governments = list(GovernmentPage.objects.filter(locale__language_code="es").order_by("code"))
words = ["retorno", "migración laboral", "albergues", "tráfico ilícito", "niñez migrante", "consular"]
# Saving indexes each page one by one; the index is rebuilt in one pass afterwards instead.
with mock.patch("modelsearch.signal_handlers.insert_or_update_object_task"), \
        mock.patch("workspace.site.models.insert_or_update_object_task"), \
        mock.patch("wagtail.signal_handlers.update_reference_index_task"):
    for number in range(count):
        government = governments[number % len(governments)]
        page = build_practice(
            government=government,
            title=f"Protocolo de {words[number % 6]} número {number}",
            summary=f"Práctica de {government.title} sobre {words[(number + 2) % 6]} y gobernanza de la migración.",
            pillars=[number % 4 + 1, (number * 3) % 4 + 1],
            populations=["returnees", "migrants-in-transit", "host-communities"][: number % 3 + 1],
            instrument_type=("policy", "protocol", "campaign", "training", "tool", "partnership")[number % 6],
            start_year=2010 + number % 12,
            end_year=None if number % 3 else 2010 + number % 12 + 2,
            tags=[words[number % 6], f"tema-{number % 25}"],
            body=["Descripción de la práctica, sus etapas y sus resultados. " * 8],
            slug=f"practica-{number}",
        )
        government.add_child(instance=page)
        page.save_revision().publish()
call_command("update_index", verbosity=0)
member = make_member("participant")
session = SessionStore()
session[SESSION_KEY] = str(member.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = member.get_session_auth_hash()
session.create()
print(session.session_key)
print(BestPracticePage.objects.live().filter(locale__language_code="es").first().url)
"""


def run(args, env, **kwargs):
    return subprocess.run([PYTHON, *args], cwd=ROOT, env=env, check=True, text=True, capture_output=True, **kwargs)


def prepare(count, env):
    if env["DATABASE_URL"].startswith("sqlite:///"):
        path = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        run(["manage.py", "flush", "--noinput"], env)
    run(["manage.py", "migrate", "--noinput", "-v0"], env)
    run(["manage.py", "setup_workspace"], env)
    output = run(["manage.py", "shell", "-c", SEED.replace("int(sys.argv[1])", str(count))], env).stdout
    session_key, practice_url = output.strip().splitlines()[-2:]
    return session_key, practice_url


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def measure(port, path, session_key, requests, concurrency):
    url = f"http://127.0.0.1:{port}{path}"
    headers = {"Cookie": f"sessionid={session_key}", "Host": "127.0.0.1"}

    def one(_):
        started = time.perf_counter()
        with urlopen(Request(url, headers=headers), timeout=60) as response:
            response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - started

    one(0)  # warm-up
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = sorted(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    quantile = statistics.quantiles(latencies, n=100)
    return requests / elapsed, statistics.median(latencies), quantile[94], quantile[98]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--practices", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    options = parser.parse_args()

    rows = []
    for count in options.practices:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "workspace.settings.dev",
            "DJANGO_DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:////tmp/bench-practices-{count}.sqlite3"),
        }
        print(f"Preparing {count} practices…", file=sys.stderr)
        session_key, practice_url = prepare(count, env)
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "-m", "uvicorn", "workspace.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(options.workers), "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            wait_for(port)
            for name, path in SCENARIOS:
                result = measure(port, path or practice_url, session_key, options.requests, options.concurrency)
                rows.append((count, name, *result))
                print(f"  {name}: {result[0]:.1f} req/s", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=30)

    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(
        f"\nuvicorn, {options.workers} worker(s), {options.concurrency} concurrent clients, "
        f"{options.requests} requests per row, {database}\n"
    )
    print(f"{'practices':>9}  {'scenario':<26} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for count, name, rate, p50, p95, p99 in rows:
        print(f"{count:>9}  {name:<26} {rate:>7.1f} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {p99 * 1000:>8.1f}")


if __name__ == "__main__":
    main()
