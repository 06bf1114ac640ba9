"""A member protects their account with a security key (WebAuthn) and signs in with it, in Chromium.

Chromium's virtual authenticator (DevTools protocol) stands in for the key. Browsers offer WebAuthn
on https or on http://localhost, not on a bare IP address, so this journey talks to the live server
as `localhost` in a context of its own (the harness's page stays on 127.0.0.1).
"""

from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.harness import LOGIN_PATH, MFA_PATH, BrowserJourney
from tests.factories import PASSWORD, make_member

KEY_NAME = "Llave del ministerio"


class SecurityKeys(BrowserJourney):
    @pytest.fixture(autouse=True)
    def _localhost_context(self, browser):
        self.localhost_requests = []
        context = browser.new_context(locale="es-GT")
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: self.localhost_requests.append(request.url))
        self.key_page = context.new_page()
        yield
        context.close()
        elsewhere = [url for url in self.localhost_requests if urlsplit(url).hostname != "localhost"]
        assert not elsewhere, f"requests left localhost: {elsewhere}"

    def localhost_url(self, path):
        return f"http://localhost:{self._port}{path}"

    def plug_in_virtual_key(self):
        devtools = self.key_page.context.new_cdp_session(self.key_page)
        devtools.send("WebAuthn.enable")
        added = devtools.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "usb",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )
        return devtools, added["authenticatorId"]

    def sign_in_with_password(self, member):
        page = self.key_page
        page.goto(self.localhost_url(LOGIN_PATH))
        form = page.locator("form", has=page.locator('input[name="password"]'))
        form.locator('input[name="login"]').fill(member.email)
        form.locator('input[name="password"]').fill(PASSWORD)
        with page.expect_navigation():
            form.locator('button[type="submit"]').click()

    def test_a_focal_point_adds_a_security_key_and_signs_in_with_it(self):
        member = make_member("focal_point", government_code="HT", language="es")
        page = self.key_page
        devtools, authenticator_id = self.plug_in_virtual_key()

        self.sign_in_with_password(member)
        page.goto(self.localhost_url("/accounts/2fa/webauthn/add/"))
        # Adding a key is a sensitive change: allauth asks for the password again first.
        assert urlsplit(page.url).path == "/accounts/reauthenticate/"
        page.locator('input[name="password"]').fill(PASSWORD)
        with page.expect_navigation():
            page.locator('main button[type="submit"]').first.click()
        assert urlsplit(page.url).path == "/accounts/2fa/webauthn/add/"
        page.locator('input[name="name"]').fill(KEY_NAME)
        with page.expect_navigation():
            page.locator("#mfa_webauthn_add").click()

        key = Authenticator.objects.get(user=member, type=Authenticator.Type.WEBAUTHN)
        assert key.wrap().name == KEY_NAME
        credentials = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
        assert len(credentials) == 1

        # Signing in again now needs the key as well as the password.
        page.context.clear_cookies()
        self.sign_in_with_password(member)
        assert urlsplit(page.url).path == MFA_PATH
        expect(page.locator("#mfa_webauthn_authenticate")).to_be_visible()
        with page.expect_navigation():
            page.locator("#mfa_webauthn_authenticate").click()

        assert urlsplit(page.url).path not in (LOGIN_PATH, MFA_PATH)
        expect(page.locator("html")).to_have_attribute("lang", "es")
        assert page.context.cookies(self.localhost_url("/")), "signed in: the session cookie is set"
