"""Bell notices of meetings: ONE function, so the live layer's `notify()` is wired in one place."""

import logging

logger = logging.getLogger(__name__)

NOTICE_KINDS = {
    "scheduled": "meetings.scheduled",
    "changed": "meetings.changed",
    "reminder": "meetings.rsvp_reminder",
}


def notify_invitee(*, member, meeting, kind):
    """A bell notice for one invitee about one meeting (`kind`: scheduled, changed, reminder).

    Called inside the transaction that records the notice (tasks.send_meeting_notices).
    """
    # TODO(live): notify(recipients=[member], kind=NOTICE_KINDS[kind], target=meeting, data={"kind": kind})
    logger.debug("meetings: bell notice %s for member %s on meeting %s", kind, member.pk, meeting.pk)
    return NOTICE_KINDS[kind]
