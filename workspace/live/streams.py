"""The streams a page socket carries, registered by the rooms that own them (in AppConfig.ready()).

A stream is named `<kind>:<key>` on the wire: `discussion:` (the page's own thread),
`discussion:activity-3f…` (a declared part of the page), `progress:` (a work plan's progress),
`rsvp:` (a meeting's counters). A *history* stream replays its events after a cursor from its
log; a *state* stream sends its current value on (re)subscribe and on every push.

A room announces a change with `send_on_commit(page_group(page.translation_key), {"type":
"stream.event", "stream": name, "sequence": n})` (history) or `{"type": "stream.state", "stream":
name}` (state): the socket reads the rest from the database.
"""

import asyncio

from channels.db import database_sync_to_async

REPLAY_BATCH = 200

_KINDS = {}


class StreamKind:
    """Subclass per kind of stream; every method is synchronous (the ORM is allowed) and called
    through `database_sync_to_async` by the socket."""

    name = ""
    history = True

    def may_follow(self, *, user, page, key):
        """True when the member may follow the stream, False when not theirs, None when the page has no such stream."""
        raise NotImplementedError

    def latest(self, *, page, key):
        """The stream's latest sequence (0 when it has no events yet)."""
        raise NotImplementedError

    def read(self, *, page, key, after, limit=REPLAY_BATCH):
        """A batch of events after `after` (an object with `latest` and `render_for(viewer, page)` →
        (events, latest) or None when the viewer may not see them), or None when the stream is gone."""
        raise NotImplementedError

    def state_for(self, *, user, page, key):
        """For a state stream: the value as a dict (e.g. {"html": …}), or None when not theirs."""
        raise NotImplementedError

    def stream_name(self, key=""):
        return f"{self.name}:{key}"


def register(kind):
    """Register a stream kind (an instance of a StreamKind subclass); returns it."""
    _KINDS[kind.name] = kind
    return kind


def parse(name):
    """(kind, key) for a stream name, or (None, None) when no such kind is registered."""
    if not isinstance(name, str) or ":" not in name:
        return None, None
    kind_name, key = name.split(":", 1)
    kind = _KINDS.get(kind_name)
    return (kind, key) if kind is not None else (None, None)


# A push wakes every socket of the page at once, and they all need the same rows: within a process
# they share one read (in flight, then for SHARED_READ_SECONDS) of the events after a given
# sequence, as long as it covers the sequence that woke them. A per-process cache, nothing that
# processes must share; each socket still renders for its member and asks the access rule.
SHARED_READ_SECONDS = 1.0
_shared_reads = {}


async def shared_read(kind, *, page, key, after, covering):
    loop = asyncio.get_running_loop()
    cache_key = (id(loop), kind.name, str(page.translation_key), key, after)
    pending = _shared_reads.get(cache_key)
    if pending is None or (pending.done() and (_failed(pending) or _misses(pending.result(), covering))):
        pending = asyncio.ensure_future(database_sync_to_async(kind.read)(page=page, key=key, after=after))
        _shared_reads[cache_key] = pending
        pending.add_done_callback(lambda done: loop.call_later(SHARED_READ_SECONDS, _forget, cache_key, done))
    batch = await asyncio.shield(pending)
    if _misses(batch, covering):
        # Read while the sequence that woke this socket was being committed: read again.
        batch = await database_sync_to_async(kind.read)(page=page, key=key, after=after)
    return batch


def clear_shared_reads():
    _shared_reads.clear()


def _failed(future):
    return future.cancelled() or future.exception() is not None


def _misses(batch, sequence):
    return batch is not None and batch.latest < sequence


def _forget(cache_key, done):
    if _shared_reads.get(cache_key) is done:
        del _shared_reads[cache_key]
