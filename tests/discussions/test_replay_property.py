"""Property: whatever the interleaving of changes, disconnects, reconnects and lost broadcasts,
every live client ends with exactly the comments the database renders for its member.

Hypothesis draws a list of steps; each example drives the real services (real commits) and real
page sockets (`PageConsumer`, the stream `discussion:` with a cursor) through
`WebsocketCommunicator`. `ModelClient` applies what it receives as
workspace/static/js/live.js does (replace `#comment-<id>` or insert; ignore a sequence not
above the last one seen) and also records every duplicate or gap, which the server must never
send. Unread messages are lost when a client disconnects, as they would be in flight.

Fast and deterministic by default (25 derandomized examples); for a longer random search:
`DISCUSSIONS_PROPERTY_EXAMPLES=500 .venv/bin/python -m pytest tests/discussions/test_replay_property.py`.
"""

import asyncio
import contextlib
import os
import re
import time
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers, get_channel_layer
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.discussions.helpers import page_socket, session_cookie_for
from tests.factories import make_member, parts_page
from workspace.discussions import services
from workspace.discussions.models import Thread, ThreadEvent
from workspace.discussions.rendering import comments_queryset, render_comment

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("DISCUSSIONS_PROPERTY_EXAMPLES", "25"))
AUTHORS = 3  # two participants and a coordinator (who also hides and restores)
CLIENTS = 4  # one per member, and a second tab for the first participant
DRAIN_SECONDS = 10
STREAM = "discussion:"

# A change's broadcast is delivered, silently dropped (at-most-once layer), fails (Redis down),
# arrives twice, or is held back until a later "late" step (after later changes' broadcasts).
broadcasts = st.sampled_from(["delivered", "delivered", "dropped", "fails", "duplicated", "delayed"])
comment_index = st.integers(min_value=0, max_value=30)
client_index = st.integers(min_value=0, max_value=CLIENTS - 1)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("post"), st.integers(0, AUTHORS - 1), st.none() | comment_index, broadcasts),
        st.tuples(st.sampled_from(["edit", "delete", "hide", "restore"]), comment_index, broadcasts),
        st.tuples(st.sampled_from(["read", "disconnect", "reconnect", "reload"]), client_index),
        st.just(("late",)),
    ),
    max_size=30,
)


def normalised(html):
    # Every render of a reply form carries a fresh idempotency key.
    return re.sub(r'(name="idempotency_key" value=)"[0-9a-f]+"', r'\1""', html)


def rendered_now(thread_id, viewer):
    """(last sequence, {comment id: (parent id, html)}) as the database renders them for the viewer now."""
    thread = Thread.objects.select_related("page__locale").get(pk=thread_id)
    comments = {
        comment.pk: (comment.parent_id, normalised(render_comment(comment, viewer=viewer, thread=thread)))
        for comment in comments_queryset(thread, viewer)
    }
    return thread.last_sequence, comments


