"""Websocket consumers: authenticate, authorise, join groups, push. Nothing is written here.

`LiveConsumer` is the base every socket uses (session auth, refusals the browser can read, the
per-member socket count, message rate and frame size, heartbeat, the member's group).
`PageConsumer` is the one socket of a page (`/ws/pages/<page_id>/`): it multiplexes every stream
of the page (each discussion thread, a work plan's progress, a meeting's counters) with a cursor
per stream. The protocol is in docs/realtime.md.
"""

import asyncio
import contextlib
import json
import logging
import random
import time

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from workspace.core.pages import can_view_page, is_member
from workspace.core.security import websocket_denied

from . import streams
from .groups import member_group, page_group

logger = logging.getLogger(__name__)

CLOSE_BAD_MESSAGE = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_FRAME_TOO_BIG = 4413
CLOSE_TOO_MANY = 4429
CLOSE_SERVER_ERROR = 1011


def setting(name, default):
    return getattr(settings, name, default)


def heartbeat_seconds():
    return float(setting("LIVE_HEARTBEAT_SECONDS", 25))


def reload_member(user):
    """The member as the database has them now (deactivated, moved to another group…), or None.

    With their groups, profile and permissions read now, when a page socket opens and on each
    heartbeat: every push renders for the member, and reading them then, on the event path, cost
    each socket four queries on the first event after every heartbeat.
    """
    member = (
        get_user_model()
        .objects.filter(pk=user.pk, is_active=True)
        .select_related("wagtail_userprofile")
        .prefetch_related("groups")
        .first()
    )
    if not is_member(member):
        return None
    member.get_all_permissions()  # cached on the object by Django's backend
    return member


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """What every socket of the workspace shares. Subclasses implement `open()` (return a close code
    to refuse), `groups_to_join()`, `on_open()`, `on_heartbeat()` and `client_<type>` handlers.

    A refused socket is accepted and then closed with its code: a refusal before `accept` reaches
    the browser as 1006 (HTTP 403 on the handshake), and the client would keep retrying.
    """

    counted = False
    joined = ()
    heartbeat_task = None
    user = None

    async def connect(self):
        user = self.scope.get("user")
        if not is_member(user):
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.user_id = user.pk
        self.send_lock = asyncio.Lock()
        self.allowance = float(setting("LIVE_WS_MESSAGE_BURST", 10))
        self.allowance_at = time.monotonic()
        refusal = await self.open()
        if refusal:
            await self.refuse(refusal)
            return
        if not await self.count_socket():
            await self.refuse(CLOSE_TOO_MANY)
            return
        groups = [member_group(self.user_id), *self.groups_to_join()]
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
            self.joined = groups
        except Exception:
            logger.exception("Cannot join %s; the client will retry", groups)
            await self.leave_groups(groups)
            await self.uncount_socket()
            await self.accept()
            await self.close(code=CLOSE_SERVER_ERROR)
            return
        await self.accept()
        try:
            if await self.on_open() is False:
                return
        except Exception:
            # The client left while the socket was being opened (a mass disconnect): leave the
            # groups and release the count now, or they would stay until they expire.
            logger.info("Socket %s left while it was being opened", self.channel_name, exc_info=True)
            await self.disconnect(None)
            return
        self.heartbeat_task = asyncio.ensure_future(self.beat())

    async def refuse(self, code):
        """Accept, then close with the documented code, with one line in the security log."""
        websocket_denied(self.scope, close_code=code)
        await self.accept()
        await self.close(code=code)

    # Hooks ---------------------------------------------------------------------------------------

    async def open(self):
        return None

    def groups_to_join(self):
        return []

    async def on_open(self):
        return None

    async def on_heartbeat(self):
        return None

    async def on_close(self):
        return None

    # Lifecycle -----------------------------------------------------------------------------------

    async def disconnect(self, code):
        if self.heartbeat_task is not None:
            self.heartbeat_task.cancel()
        if self.joined:
            groups, self.joined = self.joined, ()
            await self.leave_groups(groups)
            await self.on_close()
        await self.uncount_socket()

    async def leave_groups(self, groups):
        for group in groups:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.exception("Cannot leave %s", group)

    async def close_with(self, code):
        if self.heartbeat_task is not None and self.heartbeat_task is not asyncio.current_task():
            self.heartbeat_task.cancel()
        await self.close(code=code)

    async def beat(self):
        # The first beat comes after a random part of the period: sockets that opened together (a
        # page load by a whole meeting, a reconnect after a restart) do not beat together for good,
        # and a push is not delayed behind all of their heartbeats at once.
        first = True
        while True:
            await asyncio.sleep(heartbeat_seconds() * (random.uniform(0.5, 1.0) if first else 1.0))
            first = False
            try:
                # A fresh copy of the member on every heartbeat, so a socket does not outlive a
                # deactivation (should its push be lost) or a change of group for long.
                self.user = await database_sync_to_async(reload_member)(self.user)
                if self.user is None:
                    await self.close_with(CLOSE_UNAUTHENTICATED)
                    return
                await cache.atouch(self.socket_count_key(), self.socket_count_ttl())
                if await self.on_heartbeat() is False:
                    return
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Heartbeat failed on %s", self.channel_name)

    # The member's group ----------------------------------------------------------------------------

    async def dispatch(self, message):
        # The member's group carries messages for every socket of theirs; a socket handles the
        # ones it has a method for and ignores the rest.
        if message["type"].startswith("member.") and not hasattr(self, message["type"].replace(".", "_")):
            return
        await super().dispatch(message)

    async def member_deactivated(self, message):
        await self.close_with(CLOSE_UNAUTHENTICATED)

    # Client messages -------------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > setting("LIVE_WS_MAX_FRAME_BYTES", 4096):
            await self.close_with(CLOSE_FRAME_TOO_BIG)
            return
        if not self.take_allowance():
            await self.close_with(CLOSE_TOO_MANY)
            return
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self.close_with(CLOSE_BAD_MESSAGE)
            return
        handler = getattr(self, f"client_{content.get('type')}", None) if isinstance(content.get("type"), str) else None
        if handler is not None:
            await handler(content)

    def take_allowance(self):
        """Token bucket: LIVE_WS_MESSAGES_PER_SECOND sustained, LIVE_WS_MESSAGE_BURST at once."""
        rate = float(setting("LIVE_WS_MESSAGES_PER_SECOND", 5))
        burst = float(setting("LIVE_WS_MESSAGE_BURST", 10))
        now = time.monotonic()
        self.allowance = min(burst, self.allowance + (now - self.allowance_at) * rate)
        self.allowance_at = now
        if self.allowance < 1:
            return False
        self.allowance -= 1
        return True

    # Socket count (ephemeral, in the shared cache) --------------------------------------------------

    def socket_count_key(self):
        return f"live:sockets:{self.user_id}"

    def socket_count_ttl(self):
        # The count expires (a crashed process cannot lock a member out for long) unless
        # heartbeats keep renewing it while sockets are open.
        return int(4 * heartbeat_seconds()) + 60

    async def count_socket(self):
        key = self.socket_count_key()
        await cache.aadd(key, 0, timeout=self.socket_count_ttl())
        try:
            # The sync `incr` (atomic in Redis and in the local-memory cache): Django's `aincr` is a
            # get then a set, so a burst of handshakes all read the same count and all got in.
            count = await sync_to_async(cache.incr)(key)
        except ValueError:
            await cache.aadd(key, 1, timeout=self.socket_count_ttl())
            count = 1
        if count > setting("LIVE_WS_MAX_SOCKETS_PER_MEMBER", 10):
            await self.decrement_socket_count()
            return False
        self.counted = True
        await cache.atouch(key, self.socket_count_ttl())
        return True

    async def uncount_socket(self):
        if self.counted:
            self.counted = False
            await self.decrement_socket_count()

    async def decrement_socket_count(self):
        with contextlib.suppress(ValueError):
            await sync_to_async(cache.decr)(self.socket_count_key())

    async def group_send(self, group, message):
        """An ephemeral message between sockets (typing, presence): lost is fine, never raise."""
        try:
            await self.channel_layer.group_send(group, message)
        except Exception:
            logger.exception("Ephemeral broadcast to %s failed", group)


