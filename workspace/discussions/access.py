"""Who may read and write a discussion: one policy for the panel, the endpoints, the socket and notices.

A discussion follows its page (`workspace.core.pages`: live and not restricted, or editable by the
member — for a draft, that government's focal points and coordinators), and a page type may say
more about its declared parts (`can_discuss(user, anchor)`, e.g. a meeting's invitees only):

- only active, signed-in members take part;
- a page offers its own discussion (anchor "") and the parts it declares in
  `discussion_anchors()`; nothing else can be discussed;
- posting also needs the thread to be unlocked, except for moderators (the
  `discussions.moderate_comment` permission, held by Coordinators: `models.is_moderator`).

`DiscussionPolicy` answers both questions from the same rule: "may this member?"
(`may_view`) and "which members may?" (`members_who_may_view`).
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from workspace.core.middleware import ForeignObjectNotFound
from workspace.core.pages import can_view_page, is_member, members_who_can_view_page, view_restrictions_of

from .models import ANCHOR_PATTERN, Comment, Thread, is_moderator

__all__ = [
    "DiscussionPolicy",
    "is_member",
    "is_moderator",
    "policy",
    "view_restrictions_of",
]


def declared_anchors(page):
    """The parts of the page that can be discussed: "" (the page itself) and what its type declares."""
    specific_class = page.specific_class or type(page)
    declare = getattr(specific_class, "discussion_anchors", None)
    anchors = {"": page.title}
    if declare is not None:
        anchors.update(page.specific_deferred.discussion_anchors())
    return anchors


def discussable_anchors(page):
    """The anchors of `declared_anchors`, without their labels: a page type with many parts
    declares them cheaply (`part_anchors`, a walk of its raw data) for pages that only ask "may
    this part be discussed?" (every page view of a work plan)."""
    specific_class = page.specific_class or type(page)
    if getattr(specific_class, "part_anchors", None) is not None:
        return {"", *page.specific_deferred.part_anchors()}
    return set(declared_anchors(page))


class DiscussionPolicy:
    def may_view(self, user, page, anchor="", *, restrictions=None):
        """May the member read (and follow) the discussion of this page or of this part of it?"""
        if not can_view_page(user, page, restrictions=restrictions):
            return False
        # Only a page type's own rule can say no now; moderators pass it (asked only then: the
        # permission check costs queries on every socket's first event).
        if getattr(page.specific_class, "can_discuss", None) is None or is_moderator(user):
            return True
        return bool(page.specific_deferred.can_discuss(user, anchor))

    def may_post(self, user, thread, *, page=None, restrictions=None):
        page = page or thread.page
        return self.may_view(user, page, thread.anchor, restrictions=restrictions) and (
            not thread.locked or is_moderator(user)
        )

    def members_who_may_view(self, page, anchor=""):
        """The same rule as a queryset of active members, plus the page type's own rule in Python
        (`filter_allowed`): callers that need exact answers use that."""
        return members_who_can_view_page(page)

    def filter_allowed(self, members, page, anchor=""):
        """Members of an iterable who pass the whole rule (the page type's own included)."""
        if getattr(page.specific_class, "can_discuss", None) is None:
            return list(members)
        return [member for member in members if self.may_view(member, page, anchor)]

    # Fetches that check the rule: a thread or comment the member may not see is a 404 -----------

    def page_for_reader(self, thread, language=None):
        """The language version of the thread's page that a reader sees (their language's, else the source)."""
        from django.utils.translation import get_language

        language = (language or get_language() or "")[:2]
        if thread.page_id and thread.page.locale.language_code == language:
            return thread.page
        translation = (
            Page.objects.filter(translation_key=thread.translation_key, locale__language_code=language)
            .select_related("locale")
            .first()
        )
        return translation or thread.page

    def may_view_thread(self, user, thread, *, page=None, restrictions=None):
        return self.may_view(user, page or thread.page, thread.anchor, restrictions=restrictions)

    def access_page(self, user, page_id):
        """The page whose discussion the member may read; 404 when it is missing or not theirs to see."""
        page = Page.objects.select_related("locale").filter(pk=page_id).first()
        if page is None:
            raise Http404(_("No such discussion."))
        if not self.may_view(user, page):
            raise ForeignObjectNotFound(_("No such discussion."), kind="page", object_id=page.pk)
        return page

    def access_thread(self, user, thread_id):
        """The thread the member may read; 404 (not 403) so a draft's thread does not reveal itself."""
        thread = Thread.objects.select_related("page__locale").filter(pk=thread_id).first()
        if thread is None:
            raise Http404(_("No such discussion."))
        if not self.may_view_thread(user, thread):
            raise ForeignObjectNotFound(_("No such discussion."), kind="thread", object_id=thread.pk)
        return thread

    def access_comment(self, user, comment_id):
        comment = Comment.objects.select_related("thread__page__locale", "author").filter(pk=comment_id).first()
        if comment is None:
            raise Http404(_("No such comment."))
        if not self.may_view_thread(user, comment.thread):
            raise ForeignObjectNotFound(_("No such comment."), kind="comment", object_id=comment.pk)
        return comment

    # Checks that raise (for the services) ---------------------------------------------------------

    def check_anchor(self, page, anchor):
        """The anchor, if the page declares it as a part that can be discussed; else a ValidationError (400)."""
        anchor = anchor or ""
        if anchor and not re.match(ANCHOR_PATTERN, anchor):
            raise ValidationError(_("This part of the page cannot be discussed."), code="anchor")
        if anchor not in declared_anchors(page):
            raise ValidationError(_("This part of the page cannot be discussed."), code="anchor")
        return anchor

    def check_can_post(self, user, thread):
        if not self.may_view_thread(user, thread):
            raise Http404(_("No such discussion."))
        if not self.may_post(user, thread):
            raise PermissionDenied(_("This discussion is locked: no new comments."))

    def check_moderator(self, user):
        if not is_moderator(user):
            raise PermissionDenied(_("Only coordinators can moderate discussions."))


policy = DiscussionPolicy()

# Short names used across the room.
can_view_page_discussion = policy.may_view
can_view_thread = policy.may_view_thread
can_post_in_thread = policy.may_post
access_page_by_id = policy.access_page
access_thread_by_id = policy.access_thread
access_comment_by_id = policy.access_comment
check_can_post = policy.check_can_post
check_moderator = policy.check_moderator
