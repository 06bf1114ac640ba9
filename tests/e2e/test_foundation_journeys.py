"""Foundation journeys: signing in, switching language, staying on this machine, the member's socket."""

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.e2e.harness import BrowserJourney
from tests.factories import make_member

HOME_TITLES = {
    "es": "Espacio regional de diálogo y coordinación",
    "en": "Regional dialogue and coordination workspace",
    "fr": "Espace régional de dialogue et de coordination",
}

# Resolves with the first message the socket receives; rejects if it closes first or stays silent.
FIRST_SOCKET_MESSAGE = """
(url) => new Promise((resolve, reject) => {
  const socket = new WebSocket(url);
  const timer = setTimeout(() => reject(new Error("no message within 5 s")), 5000);
  socket.addEventListener("message", (event) => {
    clearTimeout(timer);
    socket.close();
    resolve(JSON.parse(event.data));
  });
  socket.addEventListener("close", (event) => {
    clearTimeout(timer);
    reject(new Error(`closed with code ${event.code} before any message`));
  });
})
"""


def switch_language(page, language):
    switcher = page.locator("form.language-switcher")
    switcher.locator("#language-select").select_option(language)
    with page.expect_navigation():
        switcher.locator('button[type="submit"]').click()


class SigningIn(BrowserJourney):
    def test_a_spanish_speaking_focal_point_lands_on_the_spanish_home_page_with_their_government(self):
        member = make_member("focal_point", government_code="GT", language="es")

        self.sign_in(member)

        expect(self.page).to_have_url(self.url("/es/"))
        expect(self.page.locator("html")).to_have_attribute("lang", "es")
        expect(self.page.locator("h1")).to_have_text(HOME_TITLES["es"])
        my_government = self.page.locator("section", has=self.page.locator("#my-government"))
        government_link = my_government.get_by_role("link", name="Guatemala", exact=True)
        expect(government_link).to_have_attribute("href", "/es/governments/guatemala/")

    def test_an_anonymous_visitor_opening_the_workspace_is_asked_to_sign_in(self):
        self.page.goto(self.url("/es/"))

        url = urlsplit(self.page.url)
        assert url.path == "/accounts/login/"
        assert parse_qs(url.query)["next"] == ["/es/"]
        expect(self.page.locator('input[name="login"]')).to_be_visible()


class SwitchingLanguage(BrowserJourney):
    def test_a_member_switches_the_workspace_to_french_and_back_to_spanish(self):
        self.sign_in(make_member("participant", language="es"))
        expect(self.page.locator("html")).to_have_attribute("lang", "es")

        switch_language(self.page, "fr")

        expect(self.page.locator("html")).to_have_attribute("lang", "fr")
        assert urlsplit(self.page.url).path.startswith("/fr/")
        expect(self.page.locator("h1")).to_have_text(HOME_TITLES["fr"])

        switch_language(self.page, "es")

        expect(self.page.locator("html")).to_have_attribute("lang", "es")
        assert urlsplit(self.page.url).path.startswith("/es/")
        expect(self.page.locator("h1")).to_have_text(HOME_TITLES["es"])


class StayingOnThisMachine(BrowserJourney):
    def test_every_request_of_a_member_s_visit_goes_to_the_local_server(self):
        self.sign_in(make_member("coordinator", language="en"))
        self.page.goto(self.url("/en/governments/"))
        self.page.wait_for_load_state("networkidle")

        assert {urlsplit(url).netloc for url in self.requested_urls} == {self.server_host}


class MemberSocket(BrowserJourney):
    def test_a_signed_in_member_s_browser_opens_their_socket_and_is_greeted(self):
        self.sign_in(make_member("participant"))

        message = self.page.evaluate(FIRST_SOCKET_MESSAGE, f"{self.live_server_ws_url}/ws/me/")

        assert message["type"] == "hello"