# --- The page socket ----------------------------------------------------------------------------


def page_for_socket(user, page_id):
    """(page, None) when the member may open the page's socket, else (None, close code)."""
    from wagtail.models import Page

    page = Page.objects.select_related("locale").filter(pk=page_id).first()
    if page is None:
        return None, CLOSE_NOT_FOUND
    if not can_view_page(user, page):
        return None, CLOSE_FORBIDDEN
    return page, None


def open_page_socket(user, page_id):
    """(member, page, None) when the member may open the page's socket, else (None, None, close code).

    One trip to the database thread for the whole handshake: a process runs its database calls
    one at a time, and a burst of handshakes (a reconnect after a Redis restart) queues there.
    """
    member = reload_member(user)
    if member is None:
        return None, None, CLOSE_UNAUTHENTICATED
    page, refusal = page_for_socket(member, page_id)
    return member, page, refusal


def members_present(present, now=None):
    now = time.time() if now is None else now
    return len({member for member, expiry in present.values() if expiry > now})


async def announce_settled_presence(channel_layer, key, group, window):
    await asyncio.sleep(window)
    # Before reading: a change from now on schedules the next announcement.
    await cache.adelete(f"live:presence-pending:{key}")
    count = members_present(await cache.aget(f"live:presence:{key}", {}))
    try:
        await channel_layer.group_send(group, {"type": "live.presence", "count": count})
    except Exception:
        logger.exception("Presence announcement to %s failed", group)


