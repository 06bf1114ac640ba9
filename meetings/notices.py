"""Bell notices of meetings: ONE function, so every bell notice goes through the notifications room."""

from django.utils.translation import gettext_lazy as _

NOTICE_KINDS = {
    "scheduled": "meetings.scheduled",
    "changed": "meetings.changed",
    "reminder": "meetings.rsvp_reminder",
}


def register_kinds():
    """Called once from MeetingsConfig.ready()."""
    from workspace.notifications.kinds import register_kind

    register_kind(NOTICE_KINDS["scheduled"], label=_("Meeting scheduled"))
    register_kind(NOTICE_KINDS["changed"], label=_("Meeting changed"))
    register_kind(NOTICE_KINDS["reminder"], label=_("Meeting reminder"))


def notify_invitee(*, member, meeting, kind):
    """A bell notice for one invitee about one meeting (`kind`: scheduled, changed, reminder).

    Called inside the transaction that records the notice (tasks.send_meeting_notices).
    """
    from workspace.notifications.services import notify

    return notify(recipients=[member], kind=NOTICE_KINDS[kind], target=meeting, data={"kind": kind})
