"""What many requests read and seldom changes, kept in Django's cache and invalidated by version.

Each kind of cached thing belongs to a *namespace* ("pages", "restrictions", "member:42"…). The
namespace's current version is a short random token stored in the cache; it is part of every key
of that namespace. Invalidating a namespace (`bump`) gives it a new token: the old entries are
never read again and age out, nothing has to be found and deleted, and every process sees the
change on its next read (the cache is shared: Redis in production, local memory by default).

A lost version (an evicted key, a cleared cache, Redis restarted) reads as a new token: stale
entries can never come back under it.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

# Entries are kept a day at most: correctness comes from the versions, not from the timeout.
TIMEOUT = 24 * 60 * 60


def _new_token():
    return uuid.uuid4().hex[:12]


def version(namespace):
    """The namespace's current version token (a new one when there was none)."""
    key = f"memo:v:{namespace}"
    token = cache.get(key)
    if token is None:
        token = _new_token()
        if not cache.add(key, token, TIMEOUT):
            token = cache.get(key) or token
    return token


def versions(*namespaces):
    """The version tokens of several namespaces, read in one round trip."""
    keys = {f"memo:v:{namespace}": namespace for namespace in namespaces}
    found = cache.get_many(list(keys))
    tokens = []
    for key, namespace in keys.items():
        tokens.append(found.get(key) or version(namespace))
    return tokens


def _bump_now(namespaces):
    cache.set_many({f"memo:v:{namespace}": _new_token() for namespace in namespaces}, TIMEOUT)


def bump(*namespaces):
    """Invalidate everything cached under these namespaces: at once, and again when the current
    transaction commits (a request that read the old rows between the two would otherwise have
    stored them under the new version)."""
    _bump_now(namespaces)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump_now(namespaces))


def key(name, *parts, namespaces=()):
    """A cache key for `name` and its parts, carrying the versions of the namespaces it depends on."""
    tokens = versions(*namespaces) if namespaces else []
    return ":".join(["memo", name, *map(str, parts), *tokens])


_MISSING = object()


def get_or_build(name, *parts, namespaces=(), build, timeout=TIMEOUT):
    """The cached value of `name` for these parts, built (and stored) on a miss. `build` may
    return None: that is stored too (a page without view restrictions is the common case)."""
    cache_key = key(name, *parts, namespaces=namespaces)
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(cache_key, value, timeout)
    return value
