"""Emails about discussions, sent by the task worker (immediately in development and tests).

Each task re-reads the database and re-checks the access rule and the member's preferences when
it runs: a member who lost access to a thread, or switched the email off, gets nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from workspace.accounts.models import COORDINATORS_GROUP
from workspace.notifications.models import Notification
from workspace.notifications.services import wants_immediate_email
from workspace.notifications.tasks import send_to_member

from .access import can_view_thread, is_member
from .models import Comment, Flag
from .notifications import comment_text


def comment_url(comment):
    """An absolute link to the comment on its page."""
    page = comment.thread.page.specific_deferred
    url = page.get_full_url() or ""
    if not url.startswith("http"):
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + (page.get_url() or "/")
    return f"{url}#{comment.anchor_id}"


def moderation_queue_url():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("discussion_moderation:index")


@task()
def send_flag_alert(flag_id):
    """Email every coordinator the flagged comment's text, the reason and a link to it."""
    flag = Flag.objects.select_related("comment__thread__page", "comment__author", "member").filter(pk=flag_id).first()
    if flag is None:
        return 0
    comment = flag.comment
    context = {
        "flag": flag,
        "comment": comment,
        "text": comment_text(comment.body),
        "comment_url": comment_url(comment),
        "queue_url": moderation_queue_url(),
    }
    coordinators = get_user_model().objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
    sent = 0
    for coordinator in coordinators:
        send_to_member(
            coordinator,
            subject=lambda: gettext("A comment was flagged: %(page)s") % {"page": comment.thread.page.title},
            template="discussions/email/flag_alert.txt",
            context=context,
        )
        sent += 1
    return sent


@task()
def send_mention_email(notification_id):
    """Email a mentioned member at once, if they still can see the thread and want such emails."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id, emailed_at__isnull=True).first()
    )
    comment = notification and notification.target
    if not isinstance(comment, Comment) or not comment.is_visible:
        return False
    member = notification.recipient
    if not is_member(member) or not can_view_thread(member, comment.thread):
        return False
    if not wants_immediate_email(member):
        return False
    send_to_member(
        member,
        subject=lambda: gettext("%(author)s mentioned you in a discussion") % {"author": comment.author},
        template="discussions/email/mention.txt",
        context={"comment": comment, "text": comment_text(comment.body), "comment_url": comment_url(comment)},
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
