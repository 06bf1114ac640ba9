"""Who hears about a change in a discussion: notifications, follows, @mentions, and their emails.

The `notify_*` functions are called by the services in the transaction of the change they report,
so a rolled-back comment leaves no notification behind. After commit, each recipient's member
channel is woken (their bell re-reads its unread count) and emails are handed to the task worker.
Nobody is notified (or emailed) about a thread they cannot see: the one access rule decides.

Mentions: `@` followed by a member's email address (`@maria.lopez@example.org`), or by its local
part alone (`@maria.lopez`) when exactly one active member has that local part. Letters, digits and
`. _ + -` belong to the mention; a trailing full stop does not. An `@` right after a letter or digit
is part of an email address in the text, not a mention.
"""

import re
from html import unescape

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from workspace.accounts.models import COORDINATORS_GROUP
from workspace.core.tasks import enqueue_with_transaction
from workspace.notifications.kinds import register_kind
from workspace.notifications.services import notify

from .access import policy
from .models import Comment, Follow

MENTION_PATTERN = re.compile(r"(?<![\w@.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
MAX_MENTIONS = 20


class Notice(models.TextChoices):
    """The kinds of notification a discussion sends (registered with the notifications room)."""

    REPLY = "discussions.reply", _("Reply to your comment")
    MENTION = "discussions.mention", _("Mention")
    MODERATION = "discussions.moderation", _("Moderation of your comment")
    FOLLOWED_THREAD_COMMENT = "discussions.followed_thread_comment", _("New comment in a discussion you follow")
    FLAG = "discussions.flag", _("Flagged comment")


def _may_see(member, notification):
    if notification.page_id is None:
        return False
    return policy.may_view(member, notification.page, notification.part)


def _fragment(notification):
    return f"comment-{notification.target_id}" if notification.target_id else "discussion"


def _excerpt(notification):
    comment = notification.target
    if not isinstance(comment, Comment):
        return ""
    return comment_text(comment.body) if comment.is_visible else ""


def register_notice_kinds():
    for notice in Notice:
        register_kind(
            notice.value,
            label=notice.label,
            template="discussions/notification.html",
            may_see=_may_see,
            fragment=_fragment,
            excerpt=_excerpt,
        )


# --- Mentions --------------------------------------------------------------------------------


def comment_text(body):
    """A comment's stored HTML as plain text (for mentions and emails)."""
    return unescape(strip_tags(body or "")).strip()


def mentioned_members(text):
    """The active members a text mentions, by the syntax in this module's docstring (at most 20)."""
    User = get_user_model()
    members = {}
    for token in dict.fromkeys(match.rstrip(".") for match in MENTION_PATTERN.findall(text or "")):
        if "@" in token:
            candidates = User.objects.filter(email__iexact=token, is_active=True)
        else:
            candidates = User.objects.filter(email__istartswith=f"{token}@", is_active=True)
        found = list(candidates[:2])
        if len(found) == 1:
            members[found[0].pk] = found[0]
        if len(members) >= MAX_MENTIONS:
            break
    return list(members.values())


# --- Creating notifications ------------------------------------------------------------------


def notify_about(*, recipients, kind, comment, actor=None):
    """Notify members who can read the comment's discussion (never the actor); the bell updates after commit."""
    thread = comment.thread
    return notify(recipients=recipients, kind=kind, target=comment, page=thread.page, part=thread.anchor, actor=actor)


def notify_comment_posted(comment):
    """Reply, mentions, followers: one notification per member (a mention wins over a reply, a reply
    over a followed thread). Mentioned members who want it get an email at once. The author follows
    the thread. Called by `post_comment` inside the savepoint that creates the comment."""
    thread, author = comment.thread, comment.author
    mentions = mentioned_members(comment_text(comment.body))
    sent = notify_about(recipients=mentions, kind=Notice.MENTION, comment=comment, actor=author)
    done = {n.recipient_id for n in sent} | {author.pk}
    if comment.parent_id and comment.parent.author_id not in done:
        replies = notify_about(recipients=[comment.parent.author], kind=Notice.REPLY, comment=comment)
        done |= {n.recipient_id for n in replies}
    followers = [
        follow.member
        for follow in Follow.objects.filter(thread=thread).exclude(member_id__in=done).select_related("member")
    ]
    notify_about(recipients=followers, kind=Notice.FOLLOWED_THREAD_COMMENT, comment=comment)
    follow_thread(member=author, thread=thread)
    for notification in sent:
        _enqueue("send_mention_email", notification.pk)


def notify_moderation(*, comment, moderator):
    """Tell the author their comment was hidden or restored (the page shows them the reason)."""
    notify_about(recipients=[comment.author], kind=Notice.MODERATION, comment=comment, actor=moderator)


def notify_flag(flag):
    """Alert every coordinator to a new flag: in the bell, and by email with the text and a link."""
    coordinators = get_user_model().objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
    comment = flag.comment
    notify_about(recipients=coordinators, kind=Notice.FLAG, comment=comment, actor=flag.member)
    _enqueue("send_flag_alert", flag.pk)


def _enqueue(task_name, *args):
    from . import tasks  # tasks import this module

    enqueue_with_transaction(getattr(tasks, task_name), *args)


# --- Follows ---------------------------------------------------------------------------------


def follow_thread(*, member, thread):
    """Follow a thread (idempotent). Precondition: the member can see it."""
    Follow.objects.get_or_create(member=member, thread=thread)


def unfollow_thread(*, member, thread):
    Follow.objects.filter(member=member, thread=thread).delete()


def is_following(member, thread):
    return Follow.objects.filter(member=member, thread=thread).exists()
