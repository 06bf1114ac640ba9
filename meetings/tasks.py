"""Emails about meetings, sent by the task worker (immediately in development and tests).

`send_meeting_notices` is idempotent: a `MeetingNotice` row (meeting, member, kind, sequence) is
written in the same transaction as each email is sent; a retried or re-run task finds the row
and sends nothing, and a failed send rolls the row back so a retry sends it.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from workspace.core.zones import time_zone_name

from . import notices
from .access import invitees_of, may_receive_notices
from .calendar import absolute_url, meeting_calendar
from .models import MeetingNotice, MeetingPage
from .zones import get_zone

logger = logging.getLogger(__name__)

SUBJECTS = {
    MeetingNotice.Kind.SCHEDULED: lambda: gettext("Invitation: %(title)s"),
    MeetingNotice.Kind.CHANGED: lambda: gettext("Meeting updated: %(title)s"),
    MeetingNotice.Kind.REMINDER: lambda: gettext("Reminder, tomorrow: %(title)s"),
}


def member_zone(member):
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(member.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return get_zone("UTC")


@task()
def send_meeting_notices(meeting_id, kind, sequence):
    """Email (with the .ics) and bell-notify every invitee not yet told about this (kind, sequence)."""
    meeting = MeetingPage.objects.live().filter(pk=meeting_id).first()
    if meeting is None or meeting.status == MeetingPage.Status.DRAFT:
        return 0
    if kind == MeetingNotice.Kind.REMINDER and meeting.status != MeetingPage.Status.SCHEDULED:
        return 0
    from .services import calendar_sequence

    if calendar_sequence(meeting) != sequence:
        return 0  # the meeting changed again since: the newer notice carries the news
    sent = 0
    for member in invitees_of(meeting):
        if not may_receive_notices(member, meeting):
            continue
        try:
            with transaction.atomic():
                _, created = MeetingNotice.objects.get_or_create(
                    meeting_key=meeting.translation_key, member=member, kind=kind, sequence=sequence
                )
                if not created:
                    continue
                _email(member, meeting, kind=kind, sequence=sequence)
                notices.notify_invitee(member=member, meeting=meeting, kind=kind)
        except IntegrityError:
            continue  # another worker sent it
        sent += 1
    return sent


def _email(member, meeting, *, kind, sequence):
    language = member.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(member_zone(member)):
        context = {
            "member": member,
            "meeting": meeting,
            "kind": kind,
            "url": absolute_url(meeting),
            "member_zone": time_zone_name(member.time_zone),
            "meeting_zone": time_zone_name(meeting.time_zone, with_id=True),
            "local_start": timezone.localtime(meeting.starts_at, meeting.zone),
            "local_end": timezone.localtime(meeting.ends_at, meeting.zone),
            "own_start": timezone.localtime(meeting.starts_at),
            "own_end": timezone.localtime(meeting.ends_at),
        }
        subject = SUBJECTS[kind]() % {"title": meeting.title}
        body = render_to_string("meetings/email/notice.txt", context)
        message = EmailMessage(subject, body, None, [member.email])
        message.attach("meeting.ics", meeting_calendar(meeting, sequence=sequence, with_details=True), "text/calendar")
        message.send()


@task()
def send_meeting_reminders():
    """The worker-friendly twin of `manage.py send_meeting_reminders`."""
    from .services import send_due_reminders

    return send_due_reminders()
