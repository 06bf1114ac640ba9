"""Bell notices of work plans: progress recorded on an activity.

Who hears of an update: the plan government's focal points and the members who follow the
activity's discussion (if it has one), never its author, each once. `notify` drops whoever may no
longer read the plan; the bell updates after commit and the daily digest carries the notice to
those who keep the digest on (the member's preferences, read by the notifications room). Plan
status changes (submitted, changes requested, approved) are the review workflow's notices
(`workspace.notifications.workflow`), not these.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PROGRESS_RECORDED = "workplans.progress"


def _excerpt(notification):
    """One plain line for the list and the digest: the activity, its status and percent, the note."""
    from .models import ActivityProgress

    data = notification.data or {}
    status = data.get("status")
    try:
        status_label = ActivityProgress.Status(status).label
    except ValueError:
        status_label = status or ""
    line = _("%(activity)s: %(status)s, %(percent)s %%") % {
        "activity": data.get("activity", ""),
        "status": status_label,
        "percent": data.get("percent_complete", 0),
    }
    note = data.get("note") or ""
    return f"{line} — {note}" if note else str(line)


def register_kinds():
    """Called once from WorkplansConfig.ready()."""
    from workspace.notifications.kinds import register_kind

    register_kind(
        PROGRESS_RECORDED,
        label=_("Progress reported"),
        template="workplans/notification.html",
        excerpt=_excerpt,
    )


def progress_recipients(*, plan, activity):
    """The plan government's focal points and the followers of the activity's discussion (a queryset)."""
    from workspace.accounts.models import focal_points_group_name
    from workspace.discussions.models import Follow

    government = plan.government()
    condition = Q(
        pk__in=Follow.objects.filter(
            thread__translation_key=plan.translation_key, thread__anchor=activity.anchor
        ).values("member_id")
    )
    if government is not None:
        condition |= Q(groups__name=focal_points_group_name(government.code))
    return get_user_model().objects.filter(condition, is_active=True).distinct()


def notify_progress_recorded(*, plan, activity, update):
    """One notice per recipient for this update (called inside `record_progress`'s transaction)."""
    from workspace.notifications.services import notify

    return notify(
        recipients=progress_recipients(plan=plan, activity=activity),
        kind=PROGRESS_RECORDED,
        target=update,
        page=plan,
        part=activity.anchor,
        actor=update.author,
        data={
            "activity": update.activity_title,
            "status": update.status,
            "percent_complete": update.percent_complete,
            "note": update.note[:200],
        },
    )
