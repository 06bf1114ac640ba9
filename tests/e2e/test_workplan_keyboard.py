"""Reporting progress with the keyboard alone, in Spanish: a focal point tabs to an activity's "report
progress" control, opens it, fills the form and sends it with Enter; a refused value is announced
with the focus on its field and nothing saved, the accepted update is announced where the focus is,
and a participant's open page follows live without losing its own focus. Screenshots of the open
form (375 and 1366 px, es and fr) go to /tmp/kbd-shots/."""

from pathlib import Path

from playwright.sync_api import expect
from wagtail.models import Locale

from tests.e2e.test_discussion_journeys import DiscussionJourney, assert_focus_is_visible
from tests.factories import make_member, make_plan, plan_objective
from workplans.models import ActivityProgress, ProgressUpdate, WorkPlanPage, current_programme_year

SHOTS = Path("/tmp/kbd-shots")
ENGLISH = ("Report progress", "Status", "Percent complete", "Short note", "Evidence (optional)", "Record progress")


def tab_to(page, locator, *, limit=120):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            break
    expect(locator).to_be_focused()


def press(page, key, times):
    for _ in range(times):
        page.keyboard.press(key)


class ReportingProgressWithTheKeyboard(DiscussionJourney):
    def test_a_focal_point_reports_progress_with_the_keyboard_alone_and_hears_the_answer(self):
        ana = make_member("focal_point", government_code="GT", language="es", first_name="Ana")
        paula = make_member("participant", language="es", first_name="Paula")
        plan = make_plan("GT", author=ana, year=current_programme_year(), pillars={1: [plan_objective()]})
        activity = plan.activities()[0]
        [indicator] = activity.indicators

        # A participant has the plan open, its history about to be read.
        reader = self.open_as(paula)
        reader.goto(self.url(plan.url))
        reader_activity = reader.locator(f"#{activity.anchor}")
        expect(reader_activity.locator(".status-badge")).to_have_text("Planificada")

        # Ana tabs to the activity's control and opens it with Enter.
        self.sign_in(ana)
        page = self.page
        page.goto(self.url(plan.url))
        expect(page.locator("html")).to_have_attribute("lang", "es")
        section = page.locator(f"#{activity.anchor}")
        report = section.locator(".activity__report")
        summary = report.locator("summary")
        tab_to(page, summary)
        expect(summary).to_have_text("Informar avance")
        assert_focus_is_visible(summary)
        page.keyboard.press("Enter")
        expect(report).to_have_attribute("open", "")
        form = report.locator("form[data-progress-form]")
        for english in ENGLISH:
            expect(form).not_to_contain_text(english)

        # Status with the arrow keys, then a percent the form refuses.
        status = form.locator("select[name=status]")
        percent = form.locator("input[name=percent_complete]")
        button = form.get_by_role("button", name="Registrar avance")
        page.keyboard.press("Tab")
        expect(status).to_be_focused()
        assert_focus_is_visible(status)
        page.keyboard.press("ArrowDown")
        expect(status).to_have_value("in_progress")
        page.keyboard.press("Tab")
        expect(percent).to_be_focused()
        page.keyboard.type("140")
        page.keyboard.press("Tab")
        expect(form.locator(f"input[name=indicator-{indicator.uuid}]")).to_be_focused()
        page.keyboard.type("12")
        page.keyboard.press("Tab")
        page.keyboard.type("Primer taller realizado en Quetzaltenango.")
        press(page, "Tab", 2)  # past the evidence's file chooser
        expect(button).to_be_focused()
        assert_focus_is_visible(button)
        page.keyboard.press("Enter")

        # The refusal is announced, in Spanish, and the focus is on the field to correct.
        errors = form.locator("[data-progress-errors]")
        expect(errors).to_have_attribute("role", "alert")
        expect(errors).to_contain_text("Porcentaje de avance")
        expect(errors).to_contain_text("100")
        expect(percent).to_be_focused()
        expect(percent).to_have_attribute("aria-invalid", "true")
        described = f"percent-help-{activity.uuid} progress-errors-{activity.uuid}"  # its help, then the error
        expect(percent).to_have_attribute("aria-describedby", described)
        assert page.url == self.url(plan.url)
        assert not ProgressUpdate.objects.exists()

        # Ana types over the value (the field's text is selected) and sends again with Enter on the button.
        page.keyboard.type("40")
        press(page, "Tab", 4)
        expect(button).to_be_focused()
        page.keyboard.press("Enter")
        announced = form.locator("[data-progress-status]")
        expect(announced).to_have_attribute("role", "status")
        expect(announced).to_have_text("Avance registrado en «Actividad 1».")
        expect(errors).to_be_empty()
        expect(percent).not_to_have_attribute("aria-invalid", "true")
        expect(section.locator(".progress-percent")).to_contain_text("40")
        expect(button).to_be_focused()  # the page did not move under her
        update = ProgressUpdate.objects.get()
        assert (update.status, update.percent_complete, update.note) == (
            "in_progress",
            40,
            "Primer taller realizado en Quetzaltenango.",
        )
        assert float(ActivityProgress.objects.get().indicator_values[indicator.uuid]) == 12

        # The participant's page follows live; they open the history and keep it while a second update arrives.
        expect(reader_activity.locator(".progress-percent")).to_contain_text("40")
        history = reader_activity.locator(".progress-history > summary")
        expect(history).to_have_text("Historial de avances (1 actualización)")
        expect(reader_activity).not_to_contain_text("Primer taller realizado en Quetzaltenango.")  # read on demand
        history.focus()
        reader.keyboard.press("Enter")
        expect(reader_activity.locator(".progress-history")).to_have_attribute("open", "")
        opened = reader_activity.locator(".progress-history")
        expect(opened).to_contain_text("Primer taller realizado en Quetzaltenango.")

        press(page, "Shift+Tab", 4)
        expect(percent).to_be_focused()
        page.keyboard.type("60")
        press(page, "Tab", 4)
        page.keyboard.press("Enter")
        expect(section.locator(".progress-percent")).to_contain_text("60")
        expect(reader_activity.locator(".progress-percent")).to_contain_text("60")
        expect(reader_activity.locator(".progress-history")).to_have_attribute("open", "")
        expect(history).to_have_text("Historial de avances (2 actualizaciones)")
        expect(reader_activity.locator(".progress-history li")).to_have_count(2)  # the open history, read again
        expect(history).to_be_focused()
        assert reader.url == self.url(plan.url)

        # The open form at phone and desktop widths, in Spanish and in French, without sideways scrolling.
        SHOTS.mkdir(exist_ok=True)
        french = plan.copy_for_translation(Locale.objects.get(language_code="fr"))
        french.save_revision().publish()
        claire = make_member("focal_point", government_code="GT", language="fr", first_name="Claire")
        other = self.open_as(claire)
        other.goto(self.url(WorkPlanPage.objects.get(pk=french.pk).url))
        other.locator(f"#{activity.anchor} .activity__report > summary").focus()
        other.keyboard.press("Enter")
        expect(other.locator(f"#{activity.anchor} form[data-progress-form]")).to_contain_text("Pourcentage")
        for language, shown in (("es", page), ("fr", other)):
            for width in (375, 1366):
                shown.set_viewport_size({"width": width, "height": 900})
                overflow = shown.evaluate(
                    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{language}, {width} px: the page scrolls sideways by {overflow} px"
                shown.locator(f"#{activity.anchor}").screenshot(path=SHOTS / f"progress-form-{language}-{width}.png")
