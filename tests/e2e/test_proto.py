import time

import pytest
from channels.testing import ChannelsLiveServerTestCase
from django.contrib.contenttypes.models import ContentType

from tests.factories import PASSWORD, make_member
from workspace.site.models import HomePage
from workspace.site.setup import setup_workspace


class Proto(ChannelsLiveServerTestCase):
    host = "127.0.0.1"

    @pytest.fixture(autouse=True)
    def _page(self, page):
        self.page = page

    def setUp(self):
        t = time.time()
        setup_workspace()
        print("setup", time.time() - t, "CT home", ContentType.objects.get_for_model(HomePage).pk)

    def _journey(self):
        member = make_member("focal_point", government_code="GT", language="es")
        p = self.page
        p.goto(self.live_server_url + "/accounts/login/")
        p.fill("[name=login]", member.email)
        p.fill("[name=password]", PASSWORD)
        p.click("form.stacked-form button[type=submit]")
        p.wait_for_load_state()
        print(p.url, p.locator("html").get_attribute("lang"))
        print(p.locator("nav.main-nav").count(), p.locator("nav.main-nav").all_inner_texts())
        print(p.locator("#my-government ~ p a").evaluate_all("els => els.map(e => e.href)"))

    def test_one(self):
        self._journey()

    def test_two(self):
        self._journey()
