"""Meeting action items that point at work-plan activities, offered to the plan page.

Registered in `MeetingsConfig.ready()` with `workplans.links.register_activity_links` (work plans
sit below meetings and never import them). One query for all the activities of a plan.
"""

from django.utils.formats import date_format

from .access import is_coordinator
from .models import ActionItem, MeetingPage


def action_item_links(activity_uuids, *, viewer, request=None):
    """{activity uuid: [ActivityLink]} of the action items of live meetings the viewer may read:
    coordinators see every live meeting's items; other members those of published outcomes
    (a meeting's outcomes circulated to its invitees stay on the meeting's page)."""
    from workplans.links import ActivityLink

    items = ActionItem.objects.filter(activity_uuid__in=list(activity_uuids), page__live=True)
    if not is_coordinator(viewer):
        items = items.exclude(page__status=MeetingPage.Status.DRAFT).filter(
            page__outcomes_phase=MeetingPage.OutcomesPhase.PUBLISHED
        )
    links = {}
    for item in items.select_related("page").order_by("page__starts_at", "sort_order", "pk"):
        meeting = item.page
        links.setdefault(item.activity_uuid, []).append(
            ActivityLink(
                title=item.title,
                url=f"{meeting.get_url(request)}#outcomes-heading",
                context=f"{meeting.title}, {date_format(meeting.local_starts_at.date(), 'DATE_FORMAT')}",
                status=item.get_status_display(),
                is_open=item.is_open,
            )
        )
    return links
