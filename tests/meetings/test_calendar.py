"""Calendars: the .ics of a meeting and the secret personal feed, parsed back with icalendar."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings import services
from meetings.models import MeetingPage
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def publish(meeting, **changes):
    for name, value in changes.items():
        setattr(meeting, name, value)
    meeting.save_revision().publish()
    return MeetingPage.objects.get(pk=meeting.pk)


def test_meeting_ics_has_uid_sequence_times_agenda_and_url(client_for, focal_point_gt):
    start = datetime(2030, 10, 22, 14, tzinfo=UTC)
    meeting = make_meeting(starts_at=start, hours=3, agenda=["Apertura", "Pilar 1"], summary="Reunión anual")
    services.announce_meeting_changes(meeting=meeting)
    client = client_for(focal_point_gt)
    [event] = parse(client.get(reverse("meetings:ics", args=[meeting.pk])))
    assert event["UID"] == f"meeting-{meeting.translation_key}@testserver"
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + timedelta(hours=3)
    assert int(event["SEQUENCE"]) == 0
    assert event["STATUS"] == "CONFIRMED"
    assert "Apertura" in event["DESCRIPTION"] and "Pilar 1" in event["DESCRIPTION"]
    assert str(event["URL"]).startswith("http") and str(event["URL"]).endswith(meeting.url)

    # A change of time bumps SEQUENCE; the UID stays.
    meeting = publish(meeting, starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=3))
    services.announce_meeting_changes(meeting=meeting)
    [event_after] = parse(client.get(reverse("meetings:ics", args=[meeting.pk])))
    assert event_after["UID"] == event["UID"]
    assert int(event_after["SEQUENCE"]) == 1

    # A title-only change does not; cancelling does, with STATUS:CANCELLED.
    meeting = publish(meeting, title="Reunión anual (título)")
    services.announce_meeting_changes(meeting=meeting)
    assert services.calendar_sequence(meeting) == 1
    meeting = publish(meeting, status="cancelled")
    services.announce_meeting_changes(meeting=meeting)
    calendar = Calendar.from_ical(client.get(reverse("meetings:ics", args=[meeting.pk])).content)
    [event_cancelled] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL"
    assert event_cancelled["STATUS"] == "CANCELLED"
    assert int(event_cancelled["SEQUENCE"]) == 2


def feed_url(token):
    return reverse("meetings:feed", kwargs={"token": token})


def test_the_feed_lists_only_the_members_meetings_and_can_be_revoked(client, focal_point_gt):
    mine = make_meeting(governments=("GT",), online_link="https://meet.example.org/gt")
    make_meeting(governments=("HN",), title="Reunión de Honduras")
    make_meeting(governments=("GT",), status="draft", title="Borrador de reunión")
    token = services.issue_feed_token(member=focal_point_gt)
    events = parse(client.get(feed_url(token)))  # no session: the token is the key
    assert [str(event["SUMMARY"]) for event in events] == [mine.title]
    assert "meet.example.org/gt" in events[0]["DESCRIPTION"]

    new_token = services.issue_feed_token(member=focal_point_gt)
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(new_token)).status_code == 200
    services.revoke_feed_token(member=focal_point_gt)
    assert client.get(feed_url(new_token)).status_code == 404
    assert client.get(feed_url("not-a-token")).status_code == 404


def test_the_feed_forgets_a_member_who_left_the_government(client, focal_point_gt):
    make_meeting(governments=("GT",))
    token = services.issue_feed_token(member=focal_point_gt)
    focal_point_gt.groups.clear()
    assert parse(client.get(feed_url(token))) == []
    focal_point_gt.is_active = False
    focal_point_gt.save()
    assert client.get(feed_url(token)).status_code == 404


def test_the_subscription_page_issues_regenerates_and_revokes(client_for, focal_point_gt):
    client = client_for(focal_point_gt)
    url = reverse("meetings:subscription")
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "issue"})
    assert response.status_code == 200
    feed = response.context["new_url"]
    assert feed.startswith("http://testserver/meetings/calendar/")
    path = feed.removeprefix("http://testserver")
    assert client.get(path).status_code == 200
    response = client.post(url, {"action": "revoke"})
    assert response.status_code == 302
    assert client.get(path).status_code == 404


def test_only_the_hash_of_the_token_is_stored(focal_point_gt):
    from meetings.models import CalendarFeedToken

    token = services.issue_feed_token(member=focal_point_gt)
    row = CalendarFeedToken.objects.get(member=focal_point_gt)
    assert token not in row.token_hash and row.token_hash == CalendarFeedToken.hash_token(token)


def test_feed_query_count_is_constant(client, focal_point_gt, django_assert_max_num_queries):
    token = services.issue_feed_token(member=focal_point_gt)
    for _ in range(2):
        make_meeting(agenda=["Uno", "Dos"])
    with django_assert_max_num_queries(12) as small:
        parse(client.get(feed_url(token)))
        baseline = len(small)
    for _ in range(20):
        make_meeting(agenda=["Uno", "Dos"])
    with django_assert_max_num_queries(baseline):
        assert len(parse(client.get(feed_url(token)))) == 22


def test_the_feed_of_a_french_speaker_lists_the_spanish_meetings(client):
    from tests.factories import make_member

    member = make_member("focal_point", government_code="HT", language="fr")
    make_meeting(governments=("HT",), title="Reunión con Haití")
    token = services.issue_feed_token(member=member)
    assert [str(event["SUMMARY"]) for event in parse(client.get(feed_url(token)))] == ["Reunión con Haití"]