class PageConsumer(LiveConsumer):
    """One socket per page: every stream of the page, each with its own cursor.

    The client subscribes with `{"type": "subscribe", "streams": {"discussion:": 12, "progress:": null}}`
    (the last sequence it saw, or null to start from now). Group messages only wake the socket:
    a history stream reads every event after its cursor from the database (so a dropped or
    duplicated push can neither open a gap nor repeat an event), a state stream reads its value.
    The page's language versions share the group: one conversation across languages.
    """

    page = None

    async def open(self):
        self.page_id = int(self.scope["url_route"]["kwargs"]["page_id"])
        member, page, refusal = await database_sync_to_async(open_page_socket)(self.user, self.page_id)
        if refusal:
            return refusal
        self.user, self.page = member, page
        self.group_name = page_group(page.translation_key)
        self.presence_key = str(page.translation_key)
        self.cursors = {}  # stream name → last sequence sent (history) or None (state)
        return None

    def groups_to_join(self):
        return [self.group_name]

    async def on_open(self):
        await self.send_json({"type": "hello", "page_id": self.page_id})
        await self.update_presence(join=True)

    async def on_close(self):
        await self.update_presence(join=False)

    async def on_heartbeat(self):
        page, refusal = await database_sync_to_async(page_for_socket)(self.user, self.page_id)
        if refusal:
            await self.close_with(CLOSE_FORBIDDEN)
            return False
        self.page = page
        latest = {}
        async with self.send_lock:
            for name in list(self.cursors):
                latest[name] = await self.catch_up(name)
        present = await self.update_presence()
        await self.send_json(
            {
                "type": "heartbeat",
                "streams": {name: value for name, value in latest.items() if value is not None},
                "present": present,
            }
        )
        return True

    # Subscriptions --------------------------------------------------------------------------------

    async def client_subscribe(self, content):
        requested = content.get("streams")
        if not isinstance(requested, dict):
            await self.close_with(CLOSE_BAD_MESSAGE)
            return
        if len(self.cursors) + len(requested) > setting("LIVE_MAX_STREAMS_PER_SOCKET", 500):
            await self.close_with(CLOSE_TOO_MANY)
            return
        for name, after in requested.items():
            if not isinstance(name, str) or not (after is None or (type(after) is int and after >= 0)):
                await self.close_with(CLOSE_BAD_MESSAGE)
                return
        for name, after in requested.items():
            await self.subscribe(name, after)

    async def subscribe(self, name, after):
        kind, key = streams.parse(name)
        if kind is None:
            await self.send_json({"type": "refused", "stream": name, "code": CLOSE_NOT_FOUND})
            return
        allowed = await database_sync_to_async(kind.may_follow)(user=self.user, page=self.page, key=key)
        if allowed is not True:
            code = CLOSE_NOT_FOUND if allowed is None else CLOSE_FORBIDDEN
            await self.send_json({"type": "refused", "stream": name, "code": code})
            return
        async with self.send_lock:
            if kind.history:
                latest = await database_sync_to_async(kind.latest)(page=self.page, key=key)
                self.cursors[name] = latest if after is None else after
                await self.send_json({"type": "subscribed", "stream": name, "sequence": latest})
                await self.catch_up(name)
            else:
                self.cursors[name] = None
                await self.send_json({"type": "subscribed", "stream": name})
                await self.send_state(name)

    async def client_unsubscribe(self, content):
        for name in content.get("streams") or []:
            self.cursors.pop(name, None)

    # Pushing ----------------------------------------------------------------------------------------

    async def stream_event(self, message):
        name = message["stream"]
        if name not in self.cursors or self.cursors[name] is None or message["sequence"] <= self.cursors[name]:
            return
        async with self.send_lock:
            await self.catch_up(name, woken_by=message["sequence"])

    async def stream_state(self, message):
        if message["stream"] in self.cursors:
            await self.send_state(message["stream"])

    async def catch_up(self, name, woken_by=None):
        """Send every event of the stream after its cursor, from the database; the caller holds send_lock.

        Returns the stream's latest sequence (None for a state stream or one that was dropped).
        Woken by a push of sequence `woken_by`, the first read is shared with the other sockets of
        the page in this process (`streams.shared_read`).
        """
        kind, key = streams.parse(name)
        if kind is None or not kind.history or name not in self.cursors:
            return None
        while name in self.cursors:
            after = self.cursors[name]
            if woken_by is not None:
                batch = await streams.shared_read(kind, page=self.page, key=key, after=after, covering=woken_by)
                woken_by = None
            else:
                batch = await database_sync_to_async(kind.read)(page=self.page, key=key, after=after)
            result = None if batch is None else await database_sync_to_async(batch.render_for)(self.user, self.page)
            if result is None:
                self.cursors.pop(name, None)
                await self.send_json({"type": "refused", "stream": name, "code": CLOSE_FORBIDDEN})
                return None
            events, latest = result
            for event in events:
                if event["sequence"] > self.cursors.get(name, 0):
                    await self.send_json({"type": "event", "stream": name, **event})
                    self.cursors[name] = event["sequence"]
            if len(events) < streams.REPLAY_BATCH:
                return latest
        return None

    async def send_state(self, name):
        kind, key = streams.parse(name)
        state = await database_sync_to_async(kind.state_for)(user=self.user, page=self.page, key=key)
        if state is None:
            self.cursors.pop(name, None)
            await self.send_json({"type": "refused", "stream": name, "code": CLOSE_FORBIDDEN})
            return
        await self.send_json({"type": "state", "stream": name, **state})

    async def member_rate_limited(self, message):
        await self.send_json(
            {
                "type": "error",
                "code": "rate_limited",
                "message": message["message"],
                "retry_after": message["retry_after"],
            }
        )

    # Typing and presence (ephemeral) ---------------------------------------------------------------

    async def client_typing(self, content):
        name = content.get("stream")
        if name not in self.cursors:
            return
        key = f"live:typing:{self.presence_key}:{name}:{self.user_id}"
        if not await cache.aadd(key, 1, timeout=setting("LIVE_TYPING_THROTTLE_SECONDS", 3)):
            return
        await self.group_send(
            self.group_name, {"type": "live.typing", "stream": name, "user_id": self.user_id, "name": str(self.user)}
        )

    async def live_typing(self, message):
        if message["user_id"] != self.user_id and message["stream"] in self.cursors:
            await self.send_json(
                {"type": "typing", "stream": message["stream"], "user_id": message["user_id"], "name": message["name"]}
            )

    async def live_presence(self, message):
        await self.send_json({"type": "presence", "count": message["count"]})

    async def update_presence(self, join=None):
        """Record this socket as present on the page (or gone) and return how many members are here.

        A per-page map {channel: (member, expiry)} refreshed by every heartbeat: a write lost to a
        concurrent one, or a process that died, corrects itself within a heartbeat or three.
        """
        key = f"live:presence:{self.presence_key}"
        ttl = 3 * heartbeat_seconds()
        now = time.time()
        present = {channel: entry for channel, entry in (await cache.aget(key, {})).items() if entry[1] > now}
        if join is False:
            present.pop(self.channel_name, None)
        else:
            present[self.channel_name] = (self.user_id, now + ttl)
        await cache.aset(key, present, timeout=int(ttl) + 1)
        count = members_present(present)
        if join is not None:
            await self.announce_presence(count, joined=join)
        return count

    async def announce_presence(self, count, *, joined):
        """Tell the page how many are here, at most once per LIVE_PRESENCE_SECONDS.

        Announcing every join and leave to every socket costs N² messages when N sockets come or
        go at once (a deploy, a proxy restart): changes within the window are announced together,
        by one socket, with the count as it settled. A joining socket hears the count at once.
        """
        window = float(setting("LIVE_PRESENCE_SECONDS", 1))
        if window <= 0:
            await self.group_send(self.group_name, {"type": "live.presence", "count": count})
            return
        if joined:
            await self.send_json({"type": "presence", "count": count})
        if await cache.aadd(f"live:presence-pending:{self.presence_key}", 1, timeout=int(3 * window) + 1):
            announcement = announce_settled_presence(self.channel_layer, self.presence_key, self.group_name, window)
            asyncio.ensure_future(announcement)
