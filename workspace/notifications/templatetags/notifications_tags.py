from django import template

from workspace.notifications.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context):
    """The signed-in member's unread notifications (one query), for the bell."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user.pk)
