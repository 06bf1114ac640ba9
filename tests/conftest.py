import pytest

from tests.factories import make_member


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: what a rolled-back test cached under the current
    versions (pages, members…; `core.memo`) must not reach the next test, whose rows may reuse
    the same ids."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the workspace structure once; each `db` test then runs in a rolled-back transaction."""
    from workspace.site.setup import setup_workspace

    with django_db_blocker.unblock():
        setup_workspace()


@pytest.fixture
def coordinator(db):
    return make_member("coordinator")


@pytest.fixture
def participant(db):
    return make_member("participant")


@pytest.fixture
def focal_point_gt(db):
    return make_member("focal_point", government_code="GT")


@pytest.fixture
def focal_point_hn(db):
    return make_member("focal_point", government_code="HN")


@pytest.fixture
def client_for(client):
    """A test client signed in as the given member."""

    def sign_in(member):
        client.force_login(member)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def fresh_channel_layers():
    """A new channel layer per test: channels_redis binds its locks to the event loop that first
    used the layer, and each test drives the consumers from an event loop of its own."""
    from channels.layers import channel_layers

    from workspace.live import streams

    channel_layers.backends.clear()
    # Reads shared by the sockets of a process live a second; a test's rolled-back rows come
    # back in the next test.
    streams.clear_shared_reads()
    yield
    channel_layers.backends.clear()
    streams.clear_shared_reads()


@pytest.fixture
def captured_pushes():
    """Every push the services send (group, message), recorded as Zulip's capture_send_event_calls does;
    on-commit pushes appear when the commit runs (`committed(...)` in the discussion helpers)."""
    from workspace.live.testing import capture_pushes

    with capture_pushes() as captured:
        yield captured
