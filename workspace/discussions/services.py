"""Everything that changes a discussion. Every entry point (HTTP views, admin, commands) calls these.

Each change runs in one transaction that also records a `ThreadEvent` with the thread's next
sequence; the broadcast to live clients is scheduled with `transaction.on_commit`, so nobody hears
of a change that was rolled back, and a failing channel layer never fails the write (clients
replay missed events from the database when they reconnect, see docs/realtime.md).
"""

import itertools
import logging
import re
import string
from collections import Counter
from html import unescape

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import linebreaks, strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from workspace.core import ratelimit
from workspace.core.security import security_event
from workspace.core.text import fold_accents
from workspace.live import sender as live_sender
from workspace.live.groups import member_group
from workspace.live.sender import send_on_commit

from . import notifications
from .access import can_view_thread, check_can_post, check_moderator, is_member, policy
from .models import Comment, CommentRevision, Flag, Thread, ThreadEvent

logger = logging.getLogger(__name__)

MAX_COMMENT_LENGTH = 5000
# Markup may add to the text, but a body this long is abuse whatever its text length.
MAX_COMMENT_SOURCE_LENGTH = 4 * MAX_COMMENT_LENGTH
MAX_IDEMPOTENCY_KEY_LENGTH = 64
ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
BLOCK_TAGS = ("<p>", "<ul>", "<ol>")
PARAGRAPH_BREAK = re.compile(r"</p>\s*<p>")

# (window in seconds, most comments a member may post in it); override with DISCUSSIONS_RATE_LIMITS.
DEFAULT_RATE_LIMITS = ((60, 10), (24 * 60 * 60, 200))

HIDE_ACTION = "discussions.hide_comment"
RESTORE_ACTION = "discussions.restore_comment"
LOCK_ACTION = "discussions.lock_thread"
UNLOCK_ACTION = "discussions.unlock_thread"


class RateLimited(Exception):
    """The member posted too much; the message is for them."""

    def __init__(self, retry_after):
        self.retry_after = retry_after
        super().__init__(_("You are posting too fast. Please wait a moment and try again."))


# --- Text ------------------------------------------------------------------------------------


def sanitize_comment_html(html):
    """Keep only the light formatting comments allow; links get rel="nofollow noopener"."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def check_comment_body(body):
    """Return the body as clean HTML, or raise ValidationError (empty, too long)."""
    body = (body or "").strip()
    if len(body) > MAX_COMMENT_SOURCE_LENGTH:
        raise _too_long()
    clean = sanitize_comment_html(body)
    if not any(tag in clean for tag in BLOCK_TAGS):
        # Typed as plain text: blank lines make paragraphs, line breaks stay.
        clean = sanitize_comment_html(linebreaks(clean, autoescape=False))
    text = unescape(strip_tags(clean)).strip()
    if not text:
        raise ValidationError(_("Write a comment before posting."), code="empty")
    if len(text) > MAX_COMMENT_LENGTH:
        raise _too_long()
    return clean


def editable_source(body):
    """A stored body as its author would type it again, for the edit box.

    Paragraphs and line breaks become blank lines and new lines and entities plain characters,
    but only where posting the result gives back exactly the stored body (text such as
    "<script>" stays escaped, or saving the edit would drop it); lists stay as markup.
    """
    stored = sanitize_comment_html(body or "")
    if "<ul>" in stored or "<ol>" in stored:
        return stored
    lines = PARAGRAPH_BREAK.sub("\n\n", stored.strip()).removeprefix("<p>").removesuffix("</p>").replace("<br>", "\n")
    for candidate in (unescape(lines), lines):
        try:
            if check_comment_body(candidate) == stored:
                return candidate
        except ValidationError:
            pass
    return stored


def _too_long():
    return ValidationError(
        _("A comment can be at most %(limit)s characters long.")
        % {"limit": number_format(MAX_COMMENT_LENGTH, force_grouping=True)},
        code="too_long",
    )


# --- Rate limit ------------------------------------------------------------------------------


def check_rate_limit(member):
    """Count one post for the member in every window; raise RateLimited when a window is full.

    Sliding windows (`core.ratelimit`) counted in the shared cache (Redis in production), so every
    process and every posting path shares the same budget, and a burst across a clock minute
    cannot pass twice the limit. A refused post is not counted.
    """
    limits = getattr(settings, "DISCUSSIONS_RATE_LIMITS", DEFAULT_RATE_LIMITS)
    if not limits:
        return
    decision = ratelimit.hit_all(f"discussions:rate:{member.pk}", limits=limits)
    if not decision.allowed:
        security_event("discussion_rate_limited", user=member, window=decision.window, limit=decision.limit)
        refusal = RateLimited(retry_after=decision.retry_after_seconds)
        tell_member_rate_limited(member, refusal)
        raise refusal


def tell_member_rate_limited(member, refusal):
    """Tell the member's open discussion panels (every tab) to hold their posts until the window ends.

    Sent at once, not on commit: it reports a refusal, not data. Never raises.
    """
    live_sender.send_now(
        member_group(member.pk),
        {"type": "member.rate_limited", "message": str(refusal), "retry_after": refusal.retry_after},
    )


# --- Events and broadcast --------------------------------------------------------------------


def record_event(*, thread, kind, comment=None, sequence=None):
    """Write the replay-log entry for a change and wake the page's sockets after commit."""
    if sequence is None:
        sequence = thread.allocate_sequence()
    event = ThreadEvent.objects.create(thread=thread, sequence=sequence, kind=kind, comment=comment)
    send_on_commit(thread.group_name, {"type": "stream.event", "stream": thread.stream_name, "sequence": sequence})
    return event


