"""A work plan through its year, in Spanish: a focal point drafts it in the admin and submits it, a
coordinator requests changes, the focal point amends and resubmits, the coordinator approves; the
focal point reports progress and a second browser on the plan page sees it without reloading; a
participant opens the dashboard and drills down to the activity. Screenshots (375 and 1366 px, es
and fr) of the plan page and the dashboard go to /tmp, each checked for horizontal overflow."""

import re
from pathlib import Path

from django.test import override_settings
from playwright.sync_api import expect
from wagtail.models import Locale

from tests.e2e.test_discussion_journeys import DiscussionJourney
from tests.factories import government_page, make_member
from workplans.models import WorkPlanPage, current_programme_year

SHOTS = Path("/tmp/workplan-screens")
OBJECTIVE = "Fortalecer las capacidades de los oficiales de migración"
ACTIVITY = "Taller regional de perfiles de riesgo"


def approve_button(page):
    return page.locator('button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])')


@override_settings(WAGTAIL_GRAVATAR_PROVIDER_URL=None)
class WorkPlanThroughItsYear(DiscussionJourney):
    def click_in_footer(self, selector):
        with self.page.expect_navigation():
            self.page.locator(selector).first.evaluate("button => button.click()")  # in the footer's menu

    def test_a_plan_is_drafted_reviewed_approved_reported_on_and_read_on_the_dashboard(self):
        focal_point = make_member("focal_point", government_code="GT", language="es", first_name="Ana")
        coordinator = make_member("coordinator", language="es", first_name="Carlos")
        participant = make_member("participant", language="es", first_name="Paula")
        guatemala = government_page("GT")
        year = current_programme_year()
        page = self.page

        # The focal point drafts the plan in the admin: one objective and one activity in pillar 1.
        self.sign_in(focal_point)
        page.goto(self.url(f"/admin/pages/add/workplans/workplanpage/{guatemala.pk}/"))
        expect(page.locator("html")).to_have_attribute("lang", "es")
        page.locator("#id_title").fill(f"Plan de trabajo {year}")
        page.locator("#id_year").fill(str(year))
        page.locator("#id_summary").fill("Prioridades: capacitación y coordinación bilateral.")
        page.get_by_role("tab", name=re.compile("Pilar 1")).click()
        pillar = page.locator('[data-contentpath="pillar_1"]')
        pillar.locator("button.c-sf-add-button").first.click()
        expect(page.locator('input[name="pillar_1-0-value-title"]')).to_be_visible()
        page.locator('input[name="pillar_1-0-value-title"]').fill(OBJECTIVE)
        activities = page.locator('[data-contentpath="pillar_1"] [data-contentpath="activities"]').first
        activities.locator("button.c-sf-add-button").first.click()
        title = page.locator('input[name="pillar_1-0-value-activities-0-value-title"]')
        expect(title).to_be_visible()
        title.fill(ACTIVITY)
        self.click_in_footer('button[name="action-submit"]')
        plan = WorkPlanPage.objects.get(year=year)
        assert not plan.live and plan.current_workflow_state.status == "in_progress"
        assert [activity.title for activity in plan.get_latest_revision_as_object().activities()] == [ACTIVITY]

        # The coordinator (in a browser of their own: one sign-in, one two-factor code) requests
        # changes, with a comment.
        reviewer = self.open_as(coordinator)
        reviewer.goto(self.url(f"/admin/pages/{plan.pk}/edit/"))
        reviewer.locator('button[data-workflow-action-name="reject"]').first.evaluate("button => button.click()")
        dialog = reviewer.locator(".w-dialog:visible, [role=dialog]:visible").first
        dialog.locator("textarea").fill("Añadan el presupuesto del taller.")
        with reviewer.expect_navigation():
            dialog.locator('button[type="submit"]').click()
        plan.refresh_from_db()
        assert plan.current_workflow_state.status == "needs_changes"

        # The focal point amends the plan (a budget) and resubmits it.
        page.goto(self.url(f"/admin/pages/{plan.pk}/edit/"))
        page.get_by_role("tab", name=re.compile("Pilar 1")).click()
        page.locator('input[name="pillar_1-0-value-activities-0-value-budget_amount"]').fill("2500")
        page.locator('select[name="pillar_1-0-value-activities-0-value-budget_currency"]').select_option("USD")
        self.click_in_footer('button[name="action-submit"], button[name="action-workflow-action"][value="resubmit"]')
        plan.refresh_from_db()
        assert plan.current_workflow_state.status == "in_progress"

        # The coordinator approves it: it is published.
        reviewer.goto(self.url(f"/admin/pages/{plan.pk}/edit/"))
        with reviewer.expect_navigation():
            approve_button(reviewer).evaluate("button => button.click()")
        plan.refresh_from_db()
        assert plan.live
        activity = plan.activities()[0]
        assert str(activity.budget_amount) == "2500.00" or float(activity.budget_amount) == 2500

        # A second browser (the participant) is on the plan page; the focal point reports progress.
        reader = self.open_as(participant)
        reader.goto(self.url(plan.url))
        reader_activity = reader.locator(f"#{activity.anchor}")
        expect(reader_activity.locator(".status-badge")).to_have_text("Planificada")
        # Its discussion is fetched when opened (and the page's socket is up once the panel is ready).
        reader_activity.locator("details[data-part-discussion] > summary").click()
        expect(reader_activity.locator("[data-discussion]")).to_have_attribute("data-discussion-ready", "1")
        page.goto(self.url(plan.url))
        section = page.locator(f"#{activity.anchor}")
        section.locator("summary", has_text="Informar avance").click()
        section.locator('select[name="status"]').select_option("in_progress")
        section.locator('input[name="percent_complete"]').fill("40")
        section.locator('textarea[name="note"]').fill("Primer taller realizado en Quetzaltenango.")
        section.locator("form[data-progress-form] button[type=submit]").click()
        expect(section.locator(".progress-percent")).to_contain_text("40")
        expect(reader_activity.locator(".progress-percent")).to_contain_text("40")  # live, no reload
        reader_activity.locator(".progress-history > summary").click()  # the history, read when opened
        history = reader_activity.locator(".progress-history")
        expect(history).to_contain_text("Primer taller realizado en Quetzaltenango.")
        assert reader.url == self.url(plan.url)

        # The participant opens the dashboard and drills down to the activity.
        reader.goto(self.url("/es/workplans/"))
        expect(reader.locator(".heatmap")).to_contain_text("Guatemala")
        reader.locator("select[name=government]").first.select_option("GT")
        reader.locator("select[name=pillar]").first.select_option("1")
        with reader.expect_navigation():
            reader.locator(".dashboard__filters button[type=submit]").click()
        link = reader.locator(".activity-table").get_by_role("link", name=ACTIVITY)
        expect(link).to_be_visible()
        with reader.expect_navigation():
            link.click()
        expect(reader.locator(f"#{activity.anchor}")).to_be_visible()

        # Screenshots at phone and desktop widths, in Spanish and French, without sideways scrolling.
        SHOTS.mkdir(exist_ok=True)
        french = plan.copy_for_translation(Locale.objects.get(language_code="fr"))
        french.save_revision().publish()
        urls = {"es": plan.url, "fr": WorkPlanPage.objects.get(pk=french.pk).url}
        for language in ("es", "fr"):
            for path, name in ((urls[language], "plan"), (f"/{language}/workplans/", "dashboard")):
                for width in (375, 1366):
                    reader.set_viewport_size({"width": width, "height": 900})
                    reader.goto(self.url(path))
                    overflow = reader.evaluate(
                        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
                    )
                    assert overflow <= 0, f"{name} ({language}, {width} px) scrolls sideways by {overflow} px"
                    reader.screenshot(
                        path=SHOTS / f"{name}-{language}-{width}.jpg", type="jpeg", quality=70, full_page=True
                    )
