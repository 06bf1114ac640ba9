"""A sliding-window rate limiter on Django's cache API (Redis in production, locmem in development).

Fixed windows aligned to the clock let twice the limit through across an edge (10 posts at 12:00:59
and 10 more at 12:01:00 pass a limit of 10 a minute). Here a window is counted as the sum of its
last `slots + 1` slots (each `window / slots` seconds long), so a hit is remembered for at least a
whole window: in ANY span of `window` seconds at most `limit` hits are let through. The price is
that a hit is forgotten up to one slot later than a perfect sliding log would (1 s for a minute).

Only atomic cache operations are used: `add` (creates a slot at 0 if missing), `incr` (Redis
INCRBY; locmem under its lock), `decr` and `get_many` (one MGET). A hit increments its slot first
and then reads the window, so two racing hits can never both pass a last free place (at worst both
are refused and refunded: conservative). A refused hit is refunded, so refusals do not keep a
member locked out; they are not free for the cache, though: callers that face floods should also
limit connections at the proxy.

    from workspace.core.ratelimit import hit_all

    decision = hit_all(f"discussions:{member.pk}", limits=((60, 10), (86400, 200)))
    if not decision.allowed:
        raise RateLimited(retry_after=decision.retry_after_seconds)
"""

import contextlib
import math
import time
from dataclasses import dataclass

from django.core.cache import caches

DEFAULT_SLOTS = 60
KEY_PREFIX = "ratelimit"


@dataclass(frozen=True)
class Decision:
    """The outcome of one hit against one window (or the refusing window of several)."""

    allowed: bool
    limit: int
    window: int
    count: int  # hits in the window, this one included (when refused: as if it had been counted)
    retry_after: float  # seconds until a hit would pass (0 when allowed)

    @property
    def retry_after_seconds(self):
        """Whole seconds for an HTTP Retry-After header (at least 1 when refused)."""
        return 0 if self.allowed else max(1, math.ceil(self.retry_after))


@dataclass(frozen=True)
class _Hit:
    key: str
    slot_key: str
    decision: Decision


def _slot_length(window, slots):
    if window <= 0 or slots <= 0:
        raise ValueError("window and slots must be positive")
    return window / slots


def _slot_keys(key, window, slots, now):
    """(current slot index, {index: cache key}) for the slots that make up the window at `now`."""
    length = _slot_length(window, slots)
    current = math.floor(now / length)
    return current, {index: f"{KEY_PREFIX}:{key}:{window}:{index}" for index in range(current - slots, current + 1)}


def _count(cache, key, window, slots, now):
    current, keys = _slot_keys(key, window, slots, now)
    found = cache.get_many(list(keys.values()))
    counts = {index: int(found.get(slot_key) or 0) for index, slot_key in keys.items()}
    return current, keys, counts


def _retry_after(counts, *, limit, window, slots, now):
    """Seconds until enough of the oldest slots have left the window for one more hit to fit."""
    length = _slot_length(window, slots)
    excess = sum(counts.values()) - limit + 1
    for index in sorted(counts):
        excess -= counts[index]
        if excess <= 0:
            # Slot `index` stops being counted when the current slot is index + slots + 1.
            return max(0.0, (index + slots + 1) * length - now)
    return float(window)


def _increment(cache, slot_key, timeout):
    cache.add(slot_key, 0, timeout=timeout)
    try:
        return cache.incr(slot_key)
    except ValueError:  # expired (or evicted) between add and incr
        cache.add(slot_key, 0, timeout=timeout)
        return cache.incr(slot_key)


def _refund(cache, slot_key):
    with contextlib.suppress(ValueError):  # already expired: nothing to give back
        cache.decr(slot_key)


def _hit(cache, key, *, limit, window, slots, now):
    if limit < 0:
        raise ValueError("limit must not be negative")
    current, keys = _slot_keys(key, window, slots, now)
    slot_key = keys[current]
    timeout = math.ceil(window + 2 * _slot_length(window, slots)) + 1
    _increment(cache, slot_key, timeout)
    # Read after incrementing: every hit that passed before this one is in the sum.
    found = cache.get_many(list(keys.values()))
    counts = {index: int(found.get(k) or 0) for index, k in keys.items()}
    total = sum(counts.values())
    if total <= limit:
        return _Hit(key, slot_key, Decision(True, limit, window, total, 0.0))
    # Refused: the retry time counts the window without this hit, which is refunded.
    counts[current] = max(0, counts[current] - 1)
    retry_after = _retry_after(counts, limit=limit, window=window, slots=slots, now=now)
    return _Hit(key, slot_key, Decision(False, limit, window, total, retry_after))


def hit(key, *, limit, window, slots=DEFAULT_SLOTS, cache_alias="default", now=None):
    """Count one hit for `key` in a sliding `window` (seconds) of at most `limit` hits.

    Returns a Decision; a refused hit is not counted (it is refunded at once).
    """
    return hit_all(key, limits=((window, limit),), slots=slots, cache_alias=cache_alias, now=now)


def hit_all(key, *, limits, slots=DEFAULT_SLOTS, cache_alias="default", now=None):
    """Count one hit for `key` in each `(window, limit)`; all or nothing.

    When any window is full, the hit is refunded from every window and the refusing window with
    the longest wait is returned; otherwise the decision of the window closest to its limit.
    """
    cache = caches[cache_alias]
    now = time.time() if now is None else now
    hits = [_hit(cache, key, limit=limit, window=window, slots=slots, now=now) for window, limit in limits]
    refused = [one for one in hits if not one.decision.allowed]
    if refused:
        for one in hits:
            _refund(cache, one.slot_key)
        return max((one.decision for one in refused), key=lambda decision: decision.retry_after)
    return min((one.decision for one in hits), key=lambda decision: decision.limit - decision.count)


def peek(key, *, limit, window, slots=DEFAULT_SLOTS, cache_alias="default", now=None):
    """The decision a hit would get now, without counting one (for display, not for enforcement)."""
    now = time.time() if now is None else now
    _, _, counts = _count(caches[cache_alias], key, window, slots, now)
    total = sum(counts.values()) + 1
    if total <= limit:
        return Decision(True, limit, window, total, 0.0)
    return Decision(False, limit, window, total, _retry_after(counts, limit=limit, window=window, slots=slots, now=now))


def reset(key, *, window, slots=DEFAULT_SLOTS, cache_alias="default", now=None):
    """Forget every hit of `key` in that window (e.g. after a coordinator lifts a block)."""
    now = time.time() if now is None else now
    _, keys = _slot_keys(key, window, slots, now)
    caches[cache_alias].delete_many(list(keys.values()))
