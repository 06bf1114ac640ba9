"""Server-rendered HTML for comments: the same template for the page, the HTTP fragments and the websocket.

A comment is shown in the reader's language (the language version of the page they are on: one
conversation across languages); times in the viewer's zone. What a viewer sees of
a comment (their own edit/delete controls, a coordinator's moderation controls and the hidden
text) is decided here, once per viewer, so the websocket pushes each member their own fragment.
"""

import copy
import zoneinfo
from contextlib import contextmanager

from django.core.cache import cache
from django.db.models import Count, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from workspace.core import memo
from workspace.live.streams import REPLAY_BATCH, StreamKind

from .access import (
    can_post_in_thread,
    declared_anchors,
    discussable_anchors,
    is_moderator,
    policy,
    view_restrictions_of,
)
from .models import Comment, CommentRevision, Flag, Thread, ThreadEvent


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


def prepare_comments(comments, *, viewer, thread, restrictions=None, page=None, can_post=None, as_author=True):
    """Mark what the viewer may do with each comment, for the template (`can_post`: the access
    rule's answer when the caller asked it already; `as_author=False`: as if the viewer had written
    none of them, for a list shared by every viewer of their kind)."""
    if not comments:
        return comments
    now = timezone.now()
    moderator = is_moderator(viewer)
    if can_post is None:
        can_post = can_post_in_thread(viewer, thread, page=page, restrictions=restrictions)
    for comment in comments:
        comment.thread = thread
        comment.viewer_is_author = as_author and comment.author_id == viewer.pk
        comment.viewer_can_edit = comment.viewer_is_author and comment.can_be_edited_by(viewer, now=now)
        comment.viewer_can_delete = comment.viewer_is_author and comment.can_be_deleted_by(viewer)
        comment.viewer_can_see_body = comment.is_visible or moderator
        comment.viewer_can_reply = comment.parent_id is None and comment.is_visible and can_post
        comment.viewer_can_flag = comment.is_visible and not comment.viewer_is_author
    return comments


def comment_actions(comment, *, viewer):
    """What a prepared comment offers the viewer through a form of its own page or the panel's
    shared one (templates/discussions/comment.html links to each)."""
    actions = set()
    if comment.viewer_can_reply:
        actions.add("reply")
    if comment.viewer_can_flag:
        actions.add("flag")
    if is_moderator(viewer) and not comment.deleted:
        actions.add("restore" if comment.hidden else "hide")
    return actions


def comment_action_form(action, *, page, anchor, comment=None):
    """What templates/discussions/comment_action_form.html needs: the form of one action for one
    comment (its page without JavaScript) or, without `comment`, the panel's one form of that kind,
    which discussions.js moves under the comment whose link was followed and aims at it."""
    comment_id = comment.pk if comment is not None else 0
    if action == "reply":
        url = reverse("discussions:post", args=[page.pk])
    else:
        url = reverse(f"discussions:{action}", args=[comment_id])
    # Ids: one comment's form on its page; the panel's, one per panel (a page may have many).
    field_id = f"{action}-{comment_id}"
    if comment is None:
        field_id = "-".join(filter(None, [action, f"{page.pk}", anchor]))
    return {
        "action": action,
        "url": url,
        "comment_id": comment_id or "",
        "anchor": anchor,
        "field_id": field_id,
        "shared": comment is None,
    }


def comment_context(*, viewer, thread):
    return {
        "viewer": viewer,
        "thread": thread,
        "is_moderator": is_moderator(viewer),
        "flag_reasons": Flag.Reason.choices,
    }


# A page shows the latest LATEST_COMMENTS top-level comments of each thread (with their replies);
# older ones come on demand (`comments_before`, the "Show older comments" link): a page's weight
# does not grow with its discussion.
LATEST_COMMENTS = 20


def comments_queryset(thread, viewer):
    queryset = Comment.objects.filter(thread=thread).for_display()
    if is_moderator(viewer):
        queryset = queryset.prefetch_related("revisions")
    return queryset


def _with_replies(top_level, viewer):
    """Attach `.reply_list` to each top-level comment (one query for all of them); for a
    moderator, the earlier versions of the edited ones (one more, only if any was edited)."""
    replies = Comment.objects.filter(parent__in=[comment.pk for comment in top_level]).for_display()
    by_parent = {}
    everything = list(top_level)
    for reply in replies:
        by_parent.setdefault(reply.parent_id, []).append(reply)
        everything.append(reply)
    for comment in top_level:
        comment.reply_list = by_parent.get(comment.pk, [])
    if is_moderator(viewer):
        edited = [comment for comment in everything if comment.edited]
        for comment in everything:
            if not comment.edited:
                comment._prefetched_objects_cache = {"revisions": CommentRevision.objects.none()}
        prefetch_related_objects(edited, "revisions")
    return top_level


