"""The Redis cache, degraded instead of failing while Redis is unreachable.

Everything the workspace keeps in the cache can be lost: sessions are also in the database
(`cached_db`), rate-limit counters and presence are ephemeral. So when Redis is down (restarted,
failed over) a request must not fail for the cache's sake: reads miss, writes are dropped, and
counters start again from 1, so rate limits let posts through (fail open) until Redis is back.
`/healthz` names the channel layer (the same Redis) as failing meanwhile, and every degraded
operation logs one warning line.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degraded(operation, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), operation)(*args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("cache unavailable (%s): %s degraded", type(error).__name__, operation)
            return fallback(*args, **kwargs)

    method.__name__ = operation
    return method


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache whose operations survive an unreachable Redis."""

    add = _degraded("add", lambda *args, **kwargs: False)
    get = _degraded("get", lambda key, default=None, *args, **kwargs: default)
    set = _degraded("set", lambda *args, **kwargs: None)
    touch = _degraded("touch", lambda *args, **kwargs: False)
    delete = _degraded("delete", lambda *args, **kwargs: False)
    get_many = _degraded("get_many", lambda *args, **kwargs: {})
    has_key = _degraded("has_key", lambda *args, **kwargs: False)
    # A counter that cannot be read starts again: the first hit of a window (fail open).
    incr = _degraded("incr", lambda key, delta=1, *args, **kwargs: delta)
    set_many = _degraded("set_many", lambda *args, **kwargs: [])
    delete_many = _degraded("delete_many", lambda *args, **kwargs: None)
    clear = _degraded("clear", lambda *args, **kwargs: False)
