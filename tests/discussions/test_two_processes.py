"""Two real ASGI server processes sharing the Redis channel layer, as in production.

A comment posted over HTTP to one process reaches a websocket connected to the other, and a
mass disconnect from one process leaves no stale members in the page's group (DESIGN §8: the
Redis connection pool must not run out while hundreds of sockets leave at once).

Needs REDIS_URL (CI's PostgreSQL + Redis run sets it); the servers use the test database, on
SQLite or PostgreSQL. Run it with, e.g.:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/ws_h3 REDIS_URL=redis://127.0.0.1:6379/12
.venv/bin/python -m pytest tests/discussions/test_two_processes.py -q`
"""

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.db import connections
from django.urls import reverse
from websockets.asyncio.client import connect

from tests.discussions.helpers import session_cookie_for
from tests.factories import government_page, make_member
from workspace.discussions.models import Thread
from workspace.live.groups import page_group

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: server processes share the channel layer only through Redis",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
STARTUP_SECONDS = 60
MASS_SOCKETS = 200


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def database_url_for_servers():
    """The test database, as a DATABASE_URL for a server process."""
    database = connections["default"].settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


class ServerProcess:
    """`daphne` serving workspace.asgi on a free port, against the test database and REDIS_URL."""

    def __init__(self, name, log_dir):
        self.name, self.port = name, free_port()
        self.log = open(log_dir / f"server-{name}.log", "w+b")  # noqa: SIM115 (closed in stop())
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "workspace.settings.test",
            "DATABASE_URL": database_url_for_servers(),
            "REDIS_URL": os.environ["REDIS_URL"],
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        command = [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(self.port), "workspace.asgi:application"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://{HOST}:{self.port}"
        self.ws_url = f"ws://{HOST}:{self.port}"

    def wait_until_listening(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server {self.name} exited: {self.output()}")
            with socket.socket() as probe:
                if probe.connect_ex((HOST, self.port)) == 0:
                    return
            time.sleep(0.2)
        raise AssertionError(f"server {self.name} is not listening after {STARTUP_SECONDS} s: {self.output()}")

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.log.close()


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    """Processes A and B, started once for this module (each test brings its own data)."""
    log_dir = tmp_path_factory.mktemp("servers")
    started = [ServerProcess("A", log_dir), ServerProcess("B", log_dir)]
    try:
        for server in started:
            server.wait_until_listening()
        yield started
    finally:
        for server in started:
            server.stop()


def browser_session(server, cookie):
    """A requests session signed in with the member's session cookie, as a browser on that server."""
    session = requests.Session()
    name, value = cookie.decode().split("=", 1)
    session.cookies.set(name, value, domain=HOST)
    session.headers["Origin"] = server.url
    return session


def csrf_token_from(session, server, path):
    """GET a page as a browser would: the CSRF cookie is set and the token is in its forms."""
    response = session.get(server.url + path, timeout=30)
    assert response.status_code == 200, response.status_code
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert match, "no CSRF token in the page"
    assert settings.CSRF_COOKIE_NAME in session.cookies
    return match.group(1)


def socket_headers(cookie, server):
    return {"origin": server.url, "additional_headers": {"Cookie": cookie.decode()}}


async def next_message(websocket, kind, timeout=15):
    """The next message of that type (presence and heartbeats come and go)."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(websocket.recv(), timeout=deadline - time.monotonic()))
        if message["type"] == kind:
            return message


def group_key(page):
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "asgi")
    return f"{prefix}:group:{page_group(page.translation_key)}"


async def subscribe(websocket, stream, after):
    await websocket.send(json.dumps({"type": "subscribe", "streams": {stream: after}}))
    return await next_message(websocket, "subscribed")


def test_a_comment_posted_through_one_process_reaches_a_socket_on_the_other(workspace, servers):
    server_a, server_b = servers
    reader, writer = make_member("participant"), make_member("participant")
    page = government_page("GT")
    reader_cookie, writer_cookie = session_cookie_for(reader), session_cookie_for(writer)
    # Read here: the request runs in a worker thread, which must not open a database connection.
    page_path, post_path = page.get_url(), reverse("discussions:post", args=[page.pk])

    def post_to_a():
        browser = browser_session(server_a, writer_cookie)
        token = csrf_token_from(browser, server_a, page_path)
        response = browser.post(
            server_a.url + post_path,
            data={"body": "Across processes", "idempotency_key": "two-processes"},
            headers={"Accept": "application/json", "X-CSRFToken": token, "Referer": server_a.url + page_path},
            timeout=30,
        )
        assert response.status_code == 201, (response.status_code, response.text[:500])
        return response.json()

    async def scenario():
        async with connect(f"{server_b.ws_url}/ws/pages/{page.pk}/", **socket_headers(reader_cookie, server_b)) as ws:
            assert (await next_message(ws, "hello"))["page_id"] == page.pk
            assert (await subscribe(ws, "discussion:", 0))["sequence"] == 0
            posted = await asyncio.to_thread(post_to_a)
            event = await next_message(ws, "event")
            return posted, event

    posted, event = asyncio.run(scenario())
    thread = Thread.objects.get(translation_key=page.translation_key, anchor="")
    assert (posted["thread_id"], posted["sequence"]) == (thread.pk, 1)
    assert event["stream"] == "discussion:"
    assert (event["sequence"], event["kind"], event["comment_id"]) == (
        posted["sequence"],
        "posted",
        posted["comment_id"],
    )
    assert f'id="comment-{posted["comment_id"]}"' in event["html"] and "Across processes" in event["html"]


def test_a_mass_disconnect_leaves_no_stale_group_members_in_redis(workspace, servers):
    _, server_b = servers
    page = government_page("GT")
    per_member = getattr(settings, "LIVE_WS_MAX_SOCKETS_PER_MEMBER", 10)
    cookies = [session_cookie_for(make_member("participant")) for _ in range(-(-MASS_SOCKETS // per_member))]
    store = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = group_key(page)
    url = f"{server_b.ws_url}/ws/pages/{page.pk}/"

    async def scenario():
        opening = asyncio.Semaphore(20)

        async def open_socket(number):
            async with opening:
                ws = await connect(url, open_timeout=30, **socket_headers(cookies[number // per_member], server_b))
                await next_message(ws, "hello", timeout=30)
                return ws

        sockets = await asyncio.gather(*(open_socket(number) for number in range(MASS_SOCKETS)))
        members_before = store.zcard(key)
        # All at once, as when a proxy restarts: every consumer leaves the group concurrently.
        await asyncio.gather(*(ws.close() for ws in sockets))
        return members_before

    assert asyncio.run(scenario()) == MASS_SOCKETS
    # Each leaving socket also announces the new presence to those still there: on a loaded CI
    # machine the last discards can take a while. Stale members would stay for a day.
    deadline = time.monotonic() + 90
    while store.zcard(key) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert store.zcard(key) == 0, f"{store.zcard(key)} stale members left in {key}"