class ModelClient:
    """A browser tab with the discussion panel open."""

    def __init__(self, page_id, thread_id, member, cookie):
        self.page_id, self.thread_id, self.member, self.cookie = page_id, thread_id, member, cookie
        self.comm = None
        self.last_seen = 0
        self.comments = {}
        self.anomalies = []
        self.leaving = []

    async def load_page(self):
        """The page renders the thread as it is; the socket then replays from that sequence."""
        await self.disconnect()
        self.last_seen, self.comments = await database_sync_to_async(rendered_now)(self.thread_id, self.member)
        await self.connect()

    async def connect(self):
        if self.comm is not None:
            return
        comm = page_socket(self.page_id, self.cookie)
        connected, code = await comm.connect(timeout=5)
        assert connected, code
        assert (await comm.receive_json_from(timeout=5))["type"] == "hello"
        await comm.send_json_to({"type": "subscribe", "streams": {STREAM: self.last_seen}})
        self.comm = comm

    async def disconnect(self):
        """Close the socket; like a browser, do not wait for the server to finish its cleanup."""
        if self.comm is not None:
            comm, self.comm = self.comm, None
            self.leaving.append(asyncio.ensure_future(comm.disconnect(timeout=5)))

    async def gone(self):
        await self.disconnect()
        await asyncio.gather(*self.leaving)

    async def read(self):
        """Apply whatever has arrived so far."""
        while self.comm is not None and not await self.comm.receive_nothing(timeout=0.01):
            self.apply(await self.comm.receive_json_from(timeout=5))

    async def drain(self, latest):
        """Read until the last change has arrived (a lost broadcast waits for a heartbeat), then until quiet."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while self.last_seen < latest:
            try:
                self.apply(await self.comm.receive_json_from(timeout=max(0.01, deadline - time.monotonic())))
            except TimeoutError:
                pytest.fail(f"{self.member}'s socket is stuck at sequence {self.last_seen} of {latest}")
        while not await self.comm.receive_nothing(timeout=0.05):
            self.apply(await self.comm.receive_json_from(timeout=5))

    def apply(self, message):
        if message["type"] == "heartbeat" and message["streams"].get(STREAM, 0) > self.last_seen:
            self.anomalies.append(f"heartbeat announced {message['streams'][STREAM]} before sending it")
        if message["type"] == "refused":
            self.anomalies.append(f"refused: {message}")
        if message["type"] != "event":
            return
        assert message["stream"] == STREAM, message
        sequence = message["sequence"]
        if sequence <= self.last_seen:
            self.anomalies.append(f"duplicate {sequence} after {self.last_seen}")
            return  # as the JS client does
        if sequence != self.last_seen + 1:
            self.anomalies.append(f"gap: {sequence} after {self.last_seen}")
        self.last_seen = sequence
        if message["comment_id"] and message["html"]:
            self.comments[message["comment_id"]] = (message["parent_id"], normalised(message["html"]))


@pytest.fixture
def cast(workspace):
    """Members and their session cookies, made once per test (Hypothesis reuses them across examples)."""
    members = [make_member("participant"), make_member("participant"), make_member("coordinator")]
    return members, [session_cookie_for(member) for member in members]


def change(kind, thread, comments, members, argument, number):
    """Apply one change through the services; a change the rules refuse is simply refused."""
    coordinator = members[-1]
    if kind == "post":
        author, parent = members[argument[0]], argument[1]
        parent = comments[parent % len(comments)] if comments and parent is not None else None
        comments.append(services.post_comment(thread=thread, author=author, body=f"Comment {number}", parent=parent))
        return
    if not comments:
        return
    target = comments[argument % len(comments)]
    if kind == "edit":
        services.edit_comment(comment=target, editor=target.author, body=f"Edited in step {number}")
    elif kind == "delete":
        services.delete_comment(comment=target, member=target.author)
    elif kind == "hide":
        services.hide_comment(comment=target, moderator=coordinator, reason=f"Reason {number}")
    elif kind == "restore":
        services.restore_comment(comment=target, moderator=coordinator)


def changing(kind, thread, comments, members, argument, number):
    with contextlib.suppress(PermissionDenied, ValidationError):
        change(kind, thread, comments, members, argument, number)


def broadcast_mode(mode, held):
    """Patch the channel layer's group_send for one change (see `broadcasts`); held ones go to `held`."""
    layer = get_channel_layer()
    send = layer.group_send

    async def twice(group, message):
        await send(group, message)
        await send(group, message)

    async def hold(group, message):
        held.append((group, message))

    behaviour = {
        "dropped": mock.AsyncMock(return_value=None),
        "fails": mock.AsyncMock(side_effect=ConnectionError("Redis is down")),
        "duplicated": twice,
        "delayed": hold,
    }.get(mode)
    return contextlib.nullcontext() if behaviour is None else mock.patch.object(layer, "group_send", behaviour)


async def deliver_late(held):
    while held:
        await get_channel_layer().group_send(*held.pop(0))


def new_thread():
    """A thread of a page of its own (a thread is one per page and anchor, across languages)."""
    return services.get_or_create_thread(page=parts_page(), anchor="")


def replay_log(thread_id):
    return list(ThreadEvent.objects.filter(thread_id=thread_id).order_by("sequence").values_list("sequence", flat=True))


@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="DISCUSSIONS_PROPERTY_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_every_client_ends_with_what_the_database_renders(cast, settings, steps):
    settings.DISCUSSIONS_RATE_LIMITS = ()
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    members, cookies = cast
    cache.clear()  # socket counts and presence of the previous example
    channel_layers.backends.clear()  # each example runs in an event loop of its own

    async def scenario():
        thread = await database_sync_to_async(new_thread)()
        clients = [
            ModelClient(thread.page_id, thread.pk, members[i % AUTHORS], cookies[i % AUTHORS]) for i in range(CLIENTS)
        ]
        comments, held = [], []
        try:
            for client in clients:
                await client.load_page()
            for number, (kind, *arguments) in enumerate(steps):
                if kind == "late":
                    await deliver_late(held)
                    continue
                if kind in ("read", "disconnect", "reconnect", "reload"):
                    client = clients[arguments[0]]
                    await {
                        "read": client.read,
                        "disconnect": client.disconnect,
                        "reconnect": client.connect,
                        "reload": client.load_page,
                    }[kind]()
                    continue
                *argument, mode = arguments
                argument = tuple(argument) if kind == "post" else argument[0]
                with broadcast_mode(mode, held):
                    await database_sync_to_async(changing)(kind, thread, comments, members, argument, number)
            # Every tab comes back and catches up; broadcasts still held back arrive last.
            for client in clients:
                await client.connect()
            await deliver_late(held)
            latest = (await database_sync_to_async(Thread.objects.get)(pk=thread.pk)).last_sequence
            for client in clients:
                await client.drain(latest)
            assert await database_sync_to_async(replay_log)(thread.pk) == list(range(1, latest + 1))
            for client in clients:
                assert client.anomalies == [], client.member
                assert client.last_seen == latest
                _, expected = await database_sync_to_async(rendered_now)(thread.pk, client.member)
                assert client.comments == expected, client.member
        finally:
            await asyncio.gather(*(client.gone() for client in clients))

    async_to_sync(scenario)()
