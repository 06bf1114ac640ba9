"""Live discussions in Chromium: members on the same practice page see each other's comments, mentions
and moderation without reloading, through a cut websocket, and with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.harness import BrowserJourney
from tests.factories import make_member
from tests.site.test_practice_support import make_practice
from workspace.discussions.models import Comment
from workspace.discussions.services import get_or_create_thread

PAUSED = "Live updates paused — reconnecting…"
HIDDEN = "Hidden by a moderator."


class DiscussionJourney(BrowserJourney):
    """Several members, each in a browser context of their own, on one published practice page."""

    @pytest.fixture(autouse=True)
    def _more_browsers(self, page, browser, requested_urls):
        # Depends on `page`: these contexts close before its check that nothing left 127.0.0.1.
        self.browser = browser
        self.contexts = []
        self.script_errors = []
        page.on("pageerror", lambda error: self.script_errors.append(error))
        yield
        for context in self.contexts:
            context.close()
        assert not self.script_errors, f"uncaught errors in the pages' scripts: {self.script_errors}"

    def open_as(self, member):
        """A page in a new browser context (same settings as the `page` fixture's), signed in."""
        context = self.browser.new_context(locale="en-US")
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: self.requested_urls.append(request.url))
        context.on("page", lambda new_page: new_page.on("websocket", lambda ws: self.requested_urls.append(ws.url)))
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(error))
        self.sign_in_on(page, member)
        return page

    def sign_in_on(self, page, member):
        main_page, self.page = self.page, page
        try:
            self.sign_in(member)
        finally:
            self.page = main_page

    def practice_with_a_discussion(self):
        """A live practice (English) whose thread exists, as on any page discussed before."""
        practice = make_practice("GT", language="en", title="Border reception protocol")
        get_or_create_thread(page=practice)
        return practice

    def visit(self, page, practice):
        page.goto(self.url(practice.url))
        panel = page.locator("[data-discussion]")
        expect(panel).to_have_attribute("data-discussion-ready", "1")
        return panel


def post_comment(panel, text):
    panel.locator("[data-new-comment-form] textarea").fill(text)
    panel.locator("[data-new-comment-form]").get_by_role("button", name="Post comment").click()


def comment_by_text(panel, text):
    return panel.locator("article.comment", has_text=text)


def wait_until_connected(page):
    """The panel's socket is open and greeted (presence counts this member)."""
    expect(page.locator("[data-presence]")).not_to_be_empty()


