"""Notices and reminders: emails in each recipient's language with the .ics, idempotent, following moves."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from meetings import notices, services
from meetings.models import MeetingNotice, MeetingPage
from meetings.tasks import send_meeting_notices
from tests.factories import make_meeting, make_member

pytestmark = pytest.mark.django_db

START = datetime(2030, 3, 12, 15, tzinfo=UTC)


@pytest.fixture
def bell(monkeypatch):
    calls = []
    original = notices.notify_invitee

    def record(*, member, meeting, kind):
        calls.append((member.pk, meeting.pk, kind))
        return original(member=member, meeting=meeting, kind=kind)

    monkeypatch.setattr(notices, "notify_invitee", record)
    return calls


def publish(meeting, **changes):
    for name, value in changes.items():
        setattr(meeting, name, value)
    meeting.save_revision().publish()
    return MeetingPage.objects.get(pk=meeting.pk)


def announce(meeting, now=None):
    return services.announce_meeting_changes(meeting=meeting, now=now or START - timedelta(days=10))


def test_scheduling_emails_each_invitee_in_their_language_with_the_ics(bell, django_capture_on_commit_callbacks):
    spanish = make_member("focal_point", government_code="GT", language="es")
    french = make_member("focal_point", government_code="HT", language="fr")
    make_member("focal_point", government_code="HN")  # not invited
    meeting = make_meeting(starts_at=START, governments=("GT", "HT"), status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        assert announce(meeting) is None, "a draft announces nothing"
    assert mail.outbox == []
    meeting = publish(meeting, status="scheduled")
    with django_capture_on_commit_callbacks(execute=True):
        assert announce(meeting) == "scheduled"
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {spanish.email, french.email}
    assert "marzo" in by_recipient[spanish.email].body
    # Haiti's capital sees its own time: 15:00 UTC is 11:00 in Port-au-Prince (DST in March 2030).
    assert "mars" in by_recipient[french.email].body and "11:00" in by_recipient[french.email].body
    [(name, content, mimetype)] = by_recipient[french.email].attachments
    assert mimetype == "text/calendar"
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 0
    assert sorted(kind for _, _, kind in bell) == ["scheduled", "scheduled"]


def test_notices_are_idempotent(django_capture_on_commit_callbacks):
    make_member("focal_point", government_code="GT")
    meeting = make_meeting(starts_at=START)
    with django_capture_on_commit_callbacks(execute=True):
        announce(meeting)
        announce(meeting)
    assert len(mail.outbox) == 1
    # A retried task sends nothing new.
    send_meeting_notices.call(meeting.pk, "scheduled", 0)
    assert len(mail.outbox) == 1
    assert MeetingNotice.objects.filter(meeting_key=meeting.translation_key).count() == 1


def test_a_change_of_time_venue_or_status_is_announced(django_capture_on_commit_callbacks):
    member = make_member("focal_point", government_code="GT")
    meeting = make_meeting(starts_at=START)
    with django_capture_on_commit_callbacks(execute=True):
        announce(meeting)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = publish(meeting, venue="Sala B")
        assert announce(meeting) == "changed"
    with django_capture_on_commit_callbacks(execute=True):
        meeting = publish(meeting, summary="Solo el resumen")
        assert announce(meeting) is None
    with django_capture_on_commit_callbacks(execute=True):
        meeting = publish(meeting, status="cancelled")
        assert announce(meeting) == "changed"
    kinds = list(MeetingNotice.objects.filter(member=member).order_by("sequence").values_list("kind", "sequence"))
    assert kinds == [("scheduled", 0), ("changed", 1), ("changed", 2)]
    assert len(mail.outbox) == 3


def test_reminders_24_hours_before_follow_a_moved_meeting_and_skip_cancelled_ones(
    bell, django_capture_on_commit_callbacks
):
    make_member("focal_point", government_code="GT")
    meeting = make_meeting(starts_at=START)
    cancelled = make_meeting(starts_at=START, status="cancelled")
    with django_capture_on_commit_callbacks(execute=True):
        announce(meeting)
        announce(cancelled)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(now=START - timedelta(hours=30)) == 0
        assert services.send_due_reminders(now=START - timedelta(hours=23)) == 1
        services.send_due_reminders(now=START - timedelta(hours=22))  # a re-run: nothing twice
    assert [message.subject for message in mail.outbox].count(mail.outbox[0].subject) == 1
    assert len(mail.outbox) == 1
    assert MeetingNotice.objects.filter(kind="reminder").count() == 1

    # Moved a day later: the change is announced, and the reminder follows the new time.
    mail.outbox.clear()
    later = START + timedelta(days=1)
    meeting = publish(meeting, starts_at=later, ends_at=later + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_reminders(now=START - timedelta(hours=20))
    assert [message.subject.split(":")[0] for message in mail.outbox] != []
    assert MeetingNotice.objects.filter(kind="reminder").count() == 1
    assert MeetingNotice.objects.filter(kind="changed").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_reminders(now=later - timedelta(hours=23))
    assert MeetingNotice.objects.filter(kind="reminder").count() == 2


def test_the_command_runs(capsys):
    call_command("send_meeting_reminders")
    assert "reminded" in capsys.readouterr().out


def test_a_past_meeting_sends_nothing(django_capture_on_commit_callbacks):
    make_member("focal_point", government_code="GT")
    meeting = make_meeting(starts_at=START)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_meeting_changes(meeting=meeting, now=START + timedelta(days=1)) is None
    assert mail.outbox == []


def test_a_notice_overtaken_by_a_newer_change_is_not_sent(django_capture_on_commit_callbacks):
    make_member("focal_point", government_code="GT")
    meeting = make_meeting(starts_at=START)
    with django_capture_on_commit_callbacks(execute=True):
        announce(meeting)
        meeting = publish(meeting, venue="Sala C")
        announce(meeting)
    # The worker ran both after the second change: only the latest news goes out.
    assert [notice.kind for notice in MeetingNotice.objects.all()] == ["changed"]
    assert len(mail.outbox) == 1
