"""`BrowserJourney`: a test case that drives Chromium against daphne serving the test database."""

import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from urllib.parse import urlsplit

import pytest
from asgiref.sync import SyncToAsync
from channels.testing import ChannelsLiveServerTestCase
from daphne.testing import DaphneProcess
from django.db import connections

from tests.factories import PASSWORD, current_totp_code

MFA_PATH = "/accounts/2fa/authenticate/"
LOGIN_PATH = "/accounts/login/"


def _prepare_server_process(database_name):
    """Run in the (forked) server process before it serves."""
    from django.conf import settings

    # channels' own setup derives the name again from NAME, which a forked process has already
    # switched to the test database: on PostgreSQL it would connect to "test_test_…".
    settings.DATABASES["default"]["NAME"] = database_name
    # Inherited from the test process (conftest.py `browser`); the server keeps Django's check,
    # which is what catches a consumer calling the ORM without sync_to_async.
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # The executor for consumers' database calls comes without its thread, which stayed in the
    # test process: once an earlier async test has used it there, every call here waits forever.
    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)


class DaphneOnTheTestDatabase(DaphneProcess):
    def __init__(self, host, get_application, **kwargs):
        kwargs["setup"] = partial(_prepare_server_process, connections["default"].settings_dict["NAME"])
        super().__init__(host, get_application, **kwargs)


class BrowserJourney(ChannelsLiveServerTestCase):
    """A journey through the workspace in Chromium (`self.page`), over HTTP and websockets.

    The server (daphne, in a process of its own) runs for the class; each test starts from the
    workspace structure (conftest.py `workspace_snapshot`), restored by `serialized_rollback`
    after the previous test's flush. Create members with `tests.factories.make_member`.
    """

    host = "127.0.0.1"
    serialized_rollback = True
    ProtocolServerProcess = DaphneOnTheTestDatabase

    @pytest.fixture(autouse=True)
    def _drive_browser(self, page, requested_urls):
        self.page = page
        self.requested_urls = requested_urls

    @property
    def server_host(self):
        """`127.0.0.1:<port>`, as it appears in the URLs the browser requests."""
        return f"{self.host}:{self._port}"

    def url(self, path):
        return f"{self.live_server_url}{path}"

    def sign_in(self, member, password=PASSWORD):
        """Sign in through the sign-in form, as a member would; stay on the page it leads to."""
        self.page.goto(self.url(LOGIN_PATH))
        form = self.page.locator("form", has=self.page.locator('input[name="password"]'))
        form.locator('input[name="login"]').fill(member.email)
        form.locator('input[name="password"]').fill(password)
        with self.page.expect_navigation():
            form.locator('button[type="submit"]').click()
        if urlsplit(self.page.url).path == LOGIN_PATH:
            raise AssertionError(f"{member.email} could not sign in: {self.page.locator('main').inner_text()}")
        if urlsplit(self.page.url).path == MFA_PATH:
            # Coordinators are enrolled in TOTP (tests.factories): type the code an app would show.
            self.page.locator('input[name="code"]').fill(current_totp_code(member))
            with self.page.expect_navigation():
                self.page.locator('main button[type="submit"]').first.click()
            if urlsplit(self.page.url).path == MFA_PATH:
                raise AssertionError(f"{member.email}: the two-factor code was refused")