def _prepared(top_level, *, viewer, thread, page=None, restrictions=None, can_post=None, as_author=True):
    everything = [*top_level, *(reply for comment in top_level for reply in comment.reply_list)]
    prepare_comments(
        everything,
        viewer=viewer,
        thread=thread,
        page=page,
        restrictions=restrictions,
        can_post=can_post,
        as_author=as_author,
    )
    return top_level


def thread_comments(thread, viewer, *, page=None, limit=None, before=None):
    """Top-level comments in order, each with `.reply_list`; two queries (three for coordinators).

    With `limit`, only the latest `limit` top-level comments (before the sequence `before`, if
    given); the list then has `.older_than`: the sequence to ask for the earlier ones, or None."""
    if limit is None and before is None:
        comments = list(comments_queryset(thread, viewer))
        top_level = [comment for comment in comments if comment.parent_id is None]
        by_parent = {}
        for comment in comments:
            if comment.parent_id is not None:
                by_parent.setdefault(comment.parent_id, []).append(comment)
        for comment in top_level:
            comment.reply_list = by_parent.get(comment.pk, [])
        prepare_comments(comments, viewer=viewer, thread=thread, page=page)
        return CommentPage(top_level, older_than=None)
    queryset = Comment.objects.filter(thread=thread, parent=None).for_display()
    if before is not None:
        queryset = queryset.filter(sequence__lt=before)
    newest_first = list(queryset.order_by("-sequence")[: (limit or LATEST_COMMENTS) + 1])
    has_older = len(newest_first) > (limit or LATEST_COMMENTS)
    top_level = newest_first[: limit or LATEST_COMMENTS][::-1]
    _prepared(_with_replies(top_level, viewer), viewer=viewer, thread=thread, page=page)
    return CommentPage(top_level, older_than=top_level[0].sequence if has_older and top_level else None)


class CommentPage(list):
    """A list of top-level comments, and the sequence below which older ones are (None: no more)."""

    def __init__(self, comments, *, older_than):
        super().__init__(comments)
        self.older_than = older_than


class PageDiscussions:
    """The discussions of one page as one request shows them, however many parts it has: its
    threads and the viewer's follows read in one query, the latest comments of all of them in two
    (four for coordinators: earlier versions), and the access rule asked once per part.
    Kept on the request (`for_request`), so a work plan's 200 activity panels cost what one does."""

    def __init__(self, page, viewer, *, limit=LATEST_COMMENTS):
        self.page = page
        self.viewer = viewer
        self.limit = limit
        threads = Thread.objects.filter(translation_key=page.translation_key).annotate(
            comment_count=Count("comments", filter=Q(comments__deleted=False, comments__hidden=False))
        )
        if getattr(viewer, "pk", None):
            from django.db.models import Exists, OuterRef

            from .models import Follow

            threads = threads.annotate(
                viewer_follows=Exists(Follow.objects.filter(member_id=viewer.pk, thread=OuterRef("pk")))
            )
        self.threads = {thread.anchor: thread for thread in threads}
        self.anchors = discussable_anchors(page)
        self._access = {}
        self._comments = None

    @classmethod
    def for_request(cls, request, page, viewer):
        cache = request.__dict__.setdefault("_page_discussions", {}) if request is not None else {}
        key = (page.pk, getattr(viewer, "pk", None))
        if key not in cache:
            cache[key] = cls(page, viewer)
        return cache[key]

    def may_view(self, anchor):
        from .access import policy

        if anchor not in self._access:
            self._access[anchor] = bool(policy.may_view(self.viewer, self.page, anchor))
        return self._access[anchor]

    def may_post(self, thread):
        return self.may_view(thread.anchor) and (not thread.locked or is_moderator(self.viewer))

    def thread(self, anchor):
        return self.threads.get(anchor)

    def following(self, thread):
        return bool(getattr(thread, "viewer_follows", False))

    def comments(self, thread):
        if self._comments is None:
            self._comments = self._read_comments()
        return self._comments.get(thread.pk, CommentPage([], older_than=None))

    def comment_list(self, thread, *, request=None):
        """The thread's latest comments as the panel shows them: (html, older_than, count shown).

        Rendered once per kind of viewer and kept in the cache (`SharedCommentList`); the viewer's
        own comments (their edit and delete forms, a hidden one's reason) are rendered for them and
        put in its place, so no member's controls or token reach another through the cache."""
        return SharedCommentList(self, thread).for_viewer(request)

    def _read_comments(self, *, as_author=True):
        from django.db.models import F, Window
        from django.db.models.functions import RowNumber

        threads = [thread for thread in self.threads.values() if thread.last_sequence and self.may_view(thread.anchor)]
        if not threads:
            return {}
        ranked = (
            Comment.objects.filter(thread__in=threads, parent=None)
            .for_display()
            .annotate(rank=Window(RowNumber(), partition_by=[F("thread_id")], order_by=F("sequence").desc()))
            .filter(rank__lte=self.limit + 1)
        )
        by_thread = {}
        for comment in ranked:
            by_thread.setdefault(comment.thread_id, []).append(comment)
        top_level = []
        pages = {}
        for thread in threads:
            newest = sorted(by_thread.get(thread.pk, []), key=lambda comment: comment.sequence, reverse=True)
            shown = newest[: self.limit][::-1]
            older_than = shown[0].sequence if len(newest) > self.limit and shown else None
            pages[thread.pk] = (thread, CommentPage(shown, older_than=older_than))
            top_level.extend(shown)
        _with_replies(top_level, self.viewer)
        for thread, comments in pages.values():
            _prepared(
                comments,
                viewer=self.viewer,
                thread=thread,
                page=self.page,
                can_post=self.may_post(thread),
                as_author=as_author,
            )
        return {thread.pk: comments for thread, comments in pages.values()}


