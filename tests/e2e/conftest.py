"""The browser journeys' harness: one headless Chromium for this folder, a fresh context per test.

Journeys are `BrowserJourney` test cases (harness.py). This file provides the browser, the page
a journey drives, the check that no request leaves 127.0.0.1, and a screenshot when a test fails.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = f"browser journeys need Chromium at {CHROMIUM} (install it with: apt-get install chromium)"
HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
LOCAL_HOST = "127.0.0.1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 15_000


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    chromium_missing = not CHROMIUM.exists()
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)
            if chromium_missing:
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))
    # The browser tests last (after pytest-django's ordering): they flush the database and rebuild
    # it from their snapshot, and the page sweep seeds it outside any test transaction; no other
    # test may run on what they leave.
    items[:] = [item for item in items if not item.path.is_relative_to(HERE)] + [
        item for item in items if item.path.is_relative_to(HERE)
    ]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Read by the `page` fixture's teardown to decide on a screenshot.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def workspace_snapshot(django_db_setup, django_db_blocker):
    """The journeys' starting point: the freshly migrated database plus setup_workspace(), serialized.

    Each journey restores it (harness.py): building the structure takes seconds, restoring it a
    fraction of that. It is built on an emptied database, whatever earlier tests left behind, and
    restored at the end for the tests that follow: a journey's flush leaves not even content types.
    """
    from workspace.site.setup import setup_workspace

    # Earlier tests leave failed sign-ins from 127.0.0.1 in the cache, which count towards
    # allauth's rate limits; the live servers inherit it (or share it, with Redis).
    cache.clear()
    connection = connections["default"]
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, reset_sequences=False, inhibit_post_migrate=True, verbosity=0)
        _restore(connection._test_serialized_contents)
        setup_workspace()
        snapshot = _content_types_first(connection.creation.serialize_db_to_string())
    yield snapshot
    with django_db_blocker.unblock():
        _restore(snapshot)


def _content_types_first(serialized):
    # A Wagtail page being rebuilt looks up its content type (Page.__init__), and creates it if
    # it isn't there yet: the restore would then collide with itself.
    objects = json.loads(serialized)
    objects.sort(key=lambda obj: obj["model"] != "contenttypes.contenttype")
    return json.dumps(objects)


def _restore(serialized):
    connection = connections["default"]
    # The cache may hold the ids a flush with post_migrate gave content types since.
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(_content_types_first(serialized))
    # As loaddata does: rows come back with their ids, which PostgreSQL's sequences don't see.
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture(scope="package")
def browser(workspace_snapshot):
    # While Playwright's sync API is started it marks its event loop as running in this thread.
    # Hence package scope rather than session: the rest of the suite gets the thread back (async
    # tests could not start their own loop). And meanwhile Django treats the ORM calls journeys
    # make here (make_member, the flush and restore between tests) as calls from async code:
    # - it refuses them. They are plain synchronous calls: allow them, but only while the browser
    #   is up, so that the rest of the suite keeps Django's check (the live server drops it too,
    #   harness.py);
    # - it runs them on its separate set of connections for async code, which lacks the state
    #   that serialized_rollback restores: hand it the snapshot, built before Playwright started.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        patch.setattr(connections["default"], "_test_serialized_contents", workspace_snapshot, raising=False)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Django closes connections after each test, not those a fixture opened after it; left
        # open (in the set for async code), PostgreSQL could not drop the test database.
        connections.close_all()


@pytest.fixture
def requested_urls():
    """Every URL the page requests (documents, assets, fetches, websockets), in order."""
    return []


@pytest.fixture
def page(browser, requested_urls, request):
    """A page in a fresh browser context; the test fails if it requested anything off 127.0.0.1."""
    # An English browser, so that a member's own language visibly wins over Accept-Language.
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.on("request", lambda req: requested_urls.append(req.url))
    context.on("page", lambda new_page: new_page.on("websocket", lambda ws: requested_urls.append(ws.url)))
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _save_screenshot(page, request.node)
    context.close()
    elsewhere = [url for url in requested_urls if urlsplit(url).hostname not in (None, LOCAL_HOST)]
    assert not elsewhere, f"requests left {LOCAL_HOST}: {elsewhere}"


def _save_screenshot(page, item):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", item.name) + ".png")
    try:
        page.screenshot(path=path, full_page=True)
    except Exception as error:  # a crashed page must not hide the test's own failure
        item.add_report_section("teardown", "screenshot", f"no screenshot: {error}")
    else:
        item.add_report_section("teardown", "screenshot", str(path))
