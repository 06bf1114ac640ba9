"""The load-and-fault suite against the running production topology (deploy/prod.sh --check).

Through the proxy (https, wss), on the topology deploy/prod.sh started (its environment is this
process's: DATABASE_URL, REDIS_URL, the production settings), for --seconds:
  --clients websocket clients on --threads discussion threads (one member per socket) while
  --posters members post over HTTP (at most one post per 6.5 s each: under the rate limit),
  every third post mentioning one member (so the worker emails notices),
and meanwhile, one after the other:
  redis    Redis killed (kill -9) and held down 4 s: posts must keep succeeding (2xx) and
           /healthz must answer 503 naming the channel layer; then restarted;
  web      one daphne killed (kill -9) and held down 3 s: its clients reconnect through the proxy;
  db       the database refuses connections for 4 s (its backends terminated and connections
           disallowed, or with --pg-restart the PostgreSQL cluster restarted): requests answer
           503 with JSON, never 500 (a websocket opening then is closed with 1011, its
           handshake never answered 500), and the service resumes by itself;
  worker   the task worker killed (kill -9) right after a burst of mentions: after its restart
           each notice is emailed exactly once (the file-based email backend's files);
  abuse    one member opens 50 sockets (10 open, the rest closed with 4429), sends a 1 MiB frame
           (4413), a flood of frames (4429) and a binary frame (4400), and keeps one socket
           subscribed without ever reading; the other clients' p95 delivery for posts made during
           the abuse, against the quiet slot before the first fault, is reported, and with
           --abuse-p95-limit 2 (make soak) must stay within 2× (or under ABUSE_FLOOR_MS).
At the end every client's list of events must equal the database's (no loss, no duplicate, in
order), and the refused sockets must have reached the client with their close codes (4426 for
ws://, 4401 signed out). Prints a table and writes $STATE/soak-result.json; exit 1 on a failure.

Protocol code lives in bench/liveclient.py only.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import ssl
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

sys.path.insert(0, str(Path(__file__).resolve().parent))
from liveclient import LiveClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POST_INTERVAL = 6.5  # seconds between two posts of one poster: under 10 a minute
ABUSE_SOCKETS = 50
ABUSE_FLOOR_MS = 250
CONNECT_CONCURRENCY = 25

SEED = r"""
import importlib, json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from wagtail.models import Page
from workspace.accounts.services import add_member
from workspace.discussions.services import get_or_create_thread
from workspace.site.models import BestPracticePage

SessionStore = importlib.import_module(settings.SESSION_ENGINE).SessionStore

def session_for(member):
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    return session.session_key

def member(name):
    return add_member(email=f"{name}@example.org", role="participant", first_name=name.title(), last_name="Soak")

pages = list(BestPracticePage.objects.live().filter(locale__language_code="es").order_by("pk")[:THREADS])
threads = [get_or_create_thread(page=page) for page in pages]
with transaction.atomic():
    listeners = [session_for(member(f"soak{RUN}l{n}")) for n in range(CLIENTS)]
    posters = [session_for(member(f"soak{RUN}p{n}")) for n in range(POSTERS)]
    mentioned = member(f"soak{RUN}m")
    abuser = session_for(member(f"soak{RUN}a"))
# Mention emails are on by default (notification preferences).
print(json.dumps({
    "threads": [{"id": t.pk, "page_id": p.pk, "url": p.url, "start": t.last_sequence} for t, p in zip(threads, pages)],
    "listeners": listeners, "posters": posters, "abuser": abuser,
    "mentioned": {"handle": f"soak{RUN}m", "email": mentioned.email},
}))
"""

VERIFY = r"""
import json
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from workspace.discussions.models import ThreadEvent
from workspace.notifications.models import Notification
events = {
    str(thread["id"]): list(ThreadEvent.objects.filter(thread_id=thread["id"], sequence__gt=thread["start"])
                            .order_by("sequence").values_list("sequence", "kind", "comment_id"))
    for thread in THREADS
}
notices = list(Notification.objects.filter(recipient__email=EMAIL, kind__endswith="mention")
               .values_list("pk", "target_id", "emailed_at"))
pending = DBTaskResult.objects.filter(task_path__endswith="send_mention_email").exclude(
    status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]).count()
failed = DBTaskResult.objects.filter(task_path__endswith="send_mention_email", status=TaskResultStatus.FAILED).count()
print(json.dumps({"events": events, "notices": [[pk, comment, bool(at)] for pk, comment, at in notices],
                  "pending_tasks": pending, "failed_tasks": failed}))
