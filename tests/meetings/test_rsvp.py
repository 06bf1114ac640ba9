"""Invitations and answers: only invitees, only until the start, never for a cancelled meeting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.access import invitees_of, is_invitee
from meetings.models import MeetingPage, Participation
from tests.factories import make_meeting, make_member
from workspace.live.groups import page_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Every broadcast the services schedule (group, message), in order."""
    calls = []
    monkeypatch.setattr(services, "_send_on_commit", lambda group, message: calls.append((group, message)))
    return calls


def rsvp(client, meeting, answer, **headers):
    return client.post(reverse("meetings:rsvp", args=[meeting.pk]), {"answer": answer}, **headers)


def answer_of(meeting, member):
    return Participation.objects.filter(meeting_key=meeting.translation_key, member=member).first()


def test_invitees_are_the_focal_points_of_invited_governments_and_named_members(
    focal_point_gt, focal_point_hn, participant, coordinator
):
    meeting = make_meeting(governments=("GT",), members=[participant])
    assert set(invitees_of(meeting)) == {focal_point_gt, participant}
    for member in (focal_point_gt, participant):
        assert is_invitee(member, meeting)
    for member in (focal_point_hn, coordinator):
        assert not is_invitee(member, meeting)


def test_an_invitee_answers_without_javascript_and_changes_the_answer(client_for, focal_point_gt, sent):
    meeting = make_meeting()
    client = client_for(focal_point_gt)
    response = rsvp(client, meeting, "tentative")
    assert response.status_code == 302 and response["Location"].endswith("#rsvp")
    assert answer_of(meeting, focal_point_gt).answer == "tentative"
    response = rsvp(client, meeting, "attending", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["counters"] == {"attending": 1, "tentative": 0, "declined": 0, "no_answer": 0}
    assert answer_of(meeting, focal_point_gt).answer == "attending"
    assert Participation.objects.filter(meeting_key=meeting.translation_key).count() == 1
    group = page_group(meeting.translation_key)
    assert sent == [(group, {"type": "stream.state", "stream": "rsvp:"})] * 2


def test_the_page_shows_the_answer_form_and_who_else_is_coming(client_for, focal_point_gt):
    colleague = make_member("focal_point", government_code="GT", first_name="Ana", last_name="Colega")
    meeting = make_meeting()
    services.submit_rsvp(meeting=meeting, member=colleague, answer="attending")
    response = client_for(focal_point_gt).get(meeting.url)
    html = response.content.decode()
    assert 'name="answer" value="attending"' in html
    assert "Ana Colega" in html


@pytest.mark.parametrize(
    ("who", "status", "starts_in", "code"),
    [
        ("focal point HN", "scheduled", timedelta(days=2), 403),
        ("participant", "scheduled", timedelta(days=2), 403),
        ("coordinator", "scheduled", timedelta(days=2), 403),
        ("focal point GT", "cancelled", timedelta(days=2), 403),
        ("focal point GT", "scheduled", -timedelta(minutes=5), 403),
        ("focal point GT", "held", -timedelta(days=2), 403),
        ("focal point HN", "draft", timedelta(days=2), 404),
    ],
)
def test_refusals_are_clear_and_write_nothing(
    client_for, focal_point_gt, focal_point_hn, participant, coordinator, sent, who, status, starts_in, code
):
    member = {
        "focal point GT": focal_point_gt,
        "focal point HN": focal_point_hn,
        "participant": participant,
        "coordinator": coordinator,
    }[who]
    meeting = make_meeting(status=status, starts_at=timezone.now() + starts_in)
    response = rsvp(client_for(member), meeting, "attending", HTTP_ACCEPT="application/json")
    assert response.status_code == code
    if code == 403:
        assert response.json()["message"]
    assert not Participation.objects.exists()
    assert sent == []


def test_refusal_page_without_javascript_says_why(client_for, focal_point_gt):
    meeting = make_meeting(status="cancelled")
    response = rsvp(client_for(focal_point_gt), meeting, "attending")
    assert response.status_code == 403
    assert "cancel" in response.content.decode().lower()


def test_an_invalid_answer_is_refused(client_for, focal_point_gt):
    meeting = make_meeting()
    response = rsvp(client_for(focal_point_gt), meeting, "maybe", HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert not Participation.objects.exists()


def test_rsvp_is_post_only_and_needs_sign_in(client, focal_point_gt):
    meeting = make_meeting()
    url = reverse("meetings:rsvp", args=[meeting.pk])
    assert client.post(url, {"answer": "attending"})["Location"].startswith("/accounts/login/")
    client.force_login(focal_point_gt)
    assert client.get(url).status_code == 405


def test_venue_and_link_only_for_invitees_and_coordinators(client_for, focal_point_gt, focal_point_hn, coordinator):
    meeting = make_meeting(venue="Hotel Barceló, San José", online_link="https://meet.example.org/secreto")
    for member, shown in ((focal_point_gt, True), (coordinator, True), (focal_point_hn, False)):
        html = client_for(member).get(meeting.url).content.decode()
        assert ("Hotel Barceló" in html) is shown
        assert ("meet.example.org/secreto" in html) is shown
        ics = client_for(member).get(reverse("meetings:ics", args=[meeting.pk])).content.decode()
        assert ("meet.example.org/secreto" in ics) is shown


def test_a_draft_meeting_is_hidden_from_all_but_coordinators(client_for, focal_point_gt, coordinator):
    meeting = make_meeting(status="draft")
    assert client_for(focal_point_gt).get(meeting.url).status_code == 404
    assert client_for(coordinator).get(meeting.url).status_code == 200


def test_coordinators_see_the_roster_export_it_and_record_attendance(client_for, coordinator, focal_point_gt):
    other = make_member("focal_point", government_code="GT")
    meeting = make_meeting(starts_at=timezone.now() + timedelta(hours=1))
    services.submit_rsvp(meeting=meeting, member=focal_point_gt, answer="attending")
    client = client_for(coordinator)
    response = client.get(reverse("meetings:roster", args=[meeting.pk]))
    assert response.status_code == 200
    assert focal_point_gt.email.encode() not in response.content  # names, not emails, on screen
    assert str(focal_point_gt).encode() in response.content
    csv_text = client.get(reverse("meetings:roster_csv", args=[meeting.pk])).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 3 and focal_point_gt.email in csv_text and "GT" in lines[1]
    # Too early to record attendance: refused, nothing written.
    response = client.post(reverse("meetings:roster", args=[meeting.pk]), {"attended": [focal_point_gt.pk]})
    assert response.status_code == 400
    MeetingPage.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    response = client.post(reverse("meetings:roster", args=[meeting.pk]), {"attended": [focal_point_gt.pk]})
    assert response.status_code == 302
    assert answer_of(meeting, focal_point_gt).attended is True
    assert answer_of(meeting, other).attended is False
    response = client.post(reverse("meetings:roster", args=[meeting.pk]), {"attended": [coordinator.pk]})
    assert response.status_code == 400
    assert answer_of(meeting, focal_point_gt).attended is True


def test_focal_points_cannot_see_the_roster(client_for, focal_point_gt):
    meeting = make_meeting()
    assert client_for(focal_point_gt).get(reverse("meetings:roster", args=[meeting.pk])).status_code == 403
    assert client_for(focal_point_gt).get(reverse("meetings:roster_csv", args=[meeting.pk])).status_code == 403


def test_counters(focal_point_gt, focal_point_hn):
    meeting = make_meeting(governments=("GT", "HN"))
    make_member("focal_point", government_code="HN")
    services.submit_rsvp(meeting=meeting, member=focal_point_gt, answer="declined")
    services.submit_rsvp(meeting=meeting, member=focal_point_hn, answer="attending")
    assert services.rsvp_counters(meeting) == {"attending": 1, "tentative": 0, "declined": 1, "no_answer": 1}