# --- Threads ---------------------------------------------------------------------------------


def thread_of(page, anchor=""):
    """The thread of a page (any language version) or of a part of it, or None before its first comment."""
    return Thread.objects.filter(translation_key=page.translation_key, anchor=anchor or "").first()


def get_or_create_thread(*, page, anchor=""):
    """The thread for a page (or a declared part of it), shared by its language versions, created
    on first use; callers check access first. Raises ValidationError for an undeclared anchor."""
    anchor = policy.check_anchor(page, anchor)
    thread = thread_of(page, anchor)
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            return Thread.objects.create(page=page, translation_key=page.translation_key, anchor=anchor)
    except IntegrityError:
        return Thread.objects.get(translation_key=page.translation_key, anchor=anchor)


# --- Comments --------------------------------------------------------------------------------


@transaction.atomic
def post_comment(*, thread, author, body, parent=None, idempotency_key=None):
    """Post a comment (or a reply to a top-level comment) and broadcast `posted`.

    Notifies (same savepoint) the parent's author, mentioned members and the thread's followers,
    and makes the author follow the thread (`notifications.notify_comment_posted`).

    Preconditions: the author may post in the thread (`check_can_post`: access, not locked unless a
    coordinator); `parent`, if any, is a top-level comment of the same thread. Raises Http404 /
    PermissionDenied / ValidationError / RateLimited. A repeated `idempotency_key` from the same
    author returns the first comment unchanged — also when two retries race (the unique constraint
    decides, the loser re-reads) — without counting against the rate limit.
    """
    check_can_post(author, thread)
    clean = check_comment_body(body)
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise ValidationError(_("You can only reply to a comment in the same discussion."), code="parent")
        if parent.parent_id is not None:
            raise ValidationError(_("Replies go one level deep: reply to the first comment instead."), code="depth")
        if not parent.is_visible:
            raise ValidationError(_("This comment can no longer be replied to."), code="parent")
    key = (idempotency_key or "").strip()[:MAX_IDEMPOTENCY_KEY_LENGTH] or None
    if key:
        existing = Comment.objects.filter(thread=thread, author=author, idempotency_key=key).first()
        if existing is not None:
            return existing
    check_rate_limit(author)
    try:
        # The savepoint also covers the sequence, so a lost race leaves no gap behind.
        with transaction.atomic():
            sequence = thread.allocate_sequence()
            comment = Comment.objects.create(
                thread=thread, author=author, parent=parent, body=clean, sequence=sequence, idempotency_key=key
            )
            record_event(thread=thread, kind=ThreadEvent.Kind.POSTED, comment=comment, sequence=sequence)
            notifications.notify_comment_posted(comment)
    except IntegrityError:
        if key is None:
            raise
        return Comment.objects.get(thread=thread, author=author, idempotency_key=key)
    return comment


@transaction.atomic
def post_comment_on_page(*, page, anchor, author, body, parent_id=None, idempotency_key=None):
    """`post_comment` for the panel's form: creates the page's thread on the first comment.

    Precondition: the author may read the page's discussion (`access_page_by_id`). The anchor must be
    one the page declares (ValidationError otherwise). The thread is created in the same
    transaction, so a rejected first comment leaves no empty thread behind.
    """
    if not policy.may_view(author, page, anchor or ""):
        raise Http404(_("No such discussion."))
    thread = get_or_create_thread(page=page, anchor=anchor or "")
    if thread.page_id == page.pk:
        thread.page = page  # one page object: its view restrictions are read once for the whole post
    parent = None
    if parent_id:
        parent = Comment.objects.filter(pk=parent_id, thread=thread).first()
        if parent is None:
            raise ValidationError(_("You can only reply to a comment in the same discussion."), code="parent")
    return post_comment(thread=thread, author=author, body=body, parent=parent, idempotency_key=idempotency_key)


