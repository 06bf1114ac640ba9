import pytest
from django.core.cache import cache

# The websocket tests here reuse the discussion tests' thread and in-transaction socket fixtures.
from tests.discussions.conftest import live_page, live_thread, sockets_in_test_transaction, workspace  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Sign-in rate limits and socket counts live in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()
