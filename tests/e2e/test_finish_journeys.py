"""Content in three languages and the review loop, as members live them (issue #12).

(a) A French-speaking member switches an untranslated practice to French and reads it in Spanish,
    with the note in French.
(b) A focal point translates a practice into French in the admin (wagtail-localize) and a French
    reader then sees it in French.
(c) A focal point submits a practice, a coordinator approves it, and the focal point's bell, open
    on another page, counts the approval live, without a reload (the bell's socket, /ws/me/).
"""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect
from wagtail.models import Locale

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.harness import BrowserJourney
from tests.factories import government_page, make_member
from workspace.site.demo import draft_practice, publish_through_review
from workspace.site.models import BestPracticePage

TITLE = "Ventanilla única de atención a personas retornadas"
FRENCH_TITLE = "Guichet unique d’accueil des personnes rapatriées"
SUMMARY = "Un solo punto de atención en el aeropuerto para registro, salud y orientación laboral."


def spanish_practice(*, author, reviewer=None, title=TITLE):
    """A Guatemalan practice drafted by `author`; published through review when `reviewer` is given."""
    page = draft_practice(
        government=government_page("GT"),
        author=author,
        title=title,
        summary=SUMMARY,
        pillars=[1],
        instrument_type=BestPracticePage.InstrumentType.PROTOCOL,
        start_year=2021,
    )
    return publish_through_review(page, author=author, reviewer=reviewer) if reviewer else page


@override_settings(WAGTAIL_GRAVATAR_PROVIDER_URL=None)
class FinishJourney(BrowserJourney):
    @pytest.fixture(autouse=True)
    def _second_browser(self, page, browser, requested_urls):
        self.browser = browser
        self.contexts = []
        self.script_errors = []
        page.on("pageerror", lambda error: self.script_errors.append(error))
        yield
        for context in self.contexts:
            context.close()
        assert not self.script_errors, f"uncaught errors in the pages' scripts: {self.script_errors}"

    def open_as(self, member):
        """A page in a browser context of its own, signed in as `member`."""
        context = self.browser.new_context(locale="en-US")
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: self.requested_urls.append(request.url))
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(error))
        main_page, self.page = self.page, page
        try:
            self.sign_in(member)
        finally:
            self.page = main_page
        return page


class FrenchReaderOnAnUntranslatedPractice(FinishJourney):
    def test_switching_to_french_reads_the_spanish_page_with_a_french_note(self):
        focal_point = make_member("focal_point", government_code="GT", language="es")
        practice = spanish_practice(author=focal_point, reviewer=make_member("coordinator", language="es"))
        reader = make_member("participant", language="fr")
        page = self.page

        self.sign_in(reader)
        page.goto(self.url(practice.url))
        expect(page.locator("h1")).to_have_text(TITLE)
        page.locator("#language-select").select_option("fr")
        with page.expect_navigation():
            page.locator(".language-switcher button[type=submit]").click()

        # The Spanish page, with the interface and the note in French: no 404.
        expect(page).to_have_url(re.compile(rf"/fr/source/{practice.pk}/$"))
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("h1")).to_have_text(TITLE)
        expect(page.locator(".source-language-note").first).to_have_text("Disponible en espagnol")
        expect(page.locator("#language-select")).to_have_value("fr")


class ApprovalReachesTheBell(FinishJourney):
    def test_the_focal_point_s_bell_counts_the_approval_without_a_reload(self):
        focal_point = make_member("focal_point", government_code="GT", language="es")
        coordinator = make_member("coordinator", language="es")
        practice = spanish_practice(author=focal_point)
        page = self.page

        # The focal point submits the draft for review in the admin.
        self.sign_in(focal_point)
        page.goto(self.url(f"/admin/pages/{practice.pk}/edit/"))
        submit = page.locator('button[name="action-submit"]')
        with page.expect_navigation():
            submit.evaluate("button => button.click()")  # it sits in the footer's action menu
        practice.refresh_from_db()
        assert practice.current_workflow_state.status == "in_progress"

        # Then reads the library, the bell quiet, while the coordinator approves in another browser.
        page.goto(self.url("/es/practices/"))
        bell = page.locator("[data-notification-bell] [data-unread-count]")
        expect(bell).to_be_hidden()
        reviewer = self.open_as(coordinator)
        reviewer.goto(self.url(f"/admin/pages/{practice.pk}/edit/"))
        approve = reviewer.locator('button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])')
        with reviewer.expect_navigation():
            approve.evaluate("button => button.click()")
        practice.refresh_from_db()
        assert practice.live

        # The bell counts it on the open page (no reload), and the notice names the practice.
        expect(bell).to_have_text("1")
        expect(page.locator("[data-notification-bell] [data-bell-label]")).to_have_text("Notificaciones: 1 no leída")
        page.locator("[data-notification-bell]").click()
        expect(page.locator("main")).to_contain_text(TITLE)
        expect(page.locator("main")).to_contain_text("Aprobado y publicado")


class TranslatedInTheAdmin(FinishJourney):
    def test_a_focal_point_translates_a_practice_a_coordinator_publishes_it_a_french_reader_reads_it(self):
        # The admin in English here: wagtail-localize's editor labels are then known words.
        focal_point = make_member("focal_point", government_code="GT", language="en")
        coordinator = make_member("coordinator", language="en")
        practice = spanish_practice(author=focal_point, reviewer=make_member("coordinator", mfa=False))
        page = self.page

        # The focal point asks for a French translation ("Translate" in the page's menu)…
        self.sign_in(focal_point)
        page.goto(self.url(f"/admin/localize/submit/page/{practice.pk}/"))
        page.locator('input[name="locales"]').and_(page.locator(f'[value="{self.locale_id("fr")}"]')).check()
        with page.expect_navigation():
            page.locator('input[type="submit"]').click()
        translation = BestPracticePage.objects.get(translation_key=practice.translation_key, locale__language_code="fr")
        expect(page).to_have_url(re.compile(rf"/admin/pages/{translation.pk}/edit/"))

        # …and translates the title in wagtail-localize's editor.
        page.get_by_role("button", name="Translate", exact=True).first.click()
        page.locator("textarea").first.fill(FRENCH_TITLE)
        page.get_by_role("button", name="Save", exact=True).first.click()
        expect(page.get_by_text(FRENCH_TITLE).first).to_be_visible()

        # A coordinator publishes the translation from the same editor.
        reviewer = self.open_as(coordinator)
        reviewer.goto(self.url(f"/admin/pages/{translation.pk}/edit/"))
        publish = reviewer.get_by_role("button", name=re.compile("Publish in"))
        with reviewer.expect_navigation():
            publish.evaluate("button => button.click()")
        translation.refresh_from_db()
        assert translation.live and translation.title == FRENCH_TITLE

        # A French reader finds it in French, without the "available in Spanish" note.
        reader = self.open_as(make_member("participant", language="fr"))
        reader.goto(self.url(practice.url))
        reader.locator("#language-select").select_option("fr")
        with reader.expect_navigation():
            reader.locator(".language-switcher button[type=submit]").click()
        expect(reader).to_have_url(re.compile(rf"{re.escape(translation.url)}$"))
        expect(reader.locator("h1")).to_have_text(FRENCH_TITLE)
        expect(reader.locator(".source-language-note")).to_have_count(0)

    @staticmethod
    def locale_id(code):
        return Locale.objects.get(language_code=code).pk