@transaction.atomic
def edit_comment(*, comment, editor, body):
    """Replace the author's own comment body within 15 minutes of posting; keep the old body.

    Preconditions: `editor` is the author, the comment is neither deleted nor hidden, the thread is
    not locked (unless a coordinator). Broadcasts `edited`. Counts against the rate limit.
    """
    comment = Comment.objects.select_related("thread__page").get(pk=comment.pk)
    check_can_post(editor, comment.thread)
    if not comment.can_be_edited_by(editor):
        raise PermissionDenied(_("You can only edit your own comments, within 15 minutes of posting."))
    clean = check_comment_body(body)
    if clean == comment.body:
        return comment
    check_rate_limit(editor)
    CommentRevision.objects.create(comment=comment, body=comment.body)
    comment.body = clean
    comment.edited = timezone.now()
    comment.save(update_fields=["body", "edited"])
    record_event(thread=comment.thread, kind=ThreadEvent.Kind.EDITED, comment=comment)
    return comment


@transaction.atomic
def delete_comment(*, comment, member):
    """Soft-delete the member's own comment: a placeholder keeps the replies readable. Broadcasts `deleted`."""
    comment = Comment.objects.select_related("thread__page").get(pk=comment.pk)
    if not is_member(member) or not comment.can_be_deleted_by(member):
        raise PermissionDenied(_("You can only delete your own comments."))
    comment.deleted = True
    comment.save(update_fields=["deleted"])
    record_event(thread=comment.thread, kind=ThreadEvent.Kind.DELETED, comment=comment)
    return comment


@transaction.atomic
def hide_comment(*, comment, moderator, reason):
    """Hide a comment from members (coordinators only), with a reason; audit-logged, broadcasts `hidden`."""
    check_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the comment is hidden."), code="reason")
    comment = Comment.objects.select_related("thread__page").get(pk=comment.pk)
    if comment.hidden:
        return comment
    comment.hidden = True
    comment.hidden_by = moderator
    comment.hidden_reason = reason[:500]
    comment.save(update_fields=["hidden", "hidden_by", "hidden_reason"])
    log(instance=comment, action=HIDE_ACTION, user=moderator, data={"reason": comment.hidden_reason})
    record_event(thread=comment.thread, kind=ThreadEvent.Kind.HIDDEN, comment=comment)
    notifications.notify_moderation(comment=comment, moderator=moderator)
    return comment


@transaction.atomic
def restore_comment(*, comment, moderator, reason=""):
    """Show a hidden comment again (coordinators only); audit-logged, broadcasts `restored`."""
    check_moderator(moderator)
    comment = Comment.objects.select_related("thread__page").get(pk=comment.pk)
    if not comment.hidden:
        return comment
    comment.hidden = False
    comment.hidden_by = None
    comment.hidden_reason = ""
    comment.save(update_fields=["hidden", "hidden_by", "hidden_reason"])
    log(instance=comment, action=RESTORE_ACTION, user=moderator, data={"reason": (reason or "").strip()[:500]})
    record_event(thread=comment.thread, kind=ThreadEvent.Kind.RESTORED, comment=comment)
    notifications.notify_moderation(comment=comment, moderator=moderator)
    return comment


@transaction.atomic
def lock_thread(*, thread, moderator, reason=""):
    """Stop new comments (coordinators may still post); audit-logged, broadcasts `locked`."""
    return _set_locked(thread=thread, moderator=moderator, locked=True, reason=reason)


@transaction.atomic
def unlock_thread(*, thread, moderator, reason=""):
    """Reopen a locked thread (coordinators only); audit-logged, broadcasts `unlocked`."""
    return _set_locked(thread=thread, moderator=moderator, locked=False, reason=reason)


def _set_locked(*, thread, moderator, locked, reason):
    check_moderator(moderator)
    if not Thread.objects.filter(pk=thread.pk).exclude(locked=locked).update(locked=locked):
        thread.refresh_from_db()
        return thread
    thread.refresh_from_db()
    log(
        instance=thread,
        action=LOCK_ACTION if locked else UNLOCK_ACTION,
        user=moderator,
        data={"reason": (reason or "").strip()[:500]},
    )
    record_event(thread=thread, kind=ThreadEvent.Kind.LOCKED if locked else ThreadEvent.Kind.UNLOCKED)
    return thread


