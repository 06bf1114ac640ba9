import uuid

from django import template
from django.utils.safestring import mark_safe

from workspace.discussions.access import is_moderator
from workspace.discussions.models import Flag
from workspace.discussions.rendering import PageDiscussions, comment_action_form
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
    discussions = PageDiscussions.for_request(request, page, viewer)
    if anchor not in discussions.anchors or not discussions.may_view(anchor):
        return {"hidden": True}
    thread = discussions.thread(anchor)
    comments_html, older_than, comment_count = ("", None, 0)
    if thread:
        comments_html, older_than, comment_count = discussions.comment_list(thread, request=request)
    moderator = is_moderator(viewer)
    can_post = discussions.may_post(thread) if thread else True
    actions = [*(["reply"] if can_post else []), "flag", *(["hide", "restore"] if moderator else [])]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "page": page,
        "anchor": anchor,
        "thread": thread,
        "comments_html": comments_html,
        "comment_count": comment_count,
        "viewer": viewer,
        "is_moderator": moderator,
        "can_post": can_post,
        "socket_path": f"/ws/pages/{page.pk}/",
        "stream": f"discussion:{anchor}",
        "sequence": thread.last_sequence if thread else 0,
        "following": discussions.following(thread) if thread else False,
        "older_than": older_than,
        "flag_reasons": Flag.Reason.choices,
        "shared_forms": [comment_action_form(action, page=page, anchor=anchor) for action in actions],
    }


@register.inclusion_tag("discussions/part.html", takes_context=True)
def discussion_part(context, page, anchor, label):
    """A declared part's discussion behind a disclosure, for a page with many parts (a work plan's
    objectives and activities): its panel is fetched when the member opens it, so the page does
    not carry hundreds of panels. Rendered open, panel included, when the address asks for it
    (`?discuss=<anchor>`: a notice's link, a post or a link followed without JavaScript)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    discussions = PageDiscussions.for_request(request, page, viewer)
    if anchor not in discussions.anchors or not discussions.may_view(anchor):
        return {"hidden": True}
    if request is not None and request.GET.get("discuss") == anchor:
        return {**discussion_panel(context, page, anchor), "open": True, "label": label}
    thread = discussions.thread(anchor)
    return {
        "page": page,
        "anchor": anchor,
        "label": label,
        "comment_count": getattr(thread, "comment_count", 0) if thread else 0,
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
