"""iCalendar (RFC 5545) for meetings, built with the `icalendar` library.

Times are written in UTC (no VTIMEZONE needed); the UID is the page's translation key, the same in
every language and revision; SEQUENCE is the meeting's calendar sequence (services.py bumps it on
every change of time, venue or status).
"""

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import MeetingPage

PRODID = "-//Regional dialogue and coordination workspace//Meetings//ES"
ICS_STATUS = {
    MeetingPage.Status.SCHEDULED: "CONFIRMED",
    MeetingPage.Status.HELD: "CONFIRMED",
    MeetingPage.Status.POSTPONED: "TENTATIVE",
    MeetingPage.Status.CANCELLED: "CANCELLED",
    MeetingPage.Status.DRAFT: "TENTATIVE",
}


def meeting_uid(meeting):
    return f"meeting-{meeting.translation_key}@{uid_domain()}"


def uid_domain():
    base = settings.WAGTAILADMIN_BASE_URL.split("//")[-1].split("/")[0]
    return base or "workspace"


def absolute_url(meeting):
    url = meeting.get_full_url() or ""
    if not url.startswith("http"):
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + (meeting.get_url() or "/")
    return url


def agenda_summary(meeting):
    lines = []
    for item in meeting.agenda_items.all():
        when = item.start_time.strftime("%H:%M") + " " if item.start_time else ""
        day = f"[{item.day}] " if item.day and item.day > 1 else ""
        lines.append(f"- {day}{when}{item.title}".rstrip())
    return "\n".join(lines)


def meeting_event(meeting, *, sequence, with_details):
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", meeting.title)
    event.add("sequence", sequence)
    event.add("status", ICS_STATUS[meeting.status])
    url = absolute_url(meeting)
    event.add("url", url)
    description = [meeting.summary] if meeting.summary else []
    agenda = agenda_summary(meeting)
    if agenda:
        description.append(agenda)
    if with_details and meeting.online_link:
        description.append(meeting.online_link)
    description.append(url)
    event.add("description", "\n\n".join(description))
    if with_details and (meeting.venue or meeting.online_link):
        event.add("location", meeting.venue.replace("\n", ", ") or meeting.online_link)
    return event


def new_calendar(name=""):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def meeting_calendar(meeting, *, sequence, with_details):
    calendar = new_calendar()
    if meeting.status == MeetingPage.Status.CANCELLED:
        calendar.add("method", "CANCEL")
    else:
        calendar.add("method", "PUBLISH")
    calendar.add_component(meeting_event(meeting, sequence=sequence, with_details=with_details))
    return calendar.to_ical()


def feed_calendar(meetings, *, sequences, name):
    calendar = new_calendar(name)
    calendar.add("method", "PUBLISH")
    for meeting in meetings:
        calendar.add_component(
            meeting_event(meeting, sequence=sequences.get(meeting.translation_key, 0), with_details=True)
        )
    return calendar.to_ical()
