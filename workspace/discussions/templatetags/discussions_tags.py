import uuid

from django import template
from django.utils.safestring import mark_safe

from workspace.discussions.access import can_post_in_thread, can_view_page_discussion, declared_anchors, is_moderator
from workspace.discussions.models import Flag
from workspace.discussions.rendering import threads_for_parts
from workspace.discussions.services import editable_source, sanitize_comment_html

register = template.Library()


@register.inclusion_tag("discussions/panel.html", takes_context=True)
def discussion_panel(context, page, anchor=""):
    """The discussion of a page (or of a part it declares, by anchor); nothing for those who may not see it.

    The language versions of a page share one discussion. A thread is created by the first POST,
    never by showing the panel; the panel follows its stream on the page's one socket either way.
    """
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if page is None:
        return {"hidden": True}
    discussions = _page_discussions(request, page, viewer)
    if anchor not in discussions["anchors"] or not can_view_page_discussion(viewer, page, anchor):
        return {"hidden": True}
    if discussions["parts"] is None:  # read on the first panel the viewer may see
        discussions["parts"] = threads_for_parts(page, discussions["anchors"], viewer)
    thread, comments, following = discussions["parts"].get(anchor, (None, [], False))
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "page": page,
        "anchor": anchor,
        "thread": thread,
        "comments": comments,
        "viewer": viewer,
        "is_moderator": is_moderator(viewer),
        "can_post": can_post_in_thread(viewer, thread, page=page) if thread else True,
        "socket_path": f"/ws/pages/{page.pk}/",
        "stream": f"discussion:{anchor}",
        "sequence": thread.last_sequence if thread else 0,
        "following": following,
        "flag_reasons": Flag.Reason.choices,
    }


def _page_discussions(request, page, viewer):
    """The page's declared parts and all their discussions, read once per request and page (the
    first panel reads them all: a page with 100 discussable parts costs what a page with 10 does)."""
    cache = getattr(request, "_discussion_parts", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._discussion_parts = cache
    key = (page.pk, getattr(viewer, "pk", None))
    if key not in cache:
        cache[key] = {"anchors": declared_anchors(page), "parts": None}
    return cache[key]


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
