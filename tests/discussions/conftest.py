import itertools

import pytest
from django.core.cache import cache
from wagtail.models import Page

from tests.factories import government_page
from workspace.discussions.models import Thread

_slugs = itertools.count(1)


@pytest.fixture(autouse=True)
def clear_cache():
    """Rate limits, socket counts and presence live in the cache: start each test without them."""
    cache.clear()
    yield
    cache.clear()


def make_draft_page(code="GT"):
    """A page in a government's subtree that was never published (a draft)."""
    number = next(_slugs)
    return government_page(code).add_child(instance=Page(title=f"Draft {number}", slug=f"draft-{number}", live=False))


def make_thread(page, anchor="", **fields):
    return Thread.objects.create(page=page, anchor=anchor, **fields)


@pytest.fixture
def live_page(db):
    return government_page("GT")


@pytest.fixture
def draft_page(db):
    return make_draft_page("GT")


@pytest.fixture
def live_thread(live_page):
    return make_thread(live_page)


@pytest.fixture
def draft_thread(draft_page):
    return make_thread(draft_page)


@pytest.fixture
def workspace(transactional_db):
    """The page tree for transactional tests: the flush after each one empties every table.

    The flush keeps content types and permissions (post_migrate) but not the root page Wagtail's
    migrations made, on which `setup_workspace` builds.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale

    from workspace.site.setup import setup_workspace

    if not Page.objects.filter(depth=1).exists():
        locale, _ = Locale.objects.get_or_create(language_code="es")
        root = Page(title="Root", slug="root", locale=locale, content_type=ContentType.objects.get_for_model(Page))
        Page.add_root(instance=root)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    setup_workspace()


@pytest.fixture
def sockets_in_test_transaction(db, monkeypatch):
    """Drive consumers inside the test's transaction instead of flushing the database after each test.

    Tests run the websocket scenario with `async_to_sync` from the test's thread, so the consumers'
    `database_sync_to_async` calls come back to this thread and its connection, and see the test's
    uncommitted data. Channels closes "old" connections around each of those calls, which here
    would close the test's own; that housekeeping is switched off. Broadcasts are sent on commit,
    so tests post through `services_committed` (on-commit callbacks run at once).
    """
    import channels.db

    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)