class MembersDiscussLive(DiscussionJourney):
    def test_comments_mentions_and_moderation_reach_every_open_page_without_reloading(self):
        ana = make_member("participant", language="en", first_name="Ana", last_name="Morales")
        bruno = make_member("participant", language="en", first_name="Bruno", last_name="Díaz")
        coordinator = make_member("coordinator", language="en", first_name="Carla", last_name="Reyes")
        andres = make_member("participant", language="en", first_name="Andrés", last_name="Alvarado")
        practice = self.practice_with_a_discussion()
        self.sign_in(ana)
        ana_page = self.page
        ana_panel = self.visit(ana_page, practice)
        bruno_page = self.open_as(bruno)
        bruno_panel = self.visit(bruno_page, practice)
        carla_page = self.open_as(coordinator)
        carla_panel = self.visit(carla_page, practice)
        for page in (ana_page, bruno_page, carla_page):
            wait_until_connected(page)
        ana_bell = ana_page.locator("[data-notification-bell] [data-unread-count]")
        expect(ana_bell).to_be_hidden()

        # Ana comments; Bruno and the coordinator see it arrive.
        post_comment(ana_panel, "We receive children at the border with a protection interview.")
        comment = comment_by_text(ana_panel, "protection interview")
        expect(comment).to_have_count(1)
        for panel in (bruno_panel, carla_panel):
            expect(comment_by_text(panel, "protection interview")).to_have_count(1)
        expect(bruno_panel.locator("[data-empty-state]")).to_have_count(0)
        ana_comment = Comment.objects.get(author=ana)

        # Bruno replies, picking Ana from the @mention autocomplete with the keyboard.
        bruno_comment = bruno_panel.locator(f"#comment-{ana_comment.pk}")
        # The panel's one reply form moves under the comment (beside its article), focus in its box.
        bruno_item = bruno_panel.locator(f'[data-item-id="{ana_comment.pk}"]')
        bruno_comment.get_by_text("Reply", exact=True).click()
        reply_box = bruno_item.get_by_label("Your reply")
        expect(reply_box).to_be_focused()
        reply_box.press("Escape")  # Escape puts it back, the focus returns to the link
        expect(reply_box).to_be_hidden()
        expect(bruno_comment.get_by_text("Reply", exact=True)).to_be_focused()
        bruno_comment.get_by_text("Reply", exact=True).press("Enter")
        expect(reply_box).to_be_focused()
        reply_box.press_sequentially("@Andrés")  # accents typed are matched too
        mentions = bruno_item.get_by_role("listbox")
        options = mentions.get_by_role("option")
        expect(options).to_have_text([re.compile(r"^Andrés Alvarado")])
        expect(reply_box).to_have_attribute("aria-expanded", "true")
        reply_box.press("Escape")
        expect(mentions).to_be_hidden()
        expect(reply_box).to_have_attribute("aria-expanded", "false")
        reply_box.press("Control+A")
        reply_box.press("Backspace")
        reply_box.press_sequentially("@An")
        expect(options).to_have_text([re.compile(r"^Andrés Alvarado"), re.compile(r"^Ana Morales")])
        expect(options).to_have_count(2)
        expect(reply_box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
        reply_box.press("ArrowDown")
        expect(options.nth(1)).to_have_attribute("aria-selected", "true")
        expect(reply_box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
        reply_box.press("Enter")
        handle = ana.email.partition("@")[0]
        expect(reply_box).to_have_value(f"@{handle} ")
        expect(mentions).to_be_hidden()

        # Meanwhile Ana corrects her comment: Bruno sees the new text and keeps his half-written reply.
        ana_comment_box = ana_panel.locator(f"#comment-{ana_comment.pk}")
        ana_comment_box.get_by_text("Edit", exact=True).click()
        ana_comment_box.get_by_label("Your comment").fill(
            "We receive children at the border with a protection interview, always."
        )
        ana_comment_box.get_by_role("button", name="Save").click()
        expect(ana_comment_box.get_by_label("Your comment")).to_be_hidden()
        expect(bruno_comment).to_contain_text("always.")
        expect(bruno_comment).to_contain_text("(edited)")
        expect(reply_box).to_be_focused()
        expect(reply_box).to_have_value(f"@{handle} ")
        reply_box.press_sequentially("which agency runs the interview?")
        bruno_item.get_by_role("button", name="Post reply").click()
        expect(reply_box).to_be_hidden()
        # Her bell lights up with one unread notification; Andrés, not mentioned, has none.
        for panel in (ana_panel, bruno_panel, carla_panel):
            expect(panel.locator(f'[data-replies-for="{ana_comment.pk}"] article.comment')).to_have_count(1)
        expect(ana_bell).to_be_visible()
        expect(ana_bell).to_have_text("1")
        expect(ana_page.locator("[data-notification-bell] [data-bell-label]")).to_have_text("Notifications: 1 unread")

        # The coordinator hides Ana's comment with a reason: both members see the placeholder instead.
        carla_comment = carla_panel.locator(f"#comment-{ana_comment.pk}")
        carla_item = carla_panel.locator(f'[data-item-id="{ana_comment.pk}"]')
        carla_comment.get_by_text("Hide", exact=True).click()
        carla_item.get_by_label("Reason (shown to the author)").fill("Names a child in care.")
        carla_item.get_by_role("button", name="Hide comment").click()
        expect(carla_item.get_by_label("Reason (shown to the author)")).to_be_hidden()
        expect(carla_comment.get_by_text("Restore", exact=True)).to_be_focused()
        for panel in (ana_panel, bruno_panel):
            hidden = panel.locator(f"#comment-{ana_comment.pk}")
            expect(hidden.locator(".comment__placeholder")).to_have_text(HIDDEN)
            expect(hidden).not_to_contain_text("protection interview")
        expect(ana_panel.locator(f"#comment-{ana_comment.pk}")).to_contain_text("Names a child in care.")
        expect(bruno_panel.locator(f"#comment-{ana_comment.pk}")).not_to_contain_text("Names a child")
        # The reply stays, and Ana's bell counts the moderation notice too.
        expect(bruno_panel.locator(f'[data-replies-for="{ana_comment.pk}"] article.comment')).to_have_count(1)
        expect(ana_bell).to_have_text("2")
        assert not andres.notifications.exists()
        assert bruno_page.url == self.url(practice.url)  # nobody reloaded or left the page


class LockingADiscussion(DiscussionJourney):
    def test_a_lock_and_an_unlock_by_a_coordinator_change_a_members_open_page(self):
        member = make_member("participant", language="en")
        coordinator = make_member("coordinator", language="en")
        practice = self.practice_with_a_discussion()
        self.sign_in(member)
        member_page = self.page
        member_panel = self.visit(member_page, practice)
        carla_page = self.open_as(coordinator)
        carla_panel = self.visit(carla_page, practice)
        wait_until_connected(member_page)
        expect(member_panel.locator("[data-new-comment-form]")).to_have_count(1)

        carla_panel.get_by_role("button", name="Lock discussion").click()
        expect(carla_page.get_by_role("button", name="Unlock discussion")).to_be_visible()

        # The member's page learns of the lock live and comes back without the comment form.
        member_panel = member_page.locator("[data-discussion]")
        expect(member_panel.locator("[data-locked-notice]")).to_be_visible()
        expect(member_panel.locator("[data-new-comment-form]")).to_have_count(0)
        expect(member_panel).to_have_attribute("data-discussion-ready", "1")
        wait_until_connected(member_page)

        expect(carla_page.locator("[data-discussion]")).to_have_attribute("data-discussion-ready", "1")
        carla_page.get_by_role("button", name="Unlock discussion").click()
        expect(carla_page.get_by_role("button", name="Lock discussion")).to_be_visible()
        carla_panel = carla_page.locator("[data-discussion]")

        # And of the unlock: the form is back, without the member reloading.
        expect(member_panel.locator("[data-new-comment-form]")).to_have_count(1)
        expect(member_panel.locator("[data-locked-notice]")).to_have_count(0)
        post_comment(member_panel, "Thank you for reopening the discussion.")
        expect(comment_by_text(carla_panel, "reopening the discussion")).to_have_count(1)


class ReconnectingAfterACut(DiscussionJourney):
    def test_the_first_comment_reaches_a_member_who_opened_the_page_before_it(self):
        ana = make_member("participant", language="en", first_name="Ana", last_name="Morales")
        bruno = make_member("participant", language="en", first_name="Bruno", last_name="Díaz")
        practice = make_practice("GT", language="en", title="Never discussed yet")
        self.sign_in(ana)
        ana_page = self.page
        ana_page.clock.install()
        ana_panel = self.visit(ana_page, practice)
        expect(ana_panel.locator("[data-empty-state]")).to_be_visible()

        bruno_panel = self.visit(self.open_as(bruno), practice)
        post_comment(bruno_panel, "The very first comment.")
        expect(comment_by_text(bruno_panel, "very first")).to_have_count(1)
        ana_page.clock.fast_forward(10_000)  # Ana's panel asks whether the thread exists yet

        expect(comment_by_text(ana_panel, "very first")).to_have_count(1)
        expect(ana_panel.locator("[data-empty-state]")).to_have_count(0)
        wait_until_connected(ana_page)
        post_comment(bruno_panel, "And the second, live.")
        expect(comment_by_text(ana_panel, "the second")).to_have_count(1)
        expect(ana_panel.locator("article.comment")).to_have_count(2)

    def test_a_comment_posted_while_the_socket_is_down_appears_exactly_once_after_reconnecting(self):
        ana = make_member("participant", language="en", first_name="Ana", last_name="Morales")
        bruno = make_member("participant", language="en", first_name="Bruno", last_name="Díaz")
        practice = self.practice_with_a_discussion()
        bruno_page = self.open_as(bruno)
        bruno_panel = self.visit(bruno_page, practice)
        post_comment(bruno_panel, "First: what the protocol covers.")
        expect(comment_by_text(bruno_panel, "First:")).to_have_count(1)

        # Ana's socket goes through a proxy the test can cut, and keep cut; her page's timers run
        # on a clock the test moves.
        self.sign_in(ana)
        ana_page = self.page
        ana_page.clock.install()
        connections, cut = [], {"now": False}

        def proxy(ws):
            if cut["now"]:
                ws.close(code=1011)
            else:
                connections.append(ws.connect_to_server())

        ana_page.route_web_socket(re.compile(r"/ws/pages/\d+/"), proxy)
        ana_panel = self.visit(ana_page, practice)
        wait_until_connected(ana_page)
        notice = ana_panel.locator("[data-connection-notice]")
        expect(notice).to_be_hidden()
        assert len(connections) == 1

        # The server side goes away without the page hearing a close (a dropped network): the
        # client notices the silence (no heartbeat for a minute) and says so.
        cut["now"] = True
        connections[0].close(code=1012)
        ana_page.clock.fast_forward(61_000)
        expect(notice).to_be_visible()
        expect(notice).to_have_text(PAUSED)
        post_comment(bruno_panel, "Second: posted while Ana was offline.")
        expect(comment_by_text(bruno_panel, "Second:")).to_have_count(1)
        expect(notice).to_be_visible()
        expect(comment_by_text(ana_panel, "Second:")).to_have_count(0)

        cut["now"] = False
        ana_page.evaluate("window.dispatchEvent(new Event('online'))")  # the network is back
        expect(comment_by_text(ana_panel, "Second:")).to_have_count(1)
        expect(notice).to_be_hidden()
        post_comment(bruno_panel, "Third: after the reconnection.")
        expect(comment_by_text(ana_panel, "Third:")).to_have_count(1)
        # No gap, no duplicate: each comment once, in order.
        expect(ana_panel.locator("article.comment")).to_have_count(3)
        assert [text.split(":")[0] for text in ana_panel.locator(".comment__body").all_inner_texts()] == [
            "First",
            "Second",
            "Third",
        ]
        assert len(connections) == 2


class SessionEndedWhileWriting(DiscussionJourney):
    def test_a_comment_sent_after_the_session_ended_stays_in_the_box_with_an_explanation(self):
        from importlib import import_module

        from django.conf import settings

        member = make_member("participant", language="en")
        practice = self.practice_with_a_discussion()
        self.sign_in(member)
        page = self.page
        panel = self.visit(page, practice)
        wait_until_connected(page)

        # The session ends on the server (idle timeout, a coordinator's deactivation, another tab).
        session_key = next(c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
        import_module(settings.SESSION_ENGINE).SessionStore(session_key).delete()

        text = "A long answer typed over a slow link, which must not be lost."
        post_comment(panel, text)

        error = panel.locator("[data-new-comment-form] [data-form-errors]")
        expect(error).to_contain_text("Sign in again")
        expect(panel.locator("[data-new-comment-form] textarea")).to_have_value(text)
        assert not Comment.objects.exists()


class DiscussingWithTheKeyboard(DiscussionJourney):
    def test_a_member_comments_with_the_keyboard_alone_and_hears_the_next_comment(self):
        ana = make_member("participant", language="en", first_name="Ana", last_name="Morales")
        bruno = make_member("participant", language="en", first_name="Bruno", last_name="Díaz")
        practice = self.practice_with_a_discussion()
        self.sign_in(ana)
        page = self.page
        panel = self.visit(page, practice)
        wait_until_connected(page)
        textarea = panel.locator("[data-new-comment-form] textarea")

        # Tab through the page until the comment box has the focus, then type and submit.
        for _ in range(80):
            page.keyboard.press("Tab")
            if textarea.evaluate("element => element === document.activeElement"):
                break
        expect(textarea).to_be_focused()
        assert_focus_is_visible(textarea)
        page.keyboard.type("Typed and sent without a mouse.")
        page.keyboard.press("Tab")
        submit = panel.locator("[data-new-comment-form]").get_by_role("button", name="Post comment")
        expect(submit).to_be_focused()
        assert_focus_is_visible(submit)
        page.keyboard.press("Enter")
        expect(comment_by_text(panel, "without a mouse")).to_have_count(1)
        expect(textarea).to_have_value("")

        # Someone else's comment is announced politely.
        announcer = panel.locator("[data-announcer]")
        expect(announcer).to_have_attribute("aria-live", "polite")
        bruno_panel = self.visit(self.open_as(bruno), practice)
        post_comment(bruno_panel, "Heard you.")
        expect(comment_by_text(panel, "Heard you.")).to_have_count(1)
        expect(announcer).to_have_text("New comment from Bruno Díaz.")


def assert_focus_is_visible(element):
    outline = element.evaluate(
        "element => { const style = getComputedStyle(element);"
        " return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)}; }"
    )
    assert outline["style"] != "none" and outline["width"] >= 2, outline
