"""Websocket consumers: they authenticate, authorise, join a group and push. Nothing is written here.

The thread protocol (message types, close codes, replay and heartbeat rules) is in docs/realtime.md.
"""

import asyncio
import contextlib
import json
import logging
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from workspace.core.security import websocket_denied

from .access import can_view_thread, is_member
from .models import Thread
from .notifications import unread_count
from .rendering import REPLAY_BATCH, EventBatch, events_after

logger = logging.getLogger(__name__)

CLOSE_BAD_MESSAGE = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NO_THREAD = 4404
CLOSE_FRAME_TOO_BIG = 4413
CLOSE_TOO_MANY = 4429
CLOSE_SERVER_ERROR = 1011


def member_group_name(user_id):
    return f"member-{user_id}"


def setting(name, default):
    return getattr(settings, name, default)


async def refuse(consumer, code):
    """Close a connect that is not allowed, with one line in the security log."""
    websocket_denied(consumer.scope, close_code=code)
    await consumer.close(code=code)


class MemberConsumer(AsyncJsonWebsocketConsumer):
    """A member's own push channel: the unread notification count for the bell.

    It only pushes: everything a member changes goes through an HTTP POST. A group message
    `member.notifications` only wakes it; the count is read from the database, so counts from two
    commits cannot arrive out of order with a stale number last.
    """

    heartbeat_task = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await refuse(self, CLOSE_UNAUTHENTICATED)
            return
        self.group_name = member_group_name(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello"})
        await self.member_notifications({})
        self.heartbeat_task = asyncio.ensure_future(self.beat())

    async def disconnect(self, code):
        if self.heartbeat_task is not None:
            self.heartbeat_task.cancel()
        if getattr(self, "group_name", None):
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def beat(self):
        """Every heartbeat: the count again (a lost wake-up costs one beat, and the client can tell a
        live socket from a dead one), after re-reading the member (a lost deactivation closes here)."""
        interval = float(setting("DISCUSSIONS_HEARTBEAT_SECONDS", 25))
        while True:
            await asyncio.sleep(interval)
            try:
                if await database_sync_to_async(reload_member)(self.scope["user"]) is None:
                    await self.close(code=CLOSE_UNAUTHENTICATED)
                    return
                await self.member_notifications({})
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Heartbeat failed on %s", self.group_name)

    async def member_event(self, event):
        await self.send_json(event["payload"])

    async def member_notifications(self, event):
        unread = await database_sync_to_async(unread_count)(self.scope["user"].pk)
        await self.send_json({"type": "notifications", "unread": unread})

    async def member_deactivated(self, event):
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def member_rate_limited(self, event):
        pass  # for the discussion panels (ThreadConsumer); the bell has nothing to show


def members_present(present, now=None):
    now = time.time() if now is None else now
    return len({member for member, expiry in present.values() if expiry > now})


async def announce_settled_presence(channel_layer, thread_id, group_name, window):
    await asyncio.sleep(window)
    # Before reading: a change from now on schedules the next announcement.
    await cache.adelete(f"discussions:presence-pending:{thread_id}")
    count = members_present(await cache.aget(f"discussions:presence:{thread_id}", {}))
    try:
        await channel_layer.group_send(group_name, {"type": "thread.presence", "count": count})
    except Exception:
        logger.exception("Presence announcement to %s failed", group_name)


# A broadcast wakes every socket of the thread at once, and they all need the same rows: within a
# process they share one read (in flight, then for SHARED_BATCH_SECONDS) of the events after a
# given sequence, as long as it covers the sequence that woke them. A per-process cache, nothing
# that processes must share; each socket still renders for its member and asks the access rule.
SHARED_BATCH_SECONDS = 1.0
_shared_batches = {}


async def shared_batch(thread_id, *, after, covering):
    loop = asyncio.get_running_loop()
    key = (id(loop), thread_id, after)
    pending = _shared_batches.get(key)
    if pending is None or (pending.done() and (_failed(pending) or _batch_misses(pending.result(), covering))):
        pending = asyncio.ensure_future(database_sync_to_async(EventBatch.read)(thread_id=thread_id, after=after))
        _shared_batches[key] = pending
        pending.add_done_callback(lambda done: loop.call_later(SHARED_BATCH_SECONDS, _forget_batch, key, done))
    batch = await asyncio.shield(pending)
    if _batch_misses(batch, covering):
        # Read while the sequence that woke this socket was being committed: read again.
        batch = await database_sync_to_async(EventBatch.read)(thread_id=thread_id, after=after)
    return batch


def _failed(future):
    return future.cancelled() or future.exception() is not None


def _batch_misses(batch, sequence):
    return batch is not None and batch.latest < sequence


def _forget_batch(key, done):
    if _shared_batches.get(key) is done:
        del _shared_batches[key]


def reload_member(user):
    """The member as the database has them now (deactivated, moved to another group…), or None."""
    member = get_user_model().objects.filter(pk=user.pk, is_active=True).first()
    return member if is_member(member) else None


def thread_for_socket(user, thread_id):
    """(thread, None) when the member may follow the thread, else (None, close code)."""
    thread = Thread.objects.select_related("page").filter(pk=thread_id).first()
    if thread is None:
        return None, CLOSE_NO_THREAD
    if not can_view_thread(user, thread):
        return None, CLOSE_FORBIDDEN
    return thread, None


class ThreadConsumer(AsyncJsonWebsocketConsumer):
    """Pushes one thread's events to a member: replay from `?after=`, then live, then heartbeats.

    Live broadcasts only say "sequence n happened"; the consumer reads every event after the last
    one it sent from the database, rendered for its member. So a dropped or duplicated broadcast
    can neither open a gap nor repeat an event, and each member gets their own fragment (language,
    own-comment and moderation controls).
    """

    thread_id = None
    joined = False
    counted = False
    heartbeat_task = None

    async def connect(self):
        user = self.scope.get("user")
        if not is_member(user):
            await refuse(self, CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.user_id = user.pk
        self.thread_id = int(self.scope["url_route"]["kwargs"]["thread_id"])
        after = self.parse_after()
        if after is False:
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        thread, refusal = await database_sync_to_async(thread_for_socket)(user, self.thread_id)
        if refusal:
            await refuse(self, refusal)
            return
        if not await self.count_socket():
            await refuse(self, CLOSE_TOO_MANY)
            return
        self.group_name = thread.group_name
        self.send_lock = asyncio.Lock()
        self.last_sequence = thread.last_sequence if after is None else after
        self.allowance = float(setting("DISCUSSIONS_WS_MESSAGE_BURST", 10))
        self.allowance_at = time.monotonic()
        try:
            # Join first, then replay: whatever commits meanwhile is either in the replay or
            # announced to the group, and the sequence check drops the overlap.
            await self.channel_layer.group_add(self.group_name, self.channel_name)
            # The member's own group too, so a deactivation closes this socket at once.
            await self.channel_layer.group_add(member_group_name(self.user_id), self.channel_name)
            self.joined = True
        except Exception:
            logger.exception("Cannot join %s; the client will retry", self.group_name)
            await self.uncount_socket()
            await self.close(code=CLOSE_SERVER_ERROR)
            return
        await self.accept()
        await self.send_json({"type": "hello", "thread_id": self.thread_id, "sequence": thread.last_sequence})
        async with self.send_lock:
            if await self.catch_up() is None:
                return
        await self.update_presence(join=True)
        self.heartbeat_task = asyncio.ensure_future(self.beat())

    def parse_after(self):
        """The `after` query parameter: None when absent, False when malformed."""
        values = parse_qs(self.scope.get("query_string", b"").decode("latin1")).get("after")
        if not values:
            return None
        try:
            after = int(values[0])
        except ValueError:
            return False
        return after if after >= 0 else False

    async def disconnect(self, code):
        if self.heartbeat_task is not None:
            self.heartbeat_task.cancel()
        if self.joined:
            self.joined = False
            try:
                await self.channel_layer.group_discard(self.group_name, self.channel_name)
                await self.channel_layer.group_discard(member_group_name(self.user_id), self.channel_name)
            except Exception:
                logger.exception("Cannot leave %s", self.group_name)
            await self.update_presence(join=False)
        await self.uncount_socket()

    async def close_with(self, code):
        if self.heartbeat_task is not None and self.heartbeat_task is not asyncio.current_task():
            self.heartbeat_task.cancel()
        await self.close(code=code)

    async def dispatch(self, message):
        # The member's group also carries the bell's messages (member.notifications, …): not ours.
        if message["type"].startswith("member.") and message["type"] not in self.member_messages:
            return
        await super().dispatch(message)

    member_messages = {"member.deactivated", "member.rate_limited"}

    async def member_deactivated(self, message):
        await self.close_with(CLOSE_UNAUTHENTICATED)

    async def member_rate_limited(self, message):
        await self.send_json(
            {
                "type": "error",
                "code": "rate_limited",
                "message": message["message"],
                "retry_after": message["retry_after"],
            }
        )

    # --- Pushing events ----------------------------------------------------------------------

    async def catch_up(self, woken_by=None):
        """Send every event after the last one sent, from the database; the caller holds send_lock.

        Woken by a broadcast of sequence `woken_by`, the first read is shared with the other
        sockets of the thread in this process (`shared_batch`).
        """
        while True:
            if woken_by is not None:
                batch = await shared_batch(self.thread_id, after=self.last_sequence, covering=woken_by)
                woken_by = None
                result = None if batch is None else await database_sync_to_async(batch.render_for)(self.user)
            else:
                result = await database_sync_to_async(events_after)(
                    thread_id=self.thread_id, viewer=self.user, after=self.last_sequence
                )
            if result is None:
                await self.close_with(CLOSE_FORBIDDEN)
                return None
            events, latest = result
            for event in events:
                if event["sequence"] > self.last_sequence:
                    await self.send_json(event)
                    self.last_sequence = event["sequence"]
            if len(events) < REPLAY_BATCH:
                return latest

    async def thread_event(self, message):
        if message["sequence"] <= self.last_sequence:
            return
        async with self.send_lock:
            await self.catch_up(woken_by=message["sequence"])

    async def beat(self):
        interval = float(setting("DISCUSSIONS_HEARTBEAT_SECONDS", 25))
        while True:
            await asyncio.sleep(interval)
            try:
                # Access is checked on every heartbeat with a fresh copy of the member, so a
                # socket does not outlive a deactivation or a change of group for long.
                self.user = await database_sync_to_async(reload_member)(self.user)
                if self.user is None:
                    await self.close_with(CLOSE_FORBIDDEN)
                    return
                async with self.send_lock:
                    latest = await self.catch_up()
                if latest is None:
                    return
                present = await self.update_presence()
                await cache.atouch(f"discussions:sockets:{self.user_id}", self.socket_count_ttl())
                await self.send_json({"type": "heartbeat", "sequence": latest, "present": present})
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Heartbeat failed on %s", self.group_name)

    # --- Client messages ---------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > setting("DISCUSSIONS_WS_MAX_FRAME_BYTES", 4096):
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
        if content.get("type") == "typing":
            await self.typing()

    def take_allowance(self):
        """Token bucket: DISCUSSIONS_WS_MESSAGES_PER_SECOND sustained, DISCUSSIONS_WS_MESSAGE_BURST at once."""
        rate = float(setting("DISCUSSIONS_WS_MESSAGES_PER_SECOND", 5))
        burst = float(setting("DISCUSSIONS_WS_MESSAGE_BURST", 10))
        now = time.monotonic()
        self.allowance = min(burst, self.allowance + (now - self.allowance_at) * rate)
        self.allowance_at = now
        if self.allowance < 1:
            return False
        self.allowance -= 1
        return True

    async def typing(self):
        if self.user is None:
            return
        key = f"discussions:typing:{self.thread_id}:{self.user_id}"
        if not await cache.aadd(key, 1, timeout=setting("DISCUSSIONS_TYPING_THROTTLE_SECONDS", 3)):
            return
        await self.group_send(
            {"type": "thread.typing", "user_id": self.user_id, "name": str(self.user), "sender": self.channel_name}
        )

    async def thread_typing(self, message):
        if message["user_id"] != self.user_id:
            await self.send_json({"type": "typing", "user_id": message["user_id"], "name": message["name"]})

    # --- Presence and socket count (ephemeral, in the shared cache) ----------------------------

    async def update_presence(self, join=None):
        """Record this socket as present (or gone) and return how many members are here.

        A per-thread map {channel: (member, expiry)} refreshed by every heartbeat: a write lost to a
        concurrent one, or a process that died, corrects itself within one heartbeat.
        """
        key = f"discussions:presence:{self.thread_id}"
        ttl = 3 * float(setting("DISCUSSIONS_HEARTBEAT_SECONDS", 25))
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
        """Tell the thread how many are here, at most once per DISCUSSIONS_PRESENCE_SECONDS.

        Announcing every join and leave to every socket costs N² messages when N sockets come or
        go at once (a deploy, a proxy restart): changes within the window are announced together,
        by one socket of the thread, with the count as it settled. A joining socket hears the
        count at once.
        """
        window = float(setting("DISCUSSIONS_PRESENCE_SECONDS", 1))
        if window <= 0:
            await self.group_send({"type": "thread.presence", "count": count})
            return
        if joined:
            await self.send_json({"type": "presence", "count": count})
        if await cache.aadd(f"discussions:presence-pending:{self.thread_id}", 1, timeout=int(3 * window) + 1):
            announcement = announce_settled_presence(self.channel_layer, self.thread_id, self.group_name, window)
            asyncio.ensure_future(announcement)

    async def thread_presence(self, message):
        await self.send_json({"type": "presence", "count": message["count"]})

    async def count_socket(self):
        key = f"discussions:sockets:{self.user_id}"
        await cache.aadd(key, 0, timeout=self.socket_count_ttl())
        try:
            count = await cache.aincr(key)
        except ValueError:
            await cache.aadd(key, 1, timeout=self.socket_count_ttl())
            count = 1
        if count > setting("DISCUSSIONS_WS_MAX_SOCKETS_PER_MEMBER", 10):
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
            await cache.adecr(f"discussions:sockets:{self.user_id}")

    def socket_count_ttl(self):
        # The count expires (a crashed process cannot lock a member out for long) unless
        # heartbeats keep renewing it while sockets are open.
        return int(4 * float(setting("DISCUSSIONS_HEARTBEAT_SECONDS", 25))) + 60

    async def group_send(self, message):
        try:
            await self.channel_layer.group_send(self.group_name, message)
        except Exception:
            logger.exception("Ephemeral broadcast to %s failed", self.group_name)
