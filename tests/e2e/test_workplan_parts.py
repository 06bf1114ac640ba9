"""Discussing a work plan's activity in place, in Spanish: the page carries a disclosure per part
with its comment count; opening it fetches the panel, which follows its stream on the page's one
socket, so a comment posted by one member appears on another's open part without reloading.
Screenshots of the open part (375 and 1366 px, es and fr) go to /tmp/shots/parts/."""

from pathlib import Path

from playwright.sync_api import expect
from wagtail.models import Locale

from tests.e2e.test_discussion_journeys import DiscussionJourney
from tests.factories import make_member, make_plan, plan_objective
from workplans.models import WorkPlanPage, current_programme_year

SHOTS = Path("/tmp/shots/parts")
FRENCH_SUMMARY = "Discuter de cette activité (1 commentaire)"


class DiscussingAPlanPart(DiscussionJourney):
    def test_an_activity_is_discussed_in_place_and_followed_live(self):
        ana = make_member("focal_point", government_code="GT", language="es", first_name="Ana")
        paula = make_member("participant", language="es", first_name="Paula")
        plan = make_plan("GT", author=ana, year=current_programme_year(), pillars={1: [plan_objective(activities=2)]})
        activity = plan.activities()[1]

        # Paula opens the activity's discussion: the panel is fetched then, empty so far.
        reader = self.open_as(paula)
        reader.goto(self.url(plan.url))
        part = reader.locator(f"#discussion-part-{activity.anchor}")
        expect(part.locator("summary")).to_have_text("Comentar esta actividad")
        expect(reader.locator("[data-discussion]")).to_have_count(0)
        part.locator("summary").click()
        panel = part.locator("[data-discussion]")
        expect(panel).to_have_attribute("data-discussion-ready", "1")
        expect(panel.locator("[data-empty-state]")).to_be_visible()
        expect(reader.locator("[data-discussion]")).to_have_count(1)

        # Ana opens the same part and comments.
        self.sign_in(ana)
        page = self.page
        page.goto(self.url(plan.url))
        mine = page.locator(f"#discussion-part-{activity.anchor}")
        mine.locator("summary").click()
        form = mine.locator("[data-new-comment-form]")
        form.locator("textarea").fill("¿Quién convoca el taller de marzo?")
        form.get_by_role("button", name="Publicar comentario").click()
        expect(mine.locator("[data-comment-list]")).to_contain_text("¿Quién convoca el taller de marzo?")

        # It reaches Paula's open part without a reload; reloaded, the disclosure counts it.
        expect(panel.locator("[data-comment-list]")).to_contain_text("¿Quién convoca el taller de marzo?")
        reader.reload()
        expect(reader.locator(f"#discussion-part-{activity.anchor} summary")).to_have_text(
            "Comentar esta actividad (1 comentario)"
        )

        # The open part at a phone's width and a desktop's, in Spanish and in French (the French
        # version of the plan shares its discussions).
        french = plan.copy_for_translation(Locale.objects.get(language_code="fr"))
        french.save_revision().publish()
        claire = self.open_as(make_member("participant", language="fr", first_name="Claire"))
        claire.goto(self.url(WorkPlanPage.objects.get(pk=french.pk).url))
        expect(claire.locator(f"#discussion-part-{activity.anchor} summary")).to_have_text(FRENCH_SUMMARY)
        SHOTS.mkdir(parents=True, exist_ok=True)
        for language, shown in (("es", reader), ("fr", claire)):
            opened = shown.locator(f"#discussion-part-{activity.anchor}")
            opened.locator("summary").click()
            expect(opened.locator("[data-discussion]")).to_have_attribute("data-discussion-ready", "1")
            expect(opened.locator("[data-comment-list]")).to_contain_text("¿Quién convoca el taller de marzo?")
            for width in (375, 1366):
                shown.set_viewport_size({"width": width, "height": 900})
                width_used = shown.evaluate("document.documentElement.scrollWidth")
                assert width_used <= width, f"{language} at {width}px scrolls sideways ({width_used}px)"
                opened.screenshot(path=str(SHOTS / f"part-{language}-{width}.png"))
