"""Bell notices of meetings: ONE function, so every bell notice goes through the notifications room."""

from django.utils.translation import gettext_lazy as _

NOTICE_KINDS = {
    "scheduled": "meetings.scheduled",
    "changed": "meetings.changed",
    "reminder": "meetings.rsvp_reminder",
    "proposal_accepted": "meetings.proposal_accepted",
    "proposal_declined": "meetings.proposal_declined",
    "correction_accepted": "meetings.correction_accepted",
    "correction_rejected": "meetings.correction_rejected",
}


def _excerpt(notification):
    return notification.data.get("title", "")


def register_kinds():
    """Called once from MeetingsConfig.ready()."""
    from workspace.notifications.kinds import register_kind

    register_kind(NOTICE_KINDS["scheduled"], label=_("Meeting scheduled"))
    register_kind(NOTICE_KINDS["changed"], label=_("Meeting changed"))
    register_kind(NOTICE_KINDS["reminder"], label=_("Meeting reminder"))
    register_kind(NOTICE_KINDS["proposal_accepted"], label=_("Your agenda proposal was accepted"), excerpt=_excerpt)
    register_kind(NOTICE_KINDS["proposal_declined"], label=_("Your agenda proposal was declined"), excerpt=_excerpt)
    register_kind(
        NOTICE_KINDS["correction_accepted"], label=_("Your correction to the minutes was accepted"), excerpt=_excerpt
    )
    register_kind(
        NOTICE_KINDS["correction_rejected"], label=_("Your correction to the minutes was rejected"), excerpt=_excerpt
    )


def notify_invitee(*, member, meeting, kind):
    """A bell notice for one invitee about one meeting (`kind`: scheduled, changed, reminder).

    Called inside the transaction that records the notice (tasks.send_meeting_notices).
    """
    from workspace.notifications.services import notify

    return notify(recipients=[member], kind=NOTICE_KINDS[kind], target=meeting, data={"kind": kind})


def notify_proposer(*, member, meeting, kind, by, title, comment="", part=""):
    """Bell + email (in the member's language, queued with the caller's transaction) about their proposal."""
    from workspace.core.tasks import enqueue_with_transaction
    from workspace.notifications.services import notify
    from workspace.notifications.tasks import send_notification_email

    data = {"title": title[:300]}
    if comment:
        data["comment"] = comment[:1000]
    sent = notify(recipients=[member], kind=NOTICE_KINDS[kind], target=meeting, part=part, actor=by, data=data)
    for notification in sent:
        enqueue_with_transaction(send_notification_email, notification.pk)
    return sent