"""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))] if ordered else None


def manage_shell(code):
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, text=True, capture_output=True, timeout=600
    )
    if done.returncode:
        raise SystemExit(f"manage.py shell failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rss_kib(pid):
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def established(port):
    """Connections established to a local port (the proxy's to one daphne)."""
    done = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True
    )
    return len([line for line in done.stdout.splitlines() if line.strip()])


class Topology:
    """The processes deploy/prod.sh started, by the pid files of deploy/respawn.sh."""

    def __init__(self, state, args):
        self.run = Path(state) / "run"
        self.args = args

    def pid(self, name):
        return int((self.run / f"{name}.pid").read_text().strip())

    def hold_and_kill(self, name):
        (self.run / f"{name}.hold").touch()
        pid = self.pid(name)
        os.kill(pid, signal.SIGKILL)
        return pid

    def release(self, name):
        (self.run / f"{name}.hold").unlink(missing_ok=True)

    def wait_restarted(self, name, old_pid, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError):
                pid = self.pid(name)
                if pid != old_pid and rss_kib(pid):
                    return pid
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not restart")


class Run:
    def __init__(self, args):
        self.args = args
        self.origin = args.origin.rstrip("/")
        self.ws_origin = self.origin.replace("https://", "wss://")
        self.cert = str(Path(args.state) / "tls" / "cert.pem")
        self.ssl = ssl.create_default_context(cafile=self.cert)
        self.topology = Topology(args.state, args)
        self.failures = []
        self.notes = {}
        self.posts = []  # dicts: thread_id, sequence, started, status
        self.responses = {}  # status -> count
        self.unclean = []  # responses during faults that were neither 2xx nor a clean 503
        self.fault = None  # the fault in progress
        self.during = {}  # fault -> {status: count}
        self.lock = threading.Lock()
        self.session_cookie = "__Host-sessionid"
        self.web_killed_at = float("-inf")
        self.in_flight_502 = 0
        self.windows = {}  # "quiet" / "abuse" -> (start, end), time.monotonic()
        self.seed = None

    def fail(self, message):
        print(f"FAIL: {message}", flush=True)
        self.failures.append(message)

    # --- HTTP through the proxy ------------------------------------------------------------------

    def browser(self, session_key):
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the topology's certificate
        session.verify = self.cert
        session.cookies.set(self.session_cookie, session_key, domain="127.0.0.1", path="/")
        session.headers["Origin"] = self.origin
        return session

    def csrf(self, browser, page_url):
        response = browser.get(self.origin + page_url, timeout=30)
        response.raise_for_status()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)

    def healthz(self):
        with contextlib.suppress(requests.RequestException):
            response = requests.get(self.origin + "/healthz", verify=self.cert, timeout=10, allow_redirects=False)
            return response.status_code, response.json()
        return None, None

    # --- Posters ---------------------------------------------------------------------------------

    def poster(self, number, session_key, seed, stop):
        browser = self.browser(session_key)
        thread = seed["threads"][number % len(seed["threads"])]
        token = None
        count = 0
        time.sleep(random.random() * POST_INTERVAL)
        while not stop.is_set():
            started_cycle = time.monotonic()
            count += 1
            mention = f" @{seed['mentioned']['handle']}" if count % 3 == 0 else ""
            key = uuid.uuid4().hex
            body = f"Soak {number}-{count}: seguimiento del plan regional.{mention}"
            for attempt in range(40):
                if stop.is_set() and attempt:
                    break
                fault = self.fault
                try:
                    token = token or self.csrf(browser, thread["url"])
                    started = time.monotonic()
                    response = browser.post(
                        f"{self.origin}/discussions/pages/{thread['page_id']}/comments/",
                        data={"body": body, "idempotency_key": key},
                        headers={
                            "Accept": "application/json",
                            "X-CSRFToken": token,
                            "Referer": self.origin + thread["url"],
                        },
                        timeout=30,
                    )
                    status = response.status_code
                except requests.RequestException as error:
                    status, response = type(error).__name__, None
                    print(f"poster {number}: {error!r}"[:300], flush=True)
                with self.lock:
                    self.responses[status] = self.responses.get(status, 0) + 1
                    if fault:
                        self.during.setdefault(fault, {}).setdefault(str(status), 0)
                        self.during[fault][str(status)] += 1
                if status in (200, 201):
                    data = response.json()
                    with self.lock:
                        self.posts.append(
                            {"thread_id": data["thread_id"], "sequence": data["sequence"], "started": started}
                        )
                    break
                clean = status == 503 and response is not None and "message" in response.json()
                if status == 502 and abs(time.monotonic() - self.web_killed_at) < 10:
                    # In flight on the process killed meanwhile: nginx cannot resend a POST that
                    # reached it. The retry carries the same idempotency key (checked at the end:
                    # one comment per post).
                    with self.lock:
                        self.in_flight_502 += 1
                    clean = True
                if not clean:
                    with self.lock:
                        self.unclean.append((fault, status, response.text[:200] if response is not None else ""))
                if status == 403:  # the CSRF token of a page read during a fault: read it again
                    token = None
                time.sleep(0.5 + random.random())
            stop.wait(max(0.0, POST_INTERVAL - (time.monotonic() - started_cycle)))

    # --- Faults ----------------------------------------------------------------------------------

    def wait_healthy(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthz()[0] == 200:
                return True
            time.sleep(0.5)
        self.fail("/healthz did not come back to 200")
        return False

    def fault_redis(self):
        self.fault = "redis"
        pid = self.topology.hold_and_kill("redis")
        time.sleep(1.0)
        status, body = self.healthz()
        self.notes["healthz while Redis is down"] = f"{status} {json.dumps(body)}"
        if status != 503 or "channel_layer" not in (body or {}).get("failing", []):
            self.fail(f"/healthz while Redis is down: {status} {body}")
        time.sleep(3.0)
        self.topology.release("redis")
        self.topology.wait_restarted("redis", pid)
        self.fault = None
        self.wait_healthy()

    def fault_web(self):
        self.fault = "web"
        pid = self.topology.hold_and_kill("web1")
        self.web_killed_at = time.monotonic()
        time.sleep(3.0)
        self.topology.release("web1")
        self.topology.wait_restarted("web1", pid)
        self.fault = None
        self.wait_healthy()

    def psql(self, sql):
        subprocess.run(
            ["psql", "postgres://postgres@127.0.0.1:5432/postgres", "-qtAc", sql],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def fault_db(self):
        database = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
        self.fault = "db"
        if self.args.pg_restart:
            version = sorted(os.listdir("/etc/postgresql"))[-1]
            subprocess.run(["pg_ctlcluster", version, "main", "stop", "-m", "fast"], check=True, timeout=120)
            time.sleep(1.0)
            status, body = self.healthz()
            time.sleep(2.0)
            subprocess.run(["pg_ctlcluster", version, "main", "start"], check=True, timeout=120)
        else:
            self.psql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false")
            self.psql(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
                " AND pid <> pg_backend_pid()"
            )
            time.sleep(1.0)
            status, body = self.healthz()
            time.sleep(3.0)
            self.psql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true")
        self.notes["healthz while the database is down"] = f"{status} {json.dumps(body)}"
        if status != 503 or "database" not in (body or {}).get("failing", []):
            self.fail(f"/healthz while the database is down: {status} {body}")
        self.fault = None
        self.wait_healthy()

    def fault_worker(self):
        self.fault = "worker"
        time.sleep(0.3)
        pid = self.topology.hold_and_kill("worker")
        self.notes["worker killed"] = "kill -9 while the queue had work"
        time.sleep(2.0)
        self.topology.release("worker")
        self.topology.wait_restarted("worker", pid)
        self.fault = None
        # deploy/prod.sh --check logs the topology here; deploy/worker.sh says what it queued again.
        log = Path(self.args.state) / "log" / "honcho.log"
        with contextlib.suppress(OSError):
            time.sleep(3.0)
            lines = [line for line in log.read_text(errors="replace").splitlines() if "interrupted task(s)" in line]
            if lines:
                self.notes["worker restart"] = lines[-1].split("|", 1)[-1].strip()

    def fault_abuse(self):
        self.fault = "abuse"
        started = time.monotonic()
        try:
            asyncio.run(self.abuse())
        finally:
            self.windows["abuse"] = (started, time.monotonic())
            self.fault = None

    async def abuse(self):
        """One member misbehaving through the proxy; every answer must be the documented close code."""
        thread = self.seed["threads"][0]
        url = f"{self.ws_origin}/ws/pages/{thread['page_id']}/"
        headers = {"Cookie": f"{self.session_cookie}={self.seed['abuser']}"}

        async def open_socket(**options):
            """(socket, None) once `hello` arrived, else (None, what the client saw)."""
            try:
                socket = await connect(
                    url, ssl=self.ssl, origin=self.origin, additional_headers=headers, open_timeout=30, **options
                )
            except InvalidStatus as refused:
                return None, f"HTTP {refused.response.status_code}"
            try:
                hello = json.loads(await asyncio.wait_for(socket.recv(), 20))
                return (socket, None) if hello.get("type") == "hello" else (None, hello.get("type"))
            except ConnectionClosed as closed:
                return None, closed.rcvd.code if closed.rcvd else None

        async def closed_with(socket, send):
            try:
                await send(socket)
                while True:
                    await asyncio.wait_for(socket.recv(), 20)
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
            except TimeoutError:
                return "still open"

        opened = await asyncio.gather(*(open_socket() for _ in range(ABUSE_SOCKETS)))
        sockets = [socket for socket, _ in opened if socket is not None]
        refusals = {}
        for _, code in opened:
            if code is not None:
                refusals[str(code)] = refusals.get(str(code), 0) + 1
        self.notes["abuse: 50 sockets of one member"] = {"open": len(sockets), **refusals}
        if len(sockets) != 10 or refusals != {"4429": ABUSE_SOCKETS - 10}:
            self.fail(f"50 sockets of one member: {len(sockets)} open, refused {refusals} (expected 10 and 4429s)")
        if len(sockets) < 4:
            return

        async def subscribe(socket):
            await socket.send(json.dumps({"type": "subscribe", "streams": {"discussion:": None}}))

        async def flood(socket):
            for _ in range(200):
                await socket.send(json.dumps({"type": "typing", "stream": "discussion:"}))

        checks = {
            "a 1 MiB frame → 4413": (sockets[0], lambda s: s.send("x" * 2**20), 4413),
            "200 frames at once → 4429": (sockets[1], flood, 4429),
            "a binary frame → 4400": (sockets[2], lambda s: s.send(b"\x00\x01"), 4400),
        }
        for name, (socket, send, expected) in checks.items():
            code = await closed_with(socket, send)
            self.notes[f"abuse: {name}"] = code
            if code != expected:
                self.fail(f"abuse: {name}: got {code}")
        # The slow reader (in a place the closed sockets left): subscribed to the busiest stream,
        # it never reads (its receive queue stays full) for the rest of the slot.
        for _attempt in range(10):  # the server releases the closed sockets' places as they go
            slow, refused = await open_socket(max_queue=1)
            if slow is not None:
                break
            await asyncio.sleep(0.5)
        if slow is None:
            self.fail(f"the slow reader could not open its socket: {refused}")
        else:
            await subscribe(slow)
        await asyncio.sleep(max(0.0, self.args.seconds / (len(self.args.faults.split(",")) + 1) - 4))
        for socket in [*sockets[3:], *([slow] if slow else [])]:
            await socket.close()

    # --- Probes: what a browser sees through the proxy --------------------------------------------

    async def probe_refusals(self, seed, listener_key):
        thread = seed["threads"][0]
        plain = self.origin.replace("https://", "ws://").replace(f":{self.args.https_port}", f":{self.args.http_port}")
        cases = {
            "ws:// (plain HTTP) → 4426": (plain, None, {"Cookie": f"{self.session_cookie}={listener_key}"}, 4426),
            "wss:// signed out → 4401": (self.ws_origin, self.ssl, {}, 4401),
        }
        for name, (base, context, headers, expected) in cases.items():
            code = None
            try:
                async with connect(
                    f"{base}/ws/pages/{thread['page_id']}/",
                    ssl=context,
                    origin=self.origin,
                    additional_headers=headers,
                    open_timeout=20,
                ) as websocket:
                    await asyncio.wait_for(websocket.recv(), timeout=20)
                    await asyncio.wait_for(websocket.recv(), timeout=20)
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
            except InvalidStatus as refused:
                code = f"HTTP {refused.response.status_code}"
            except Exception as error:  # noqa: BLE001
                code = repr(error)[:120]
            self.notes[f"socket {name}"] = code
            if code != expected:
                self.fail(f"socket {name}: got {code}")

    def probe_http(self):
        response = requests.get(self.origin + "/accounts/login/", verify=self.cert, timeout=30)
        cookie = response.headers.get("Set-Cookie", "")
        self.notes["login page Set-Cookie"] = (
            cookie.split(";")[0].split("=")[0]
            + "; "
            + "; ".join(
                part.strip()
                for part in cookie.split(";")[1:]
                if not part.strip().lower().startswith(("expires", "max-age"))
            )
        )
        if not (cookie.startswith("__Host-csrftoken=") and "Secure" in cookie and "Path=/" in cookie):
            self.fail(f"the CSRF cookie is not __Host- prefixed and Secure: {cookie}")
        if "Domain=" in cookie:
            self.fail("a __Host- cookie must not carry a Domain")
        if "max-age=" not in response.headers.get("Strict-Transport-Security", ""):
            self.fail("no HSTS header over HTTPS")
        plain = requests.get(
            self.origin.replace("https://", "http://").replace(f":{self.args.https_port}", f":{self.args.http_port}")
            + "/es/",
            allow_redirects=False,
            timeout=30,
        )
        self.notes["plain HTTP"] = f"{plain.status_code} → {plain.headers.get('Location')}"
        if plain.status_code != 301 or not plain.headers.get("Location", "").startswith(self.origin):
            self.fail(f"plain HTTP is not redirected to {self.origin}: {plain.status_code}")

    # --- The run ---------------------------------------------------------------------------------

    async def main(self):
        args = self.args
        run_id = uuid.uuid4().hex[:6]
        code = f"THREADS, CLIENTS, POSTERS, RUN = {args.threads}, {args.clients}, {args.posters}, {run_id!r}\n" + SEED
        started = time.monotonic()
        seed = self.seed = manage_shell(code)
        self.notes["seed seconds"] = round(time.monotonic() - started, 1)
        self.probe_http()
        await self.probe_refusals(seed, seed["listeners"][0])

        web_pids = {name: self.topology.pid(name) for name in ("web1", "web2")}
        rss_before = {name: rss_kib(pid) for name, pid in web_pids.items()}
        stop_clients = asyncio.Event()
        clients = [
            LiveClient(
                ws_origin=self.ws_origin,
                origin=self.origin,
                thread_id=seed["threads"][number % len(seed["threads"])]["id"],
                page_id=seed["threads"][number % len(seed["threads"])]["page_id"],
                cookie=f"{self.session_cookie}={key}",
                start=seed["threads"][number % len(seed["threads"])]["start"],
                ssl=self.ssl,
            )
            for number, key in enumerate(seed["listeners"])
        ]
        tasks = []
        opening = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def start(client):
            async with opening:
                tasks.append(asyncio.ensure_future(client.run(stop_clients)))
                # A socket refused under load keeps retrying with backoff; the run goes on.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(client.connected.wait(), timeout=30)

        connect_started = time.monotonic()
        await asyncio.gather(*(start(client) for client in clients))
        self.notes["connect seconds"] = round(time.monotonic() - connect_started, 1)
        self.notes["connected before posting"] = sum(1 for client in clients if client.connected.is_set())
        await asyncio.sleep(3)  # presence announcements settle
        rss_after = {name: rss_kib(pid) for name, pid in web_pids.items()}
        sockets = {
            "web1": established(args.web1_port),
            "web2": established(args.web2_port),
        }
        per_socket = {
            name: round((rss_after[name] - rss_before[name]) / sockets[name], 1) if sockets[name] else None
            for name in web_pids
        }
        self.notes["sockets per process"] = sockets
        self.notes["RSS KiB before/after"] = {name: [rss_before[name], rss_after[name]] for name in web_pids}
        self.notes["KiB per open socket"] = per_socket

        # Posting, with the faults in turn.
        stop_posting = threading.Event()
        posters = [
            threading.Thread(target=self.poster, args=(number, key, seed, stop_posting), daemon=True)
            for number, key in enumerate(seed["posters"])
        ]
        for poster in posters:
            poster.start()
        faults = [name for name in args.faults.split(",") if name]
        slot = args.seconds / (len(faults) + 1)
        run_started = time.monotonic()
        self.windows["quiet"] = (run_started, run_started + slot)
        for index, name in enumerate(faults):
            await asyncio.sleep(max(0.0, run_started + slot * (index + 1) - time.monotonic()))
            print(f"fault: {name}", flush=True)
            try:
                await asyncio.to_thread(getattr(self, f"fault_{name}"))
            except Exception as error:  # noqa: BLE001
                self.fault = None
                self.fail(f"fault {name}: {error!r}")
        await asyncio.sleep(max(0.0, run_started + args.seconds - time.monotonic()))
        stop_posting.set()
        for poster in posters:
            await asyncio.to_thread(poster.join, 60)
        posting_seconds = time.monotonic() - run_started

        # Settle: every client up to the database's latest (live, or after a heartbeat over HTTP).
        verify_code = f"THREADS, EMAIL = {seed['threads']!r}, {seed['mentioned']['email']!r}\n" + VERIFY
        truth = manage_shell(verify_code)
        latest = {int(k): (v[-1][0] if v else None) for k, v in truth["events"].items()}
        deadline = time.monotonic() + args.settle
        while time.monotonic() < deadline:
            behind = [c for c in clients if latest[c.thread_id] and c.last < latest[c.thread_id] and not c.final_close]
            if not behind:
                break
            await asyncio.sleep(0.5)
        stop_clients.set()
        await asyncio.gather(*tasks, return_exceptions=True)

        # Notices: the worker's queue drained, then each notice emailed exactly once.
        deadline = time.monotonic() + 120
        while truth["pending_tasks"] and time.monotonic() < deadline:
            await asyncio.sleep(1)
            truth = manage_shell(verify_code)
        self.check(clients, truth, posting_seconds, seed)

    def check(self, clients, truth, posting_seconds, seed):
        events = {int(k): [tuple(e) for e in v] for k, v in truth["events"].items()}
        lost = duplicates = disordered = 0
        final = {}
        for client in clients:
            expected = [sequence for sequence, _, _ in events[client.thread_id]]
            got = [event.sequence for event in client.events]
            duplicates += client.duplicates + (len(got) - len(set(got)))
            disordered += client.out_of_order + sum(1 for a, b in zip(got, got[1:], strict=False) if b <= a)
            lost += len(set(expected) - set(got))
            if client.final_close:
                final[client.final_close] = final.get(client.final_close, 0) + 1
            kinds = {event.sequence: (event.kind, event.comment_id) for event in client.events}
            for sequence, kind, comment_id in events[client.thread_id]:
                if sequence in kinds and kinds[sequence] != (kind, comment_id):
                    self.fail(f"client on thread {client.thread_id}: event {sequence} differs from the database")
                    break
        if lost:
            self.fail(f"{lost} events missing from clients' lists")
        if duplicates:
            self.fail(f"{duplicates} duplicate events")
        if disordered:
            self.fail(f"{disordered} events out of order")
        if final:
            self.fail(f"clients closed for good: {final}")

        receipts = {(p["thread_id"], p["sequence"]): p["started"] for p in self.posts}
        delays = [
            (event.at - receipts[(client.thread_id, event.sequence)]) * 1000
            for client in clients
            for event in client.events
            if (client.thread_id, event.sequence) in receipts and not event.replayed
        ]
        caught_up = sum(1 for client in clients for event in client.events if event.replayed)

        if "abuse" in self.windows:

            def p95_in(window):
                start, end = self.windows[window]
                inside = [
                    (event.at - receipts[(client.thread_id, event.sequence)]) * 1000
                    for client in clients
                    for event in client.events
                    if (client.thread_id, event.sequence) in receipts
                    and not event.replayed
                    and start <= receipts[(client.thread_id, event.sequence)] < end
                ]
                return round(percentile(inside, 0.95), 1) if inside else None

            quiet, abused = p95_in("quiet"), p95_in("abuse")
            self.notes["p95 delivery ms, quiet slot / during the abuse"] = [quiet, abused]
            limit = self.args.abuse_p95_limit
            if limit and quiet is not None and abused is not None and abused > max(limit * quiet, ABUSE_FLOOR_MS):
                self.fail(f"the abuse slowed the other clients: p95 {abused} ms against {quiet} ms quiet")
        if self.unclean:
            self.fail(f"{len(self.unclean)} responses neither 2xx nor a clean 503: {self.unclean[:5]}")
        handshakes_500 = sum(client.closes.get(500, 0) for client in clients)
        if handshakes_500:
            # A socket opening while the database is down is accepted and closed with 1011.
            self.fail(f"{handshakes_500} websocket handshakes answered HTTP 500")
        redis_statuses = self.during.get("redis", {})
        if "redis" in self.args.faults and not any(status in ("200", "201") for status in redis_statuses):
            self.fail(f"no post succeeded while Redis was down: {redis_statuses}")
        if any(status not in ("200", "201") for status in redis_statuses):
            self.fail(f"posts failed while Redis was down: {redis_statuses}")

        # Notices.
        mail_dir = Path(self.args.state) / "mail"
        sent = {}
        for path in mail_dir.glob("*.log"):
            for message in path.read_text(errors="replace").split("-" * 79):
                if f"To: {seed['mentioned']['email']}" in message:
                    for comment_id in set(re.findall(r"#comment-(\d+)", message)):
                        sent[int(comment_id)] = sent.get(int(comment_id), 0) + 1
        notices = truth["notices"]
        twice = {comment: count for comment, count in sent.items() if count > 1}
        never = [comment for _, comment, _ in notices if comment not in sent]
        if twice:
            self.fail(f"notices emailed more than once: {twice}")
        if never:
            self.fail(f"{len(never)} notices never emailed (pending tasks: {truth['pending_tasks']})")
        if truth["failed_tasks"]:
            self.fail(f"{truth['failed_tasks']} send_mention_email tasks failed")

        total_events = sum(len(v) for v in events.values())
        posted = sum(1 for v in events.values() for _, kind, _ in v if kind == "posted")
        if posted != len(self.posts):
            self.fail(f"{posted} comments in the database for {len(self.posts)} successful posts (idempotency)")
        result = {
            "clients": len(clients),
            "threads": len(events),
            "posters": self.args.posters,
            "seconds": round(posting_seconds, 1),
            "posts": len(self.posts),
            "events in the database": total_events,
            "events delivered": sum(len(client.events) for client in clients),
            "of which caught up (replay/HTTP)": caught_up,
            "delivery p50 ms": round(percentile(delays, 0.5), 1) if delays else None,
            "delivery p95 ms": round(percentile(delays, 0.95), 1) if delays else None,
            "delivery max ms": round(max(delays), 1) if delays else None,
            "lost": lost,
            "duplicates": duplicates,
            "out of order": disordered,
            "reconnects": sum(client.connects - 1 for client in clients),
            "close codes seen": _merge(client.closes for client in clients),
            "HTTP statuses of posts": {str(k): v for k, v in self.responses.items()},
            "502 in flight on the killed process (retried)": self.in_flight_502,
            "statuses during faults": self.during,
            "notices": len(notices),
            "notices emailed once": sum(1 for count in sent.values() if count == 1),
            **self.notes,
            "failures": self.failures,
        }
        if delays:
            result["delivery mean ms"] = round(statistics.fmean(delays), 1)
        width = max(len(key) for key in result)
        print("\n".join(f"{key:<{width}}  {value}" for key, value in result.items()))
        (Path(self.args.state) / "soak-result.json").write_text(json.dumps(result, indent=2, default=str))


def _merge(dicts):
    merged = {}
    for one in dicts:
        for key, value in one.items():
            merged[str(key)] = merged.get(str(key), 0) + value
    return merged


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--origin", default="https://127.0.0.1:8443")
    parser.add_argument("--state", default=str(ROOT / ".prod"))
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--posters", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--settle", type=float, default=45, help="seconds for clients to catch up at the end")
    parser.add_argument("--faults", default="abuse,redis,web,db,worker", help="comma-separated; empty for none")
    parser.add_argument(
        "--abuse-p95-limit",
        type=float,
        help="fail when the others' p95 during the abuse exceeds this multiple of the quiet slot's "
        "(make soak: 2; CI's short run only reports it: its slots hold a dozen posts each)",
    )
    parser.add_argument("--pg-restart", action="store_true", help="restart the PostgreSQL cluster (CI only)")
    parser.add_argument("--https-port", default=os.environ.get("PROD_HTTPS_PORT", "8443"))
    parser.add_argument("--http-port", default=os.environ.get("PROD_HTTP_PORT", "8088"))
    parser.add_argument("--web1-port", default=os.environ.get("PROD_WEB1_PORT", "8101"))
    parser.add_argument("--web2-port", default=os.environ.get("PROD_WEB2_PORT", "8102"))
    args = parser.parse_args()
    run = Run(args)
    wait_until_up(run)
    asyncio.run(run.main())
    return 1 if run.failures else 0


def wait_until_up(run, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run.healthz()[0] == 200:
            return
        time.sleep(1)
    raise SystemExit(f"{run.origin}/healthz did not answer 200 within {timeout} s")


if __name__ == "__main__":
    sys.exit(main())
