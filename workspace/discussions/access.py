"""Who may read and write a discussion: one rule for the page panel, the POST endpoints and the websocket.

A thread's access follows its page:
- only active, signed-in members take part;
- coordinators (and superusers) see every thread;
- a live page's threads are open to every member (minus Wagtail group view restrictions, and
  minus a page type's own `check_discussion_access(user)` rule, e.g. a meeting's invitees);
- a page that is not live (a draft) is discussed only by those Wagtail lets edit it — for a
  government's subtree, that government's focal points.
Posting also needs the thread to be unlocked, except for coordinators.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PageViewRestriction

from workspace.core.middleware import ForeignObjectNotFound

from .models import Comment, Thread


def is_member(user):
    return user is not None and user.is_authenticated and user.is_active


def is_moderator(user):
    return is_member(user) and (user.is_superuser or user.is_coordinator)


def can_view_page_discussion(user, page, *, restrictions=None):
    """The rule. `restrictions`: the page's view restrictions (with their groups) when the caller
    has read them already, e.g. once for every socket of a thread."""
    if not is_member(user):
        return False
    if is_moderator(user):
        return True
    if not page.live:
        return page.permissions_for_user(user).can_edit()
    if not _passes_view_restrictions(user, page, restrictions):
        return page.permissions_for_user(user).can_edit()
    page_rule = getattr(page.specific_class, "check_discussion_access", None)
    if page_rule is not None:
        return bool(page.specific.check_discussion_access(user))
    return True


def view_restrictions_of(page):
    return list(page.get_view_restrictions().prefetch_related("groups"))


def _passes_view_restrictions(user, page, restrictions=None):
    for restriction in view_restrictions_of(page) if restrictions is None else restrictions:
        if restriction.restriction_type == PageViewRestriction.PASSWORD:
            return False
        if restriction.restriction_type == PageViewRestriction.GROUPS and not (
            {group.name for group in restriction.groups.all()} & user.group_names
        ):
            return False
    return True


def can_view_thread(user, thread, *, restrictions=None):
    return can_view_page_discussion(user, thread.page, restrictions=restrictions)


def can_post_in_thread(user, thread, *, restrictions=None):
    return can_view_thread(user, thread, restrictions=restrictions) and (not thread.locked or is_moderator(user))


def access_page_by_id(user, page_id):
    """The page whose discussion the member may read; 404 when it is missing or not theirs to see."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404(_("No such discussion."))
    if not can_view_page_discussion(user, page):
        raise ForeignObjectNotFound(_("No such discussion."), kind="page", object_id=page.pk)
    return page


def access_thread_by_id(user, thread_id):
    """The thread the member may read; 404 (not 403) so a draft's thread does not reveal itself."""
    thread = Thread.objects.select_related("page").filter(pk=thread_id).first()
    if thread is None:
        raise Http404(_("No such discussion."))
    if not can_view_thread(user, thread):
        raise ForeignObjectNotFound(_("No such discussion."), kind="thread", object_id=thread.pk)
    return thread


def access_comment_by_id(user, comment_id):
    comment = Comment.objects.select_related("thread__page", "author").filter(pk=comment_id).first()
    if comment is None:
        raise Http404(_("No such comment."))
    if not can_view_thread(user, comment.thread):
        raise ForeignObjectNotFound(_("No such comment."), kind="comment", object_id=comment.pk)
    return comment


def check_can_post(user, thread):
    if not can_view_thread(user, thread):
        raise Http404(_("No such discussion."))
    if not can_post_in_thread(user, thread):
        raise PermissionDenied(_("This discussion is locked: no new comments."))


def check_moderator(user):
    if not is_moderator(user):
        raise PermissionDenied(_("Only coordinators can moderate discussions."))
