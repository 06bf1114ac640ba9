"""Server-rendered HTML for comments: the same template for the page, the HTTP fragments and the websocket.

A comment is shown in the reader's language (the language version of the page they are on: one
conversation across languages); times in the viewer's zone. What a viewer sees of
a comment (their own edit/delete controls, a coordinator's moderation controls and the hidden
text) is decided here, once per viewer, so the websocket pushes each member their own fragment.
"""

import copy
import zoneinfo
from contextlib import contextmanager

from django.template.loader import render_to_string
from django.utils import timezone, translation

from workspace.live.streams import REPLAY_BATCH, StreamKind

from .access import can_post_in_thread, declared_anchors, is_moderator, policy, view_restrictions_of
from .models import Comment, Flag, Follow, Thread, ThreadEvent


@contextmanager
def thread_rendering(thread, viewer, page=None):
    """Render in the reader's page's language and the viewer's time zone (no request in a consumer)."""
    page = page or thread.page
    language = page.locale.language_code if page.locale_id else None
    try:
        zone = zoneinfo.ZoneInfo(viewer.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        zone = timezone.get_current_timezone()
    with translation.override(language), timezone.override(zone):
        yield


def prepare_comments(comments, *, viewer, thread, restrictions=None, page=None):
    """Mark what the viewer may do with each comment, for the template."""
    now = timezone.now()
    moderator = is_moderator(viewer)
    can_post = can_post_in_thread(viewer, thread, page=page, restrictions=restrictions)
    for comment in comments:
        comment.thread = thread
        comment.viewer_is_author = comment.author_id == viewer.pk
        comment.viewer_can_edit = comment.can_be_edited_by(viewer, now=now)
        comment.viewer_can_delete = comment.can_be_deleted_by(viewer)
        comment.viewer_can_see_body = comment.is_visible or moderator
        comment.viewer_can_reply = comment.parent_id is None and comment.is_visible and can_post
        comment.viewer_can_flag = comment.is_visible and not comment.viewer_is_author
    return comments


def comment_context(*, viewer, thread):
    return {
        "viewer": viewer,
        "thread": thread,
        "is_moderator": is_moderator(viewer),
        "flag_reasons": Flag.Reason.choices,
    }


def comments_queryset(thread, viewer):
    queryset = Comment.objects.filter(thread=thread).for_display()
    if is_moderator(viewer):
        queryset = queryset.prefetch_related("revisions")
    return queryset


def thread_comments(thread, viewer):
    """Top-level comments in order, each with `.reply_list`; two queries (three for coordinators)."""
    comments = prepare_comments(list(comments_queryset(thread, viewer)), viewer=viewer, thread=thread)
    top_level = [comment for comment in comments if comment.parent_id is None]
    by_parent = {}
    for comment in comments:
        if comment.parent_id is not None:
            by_parent.setdefault(comment.parent_id, []).append(comment)
    for comment in top_level:
        comment.reply_list = by_parent.get(comment.pk, [])
    return top_level


def threads_for_parts(page, anchors, viewer):
    """Every discussion of these parts of the page for the viewer, in a fixed number of queries.

    A page with many discussable parts (a work plan's activities) renders one panel per part: read
    one by one, each costs its own queries. This reads the threads of all `anchors` (one query),
    their comments (one, two for moderators) and what the viewer follows (one), and returns
    {anchor: (thread or None, top-level comments with `.reply_list`, following)}; every comment is
    prepared for the viewer against `page` (the version being read), as `thread_comments` does.
    """
    anchors = list(anchors)
    threads = list(Thread.objects.filter(translation_key=page.translation_key, anchor__in=anchors))
    comments_of = {thread.pk: [] for thread in threads}
    following = set()
    if threads:
        queryset = Comment.objects.filter(thread__in=threads).for_display()
        if is_moderator(viewer):
            queryset = queryset.prefetch_related("revisions")
        for comment in queryset:
            comments_of[comment.thread_id].append(comment)
        if viewer is not None and viewer.is_authenticated:
            following = set(
                Follow.objects.filter(member=viewer, thread__in=threads).values_list("thread_id", flat=True)
            )
    restrictions = view_restrictions_of(page)
    parts = {anchor: (None, [], False) for anchor in anchors}
    for thread in threads:
        comments = prepare_comments(
            comments_of[thread.pk], viewer=viewer, thread=thread, restrictions=restrictions, page=page
        )
        parts[thread.anchor] = (thread, _nest(comments), thread.pk in following)
    return parts


def _nest(comments):
    top_level = [comment for comment in comments if comment.parent_id is None]
    by_parent = {}
    for comment in comments:
        if comment.parent_id is not None:
            by_parent.setdefault(comment.parent_id, []).append(comment)
    for comment in top_level:
        comment.reply_list = by_parent.get(comment.pk, [])
    return top_level


def render_comment(comment, *, viewer, thread, request=None, page=None):
    prepare_comments([comment], viewer=viewer, thread=thread)
    context = {"comment": comment, **comment_context(viewer=viewer, thread=thread)}
    with thread_rendering(thread, viewer, page):
        return render_to_string("discussions/comment.html", context, request=request)


def events_after(*, thread_id, viewer, after, limit=REPLAY_BATCH, page=None):
    """Events with a sequence above `after`, rendered for the viewer, oldest first.

    Returns (events, latest_sequence), or None when the thread is gone or the viewer lost access
    (e.g. the page was unpublished). Each event carries the comment as it is *now*: a replayed
    `posted` of a since-hidden comment shows the placeholder, never the hidden text.
    """
    thread = Thread.objects.select_related("page__locale").filter(pk=thread_id).first()
    if thread is None:
        return None
    batch = EventBatch.read(translation_key=thread.translation_key, anchor=thread.anchor, after=after, limit=limit)
    return batch.render_for(viewer, page or thread.page)


class EventBatch:
    """The events after one sequence as the database has them, read once, rendered per viewer.

    Every socket on the page needs the same rows after a push: a process reads them once (the live
    layer shares a batch between its sockets) and renders each comment once per kind of viewer:
    what a fragment shows depends only on the reader's language, the viewer's time zone, being a
    moderator or a coordinator, and being the comment's author. The access rule is still asked
    for every viewer, with each page's view restrictions read once.
    """

    def __init__(self, *, thread, anchor, events, comments):
        self.thread = thread
        self.anchor = anchor
        self.events = events
        self.comments = comments
        self.latest = thread.last_sequence if thread is not None else 0
        self.fragments = {}
        self.restrictions = {}

    @classmethod
    def read(cls, *, translation_key, anchor, after, limit=REPLAY_BATCH):
        """The batch (empty before the thread's first comment). Four queries, whoever reads it."""
        thread = (
            Thread.objects.select_related("page__locale")
            .filter(translation_key=translation_key, anchor=anchor or "")
            .first()
        )
        if thread is None:
            return cls(thread=None, anchor=anchor, events=[], comments={})
        events = list(
            ThreadEvent.objects.filter(thread=thread, sequence__gt=after)
            .order_by("sequence")[:limit]
            .values_list("sequence", "kind", "comment_id")
        )
        comment_ids = {comment_id for _, _, comment_id in events if comment_id}
        comments = {}
        if comment_ids:
            queryset = Comment.objects.filter(thread=thread, pk__in=comment_ids).for_display()
            comments = {comment.pk: comment for comment in queryset.prefetch_related("revisions")}
        return cls(thread=thread, anchor=anchor, events=events, comments=comments)

    def restrictions_of(self, page):
        if page.pk not in self.restrictions:
            self.restrictions[page.pk] = view_restrictions_of(page)
        return self.restrictions[page.pk]

    def render_for(self, viewer, page):
        """(events, latest) rendered for the viewer reading `page`, or None when they may not see the discussion."""
        if not policy.may_view(viewer, page, self.anchor, restrictions=self.restrictions_of(page)):
            return None
        thread = self.thread
        rendered = []
        for sequence, kind, comment_id in self.events:
            comment = self.comments.get(comment_id)
            rendered.append(
                {
                    "sequence": sequence,
                    "kind": kind,
                    "comment_id": comment_id,
                    "parent_id": comment.parent_id if comment else None,
                    "html": self.fragment(comment, viewer, page) if comment else None,
                    "locked": thread.locked,
                }
            )
        return rendered, self.latest

    def fragment(self, comment, viewer, page):
        kind = (
            comment.pk,
            page.locale_id,
            getattr(viewer, "time_zone", None),
            is_moderator(viewer),
            viewer.is_coordinator,
            viewer.pk if viewer.pk == comment.author_id else None,
        )
        if kind not in self.fragments:
            # A copy: prepare_comments marks the viewer's rights on it.
            mine = copy.copy(comment)
            restrictions = self.restrictions_of(page)
            prepare_comments([mine], viewer=viewer, thread=self.thread, restrictions=restrictions, page=page)
            context = {"comment": mine, **comment_context(viewer=viewer, thread=self.thread)}
            with thread_rendering(self.thread, viewer, page):
                self.fragments[kind] = render_to_string("discussions/comment.html", context)
        return self.fragments[kind]


class DiscussionStream(StreamKind):
    """The live stream of a page's discussion (`discussion:`) or of a declared part (`discussion:<anchor>`)."""

    name = "discussion"
    history = True

    def may_follow(self, *, user, page, key):
        if key not in declared_anchors(page):
            return None
        return policy.may_view(user, page, key)

    def latest(self, *, page, key):
        thread = Thread.objects.filter(translation_key=page.translation_key, anchor=key).only("last_sequence").first()
        return thread.last_sequence if thread else 0

    def read(self, *, page, key, after, limit=REPLAY_BATCH):
        return EventBatch.read(translation_key=page.translation_key, anchor=key, after=after, limit=limit)
