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
from datetime import timedelta
from html import unescape

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from workspace.accounts.models import COORDINATORS_GROUP

from .access import can_view_thread, is_member
from .models import Follow, Notification, NotificationPreferences

MENTION_PATTERN = re.compile(r"(?<![\w@.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
MAX_MENTIONS = 20
DIGEST_PERIOD = timedelta(days=1)


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


def notify(*, recipients, kind, thread, comment=None, actor=None):
    """Notify members who can see the thread (never the actor); the bell updates after commit."""
    seen = set()
    notifications = []
    for member in recipients:
        if member.pk in seen or (actor is not None and member.pk == actor.pk):
            continue
        seen.add(member.pk)
        if is_member(member) and can_view_thread(member, thread):
            notifications.append(Notification(recipient=member, kind=kind, thread=thread, comment=comment))
    Notification.objects.bulk_create(notifications)
    for notification in notifications:
        push_unread_count(notification.recipient_id)
    return notifications


def notify_comment_posted(comment):
    """Reply, mentions, followers: one notification per member (a mention wins over a reply, a reply
    over a followed thread). Mentioned members who want it get an email at once. The author follows
    the thread. Called by `post_comment` inside the savepoint that creates the comment."""
    thread, author = comment.thread, comment.author
    mentions = mentioned_members(comment_text(comment.body))
    sent = notify(recipients=mentions, kind=Notification.Kind.MENTION, thread=thread, comment=comment, actor=author)
    done = {n.recipient_id for n in sent} | {author.pk}
    if comment.parent_id and comment.parent.author_id not in done:
        replies = notify(
            recipients=[comment.parent.author], kind=Notification.Kind.REPLY, thread=thread, comment=comment
        )
        done |= {n.recipient_id for n in replies}
    followers = [
        follow.member
        for follow in Follow.objects.filter(thread=thread).exclude(member_id__in=done).select_related("member")
    ]
    notify(recipients=followers, kind=Notification.Kind.FOLLOWED_THREAD_COMMENT, thread=thread, comment=comment)
    follow_thread(member=author, thread=thread)
    for notification in sent:
        _enqueue_on_commit("send_mention_email", notification.pk)


def notify_moderation(*, comment, moderator):
    """Tell the author their comment was hidden or restored (the page shows them the reason)."""
    notify(
        recipients=[comment.author],
        kind=Notification.Kind.MODERATION,
        thread=comment.thread,
        comment=comment,
        actor=moderator,
    )


def notify_flag(flag):
    """Alert every coordinator to a new flag: in the bell, and by email with the text and a link."""
    coordinators = get_user_model().objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
    comment = flag.comment
    notify(
        recipients=coordinators, kind=Notification.Kind.FLAG, thread=comment.thread, comment=comment, actor=flag.member
    )
    _enqueue_on_commit("send_flag_alert", flag.pk)


def _enqueue_on_commit(task_name, *args):
    from . import tasks  # tasks import this module

    transaction.on_commit(lambda: getattr(tasks, task_name).enqueue(*args))


# --- Follows ---------------------------------------------------------------------------------


def follow_thread(*, member, thread):
    """Follow a thread (idempotent). Precondition: the member can see it."""
    Follow.objects.get_or_create(member=member, thread=thread)


def unfollow_thread(*, member, thread):
    Follow.objects.filter(member=member, thread=thread).delete()


def is_following(member, thread):
    return Follow.objects.filter(member=member, thread=thread).exists()


# --- Reading -------------------------------------------------------------------------------


def unread_count(member_id):
    return Notification.objects.filter(recipient_id=member_id).unread().count()


def mark_read(*, member, notification_ids=None):
    """Mark the member's notifications read (all of them when no ids are given); the bell updates."""
    queryset = Notification.objects.filter(recipient=member).unread()
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    changed = queryset.update(read_at=timezone.now())
    if changed:
        push_unread_count(member.pk)
    return changed


def push_unread_count(member_id):
    """After commit, wake the member's channel: their consumer reads the count from the database."""
    from .consumers import member_group_name
    from .services import broadcast  # services call this module

    group_name = member_group_name(member_id)
    transaction.on_commit(lambda: broadcast(group_name, {"type": "member.notifications"}))


# --- Email ---------------------------------------------------------------------------------


def wants_email(member, kind):
    preferences = NotificationPreferences.for_member(member)
    return preferences.email_mentions if kind == Notification.Kind.MENTION else preferences.daily_digest


def digest_notifications(member, *, now=None):
    """The member's unread, not yet emailed notifications of the last day, on threads they can see."""
    now = now or timezone.now()
    notifications = (
        Notification.objects.filter(recipient=member, emailed_at__isnull=True, created__gte=now - DIGEST_PERIOD)
        .unread()
        .for_listing()
        .order_by("created", "pk")
    )
    return [notification for notification in notifications if can_view_thread(member, notification.thread)]


def digest_recipients():
    """Active members with unread notifications and the digest switched on (the default)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, discussion_notifications__read_at__isnull=True)
        .exclude(discussion_preferences__daily_digest=False)
        .distinct()
    )
