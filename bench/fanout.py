"""Benchmark of live fan-out: a comment POSTed over HTTP → its `event` on N websocket clients.

For each channel layer (in-memory: one uvicorn process; Redis: two uvicorn processes, clients
spread over both) it starts the real ASGI application (bench/relay_asgi.py: the workspace plus a
bare relay route), connects N members to a practice page's one socket (subscribed to its
discussion stream) and, in the same servers, two yardsticks of N clients each: the bare POST (a
bare view behind the same middleware — session, CSRF — inserting one row and pushing on commit,
relayed by a bare consumer: the HTTP write is on both sides) and the bare relay (group join +
relay, no auth, no database, no HTTP).
Each round times, from just before the POST of a comment (CSRF token, `Accept: application/json`,
as the browser sends it) to each client's receipt of the `event` with that sequence; then, from
just before a publisher client's frame to the relay, to each relay client's receipt. It prints
one table; the target is a p95 within 1.5× of the bare POST's with no lost message (a client
that did not get a sequence within --timeout). Exit code 1 when a message was lost.
A benchmark, not a test: numbers depend on the machine and its load.

    .venv/bin/python bench/fanout.py                                  # 50,200,500 on both layers
    .venv/bin/python bench/fanout.py --sizes 20 --rounds 3 --layers memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ws_bench .venv/bin/python bench/fanout.py
      (PostgreSQL: the database is dropped and created again; default: an SQLite file in a temp dir)
    .venv/bin/python bench/fanout.py --redis-socket-timeout 30     # see bench/README.md

The members are participants with one socket each (the per-member socket limit is not reached);
comments are posted by a separate pool of members, in turn, to stay under the posting rate limit.
"""

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTERS = 10  # rotating posters: 10 posts a minute each is the product's rate limit
CONNECT_CONCURRENCY = 20
QUIET_SECONDS = 1.5  # no frame but heartbeats for this long: new sockets' presence announcements are over
TARGET_RATIO = 1.5

SEED = r"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from workspace.accounts.services import add_member
from workspace.discussions.services import get_or_create_thread
from workspace.site.demo import build_practice
from workspace.site.models import GovernmentPage

def session_for(member):
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    return session.session_key

def members(prefix, count):
    return [
        session_for(add_member(email=f"{prefix}{n}@example.org", role="participant",
                               first_name=f"{prefix.title()}{n}", last_name="Bench"))
        for n in range(count)
    ]

government = GovernmentPage.objects.get(code="GT", locale__language_code="es")
page = build_practice(
    government=government, title="Protocolo de retorno asistido", pillars=[1, 3],
    summary="Práctica de referencia para la prueba de difusión en vivo.", instrument_type="protocol",
    start_year=2021, body=["Descripción de la práctica, sus etapas y sus resultados. " * 8], slug="difusion",
)
government.add_child(instance=page)
page.save_revision().publish()
thread = get_or_create_thread(page=page)
with transaction.atomic():
    listeners, posters = members("listener", COUNT), members("poster", POSTERS)
from django.db import connection
with connection.cursor() as cursor:  # the bare POST yardstick's table (bench/relay_asgi.py)
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_post (sequence integer, author_id integer, body text)")
print(json.dumps({"page_id": page.pk, "page_url": page.url, "thread_id": thread.pk,
                  "listeners": listeners, "posters": posters}))
"""


# What one socket's `catch_up` costs for one new event, measured in-process on the same database.
PROFILE = r"""
import json, time
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from workspace.discussions.models import Thread
from workspace.discussions import rendering

thread = Thread.objects.select_related("page__locale").get(pk=THREAD)
viewer = get_user_model().objects.get(email="listener0@example.org")
after = thread.last_sequence - 1

def catch_up():
    return rendering.events_after(thread_id=thread.pk, viewer=viewer, after=after)

def reconnecting():  # database_sync_to_async closes the connection around each call (CONN_MAX_AGE 0)
    close_old_connections(); catch_up(); close_old_connections()

comment = rendering.comments_queryset(thread, viewer).order_by("-sequence").first()
rendering.prepare_comments([comment], viewer=viewer, thread=thread)
context = {"comment": comment, **rendering.comment_context(viewer=viewer, thread=thread)}

