"""The sliding-window rate limiter (workspace/core/ratelimit.py), on locmem and on Redis.

Redis: RATELIMIT_TEST_REDIS_URL (default redis://127.0.0.1:6379/13, a db of its own, flushed);
skipped when no Redis answers there.
"""

import os
import threading
import uuid

import pytest
from django.core.cache import caches

from workspace.core import ratelimit
from workspace.core.ratelimit import hit, hit_all, peek, reset

REDIS_URL = os.environ.get("RATELIMIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
MINUTE = 60
# 12:00:00 UTC on a day: a clock-aligned minute starts here.
EDGE = 1_796_040_000.0


def redis_answers():
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False


@pytest.fixture(params=["locmem", "redis"])
def alias(request, settings):
    caches_setting = {
        "default": settings.CACHES["default"],
        "rl-locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit-tests"},
    }
    if request.param == "redis":
        if not redis_answers():
            pytest.skip(f"no Redis at {REDIS_URL}")
        caches_setting["rl-redis"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    settings.CACHES = caches_setting
    name = f"rl-{request.param}"
    caches[name].clear()
    yield name
    caches[name].clear()


@pytest.fixture
def key():
    return f"test:{uuid.uuid4().hex}"


def hits(key, alias, times, *, at, limit=10, window=MINUTE):
    return [hit(key, limit=limit, window=window, cache_alias=alias, now=at).allowed for _ in range(times)]


def test_the_limit_passes_and_the_next_hit_is_refused(alias, key):
    assert hits(key, alias, 10, at=EDGE + 5) == [True] * 10
    refused = hit(key, limit=10, window=MINUTE, cache_alias=alias, now=EDGE + 6)
    assert not refused.allowed
    assert refused.count == 11 and refused.limit == 10
    # The first hits were at EDGE+5: they leave the window a minute (and at most a slot) later.
    assert 59 <= refused.retry_after <= 61
    assert refused.retry_after_seconds == round(refused.retry_after + 0.4999)


def test_no_burst_across_the_edge_of_a_clock_minute(alias, key):
    """10 at hh:mm:59 and 10 more at the next :00 is what fixed windows let through: here only 10."""
    assert hits(key, alias, 10, at=EDGE - 0.5) == [True] * 10
    assert hits(key, alias, 10, at=EDGE + 0.5) == [False] * 10
    assert hits(key, alias, 10, at=EDGE + 30) == [False] * 10
    # A minute (plus at most one slot) after the burst, the budget is back, and only the budget.
    assert hits(key, alias, 11, at=EDGE - 0.5 + MINUTE + 1.01) == [True] * 10 + [False]


def test_in_any_window_at_most_the_limit_passes(alias, key):
    """A steady stream of attempts, one every 1.7 s for five minutes: every 60 s span holds ≤ 10 passes."""
    passed = [
        now
        for step in range(180)
        if hit(key, limit=10, window=MINUTE, cache_alias=alias, now=(now := EDGE + step * 1.7)).allowed
    ]
    assert passed
    for index, start in enumerate(passed):
        within = [moment for moment in passed[index:] if moment < start + MINUTE]
        assert len(within) <= 10, (start, within)
    # And the limiter is not stingy: about 10 a minute over five minutes (a slot of slack each time).
    assert len(passed) >= 40


def test_refused_hits_are_refunded(alias, key):
    hits(key, alias, 10, at=EDGE)
    assert hits(key, alias, 50, at=EDGE + 1) == [False] * 50
    assert peek(key, limit=10, window=MINUTE, cache_alias=alias, now=EDGE + 1).count == 11
    assert hits(key, alias, 10, at=EDGE + MINUTE + 1.5) == [True] * 10


def test_several_windows_are_all_or_nothing(alias, key):
    limits = ((MINUTE, 10), (86400, 15))
    for minute in range(2):
        for _ in range(10 if minute == 0 else 5):
            assert hit_all(key, limits=limits, cache_alias=alias, now=EDGE + minute * 120).allowed
    refused = hit_all(key, limits=limits, cache_alias=alias, now=EDGE + 240)
    assert not refused.allowed and refused.window == 86400
    # Refused by the day: nothing was counted in the minute either.
    assert peek(key, limit=10, window=MINUTE, cache_alias=alias, now=EDGE + 240).count == 1


def test_concurrent_hits_never_pass_more_than_the_limit(alias, key):
    results, start = [], threading.Barrier(40)

    def attempt():
        start.wait()
        results.append(hit(key, limit=10, window=MINUTE, cache_alias=alias, now=EDGE).allowed)

    workers = [threading.Thread(target=attempt) for _ in range(40)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == 40
    passed = results.count(True)
    assert 1 <= passed <= 10
    # Racing hits may both be refused (conservative), never both let through; the rest is still there.
    assert hits(key, alias, 10 - passed + 1, at=EDGE) == [True] * (10 - passed) + [False]


def test_reset_and_separate_keys(alias, key):
    hits(key, alias, 10, at=EDGE)
    other = key + ":other"
    assert hit(other, limit=10, window=MINUTE, cache_alias=alias, now=EDGE).allowed
    reset(key, window=MINUTE, cache_alias=alias, now=EDGE)
    assert hit(key, limit=10, window=MINUTE, cache_alias=alias, now=EDGE).allowed


def test_a_slot_that_expired_between_add_and_incr_is_created_again(key):
    class ForgetfulCache:
        def __init__(self):
            self.values, self.forgot = {}, False

        def add(self, slot_key, value, timeout):
            self.values.setdefault(slot_key, value)

        def incr(self, slot_key):
            if not self.forgot:
                self.forgot = True
                self.values.pop(slot_key)
            if slot_key not in self.values:
                raise ValueError(slot_key)
            self.values[slot_key] += 1
            return self.values[slot_key]

    cache = ForgetfulCache()
    ratelimit._increment(cache, "slot", 10)
    assert cache.values == {"slot": 1}


def test_invalid_arguments(key):
    with pytest.raises(ValueError):
        hit(key, limit=10, window=0)
    with pytest.raises(ValueError):
        hit(key, limit=-1, window=60)
