# The websocket tests here reuse the discussion tests' thread and in-transaction socket fixtures.
from tests.discussions.conftest import live_page, live_thread, sockets_in_test_transaction  # noqa: F401
