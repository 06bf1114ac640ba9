"""Benchmark of the main pages beside a bare Django view (issue 14): `make bench`.

For each data size (1× = seed_demo; 10× = bench/scale.py on top) it builds a database, serves it
with each server asked for (one process each, DEBUG off, settings bench.settings: the workspace's
plus a bare view behind the same middleware), signs the demo participant in, and drives every
page with `wrk` (8 connections, gzip accepted) in interleaved runs: run 1 of every page on every
server and size, then run 2, … The median run is printed, with the queries per page, the HTML
bytes (raw / gzip) and the first load as transferred (HTML gzip + each stylesheet and script it
references, brotli as whitenoise serves it). A benchmark, not a test: numbers depend on the
machine and its load (printed before and after).

    .venv/bin/python bench/pages.py                                   # uvicorn, SQLite, 1× and 10×
    .venv/bin/python bench/pages.py --servers uvicorn,daphne,gunicorn --seconds 3
    .venv/bin/python bench/pages.py --scales 1 --pages home,library --runs 1 --seconds 2   # a quick look
    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/bench_pages
      (PostgreSQL: databases bench_pages_1x and bench_pages_10x are dropped and created again; the
      connections of each database are sampled during the load and their maximum printed)

Without wrk on the PATH (Debian: apt-get install wrk) a thread-pool client in Python stands in,
and the table says so: its numbers are lower than wrk's (the client shares the CPU).
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PROBE = r"""
import gzip, json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from meetings.models import MeetingIndexPage, MeetingPage
from meetings.services import issue_feed_token
from workplans.models import WorkPlanIndexPage, WorkPlanPage
from workspace.discussions.models import Comment
from workspace.site.models import BestPracticePage, GovernmentPage, HomePage, PillarPage
from workplans.models import current_programme_year
ISSUE_10_YEAR = current_programme_year() + 1

