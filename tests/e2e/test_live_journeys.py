"""The live layer in Chromium: one socket per page whatever its parts, one conversation across
languages, and refusals the client reads and stops on."""

import re

from playwright.sync_api import expect

from tests.e2e.test_discussion_journeys import DiscussionJourney, comment_by_text
from tests.factories import make_member, parts_page
from tests.testapp.models import PARTS


def page_sockets(urls):
    return [url for url in urls if "/ws/pages/" in url]


class TwelvePartsOnOneSocket(DiscussionJourney):
    def test_a_page_with_twelve_parts_opens_one_socket_and_a_comment_on_the_last_part_arrives_live(self):
        reader = make_member("participant", language="en", first_name="Rosa", last_name="Lectora")
        writer = make_member("participant", language="en", first_name="Pablo", last_name="Escritor")
        page = parts_page("GT")
        self.sign_in(reader)
        reader_page = self.page
        sockets = []
        reader_page.on("websocket", lambda ws: sockets.append(ws.url))
        reader_page.goto(self.url(page.url))
        panels = reader_page.locator("[data-discussion]")
        expect(panels).to_have_count(PARTS)
        expect(panels.last).to_have_attribute("data-discussion-ready", "1")
        expect(reader_page.locator("[data-presence]").last).not_to_be_empty()  # subscribed and greeted

        writer_page = self.open_as(writer)
        writer_page.goto(self.url(page.url))
        last_part = writer_page.locator("#discussion-part-12")
        expect(last_part).to_have_attribute("data-discussion-ready", "1")
        last_part.locator("[data-new-comment-form] textarea").fill("On part twelve: the indicator needs a baseline.")
        last_part.locator("[data-new-comment-form] button[type=submit]").click()

        reader_last = reader_page.locator("#discussion-part-12")
        expect(comment_by_text(reader_last, "On part twelve")).to_have_count(1)
        expect(comment_by_text(reader_page.locator("#discussion-part-11"), "On part twelve")).to_have_count(0)
        assert len(page_sockets(sockets)) == 1, sockets  # twelve streams, one socket (plus the bell's)
        assert reader_page.url == self.url(page.url)


class OneConversationAcrossLanguages(DiscussionJourney):
    def test_a_reader_of_the_french_version_sees_a_comment_posted_on_the_spanish_version_live(self):
        french_reader = make_member("participant", language="fr", first_name="Nadège", last_name="Pierre")
        spanish_writer = make_member("focal_point", government_code="GT", language="es", first_name="Ana")
        page = parts_page("GT", translate_to=["fr"])
        french = page.get_translation(page.locale.__class__.objects.get(language_code="fr"))

        self.sign_in(french_reader)
        reader_page = self.page
        reader_page.goto(self.url(french.url))
        panel = reader_page.locator("#discussion-part-1")
        expect(panel).to_have_attribute("data-discussion-ready", "1")
        expect(reader_page.locator("[data-presence]").first).not_to_be_empty()

        writer_page = self.open_as(spanish_writer)
        writer_page.goto(self.url(page.url))
        spanish_panel = writer_page.locator("#discussion-part-1")
        expect(spanish_panel).to_have_attribute("data-discussion-ready", "1")
        spanish_panel.locator("[data-new-comment-form] textarea").fill("Compartimos el protocolo con Haití.")
        spanish_panel.locator("[data-new-comment-form] button[type=submit]").click()

        arrived = comment_by_text(panel, "Compartimos el protocolo con Haití.")
        expect(arrived).to_have_count(1)
        # Rendered for the French reader: the comment's controls speak French.
        expect(arrived.locator("[data-comment-action=reply]")).to_have_text("Répondre")


class RefusalsTheClientReads(DiscussionJourney):
    def test_a_socket_refused_for_a_signed_out_member_stops_and_says_why(self):
        """The server accepts the socket and closes it with 4401: the client stops, and says why."""
        from importlib import import_module

        from django.conf import settings

        member = make_member("participant", language="en", first_name="Iris")
        page = parts_page("GT")
        self.sign_in(member)
        browser_page = self.page
        connections = []

        def proxy(ws):
            ws.connect_to_server()
            connections.append(ws)  # the page's side: closing it is what the page hears

        browser_page.route_web_socket(re.compile(r"/ws/pages/\d+/"), proxy)
        browser_page.goto(self.url(page.url))
        panel = browser_page.locator("#discussion-part-1")
        expect(panel).to_have_attribute("data-discussion-ready", "1")
        expect(browser_page.locator("[data-presence]").first).not_to_be_empty()
        assert len(connections) == 1

        # The session ends on the server; the network drops the socket; the client reconnects.
        session_key = next(
            c["value"] for c in browser_page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
        )
        import_module(settings.SESSION_ENGINE).SessionStore(session_key).delete()
        connections[0].close(code=1012)

        notice = panel.locator("[data-connection-notice]")
        expect(notice).to_have_text("Se cerró su sesión: vuelva a iniciarla para ver los comentarios nuevos.")
        expect(notice).to_be_visible()
        attempts = len(connections)
        browser_page.wait_for_timeout(3000)
        assert len(connections) == attempts  # it stopped: no socket keeps retrying
