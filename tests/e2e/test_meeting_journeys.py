"""Meetings in Chromium: an invited focal point finds the meeting on the home page in their own zone,
answers with the keyboard alone while another member's counters follow live, downloads the .ics,
reads the dates in French; a participant reads published minutes from the outcomes list."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import expect

from meetings.calendar import meeting_uid
from meetings.models import ActionItem, Decision, MeetingIndexPage, MeetingPage, Participation
from tests.e2e.test_discussion_journeys import DiscussionJourney
from tests.factories import make_meeting, make_member

# 15:00 UTC is 09:00 in Tegucigalpa (the focal point's zone) and 10:00 in Panama (the meeting's).
STARTS = datetime(2030, 3, 4, 15, tzinfo=UTC)


class AnsweringAMeeting(DiscussionJourney):
    def test_a_focal_point_finds_answers_downloads_and_reads_the_meeting_in_french(self):
        ana = make_member("focal_point", government_code="HN", language="es", first_name="Ana", last_name="Reyes")
        observer = make_member("participant", language="es", first_name="Olga", last_name="Vidal")
        meeting = make_meeting(
            title="Sesión de trabajo sobre retorno",
            starts_at=STARTS,
            time_zone="America/Panama",
            governments=("HN",),
            agenda=["Apertura"],
        )

        # The home page lists it at Ana's own time (Tegucigalpa, 09:00).
        self.sign_in(ana)
        page = self.page
        page.goto(self.url("/es/"))
        upcoming = page.locator("section", has=page.locator("#upcoming-meetings"))
        expect(upcoming.get_by_role("link", name="Sesión de trabajo sobre retorno")).to_be_visible()
        expect(upcoming).to_contain_text("4 de marzo de 2030")
        expect(upcoming).to_contain_text("09:00")

        # Someone else watches the counters.
        other = self.open_as(observer)
        other.goto(self.url(meeting.url))
        counters = other.locator("[data-rsvp-counters] li").first
        expect(counters.locator("strong")).to_have_text("0")

        # Ana answers with the keyboard alone: Tab to the first choice, arrow to "tentative", Enter on the button.
        page.goto(self.url(meeting.url))
        expect(page.locator("#meeting-title")).to_have_text("Sesión de trabajo sobre retorno")
        expect(page.locator(".meeting-when")).to_contain_text("hora de Panamá (America/Panama)")
        choices = page.locator(".rsvp-form input[type=radio]")
        for _ in range(80):
            page.keyboard.press("Tab")
            if choices.first.evaluate("element => element === document.activeElement"):
                break
        expect(choices.first).to_be_focused()
        page.keyboard.press("Space")
        expect(choices.first).to_be_checked()
        page.keyboard.press("Tab")
        expect(page.locator(".rsvp-form button[type=submit]")).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator(".meeting__rsvp")).to_contain_text("Su respuesta")
        assert Participation.objects.get(member=ana).answer == "attending"
        # The observer's page changed without a reload.
        expect(counters.locator("strong")).to_have_text("1")

        # The calendar file, parsed back.
        with page.expect_download() as download_info:
            page.locator(f'a[href$="/meetings/{meeting.pk}/calendar.ics"]').click()
        [event] = Calendar.from_ical(Path(download_info.value.path()).read_bytes()).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Sesión de trabajo sobre retorno"
        assert event.decoded("DTSTART").astimezone(UTC) == STARTS
        assert str(event["UID"]) == meeting_uid(meeting)

        # In French, French dates.
        page.locator("#language-select").select_option("fr")
        with page.expect_navigation():
            page.locator(".language-switcher button[type=submit]").click()
        expect(page.locator(".meeting-when")).to_contain_text("4 mars 2030")
        expect(page.locator(".meeting-when")).to_contain_text("heure du Panama (America/Panama)")


class ReadingOutcomes(DiscussionJourney):
    def test_a_participant_reads_published_minutes_from_the_outcomes_list(self):
        reader = make_member("participant", language="es", first_name="Luis", last_name="Campos")
        meeting = make_meeting(
            title="Reunión anual de coordinación",
            starts_at=datetime.now(UTC) - timedelta(days=40),
            status="held",
            kind="annual_coordination",
            outcomes_phase="published",
            minutes="<p>Las delegaciones aprobaron el plan regional.</p>",
        )
        Decision.objects.create(page=meeting, text="Adoptar el protocolo regional de retorno.")
        ActionItem.objects.create(page=meeting, title="Enviar el informe de avance", owner_government="GT")
        self.sign_in(reader)
        page = self.page
        page.goto(self.url(meeting.get_parent().url))
        page.get_by_role("link", name="Resultados de las reuniones").click()
        expect(page.locator("h1")).to_have_text("Resultados de las reuniones")
        page.locator("#id_kind").select_option("annual_coordination")
        with page.expect_navigation():
            page.locator(".meeting-filters button[type=submit]").click()
        card = page.locator(".outcome-card", has_text="Reunión anual de coordinación")
        expect(card).to_contain_text("Adoptar el protocolo regional de retorno.")
        expect(card).to_contain_text("Enviar el informe de avance")
        card.get_by_role("link", name="Reunión anual de coordinación").click()
        expect(page.locator(".meeting__outcomes")).to_contain_text("Las delegaciones aprobaron el plan regional.")


class SchedulingInTheAdmin(DiscussionJourney):
    def test_a_coordinator_schedules_a_meeting_in_the_admin_and_the_invitee_sees_it(self):
        coordinator = make_member("coordinator", language="es", first_name="Carla", last_name="Mora")
        invitee = make_member("focal_point", government_code="HN", language="es", first_name="Ana")
        index = MeetingIndexPage.objects.get(locale__language_code="es")
        self.sign_in(coordinator)
        page = self.page
        page.goto(self.url(f"/admin/pages/add/meetings/meetingpage/{index.pk}/"))
        page.locator("#id_title").fill("Sesión de trabajo sobre retorno")
        page.locator("#id_status").select_option("scheduled")
        page.locator("#id_local_start").fill("2030-03-04 09:00")
        page.locator("#id_local_end").fill("2030-03-04 11:00")
        page.locator("#id_time_zone").select_option("America/Tegucigalpa")
        page.locator('input[name="invited_governments"][value="HN"]').check()
        page.locator("footer.footer [data-w-dropdown-target='toggle']").first.click()
        with page.expect_navigation():
            page.locator('button[name="action-publish"]').click()
        meeting = MeetingPage.objects.get(title="Sesión de trabajo sobre retorno")
        assert meeting.live and meeting.status == "scheduled"
        assert meeting.starts_at == datetime(2030, 3, 4, 15, tzinfo=UTC)  # 09:00 in Tegucigalpa

        invited = self.open_as(invitee)
        invited.goto(self.url("/es/"))
        upcoming = invited.locator("section", has=invited.locator("#upcoming-meetings"))
        expect(upcoming.get_by_role("link", name="Sesión de trabajo sobre retorno")).to_be_visible()
        expect(upcoming).to_contain_text("09:00")


class CorrectingTheMinutes(DiscussionJourney):
    def test_an_attendee_corrects_the_minutes_a_coordinator_accepts_and_a_participant_reads_them(self):
        attendee = make_member("focal_point", government_code="GT", language="es", first_name="Ana")
        coordinator = make_member("coordinator", language="es", first_name="Carla")
        reader = make_member("participant", language="es", first_name="Luis")
        meeting = make_meeting(
            title="Reunión de alto nivel con Guatemala",
            starts_at=datetime.now(UTC) - timedelta(days=3),
            status="held",
            kind="high_level",
            outcomes_phase="circulated",
            corrections_deadline=(datetime.now(UTC) + timedelta(days=5)).date(),
            minutes="<p>Se aprobó el plan regional.</p>",
        )

        # The attendee reads the circulated minutes and proposes a correction.
        self.sign_in(attendee)
        page = self.page
        page.goto(self.url(meeting.url))
        expect(page.locator(".meeting__outcomes")).to_contain_text("Se aprobó el plan regional.")
        page.locator("#id_quote").fill("Se aprobó el plan regional.")
        page.locator("#id_text").fill("Se aprobó el plan regional 2019, con una reserva de Honduras.")
        with page.expect_navigation():
            page.get_by_role("button", name="Enviar la corrección").click()
        expect(page.locator("#corrections")).to_contain_text("Propuesta")

        # A coordinator accepts it with a note; the attendee sees the decision.
        coordinating = self.open_as(coordinator)
        coordinating.goto(self.url(meeting.url))
        correction = coordinating.locator(".correction", has_text="con una reserva de Honduras")
        correction.get_by_label("Nota (opcional)").fill("Incorporada al acta.")
        with coordinating.expect_navigation():
            correction.get_by_role("button", name="Aceptar", exact=True).click()
        page.reload()
        expect(page.locator("#corrections")).to_contain_text("Aceptada: Incorporada al acta.")

        # The coordinator publishes the corrected minutes; a participant reads them from the outcomes list.
        meeting = MeetingPage.objects.get(pk=meeting.pk)
        meeting.minutes = "<p>Se aprobó el plan regional 2019, con una reserva de Honduras.</p>"
        meeting.outcomes_phase = "published"
        meeting.save_revision(user=coordinator).publish(user=coordinator)
        reading = self.open_as(reader)
        reading.goto(self.url("/meetings/outcomes/"))
        reading.locator(".outcome-card").get_by_role("link", name="Reunión de alto nivel con Guatemala").click()
        expect(reading.locator(".meeting__outcomes")).to_contain_text("con una reserva de Honduras")
        expect(reading.locator("#corrections")).to_have_count(0)