member = get_user_model().objects.get(email="participante@example.org")
session = SessionStore()
session[SESSION_KEY] = str(member.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = member.get_session_auth_hash()
session.create()

es = {"locale__language_code": "es"}
busiest = (
    Comment.objects.filter(thread__page__in=BestPracticePage.objects.live().filter(**es))
    .values("thread__page").annotate(n=Count("pk")).order_by("-n").first()
)
practices = BestPracticePage.objects.live().filter(**es)
practice = practices.get(pk=busiest["thread__page"]) if busiest else practices.first()
plan = max(
    WorkPlanPage.objects.live().filter(**es).exclude(year=ISSUE_10_YEAR), key=lambda item: len(item.activities())
)
client = Client()
client.cookies["sessionid"] = session.session_key
issue_10 = WorkPlanPage.objects.live().filter(year=ISSUE_10_YEAR, **es).descendant_of(
    GovernmentPage.objects.get(code="GT", **es)
).first()
meeting_url = None
for meeting in MeetingPage.objects.live().filter(**es).order_by("-starts_at"):
    if client.get(meeting.url).status_code == 200:
        meeting_url = meeting.url
        break
pages = {
    "bare view": "/bench/bare/",
    "home": HomePage.objects.get(**es).url,
    "library": "/es/practices/",
    "library, filtered": "/es/practices/?pillar=1&pillar=3&government=GT&government=MX",
    "library, searched": "/es/practices/?q=migracion",
    "practice page": practice.url,
    "government page": GovernmentPage.objects.get(code="GT", **es).url,
    "pillar page": PillarPage.objects.filter(**es).order_by("pk").first().url,
    "work plan": plan.url,
    "work-plan dashboard": WorkPlanIndexPage.objects.get(**es).url,
    "work plan (#10 scale)": issue_10.url,
    "dashboard (#10 scale)": f"{WorkPlanIndexPage.objects.get(**es).url}?year={ISSUE_10_YEAR}",
    "meeting page": meeting_url,
    "meetings index": MeetingIndexPage.objects.get(**es).url,
    ".ics feed": f"/meetings/calendar/{issue_feed_token(member=member)}.ics",
}
plans = {"work plan": plan, "work plan (#10 scale)": issue_10}
measured = {}
for name, url in pages.items():
    client.get(url)  # per-process caches warm, the session's first request done
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    body = response.content
    measured[name] = {
        "url": url, "status": response.status_code, "queries": len(queries),
        "raw": len(body), "gzip": len(gzip.compress(body)),
        "activities": len(plans[name].activities()) if name in plans else None,
    }
print("BENCH-PROBE " + json.dumps({"session": session.session_key, "pages": measured}))
"""


def say(message):
    print(message, file=sys.stderr, flush=True)


def loadavg():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """An SQLite file in a temporary directory, or a PostgreSQL database made for the run."""

    def __init__(self, base_url, scale, workdir):
        self.scale = scale
        if base_url and base_url.startswith("postgres"):
            parsed = urlparse(base_url)
            self.name = f"{parsed.path.lstrip('/') or 'bench_pages'}_{scale}x"
            self.url = parsed._replace(path=f"/{self.name}").geturl()
            self.admin_url = parsed._replace(path="/postgres").geturl()
        else:
            self.name = None
            self.url = f"sqlite:///{workdir}/pages-{scale}x.sqlite3"

    @property
    def is_postgres(self):
        return self.name is not None

    def recreate(self):
        if self.is_postgres:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        if self.is_postgres:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def connections(self):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            return connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.name]
            ).fetchone()[0]


def manage(args, env, timeout=3600):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def prepare(database, env, plan_activities):
    say(f"[{database.scale}×] building the database ({loadavg()})")
    database.recreate()
    manage(["migrate", "--noinput", "-v0"], env)
    manage(["seed_demo", "--force"], env)
    if database.scale > 1:
        started = time.monotonic()
        counts = manage(
            [
                "shell",
                "-c",
                f"from bench.scale import scale; print(scale({database.scale}, plan_activities={plan_activities}))",
            ],
            env,
        )
        say(f"[{database.scale}×] scaled in {time.monotonic() - started:.0f} s: {counts.strip().splitlines()[-1]}")
    # Issue 10's own scale, at every size, in a year of its own: a plan of 200 activities with 1,000
    # progress updates and 1,000 comments, and that year's dashboard (9 governments × 4 × 50).
    # (A year after the programme's current one: bench/scale.py fills the earlier years with plans.)
    build = "from bench.workplans_data import build_workplans; from workplans.models import current_programme_year; "
    manage(["shell", "-c", build + "print(build_workplans(year=current_programme_year() + 1))"], env)
    output = manage(["shell", "-c", PROBE], env)
    line = next(line for line in output.splitlines() if line.startswith("BENCH-PROBE "))
    return json.loads(line.removeprefix("BENCH-PROBE "))


SERVERS = {
    "uvicorn": lambda port: [PYTHON, "-m", "uvicorn", "workspace.asgi:application", "--host", "127.0.0.1",
                             "--port", str(port), "--no-access-log", "--log-level", "warning"],
    "daphne": lambda port: [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0",
                            "workspace.asgi:application"],
    # One process like the others (threads for the 8 connections): requests/s per process and core.
    "gunicorn": lambda port: [PYTHON, "-m", "gunicorn", "workspace.wsgi:application", "--bind", f"127.0.0.1:{port}",
                              "--workers", "1", "--threads", "8", "--log-level", "warning"],
}  # fmt: skip


def start(server, env):
    port = free_port()
    process = subprocess.Popen(SERVERS[server](port), cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"{server} exited with {process.returncode}") from None
            time.sleep(0.3)
    raise SystemExit(f"{server} did not start")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, session, seconds, connections):
    # wrk's default 2 s timeout would count a slow page's answers as socket timeouts.
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "--latency",
               "-H", f"Cookie: sessionid={session}", "-H", "Accept-Encoding: gzip", url]  # fmt: skip
    output = subprocess.run(command, text=True, capture_output=True, check=True).stdout

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(match[1]) * UNITS[match[2]]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": latency(50),
        "p99": latency(99),
        "errors": (int(errors[1]) if errors else 0) + (sum(map(int, failed.groups()[:3])) if failed else 0),
        "timeouts": int(failed[4]) if failed else 0,
    }


def threads_client(url, session, seconds, connections):
    """The stand-in for wrk: `connections` threads sending requests back to back for `seconds`."""
    headers = {"Cookie": f"sessionid={session}", "Accept-Encoding": "gzip"}
    deadline = time.monotonic() + seconds
    latencies, errors = [], [0]

    def loop(_):
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                with urlopen(Request(url, headers=headers), timeout=60) as response:
                    response.read()
            except OSError:
                errors[0] += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(loop, range(connections)))
    quantiles = statistics.quantiles(sorted(latencies), n=100) if len(latencies) > 1 else [0] * 99
    return {
        "rps": len(latencies) / (time.monotonic() - started),
        "p50": quantiles[49],
        "p99": quantiles[98],
        "errors": errors[0],
        "timeouts": 0,
    }


def first_load(port, path, session):
    """Bytes transferred for a first visit: the HTML (gzip) and every same-origin stylesheet and
    script it references (brotli, else gzip, as served). Also the references to other hosts."""
    headers = {"Cookie": f"sessionid={session}", "Accept-Encoding": "br, gzip"}

    def fetch(target):
        with urlopen(Request(f"http://127.0.0.1:{port}{target}", headers=headers), timeout=60) as response:
            return response.read(), response.headers.get("Content-Encoding", "")

    body, encoding = fetch(path)
    html = gzip.decompress(body).decode() if encoding == "gzip" else body.decode(errors="replace")
    assets = set(re.findall(r'<link[^>]+href="(/static/[^"]+)"', html))
    assets |= set(re.findall(r'<script[^>]+src="(/static/[^"]+)"', html))
    outside = re.findall(r'(?:src|href)="(?:https?:)?//(?!127\.0\.0\.1)[^"]+"', html)
    total, encodings = len(body), set()
    for asset in sorted(assets):
        content, asset_encoding = fetch(asset)
        total += len(content)
        encodings.add(asset_encoding or "none")
    return {"bytes": total, "assets": len(assets), "encodings": sorted(encodings), "outside": len(outside)}


class ConnectionSampler(threading.Thread):
    """Counts the PostgreSQL connections of each database while the load runs."""

    def __init__(self, databases):
        super().__init__(daemon=True)
        self.databases = [database for database in databases if database.is_postgres]
        self.most = {database.name: 0 for database in self.databases}
        self.running = True

    def run(self):
        while self.running and self.databases:
            for database in self.databases:
                self.most[database.name] = max(self.most[database.name], database.connections())
            time.sleep(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10", help="data sizes (1 = seed_demo)")
    parser.add_argument("--servers", default="uvicorn", help="uvicorn,daphne,gunicorn")
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs; the median is printed")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--plan-activities", type=int, default=200, help="activities of the biggest plan at >1×")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--json", help="also write every run's numbers to this file")
    parser.add_argument("--keep", help="keep the SQLite databases in this directory (e.g. for bench/profile_page.py)")
    options = parser.parse_args()
    scales = [int(item) for item in options.scales.split(",")]
    servers = options.servers.split(",")
    load = wrk if shutil.which("wrk") else threads_client
    if load is threads_client:
        say("wrk not found (apt-get install wrk): the Python thread-pool client stands in")

    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    base_env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    base_env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "LOG_LEVEL": "WARNING",
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "PYTHONPATH": str(ROOT),
    }
    databases = [Database(options.database_url, scale, workdir) for scale in scales]
    processes = []
    load_before = loadavg()
    try:
        say(f"collectstatic (hashed names, gzip and brotli) into {workdir / 'static'}")
        manage(["collectstatic", "--noinput", "-v0"], base_env)
        brotli_files = sum(1 for _ in (workdir / "static").rglob("*.br"))
        probes = {}
        for database in databases:
            probes[database.scale] = prepare(
                database, {**base_env, "DATABASE_URL": database.url}, options.plan_activities
            )
        names = [name for name in probes[scales[0]]["pages"] if not options.pages or name in options.pages.split(",")]
        if "bare view" not in names:
            names.insert(0, "bare view")
        targets = {}
        for server in servers:
            for database in databases:
                process, port = start(server, {**base_env, "DATABASE_URL": database.url})
                processes.append(process)
                targets[server, database.scale] = port
                for name in names:  # warm-up: imports, template loading, per-process caches
                    urlopen(
                        Request(
                            f"http://127.0.0.1:{port}{probes[database.scale]['pages'][name]['url']}",
                            headers={"Cookie": f"sessionid={probes[database.scale]['session']}"},
                        ),
                        timeout=120,
                    ).read()
        transfer = {
            (scale, name): first_load(
                targets[servers[0], scale], probes[scale]["pages"][name]["url"], probes[scale]["session"]
            )
            for scale in scales
            for name in names
        }
        sampler = ConnectionSampler(databases)
        sampler.start()
        results = {}
        load_start = loadavg()
        for run in range(options.runs):
            say(f"run {run + 1} of {options.runs} ({loadavg()})")
            for name in names:
                for server in servers:
                    for scale in scales:
                        port = targets[server, scale]
                        url = f"http://127.0.0.1:{port}{probes[scale]['pages'][name]['url']}"
                        result = load(url, probes[scale]["session"], options.seconds, options.connections)
                        results.setdefault((server, scale, name), []).append(result)
        sampler.running = False
        load_after = loadavg()
    finally:
        for process in processes:
            stop(process)
        for database in databases:
            if options.keep and not database.is_postgres:
                Path(options.keep).mkdir(parents=True, exist_ok=True)
                for suffix in ("", "-wal", "-shm"):
                    source = Path(database.url.removeprefix("sqlite:///") + suffix)
                    if source.exists():
                        shutil.copy(source, Path(options.keep) / source.name)
                say(f"kept {Path(options.keep) / Path(database.url).name}")
                continue
            try:
                database.drop()
            except Exception as error:  # noqa: BLE001 — cleaning up; the run's result matters more
                say(f"could not drop {database.name}: {error}")
        shutil.rmtree(workdir, ignore_errors=True)

    def median(server, scale, name):
        runs = sorted(results[server, scale, name], key=lambda item: item["rps"])
        return runs[len(runs) // 2]

    client = "wrk" if load is wrk else "Python thread-pool client (wrk not found)"
    database_kind = "PostgreSQL" if databases[0].is_postgres else "SQLite"
    print(
        f"\n{client}, {options.connections} connections, {options.seconds} s × {options.runs} interleaved runs "
        f"(median by req/s), one server process, DEBUG off, {database_kind}, signed-in participant, gzip accepted"
    )
    print(f"load average: before {load_before}, at the start of the runs {load_start}, after {load_after}")
    print(f"collectstatic: {brotli_files} brotli files")
    for server in servers:
        print(f"\n{server}")
        head = f"{'page':<22}"
        for scale in scales:
            head += f" | {f'{scale}× req/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'× bare':>6}"
            head += f" {'queries':>7} {'KB raw/gz':>10} {'1st KB':>6}"
        if len(scales) > 1:
            head += f" | {f'{scales[-1]}×/{scales[0]}×':>7}"
        print(head)
        for name in names:
            line = f"{name:<22}"
            for scale in scales:
                row = median(server, scale, name)
                bare = median(server, scale, "bare view")["rps"]
                probe = probes[scale]["pages"][name]
                size = f"{probe['raw'] / 1000:.1f}/{probe['gzip'] / 1000:.1f}"
                first = transfer[scale, name]["bytes"] / 1000
                flag = "!" if row["errors"] or row.get("timeouts") or probe["status"] != 200 else " "
                line += (
                    f" | {row['rps']:>10.1f}{flag} {row['p50']:>7.1f} {row['p99']:>7.1f} {row['rps'] / bare:>6.2f}"
                    f" {probe['queries']:>7} {size:>10} {first:>6.1f}"
                )
            if len(scales) > 1:
                ratio = median(server, scales[-1], name)["rps"] / median(server, scales[0], name)["rps"]
                line += f" | {ratio:>7.2f}"
            print(line)
    notes = []
    for scale in scales:
        plan = probes[scale]["pages"].get("work plan", {}).get("activities")
        if plan:
            notes.append(f"work plan at {scale}×: {plan} activities")
    outside = sum(item["outside"] for item in transfer.values())
    encodings = sorted({encoding for item in transfer.values() for encoding in item["encodings"]})
    notes.append(f"first load = HTML gzip + same-origin CSS/JS as served ({', '.join(encodings)}); "
                 f"references to other hosts: {outside}")  # fmt: skip
    errors = sum(run["errors"] for runs in results.values() for run in runs)
    timeouts = sum(run.get("timeouts", 0) for runs in results.values() for run in runs)
    notes.append(
        f"failed or non-2xx responses under load: {errors}, client timeouts (60 s): {timeouts} "
        + "('!' marks a row with any)"
    )
    if sampler.databases:
        notes.append(
            "PostgreSQL connections, most seen during the load: "
            + ", ".join(f"{name} {count}" for name, count in sampler.most.items())
        )
    print("\n" + "\n".join(notes))
    if options.json:
        Path(options.json).write_text(
            json.dumps(
                {
                    "probes": {str(scale): probe for scale, probe in probes.items()},
                    "results": {" / ".join(map(str, key)): runs for key, runs in results.items()},
                    "transfer": {f"{scale}× {name}": item for (scale, name), item in transfer.items()},
                    "load": [load_before, load_start, load_after],
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