@transaction.atomic
def flag_comment(*, comment, member, reason):
    """Flag a comment for the coordinators (once per member; flagging again updates the reason).

    Preconditions: the member can read the thread and is not the author. Flags are not broadcast;
    a new flag alerts the coordinators (bell and email, `notifications.notify_flag`).
    """
    if not can_view_thread(member, comment.thread):
        raise Http404(_("No such comment."))
    if reason not in Flag.Reason.values:
        raise ValidationError(_("Choose a reason for flagging."), code="reason")
    if comment.author_id == member.pk:
        raise PermissionDenied(_("You cannot flag your own comment."))
    flag, created = Flag.objects.get_or_create(comment=comment, member=member, defaults={"reason": reason})
    if created:
        notifications.notify_flag(flag)
    elif flag.reason != reason:
        flag.reason = reason
        flag.save(update_fields=["reason"])
    return flag


# --- Mention autocomplete --------------------------------------------------------------------

MAX_MENTION_CANDIDATES = 8
MENTION_QUERY = re.compile(r"[\w.+-]+(?:@[\w.-]*)?")


def _letter_variants():
    """Each ASCII letter with its accented spellings in both cases: "a" → "aAáÁàÀ…"."""
    variants = {letter: {letter, letter.upper()} for letter in string.ascii_lowercase}
    for code in range(0xC0, 0x250):
        char = chr(code)
        folded = fold_accents(char)
        if folded in variants:
            variants[folded] |= {char, char.upper(), char.lower()}
    return {letter: "".join(sorted(chars)) for letter, chars in variants.items()}


LETTER_VARIANTS = _letter_variants()


def _accent_insensitive_prefix(query):
    """A regular expression (understood alike by PostgreSQL and SQLite's Python `re`) matching text
    that starts with the query, whatever the accents: "mar" → "m[aáà…]r". No unaccent extension."""
    parts = []
    for char in fold_accents(query):
        if char in LETTER_VARIANTS:
            parts.append(f"[{LETTER_VARIANTS[char]}]")
        elif char.isalnum() or char == "_":
            parts.append(char)
        else:
            parts.append("\\" + char)  # . + - @: escaped the same way in both dialects
    return "".join(parts)


def mention_candidates(*, viewer, page, query):
    """The members the viewer may @mention in the page's discussion whose first name, last name (or
    a word of either) or email address starts with `query`, accents and case aside: at most 8,
    ordered by name, the viewer left out, as `{"handle", "name"}` with the handle the mention parser
    resolves to them (`notifications.mentioned_members`: the local part when no other active
    member shares it, else the whole address).

    Precondition: the viewer may read the page's discussion (`access.access_page_by_id`). Only
    members who can read it too are offered, so a draft's thread never names a member of another
    government. A fixed number of queries, plus the page type's own access rule for each match if it
    has one.
    """
    query = (query or "").strip().lstrip("@")
    if not query or not MENTION_QUERY.fullmatch(query):
        return []
    prefix = _accent_insensitive_prefix(query)
    in_a_name = rf"(^|\s){prefix}"
    matches = (
        policy.members_who_may_view(page)
        .exclude(pk=viewer.pk)
        .filter(Q(first_name__iregex=in_a_name) | Q(last_name__iregex=in_a_name) | Q(email__iregex=f"^{prefix}"))
        .order_by("last_name", "first_name", "email")
    )
    if getattr(page.specific_class, "can_discuss", None) is None:
        members = list(matches[:MAX_MENTION_CANDIDATES])
    else:
        members = list(
            itertools.islice(
                (member for member in matches.iterator() if policy.may_view(member, page)),
                MAX_MENTION_CANDIDATES,
            )
        )
    members.sort(key=lambda m: (fold_accents(m.last_name), fold_accents(m.first_name), m.email.lower()))
    return [
        {"handle": handle, "name": member.get_full_name() or member.email}
        for member, handle in zip(members, _mention_handles(members), strict=True)
        if handle is not None
    ]


def _mention_handles(members):
    """Each member's handle, or None when no mention could name them (an unusual email address)."""
    local_parts = {_local_part(member) for member in members}
    taken = Counter()
    if local_parts:
        sharing = Q()
        for local_part in local_parts:
            sharing |= Q(email__istartswith=f"{local_part}@")
        emails = get_user_model().objects.filter(sharing, is_active=True).order_by().values_list("email", flat=True)
        taken.update(email.lower().partition("@")[0] for email in emails)
    handles = []
    for member in members:
        handle = _local_part(member) if taken[_local_part(member)] == 1 else member.email
        mention = notifications.MENTION_PATTERN.fullmatch(f"@{handle}")
        handles.append(handle if mention and not handle.endswith(".") else None)
    return handles


def _local_part(member):
    return member.email.lower().partition("@")[0]