def render():
    with rendering.thread_rendering(thread, viewer):
        render_to_string("discussions/comment.html", context)

def ms(function, times=200):
    function()
    started = time.perf_counter()
    for _ in range(times):
        function()
    return (time.perf_counter() - started) / times * 1000

with CaptureQueriesContext(connection) as queries:
    catch_up()
print(json.dumps({"reconnecting": ms(reconnecting), "persistent": ms(catch_up), "render": ms(render),
                  "queries": len(queries)}))
"""


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


# --- Database and servers ---------------------------------------------------------------------


def manage(args, env):
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True)
    if done.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(env, listeners):
    print(f"Preparing the database ({listeners} listeners, {POSTERS} posters)…", file=sys.stderr)
    if env["DATABASE_URL"].startswith("sqlite:///"):
        path = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        recreate_postgres_database(env["DATABASE_URL"])
    manage(["migrate", "--noinput", "-v0"], env)
    manage(["setup_workspace"], env)
    code = SEED.replace("COUNT", str(listeners)).replace("POSTERS", str(POSTERS))
    return json.loads(manage(["shell", "-c", code], env).strip().splitlines()[-1])


def recreate_postgres_database(url):
    """Drop and create the database of `url` (a PostgreSQL URL), connected to the `postgres` database."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {process.returncode}")
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not start")


class Servers:
    """`count` uvicorn processes of bench.relay_asgi, each on its own port; stopped on exit, always.

    Their output goes to log files in `logdir`; `errors` holds the tracebacks logged before the stop
    (the teardown of hundreds of sockets logs its own, which are not the benchmark's business).
    """

    def __init__(self, count, env, logdir):
        self.count, self.env, self.logdir = count, env, logdir
        self.processes, self.ports, self.logs, self.errors = [], [], [], []

    def __enter__(self):
        try:
            for _ in range(self.count):
                port = free_port()
                log = open(self.logdir / f"server-{port}.log", "w+b")
                self.logs.append(log)
                self.processes.append(
                    subprocess.Popen(
                        [PYTHON, "-m", "uvicorn", "bench.relay_asgi:application", "--host", "127.0.0.1",
                         "--port", str(port), "--lifespan", "off", "--no-access-log", "--log-level", "warning"],
                        cwd=ROOT, env=self.env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
                    )
                )  # fmt: skip
                self.ports.append(port)
            for port, process in zip(self.ports, self.processes, strict=True):
                wait_for(port, process)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        ends = [log.seek(0, os.SEEK_END) for log in self.logs]
        for port, process in zip(self.ports, self.processes, strict=False):
            if process.poll() is not None:
                self.errors.append(f"the server on port {port} exited by itself (code {process.returncode})")
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log, end in zip(self.logs, ends, strict=True):
            log.seek(0)
            text = log.read(end).decode(errors="replace")
            self.errors += ["Traceback" + chunk for chunk in text.split("Traceback")[1:]]
            log.close()
        self.logs = []


# --- Clients ----------------------------------------------------------------------------------


class Listener:
    """One websocket client: remembers when it first received each sequence."""

    def __init__(self, url, origin, cookie=None, streams=None):
        self.url, self.origin, self.cookie, self.streams = url, origin, cookie, streams
        self.received = {}
        self.task = None

    async def start(self, clock, wait_for_hello):
        headers = {"Cookie": f"sessionid={self.cookie}"} if self.cookie else None
        self.socket = await connect(
            self.url, origin=self.origin, additional_headers=headers, proxy=None, open_timeout=60, max_size=2**22
        )
        if wait_for_hello:
            hello = json.loads(await asyncio.wait_for(self.socket.recv(), 60))
            assert hello["type"] == "hello", hello
        if self.streams:
            # The page socket: subscribe to the discussion's stream from now on (docs/realtime.md).
            await self.socket.send(json.dumps({"type": "subscribe", "streams": self.streams}))
            while True:
                message = json.loads(await asyncio.wait_for(self.socket.recv(), 60))
                if message["type"] == "subscribed":
                    break
        self.task = asyncio.create_task(self.listen(clock))

    async def listen(self, clock):
        try:
            async for frame in self.socket:
                now = time.perf_counter()
                message = json.loads(frame)
                if message.get("type") != "heartbeat":  # heartbeats never stop; presence floods do
                    clock.last_frame = now
                if message.get("type") in ("event", "relay"):
                    self.received.setdefault(message["sequence"], now)
                if message.get("type") == "event":
                    clock.frame_bytes = len(frame)
        except Exception as error:  # a dropped socket shows up as lost messages
            clock.errors.append(repr(error))


