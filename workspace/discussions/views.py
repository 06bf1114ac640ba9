"""HTTP endpoints of discussions: thin adapters over `services`, working with and without JavaScript.

Without JavaScript a successful POST redirects back to the page at the comment's anchor with a
message; with JavaScript (`Accept: application/json`) it answers JSON with the rendered comment.
Errors answer 400 (form), 403 (not allowed), 404 (no such thread, or one the member may not see)
and 429 (rate limit), as a readable page or as JSON.
"""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from workspace.accounts.middleware import member_required, mfa_required

from . import notifications, services
from .access import access_comment_by_id, access_page_by_id, access_thread_by_id, policy
from .forms import CommentForm, EditCommentForm, FlagForm, ModerationForm
from .rendering import (
    LATEST_COMMENTS,
    comment_action_form,
    comment_actions,
    comment_context,
    events_after,
    prepare_comments,
    render_comment,
    thread_comments,
    thread_rendering,
)
from .templatetags.discussions_tags import discussion_panel


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def page_url(request, page, fragment="", *, anchor=""):
    """The page, with a part's discussion open (`?discuss=`: parts show their panels on demand)."""
    url = page.get_url(request) or "/"
    if anchor:
        url = f"{url}?{urlencode({'discuss': anchor})}"
    return f"{url}#{fragment}" if fragment else url


