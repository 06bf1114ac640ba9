# The discussion tests' fixtures: an empty cache per test, sockets inside the test's transaction.
from tests.discussions.conftest import clear_cache, draft_page, live_page, sockets_in_test_transaction

__all__ = ["clear_cache", "draft_page", "live_page", "sockets_in_test_transaction"]