class Clock:
    def __init__(self):
        self.last_frame = time.perf_counter()
        self.frame_bytes = 1000
        self.errors = []

    async def quiet(self, seconds=QUIET_SECONDS, limit=300):
        started = time.perf_counter()
        while time.perf_counter() - self.last_frame < seconds and time.perf_counter() - started < limit:
            await asyncio.sleep(0.1)


async def connect_all(listeners, clock, wait_for_hello):
    semaphore = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(listener):
        async with semaphore:
            await listener.start(clock, wait_for_hello)

    await asyncio.gather(*(one(listener) for listener in listeners))


async def delivered(listeners, sequence, timeout):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(sequence in listener.received for listener in listeners):
            return
        await asyncio.sleep(0.002)


class Tally:
    """Latencies (seconds) of every client that got the message, lost ones, and each round's first."""

    def __init__(self):
        self.samples, self.firsts, self.lost = [], [], 0

    def add(self, started, timings):
        received = [t - started for t in timings if t is not None]
        self.samples += received
        self.firsts.append(min(received, default=float("nan")))
        self.lost += len(timings) - len(received)


def comment(number):
    return f"Comentario de prueba {number}: ¿llegó a todos?"


async def publish(publisher, payload, clock):
    if publisher.task.done():  # dropped by the server (its relay clients' losses show in the table)
        await publisher.start(clock, wait_for_hello=False)
    await publisher.socket.send(json.dumps(payload))
    return payload["sequence"]


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def settle(pids, window=0.25, busy=0.3, limit=5):
    """Wait until the servers are nearly idle (under 30 % of a core over a quarter second), at most `limit` s.

    Not 0 %: with hundreds of sockets, their heartbeats (every 25 s each) keep a steady load.
    """
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        before = cpu_seconds(pids)
        await asyncio.sleep(window)
        if cpu_seconds(pids) - before < busy * window:
            return


