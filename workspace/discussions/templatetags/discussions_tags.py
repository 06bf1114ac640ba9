import uuid

from django import template
from django.utils.safestring import mark_safe

from workspace.discussions.access import can_post_in_thread, can_view_page_discussion, is_moderator
from workspace.discussions.models import Flag, Thread
from workspace.discussions.notifications import is_following, unread_count
from workspace.discussions.rendering import thread_comments
from workspace.discussions.services import editable_source, sanitize_comment_html

register = template.Library()


@register.inclusion_tag("discussions/panel.html", takes_context=True)
def discussion_panel(context, page, anchor=""):
    """The discussion of a page (or of a part of it, by anchor); nothing for those who may not see it.

    A thread is created by the first POST, never by showing the panel.
    """
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if page is None or not can_view_page_discussion(viewer, page):
        return {"hidden": True}
    thread = Thread.objects.filter(page=page, anchor=anchor).first()
    comments = thread_comments(thread, viewer) if thread else []
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "page": page,
        "anchor": anchor,
        "thread": thread,
        "comments": comments,
        "viewer": viewer,
        "is_moderator": is_moderator(viewer),
        "can_post": can_post_in_thread(viewer, thread) if thread else True,
        "socket_path": f"/ws/threads/{thread.pk}/" if thread else "",
        "following": is_following(viewer, thread) if thread else False,
        "flag_reasons": Flag.Reason.choices,
    }


@register.filter
def comment_html(body):
    """Stored bodies are clean already; sanitising again on output guards against old or edited rows."""
    return mark_safe(sanitize_comment_html(body or ""))


@register.filter
def comment_source(body):
    """The body to edit, as its author typed it (escaped by the template)."""
    return editable_source(body)


@register.simple_tag
def new_idempotency_key():
    return uuid.uuid4().hex


@register.simple_tag(takes_context=True)
def unread_notification_count(context):
    """The signed-in member's unread notifications (one query), for the bell."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user.pk)
