"""Writing and reading notices. Every room notifies through `notify`; the bell updates after commit.

`notify` is called by a room's service inside the transaction of the change it reports, so a
rolled-back change notifies nobody. The caller decides who should hear of it; `notify` drops the
actor, inactive members and anyone the kind's rule (default: the page rule) says may not see it.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.http import urlencode

from workspace.core.pages import can_view_page, is_member
from workspace.live.groups import member_group
from workspace.live.sender import send_on_commit

from .kinds import kind_of
from .models import Notification, NotificationPreferences

DIGEST_PERIOD = timedelta(days=1)


def notify(*, recipients, kind, target=None, page=None, part="", actor=None, data=None):
    """Notify each recipient once (never the actor); returns the notifications written.

    `target`: the object it is about (a page when `page` is not given, or any model instance);
    `page`: where it happened (defaults to `target` when that is a page); `part`: an anchor on it.
    """
    from wagtail.models import Page

    if page is None and isinstance(target, Page):
        page = target
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    seen = set()
    notifications = []
    for member in recipients:
        if member.pk in seen or (actor is not None and member.pk == actor.pk):
            continue
        seen.add(member.pk)
        notification = Notification(
            recipient=member,
            kind=kind,
            page=page,
            part=part or "",
            target_type=target_type,
            target_id=target.pk if target is not None else None,
            actor=actor,
            data=data or {},
        )
        notification.target = target
        if is_member(member) and may_see(member, notification):
            notifications.append(notification)
    Notification.objects.bulk_create(notifications)
    for notification in notifications:
        push_unread_count(notification.recipient_id)
    return notifications


def may_see(member, notification):
    """May the member still open what the notice is about? The kind's rule, else the page rule."""
    rule = kind_of(notification.kind).may_see
    if rule is not None:
        return bool(rule(member, notification))
    if notification.page_id is None:
        return is_member(member)
    return can_view_page(member, notification.page)


def target_url(notification, request=None):
    """Where opening the notice leads: its page at the kind's fragment (or the part), absolute without a request."""
    page = notification.page.specific_deferred if notification.page_id else None
    if page is None:
        target = notification.target
        return target.get_absolute_url() if hasattr(target, "get_absolute_url") else "/"
    url = page.get_url(request) if request is not None else page.get_full_url()
    if request is None and not (url or "").startswith("http"):
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + (page.get_url() or "/")
    kind = kind_of(notification.kind)
    fragment = kind.fragment(notification) if kind.fragment else notification.part
    if notification.part and kind.fragment:
        # A notice about something inside a part's discussion (a comment): a page with many parts
        # shows a part's discussion on demand, and this opens it.
        url = f"{url}{'&' if '?' in url else '?'}{urlencode({'discuss': notification.part})}"
    return f"{url}#{fragment}" if fragment else url


def excerpt(notification):
    kind = kind_of(notification.kind)
    return kind.excerpt(notification) if kind.excerpt else ""


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
    """After commit, wake the member's bell: its socket reads the count from the database."""
    send_on_commit(member_group(member_id), {"type": "member.notifications"})


# --- Email preferences and the daily digest ------------------------------------------------------


def wants_immediate_email(member):
    return NotificationPreferences.for_member(member).email_mentions


def wants_digest(member):
    return NotificationPreferences.for_member(member).daily_digest


def digest_notifications(member, *, now=None):
    """The member's unread, not yet emailed notices of the last day that they may still open."""
    now = now or timezone.now()
    notifications = (
        Notification.objects.filter(recipient=member, emailed_at__isnull=True, created__gte=now - DIGEST_PERIOD)
        .unread()
        .for_listing()
        .order_by("created", "pk")
    )
    return [notification for notification in notifications if may_see(member, notification)]


def digest_recipients():
    """Active members with unread notifications and the digest switched on (the default)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, notifications__read_at__isnull=True)
        .exclude(notification_preferences__daily_digest=False)
        .distinct()
    )