class SharedCommentList:
    """A panel's latest comments rendered once for every viewer of the same kind.

    What the list shows a viewer who wrote none of it depends on the thread's state (its sequence
    moves with every post, edit, deletion, hiding, restoring, locking and unlocking), the language,
    the time zone, being a moderator (hidden text, earlier versions, hide and restore links) and
    being allowed to post (reply links), and on the authors' names (their `member:<id>` versions,
    checked on every read). It holds no CSRF token: replying, flagging and moderating go through
    the panel's shared forms, rendered outside it. The viewer's own comments are cut out of it
    (between the `<!--c<id>-->` markers of comment_list.html) and rendered for them.
    """

    def __init__(self, discussions, thread):
        self.discussions = discussions
        self.thread = thread
        viewer = discussions.viewer
        self.key = memo.key(
            "comment-list",
            thread.pk,
            thread.last_sequence,
            discussions.limit,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            "moderator" if is_moderator(viewer) else "member",
            "may-post" if discussions.may_post(thread) else "read-only",
        )

    def for_viewer(self, request):
        entry = cache.get(self.key)
        if entry is None or not self._authors_unchanged(entry):
            entry = self._build(request)
            cache.set(self.key, entry, memo.TIMEOUT)
        html = entry["html"]
        viewer_pk = getattr(self.discussions.viewer, "pk", None)
        own = [comment_id for comment_id, author_id in entry["authors"] if author_id == viewer_pk]
        if own:
            html = self._with_own_comments(html, own, request)
        return mark_safe(html), entry["older_than"], entry["count"]

    @staticmethod
    def _author_versions(author_ids):
        return dict(zip(author_ids, memo.versions(*(f"member:{pk}" for pk in author_ids)), strict=True))

    def _authors_unchanged(self, entry):
        versions = entry["author_versions"]
        return not versions or self._author_versions(list(versions)) == versions

    def _build(self, request):
        discussions = self.discussions
        comments = discussions._read_comments(as_author=False).get(self.thread.pk, CommentPage([], older_than=None))
        everything = [*comments, *(reply for comment in comments for reply in comment.reply_list)]
        context = {"comments": comments, **comment_context(viewer=discussions.viewer, thread=self.thread)}
        # No request: the fragment must not carry this member's CSRF token.
        html = render_to_string("discussions/comment_list.html", context)
        author_ids = sorted({comment.author_id for comment in everything})
        return {
            "html": html,
            "older_than": comments.older_than,
            "count": len(comments),
            "authors": [(comment.pk, comment.author_id) for comment in everything],
            "author_versions": self._author_versions(author_ids) if author_ids else {},
        }

    def _with_own_comments(self, html, own, request):
        viewer = self.discussions.viewer
        mine = list(comments_queryset(self.thread, viewer).filter(pk__in=own))
        prepare_comments(mine, viewer=viewer, thread=self.thread, can_post=self.discussions.may_post(self.thread))
        context = comment_context(viewer=viewer, thread=self.thread)
        for comment in mine:
            start_marker, end_marker = f"<!--c{comment.pk}-->", f"<!--/c{comment.pk}-->"
            start = html.find(start_marker)
            end = html.find(end_marker, start)
            if start < 0 or end < 0:
                continue
            fragment = render_to_string("discussions/comment.html", {"comment": comment, **context}, request=request)
            html = html[: start + len(start_marker)] + fragment + html[end:]
        return html


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