class Poster:
    """A member posting comments from the page, as the browser does: CSRF cookie and header, JSON."""

    def __init__(self, port, session_key, page_url, page_id):
        self.origin = f"http://127.0.0.1:{port}"
        self.session_key, self.page_id = session_key, page_id
        with urlopen(Request(self.origin + page_url, headers={"Cookie": f"sessionid={session_key}"}), timeout=60) as r:
            cookies = SimpleCookie()
            for header in r.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
        self.csrf = cookies["csrftoken"].value

    def post(self, body):
        """A comment, as the browser posts it."""
        return self._post(
            f"/discussions/pages/{self.page_id}/comments/",
            {"body": body, "anchor": "", "idempotency_key": uuid.uuid4().hex},
        )

    def post_bare(self, sequence, html):
        """The yardstick's write: the same session, CSRF and middleware, one INSERT, a push on commit."""
        return self._post("/bench/post/", {"sequence": sequence, "html": html})

    def _post(self, path, fields):
        request = Request(
            self.origin + path,
            data=urlencode(fields).encode(),
            headers={
                "Accept": "application/json",
                "Cookie": f"sessionid={self.session_key}; csrftoken={self.csrf}",
                "X-CSRFToken": self.csrf,
                "Origin": self.origin,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        with urlopen(request, timeout=60) as response:
            assert response.status == 201, response.status
            return json.loads(response.read())["sequence"]


async def run_layer(layer, ports, pids, seed, options, rows):
    """Appends rows (N, kind, latencies in seconds, lost, firsts) for one layer, its servers running."""
    clock = Clock()
    page_id = seed["page_id"]
    hosts = [f"127.0.0.1:{ports[i % len(ports)]}" for i in range(len(seed["listeners"]))]
    workspace = [
        Listener(f"ws://{host}/ws/pages/{page_id}/", f"http://{host}", key, streams={"discussion:": None})
        for host, key in zip(hosts, seed["listeners"], strict=True)
    ]
    relay = [Listener(f"ws://{host}/ws/bench-relay/", f"http://{host}") for host in hosts]
    posted = [Listener(f"ws://{host}/ws/bench-post/", f"http://{host}") for host in hosts]
    posters = [
        Poster(ports[i % len(ports)], key, seed["page_url"], seed["page_id"]) for i, key in enumerate(seed["posters"])
    ]
    publishers = [Listener(f"ws://127.0.0.1:{port}/ws/bench-relay/", f"http://127.0.0.1:{port}") for port in ports]
    await connect_all(publishers, clock, wait_for_hello=False)
    connected, relay_sequence = 0, 0
    try:
        for size in options.sizes:
            print(f"  {layer}: connecting 3 × {size} clients…", file=sys.stderr)
            await connect_all(workspace[connected:size], clock, wait_for_hello=True)
            await connect_all(relay[connected:size], clock, wait_for_hello=False)
            await connect_all(posted[connected:size], clock, wait_for_hello=False)
            connected = size
            await clock.quiet()
            tallies = {"workspace": Tally(), "bare post": Tally(), "bare relay": Tally()}
            for round_number in range(options.rounds + 1):  # round 0 warms up and is not counted
                relay_sequence += 1  # also counts the posts, for the posters' turns
                poster = posters[relay_sequence % len(posters)]
                publisher = publishers[relay_sequence % len(publishers)]
                # As big as the workspace's event frame, so both fan out the same bytes.
                payload = {"type": "relay", "sequence": relay_sequence, "html": "x" * max(0, clock.frame_bytes - 60)}
                steps = [
                    ("workspace", workspace[:size], partial(asyncio.to_thread, poster.post, comment(relay_sequence))),
                    (
                        "bare post",
                        posted[:size],
                        partial(asyncio.to_thread, poster.post_bare, relay_sequence, payload["html"]),
                    ),
                    ("bare relay", relay[:size], partial(publish, publisher, payload, clock)),
                ]
                turn = round_number % len(steps)  # each kind goes first in turn
                for kind, listeners, send in steps[turn:] + steps[:turn]:
                    await settle(pids)
                    started = time.perf_counter()
                    sequence = await send()
                    await delivered(listeners, sequence, options.timeout)
                    if round_number:
                        tallies[kind].add(started, [listener.received.get(sequence) for listener in listeners])
            for kind, tally in tallies.items():
                rows.append((size, kind, tally.samples, tally.lost, tally.firsts))
            w, b, r = (percentile(t.samples, 0.95) * 1000 if t.samples else float("nan") for t in tallies.values())
            print(
                f"  {layer} N={size}: p95 workspace {w:.0f} ms, bare post {b:.0f} ms, bare relay {r:.0f} ms",
                file=sys.stderr,
            )
    finally:
        for listener in [*workspace, *posted, *relay, *publishers]:
            if listener.task is not None:
                listener.task.cancel()
    if clock.errors:
        print(f"  {layer}: {len(clock.errors)} sockets dropped by the server, e.g. {clock.errors[0]}", file=sys.stderr)


# --- Report -----------------------------------------------------------------------------------


def print_table(results, database, loads):
    print(f"\nuvicorn, {database}, load average (1 min) before/after each layer: {loads}")
    print("first: median over rounds of the first client's latency (workspace and bare post: includes the HTTP write)")
    print(
        f"ratios: the workspace's p95 over the bare post's (the target, ≤{TARGET_RATIO}×) and over the bare relay's\n"
    )
    header = f"{'layer':<7} {'procs':>5} {'N':>4}  {'kind':<10} {'first':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
    print(f"{header} {'lost':>5} {'÷post':>6} {'÷relay':>6}  target")
    for layer, processes, rows in results:
        relay_p95 = {row[0]: percentile(row[2], 0.95) for row in rows if row[1] == "bare relay" and row[2]}
        post_p95 = {row[0]: percentile(row[2], 0.95) for row in rows if row[1] == "bare post" and row[2]}
        for size, kind, samples, lost, firsts in rows:
            line = f"{layer:<7} {processes:>5} {size:>4}  {kind:<10}"
            if not samples:
                print(f"{line} {'—':>6} {'—':>7} {'—':>7} {'—':>7} {lost:>5}")
                continue
            first, p50, p95, peak = (
                value * 1000
                for value in (
                    statistics.median(firsts),
                    percentile(samples, 0.5),
                    percentile(samples, 0.95),
                    max(samples),
                )
            )
            line += f" {first:>6.1f} {p50:>7.1f} {p95:>7.1f} {peak:>7.1f} {lost:>5}"
            if kind == "workspace" and size in post_p95 and size in relay_p95:
                ratio = p95 / 1000 / post_p95[size]
                line += f" {ratio:>5.1f}× {p95 / 1000 / relay_p95[size]:>5.1f}×"
                line += f"  {'yes' if ratio <= TARGET_RATIO and not lost else 'NO'}"
            print(line)


def profile(env, seed):
    code = PROFILE.replace("THREAD", str(seed["thread_id"]))
    cost = json.loads(manage(["shell", "-c", code], env).strip().splitlines()[-1])
    return (
        f"\nOne socket's catch_up for one new event, in-process: {cost['reconnecting']:.1f} ms as the consumer runs it "
        "(database_sync_to_async closes old connections around each call: a new one every time unless "
        f"DATABASE_CONN_MAX_AGE), {cost['persistent']:.1f} ms on a kept connection; {cost['queries']} queries; "
        f"the comment template alone {cost['render']:.1f} ms. Channels runs them one at a time per process."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=lambda v: sorted({int(n) for n in v.split(",")}), default=[50, 200, 500])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per N and kind (plus one warm-up)")
    parser.add_argument("--layers", type=lambda v: v.split(","), default=["memory", "redis"])
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a missing message counts as lost")
    parser.add_argument("--redis-db", type=int, default=11, help="flushed before the Redis layer runs")
    parser.add_argument(
        "--redis-socket-timeout",
        type=float,
        help="add ?socket_timeout= to REDIS_URL (redis-py 8 defaults to 5 s, the channel layer's blocking pop too)",
    )
    parser.add_argument("--profile", action="store_true", help="also time one socket's catch_up in-process")
    options = parser.parse_args()
    if not set(options.layers) <= {"memory", "redis"}:
        parser.error("--layers: memory and/or redis")

    # Ctrl-C (also when started in the background, where SIGINT is ignored) and SIGTERM end the run
    # through the finally blocks that stop the servers.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "workspace.settings.dev",
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(workdir / "media"),
    }
    results, loads, lost, cost = [], [], 0, None
    try:
        seed = prepare(env, max(options.sizes))
        for layer in options.layers:
            layer_env, processes = env, 1
            if layer == "redis":
                import redis

                redis_url = f"redis://127.0.0.1:6379/{options.redis_db}"
                redis.Redis.from_url(redis_url).flushdb()
                if options.redis_socket_timeout:
                    redis_url += f"?socket_timeout={options.redis_socket_timeout:g}"
                layer_env, processes = {**env, "REDIS_URL": redis_url}, 2
            load_before = os.getloadavg()[0]
            servers, rows = Servers(processes, layer_env, workdir), []
            results.append((layer, processes, rows))  # filled as each N completes, kept if a later one fails
            try:
                with servers:
                    pids = [process.pid for process in servers.processes]
                    asyncio.run(run_layer(layer, servers.ports, pids, seed, options, rows))
            finally:
                if servers.errors:
                    print(f"  {layer}: {len(servers.errors)} errors in the server logs:", file=sys.stderr)
                    for error, count in Counter(e.strip().splitlines()[-1] for e in servers.errors).most_common(5):
                        print(f"    {count} × {error}", file=sys.stderr)
                    print(f"  the last one:\n{servers.errors[-1][-3000:]}", file=sys.stderr)
            loads.append(f"{layer} {load_before:.1f}/{os.getloadavg()[0]:.1f}")
            if layer == "redis":
                loads[-1] += f" ({redis_url.removeprefix('redis://127.0.0.1:6379/')})"
            lost += sum(row[3] for row in rows)
        if options.profile:
            cost = profile(env, seed)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if any(rows for *_, rows in results):
            database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
            print_table(results, database, ", ".join(loads))
            if options.profile and cost:
                print(cost)
    if lost:
        print(f"\n{lost} messages lost", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; the servers are stopped")
