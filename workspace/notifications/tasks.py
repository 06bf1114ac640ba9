"""Emails about notifications, sent by the task worker (immediately in development and tests).

Each task re-reads the database and asks the kind's rule and the member's preferences when it
runs: a member who lost access, or switched the email off, gets nothing. Each notification goes
in at most one email (it is marked emailed), so running a task twice is harmless.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from workspace.core.pages import is_member

from .models import Notification
from .services import digest_notifications, digest_recipients, excerpt, may_see, target_url


def send_to_member(member, *, subject, template, context):
    """One email in the member's language; `subject` is a callable, evaluated in that language."""
    with translation.override(member.preferred_language or settings.LANGUAGE_CODE):
        body = render_to_string(template, {"member": member, **context})
        send_mail(str(subject()), body, None, [member.email])


def notifications_url():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("notifications:list")


@task()
def send_notification_email(notification_id):
    """Email one notice at once (a workflow decision): once, only if the member may still open it."""
    notification = (
        Notification.objects.select_related("recipient", "page", "actor")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not is_member(notification.recipient):
        return False
    member = notification.recipient
    if not may_see(member, notification):
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False  # a concurrent run sent it
    send_to_member(
        member,
        subject=lambda: f"{notification.kind_label} · {notification.page.title if notification.page_id else ''}".strip(
            " ·"
        ),
        template="notifications/email/notice.txt",
        context={
            "notification": notification,
            "url": target_url(notification),
            "excerpt": excerpt(notification),
            "notifications_url": notifications_url(),
        },
    )
    return True


def email_daily_digests(*, now=None):
    """Email each member (digest on) their unread notices of the last day, in their language.

    Returns the number of emails sent.
    """
    now = now or timezone.now()
    sent = 0
    for member in digest_recipients():
        notifications = digest_notifications(member, now=now)
        if not notifications:
            continue
        for notification in notifications:
            # What was hidden or deleted since is named, never quoted (the kind's excerpt decides).
            notification.text = excerpt(notification)
            notification.url = target_url(notification)
        send_to_member(
            member,
            subject=lambda: gettext("Your workspace today"),
            template="notifications/email/digest.txt",
            context={"notifications": notifications, "notifications_url": notifications_url()},
        )
        Notification.objects.filter(Q(pk__in=[n.pk for n in notifications])).update(emailed_at=now)
        sent += 1
    return sent


@task()
def send_daily_digests():
    """The daily digest for the task worker's scheduler (the `send_digests` command does the same)."""
    return email_daily_digests()