def discussion_action(view):
    """Turn the services' refusals into 400/403/429 answers (the 404s propagate as Http404)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            return refuse(request, status=400, errors=error.messages)
        except PermissionDenied as error:
            return refuse(request, status=403, errors=[str(error) or _("You are not allowed to do this.")])
        except services.RateLimited as error:
            response = refuse(request, status=429, errors=[str(error)])
            response["Retry-After"] = str(error.retry_after)
            return response

    return member_required(require_POST(wrapper))


def refuse(request, *, status, errors, form=None):
    errors = [str(error) for error in errors]
    if wants_json(request):
        return JsonResponse({"message": " ".join(errors), "errors": errors}, status=status)
    if form is None and "body" in request.POST:
        form = CommentForm(request.POST)
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    context = {"errors": errors, "form": form, "action": request.path, "back": back}
    return render(request, "discussions/refused.html", context, status=status)


def invalid_form(request, form):
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    return refuse(request, status=400, errors=errors, form=form)


def done(request, *, comment=None, thread, message, status=200, page=None):
    """The answer to a change: JSON with the comment rendered for the member, or back to the page they read."""
    page = page or policy.page_for_reader(thread)
    if wants_json(request):
        payload = {
            "thread_id": thread.pk,
            "stream": thread.stream_name,
            "sequence": thread.last_sequence,
            "message": str(message),
        }
        if comment is not None:
            payload |= {
                "comment_id": comment.pk,
                "parent_id": comment.parent_id,
                "html": render_comment(comment, viewer=request.user, thread=thread, request=request, page=page),
            }
        return JsonResponse(payload, status=status)
    messages.success(request, message)
    fragment = comment.anchor_id if comment else f"discussion-{thread.anchor}" if thread.anchor else "discussion"
    return HttpResponseRedirect(page_url(request, page, fragment, anchor=thread.anchor))


@discussion_action
def post(request, page_id):
    page = access_page_by_id(request.user, page_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form)
    comment = services.post_comment_on_page(
        page=page,
        anchor=form.cleaned_data["anchor"],
        author=request.user,
        body=form.cleaned_data["body"],
        parent_id=form.cleaned_data["parent"],
        idempotency_key=form.cleaned_data["idempotency_key"],
    )
    comment.thread.refresh_from_db(fields=["last_sequence", "locked"])
    return done(
        request, comment=comment, thread=comment.thread, message=_("Your comment was posted."), status=201, page=page
    )


@discussion_action
def edit(request, comment_id):
    comment = access_comment_by_id(request.user, comment_id)
    form = EditCommentForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form)
    comment = services.edit_comment(comment=comment, editor=request.user, body=form.cleaned_data["body"])
    return done(request, comment=comment, thread=comment.thread, message=_("Your comment was updated."))


@discussion_action
def delete(request, comment_id):
    comment = access_comment_by_id(request.user, comment_id)
    comment = services.delete_comment(comment=comment, member=request.user)
    return done(request, comment=comment, thread=comment.thread, message=_("Your comment was deleted."))


@discussion_action
def flag(request, comment_id):
    comment = access_comment_by_id(request.user, comment_id)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form)
    services.flag_comment(comment=comment, member=request.user, reason=form.cleaned_data["reason"])
    return done(request, thread=comment.thread, message=_("Thank you: the coordinators will review this comment."))


@mfa_required
@discussion_action
def hide(request, comment_id):
    comment = access_comment_by_id(request.user, comment_id)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form)
    comment = services.hide_comment(comment=comment, moderator=request.user, reason=form.cleaned_data["reason"])
    return done(request, comment=comment, thread=comment.thread, message=_("The comment is hidden."))


@mfa_required
@discussion_action
def restore(request, comment_id):
    comment = access_comment_by_id(request.user, comment_id)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form)
    comment = services.restore_comment(comment=comment, moderator=request.user, reason=form.cleaned_data["reason"])
    return done(request, comment=comment, thread=comment.thread, message=_("The comment is visible again."))


@mfa_required
@discussion_action
def lock(request, thread_id):
    thread = access_thread_by_id(request.user, thread_id)
    thread = services.lock_thread(thread=thread, moderator=request.user, reason=request.POST.get("reason", ""))
    return done(request, thread=thread, message=_("The discussion is locked."))


@mfa_required
@discussion_action
def unlock(request, thread_id):
    thread = access_thread_by_id(request.user, thread_id)
    thread = services.unlock_thread(thread=thread, moderator=request.user, reason=request.POST.get("reason", ""))
    return done(request, thread=thread, message=_("The discussion is open again."))


@member_required
@require_GET
def comments(request, thread_id):
    """The thread's comments as an HTML fragment (the panel's list), for a client that lost track."""
    thread = access_thread_by_id(request.user, thread_id)
    context = {"comments": thread_comments(thread, request.user), **comment_context(viewer=request.user, thread=thread)}
    with thread_rendering(thread, request.user, policy.page_for_reader(thread)):
        html = render_to_string("discussions/comment_list.html", context, request=request)
    if wants_json(request):
        return JsonResponse({"html": html, "sequence": thread.last_sequence})
    return HttpResponse(html)


@member_required
@require_GET
def older(request, thread_id):
    """The comments before `?before=<sequence>` (the latest LATEST_COMMENTS of them): a page of its
    own without JavaScript ("Show older comments" is a link), the list items as JSON for the panel."""
    thread = access_thread_by_id(request.user, thread_id)
    try:
        before = max(1, int(request.GET.get("before", "")))
    except ValueError:
        before = thread.last_sequence + 1
    page = policy.page_for_reader(thread)
    comments = thread_comments(thread, request.user, page=page, limit=LATEST_COMMENTS, before=before)
    context = {"comments": comments, **comment_context(viewer=request.user, thread=thread)}
    older_url = f"{request.path}?before={comments.older_than}" if comments.older_than else None
    with thread_rendering(thread, request.user, page):
        if wants_json(request):
            html = render_to_string("discussions/comment_list.html", context, request=request)
            return JsonResponse({"html": html, "older_url": older_url})
        fragment = f"discussion-{thread.anchor}" if thread.anchor else "discussion"
        context.update(page=page, page_url=page_url(request, page, fragment, anchor=thread.anchor), older_url=older_url)
        return render(request, "discussions/older.html", context)


def _comment_action_page(request, comment_id, action, actions):
    """A page with one comment's form (reply, flag, hide, restore): what the comment's link opens
    without JavaScript (with it, the panel's one form of that kind moves under the comment)."""
    if action not in actions:
        raise Http404
    comment = access_comment_by_id(request.user, comment_id)
    thread = comment.thread
    page = policy.page_for_reader(thread)
    prepare_comments([comment], viewer=request.user, thread=thread, page=page)
    if action not in comment_actions(comment, viewer=request.user):
        raise PermissionDenied(_("You are not allowed to do this."))
    fragment = f"discussion-{thread.anchor}" if thread.anchor else "discussion"
    context = {
        "comment": comment,
        "action": action,
        "form": comment_action_form(action, page=page, anchor=thread.anchor, comment=comment),
        "page": page,
        "page_url": page_url(request, page, fragment, anchor=thread.anchor),
        **comment_context(viewer=request.user, thread=thread),
    }
    with thread_rendering(thread, request.user, page):
        return render(request, "discussions/comment_form.html", context)


@member_required
@require_GET
def comment_form(request, comment_id, action):
    return _comment_action_page(request, comment_id, action, ("reply", "flag"))


@mfa_required
@member_required
@require_GET
def moderation_form(request, comment_id, action):
    return _comment_action_page(request, comment_id, action, ("hide", "restore"))


@member_required
@require_GET
def events(request, thread_id):
    """Events after `?after=N`, rendered for the member (same format as the websocket's)."""
    thread = access_thread_by_id(request.user, thread_id)
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        return JsonResponse({"message": str(_("“after” must be a whole number."))}, status=400)
    result = events_after(thread_id=thread.pk, viewer=request.user, after=after, page=policy.page_for_reader(thread))
    if result is None:
        return JsonResponse({"message": str(_("No such discussion."))}, status=404)
    rendered, latest = result
    last_sent = rendered[-1]["sequence"] if rendered else after
    return JsonResponse({"events": rendered, "sequence": latest, "more": last_sent < latest})


@member_required
@require_GET
def page_thread(request, page_id):
    """The page's thread once a first comment has created it (`?anchor=`), for a panel opened before."""
    page = access_page_by_id(request.user, page_id)
    thread = services.thread_of(page, request.GET.get("anchor", ""))
    return JsonResponse({"thread_id": thread and thread.pk, "sequence": thread.last_sequence if thread else 0})


@member_required
@require_GET
def part_panel(request, page_id):
    """The discussion panel of one part of the page (`?anchor=`), for a disclosure opened on it."""
    page = access_page_by_id(request.user, page_id)
    anchor = request.GET.get("anchor", "")
    context = discussion_panel({"request": request, "csrf_token": get_token(request)}, page, anchor)
    if context.get("hidden"):
        raise Http404
    return render(request, "discussions/panel.html", context)


@member_required
@require_GET
def mention_candidates(request, page_id):
    """Members to @mention in the page's discussion, for the comment box's autocomplete (`?q=mar`)."""
    page = access_page_by_id(request.user, page_id)
    candidates = services.mention_candidates(viewer=request.user, page=page, query=request.GET.get("q", ""))
    return JsonResponse(candidates, safe=False)


# --- Follows -----------------------------------------------------------------------------------


@member_required
@require_POST
def follow(request, thread_id):
    thread = access_thread_by_id(request.user, thread_id)
    notifications.follow_thread(member=request.user, thread=thread)
    return follow_done(request, thread, following=True, message=_("You follow this discussion."))


@member_required
@require_POST
def unfollow(request, thread_id):
    thread = access_thread_by_id(request.user, thread_id)
    notifications.unfollow_thread(member=request.user, thread=thread)
    return follow_done(request, thread, following=False, message=_("You no longer follow this discussion."))


def follow_done(request, thread, *, following, message):
    if wants_json(request):
        return JsonResponse({"thread_id": thread.pk, "following": following, "message": str(message)})
    messages.success(request, message)
    fragment = f"discussion-{thread.anchor}" if thread.anchor else "discussion"
    return HttpResponseRedirect(page_url(request, policy.page_for_reader(thread), fragment, anchor=thread.anchor))
