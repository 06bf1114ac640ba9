"""A best practice from draft to library: a focal point drafts and submits it in the Wagtail admin,
a coordinator approves it, a participant finds it with a pillar filter and an accent-less search."""

import re

from django.test import override_settings
from playwright.sync_api import expect

from tests.e2e.harness import BrowserJourney
from tests.factories import current_totp_code, government_page, make_member
from workspace.site.models import BestPracticePage

TITLE = "Protocolo de atención a la niñez migrante no acompañada"
SUMMARY = (
    "Ruta interinstitucional para recibir a niñas, niños y adolescentes no acompañados en la frontera, "
    "con entrevista de protección y referencia a la Secretaría de Bienestar Social."
)


# Wagtail's admin shows avatars from gravatar.com unless told otherwise; nothing may leave the
# machine (see the report: the setting belongs in workspace/settings/base.py).
@override_settings(WAGTAIL_GRAVATAR_PROVIDER_URL=None)
class PracticeFromDraftToLibrary(BrowserJourney):
    def test_a_practice_is_drafted_submitted_approved_and_found(self):
        focal_point = make_member("focal_point", government_code="GT", language="es")
        coordinator = make_member("coordinator", language="es")
        participant = make_member("participant", language="es")
        guatemala = government_page("GT")
        page = self.page

        # A Guatemalan focal point drafts the practice in the admin (Spanish UI) and submits it.
        self.sign_in(focal_point)
        page.goto(self.url(f"/admin/pages/add/site/bestpracticepage/{guatemala.pk}/"))
        expect(page.locator("html")).to_have_attribute("lang", "es")
        page.locator("#id_title").fill(TITLE)
        page.locator("#id_summary").fill(SUMMARY)
        page.locator('input[name="pillars"][value="3"]').check()
        page.locator('input[name="pillars"][value="1"]').check()
        page.locator("#id_instrument_type").select_option("protocol")
        page.locator("#id_start_year").fill("2019")
        submit = page.locator('button[name="action-submit"]')
        expect(submit).to_contain_text("Revisión de la coordinación")  # the workflow named in the member's language
        with page.expect_navigation():
            submit.evaluate("button => button.click()")  # it sits in the footer's action menu
        practice = BestPracticePage.objects.get(title=TITLE)
        assert not practice.live
        assert practice.current_workflow_state.status == "in_progress"

        # The coordinator approves it, which publishes it.
        page.context.clear_cookies()
        self.sign_in(coordinator)
        if "/accounts/2fa/authenticate/" in page.url:  # coordinators sign in with a second factor
            page.locator('input[name="code"]').fill(current_totp_code(coordinator))
            with page.expect_navigation():
                page.locator('input[name="code"]').press("Enter")
        page.goto(self.url(f"/admin/pages/{practice.pk}/edit/"))
        approve = page.locator('button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])')
        with page.expect_navigation():
            approve.evaluate("button => button.click()")
        practice.refresh_from_db()
        assert practice.live

        # A participant finds it in the library: a pillar filter, then a search without accents.
        page.context.clear_cookies()
        self.sign_in(participant)
        page.goto(self.url("/es/practices/"))
        results = page.locator("#practice-results")
        page.locator("#facet-pillar-3").check()
        expect(page).to_have_url(re.compile(r"pillar=3"))
        expect(results.get_by_role("link", name=TITLE)).to_be_visible()
        page.locator("#practice-q").fill("ninez no acompanada")
        expect(page).to_have_url(re.compile(r"q=ninez"))
        expect(results.locator(".practice-results__count")).to_contain_text("1")
        with page.expect_navigation():
            results.get_by_role("link", name=TITLE).click()
        expect(page.locator("h1")).to_have_text(TITLE)
        expect(page.locator(".practice__meta")).to_contain_text("Guatemala")
        expect(page.locator(".practice__meta")).to_contain_text("Gestión de crisis migratorias")
