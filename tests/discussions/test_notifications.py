"""The notification centre: who is notified of what, mentions, follows, the bell, emails and digests."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from tests.discussions.conftest import make_thread
from tests.discussions.helpers import committed, session_cookie_for
from tests.factories import make_member
from workspace.discussions import notifications
from workspace.discussions.models import Follow
from workspace.discussions.notifications import Notice as Kind
from workspace.discussions.services import flag_comment, hide_comment, post_comment, restore_comment
from workspace.notifications import services as notification_services
from workspace.notifications import tasks as notification_tasks
from workspace.notifications.models import Notification, NotificationPreferences
from workspace.notifications.tasks import email_daily_digests, send_daily_digests


def kinds_for(member):
    return sorted(Notification.objects.filter(recipient=member).values_list("kind", flat=True))


def local_part(member):
    return member.email.split("@")[0]


# --- Who is notified ---------------------------------------------------------------------------


def test_a_reply_notifies_the_parent_author_and_posting_follows_the_thread(live_thread, participant, coordinator):
    top = post_comment(thread=live_thread, author=participant, body="First")
    assert Follow.objects.filter(member=participant, thread=live_thread).exists()

    reply = post_comment(thread=live_thread, author=coordinator, body="An answer", parent=top)

    notification = Notification.objects.get(recipient=participant)
    assert (notification.kind, notification.target, notification.page_id, notification.part) == (
        Kind.REPLY,
        reply,
        live_thread.page_id,
        "",
    )
    assert kinds_for(coordinator) == []  # nobody hears of their own comment


def test_followers_hear_of_new_comments_once_and_can_unfollow(live_thread, participant, coordinator):
    post_comment(thread=live_thread, author=participant, body="I follow now")
    other = make_member("participant")
    notifications.follow_thread(member=other, thread=live_thread)

    post_comment(thread=live_thread, author=coordinator, body="News")
    assert kinds_for(participant) == [Kind.FOLLOWED_THREAD_COMMENT]
    assert kinds_for(other) == [Kind.FOLLOWED_THREAD_COMMENT]

    notifications.unfollow_thread(member=other, thread=live_thread)
    post_comment(thread=live_thread, author=coordinator, body="More news")
    assert kinds_for(other) == [Kind.FOLLOWED_THREAD_COMMENT]
    assert len(kinds_for(participant)) == 2


def test_a_mention_wins_over_reply_and_follow_one_notification_each(live_thread, participant, coordinator):
    top = post_comment(thread=live_thread, author=participant, body="Question")
    post_comment(thread=live_thread, author=coordinator, body=f"@{local_part(participant)} see this", parent=top)
    assert kinds_for(participant) == [Kind.MENTION]


@pytest.mark.parametrize(
    ("template", "mentions"),
    [
        ("Hola @{local}, ¿qué opinas?", True),
        ("Thanks @{local}.", True),
        ("Cc @{email}", True),
        ("@{LOCAL} in capitals", True),
        ("write to {email} instead", False),  # an address in the text is not a mention
        ("@{local}x is someone else", False),
    ],
)
def test_the_mention_syntax(live_thread, participant, coordinator, template, mentions):
    body = template.format(
        local=local_part(participant), LOCAL=local_part(participant).upper(), email=participant.email
    )
    post_comment(thread=live_thread, author=coordinator, body=body)
    assert (kinds_for(participant) == [Kind.MENTION]) is mentions


def test_an_ambiguous_local_part_mentions_nobody(live_thread, coordinator):
    from workspace.accounts.services import add_member

    one = add_member(email="ana@gob.gt", role="participant")
    two = add_member(email="ana@gob.hn", role="participant")
    post_comment(thread=live_thread, author=coordinator, body="@ana hello")
    assert kinds_for(one) == kinds_for(two) == []
    post_comment(thread=live_thread, author=coordinator, body="@ana@gob.hn hello")
    assert kinds_for(two) == [Kind.MENTION] and kinds_for(one) == []


def test_no_notification_or_email_for_a_member_who_cannot_see_the_thread(
    draft_thread, focal_point_gt, focal_point_hn, participant
):
    notifications.follow_thread(member=participant, thread=draft_thread)  # e.g. when the page was live
    body = f"@{local_part(focal_point_hn)} and @{local_part(participant)}: internal draft"
    committed(post_comment, thread=draft_thread, author=focal_point_gt, body=body)
    assert kinds_for(focal_point_hn) == [] and kinds_for(participant) == []
    assert mail.outbox == []


def test_a_rejected_comment_leaves_no_notification(live_thread, participant, coordinator):
    from django.core.exceptions import ValidationError

    post_comment(thread=live_thread, author=participant, body="I follow")
    with pytest.raises(ValidationError):
        post_comment(thread=live_thread, author=coordinator, body="")
    assert kinds_for(participant) == []


def test_an_idempotent_retry_notifies_once(live_thread, participant, coordinator):
    top = post_comment(thread=live_thread, author=participant, body="First")
    for _ in range(2):
        post_comment(thread=live_thread, author=coordinator, body="Reply", parent=top, idempotency_key="k1")
    assert kinds_for(participant) == [Kind.REPLY]


def test_hide_and_restore_notify_the_author(live_thread, participant, coordinator):
    comment = post_comment(thread=live_thread, author=participant, body="Too much")
    hide_comment(comment=comment, moderator=coordinator, reason="Off-topic")
    restore_comment(comment=comment, moderator=coordinator)
    assert kinds_for(participant) == [Kind.MODERATION, Kind.MODERATION]


def test_a_new_flag_alerts_every_coordinator_in_app_and_by_email(live_thread, participant, coordinator):
    other_coordinator = make_member("coordinator", language="en")
    flagger = make_member("participant")
    comment = post_comment(thread=live_thread, author=participant, body="Buy cheap watches at example.com")

    committed(flag_comment, comment=comment, member=flagger, reason="spam")

    assert kinds_for(coordinator) == kinds_for(other_coordinator) == [Kind.FLAG]
    assert sorted(message.to[0] for message in mail.outbox) == sorted([coordinator.email, other_coordinator.email])
    english = next(message for message in mail.outbox if message.to == [other_coordinator.email])
    assert "Buy cheap watches at example.com" in english.body
    assert "Spam" in english.body and english.subject.startswith("A comment was flagged")
    assert f"#comment-{comment.pk}" in english.body
    assert reverse("discussion_moderation:index") in english.body

    # Flagging again (another reason) does not alert again.
    committed(flag_comment, comment=comment, member=flagger, reason="offensive")
    assert len(mail.outbox) == 2 and kinds_for(coordinator) == [Kind.FLAG]


# --- Emails ------------------------------------------------------------------------------------


def test_a_mention_is_emailed_at_once_unless_switched_off(live_thread, participant, coordinator):
    committed(post_comment, thread=live_thread, author=coordinator, body=f"@{local_part(participant)} look")
    assert [message.to for message in mail.outbox] == [[participant.email]]
    assert "look" in mail.outbox[0].body and Notification.objects.get(recipient=participant).emailed_at

    NotificationPreferences.objects.create(member=participant, email_mentions=False)
    committed(post_comment, thread=live_thread, author=coordinator, body=f"@{local_part(participant)} again")
    assert len(mail.outbox) == 1
    assert kinds_for(participant) == [Kind.MENTION, Kind.MENTION]  # still in the bell


def test_the_daily_digest_sends_unread_notifications_once_in_the_members_language(live_thread, coordinator):
    english = make_member("participant", language="en")
    spanish = make_member("participant", language="es")
    quiet = make_member("participant")
    NotificationPreferences.objects.create(member=quiet, daily_digest=False)
    for member in (english, spanish, quiet):
        post_comment(thread=live_thread, author=member, body="Following")
    Notification.objects.all().delete()
    old = post_comment(thread=live_thread, author=coordinator, body="Yesterday's news")
    Notification.objects.about(old).update(created=timezone.now() - timedelta(days=2))
    post_comment(thread=live_thread, author=coordinator, body="Today's news")
    Notification.objects.filter(recipient=spanish).update(read_at=timezone.now())
    spanish_unread = post_comment(thread=live_thread, author=english, body="Reply for the Spanish reader")
    assert Notification.objects.filter(recipient=spanish).about(spanish_unread).exists()
    Notification.objects.filter(recipient=coordinator).update(read_at=timezone.now())  # follows since posting

    languages = {}
    real_send_mail = notification_tasks.send_mail

    def send_mail_recording_language(subject, body, sender, recipients):
        languages[recipients[0]] = translation.get_language()
        return real_send_mail(subject, body, sender, recipients)

    with mock.patch.object(notification_tasks, "send_mail", side_effect=send_mail_recording_language):
        assert email_daily_digests() == 2
    assert languages == {english.email: "en", spanish.email: "es"}
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {english.email, spanish.email}
    assert "Today's news" in by_recipient[english.email].body
    assert "Yesterday's news" not in by_recipient[english.email].body
    assert "You have 1 unread notification" in by_recipient[english.email].body
    assert "Reply for the Spanish reader" in by_recipient[spanish.email].body
    assert "Today's news" not in by_recipient[spanish.email].body  # read already

    mail.outbox.clear()
    send_daily_digests.enqueue()
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []  # nothing is sent twice


def test_the_digest_never_quotes_a_comment_hidden_since(live_thread, participant, coordinator):
    post_comment(thread=live_thread, author=participant, body="Following")
    bad = post_comment(thread=live_thread, author=coordinator, body="Secret salary figures")
    hide_comment(comment=bad, moderator=coordinator, reason="Confidential")
    Notification.objects.filter(recipient=participant).exclude(pk__in=Notification.objects.about(bad)).delete()
    assert email_daily_digests() == 1
    assert "Secret salary figures" not in mail.outbox[0].body


# --- The notification centre and the bell --------------------------------------------------------


def test_the_notification_page_lists_marks_read_and_paginates(client_for, live_thread, participant, coordinator):
    client = client_for(participant)
    client.cookies["django_language"] = "en"  # unprefixed URLs follow the language cookie
    assert "No notifications yet" in client.get(reverse("notifications:list")).content.decode()

    post_comment(thread=live_thread, author=participant, body="Following")
    for number in range(25):
        post_comment(thread=live_thread, author=make_member("participant"), body=f"News {number}")

    html = client.get(reverse("notifications:list")).content.decode()
    assert "News 24" in html and "News 5" in html and "News 4" not in html
    assert 'rel="next" href="?page=2"' in html
    assert "News 4" in client.get(reverse("notifications:list") + "?page=2").content.decode()

    first = Notification.objects.filter(recipient=participant).order_by("created", "pk").first()
    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{first.target_id}")
    first.refresh_from_db()
    assert first.read_at is not None
    assert notification_services.unread_count(participant.pk) == 24

    client.post(reverse("notifications:read_all"))
    assert notification_services.unread_count(participant.pk) == 0


def test_the_bell_shows_the_unread_count(client_for, live_thread, participant, coordinator):
    client = client_for(participant)
    post_comment(thread=live_thread, author=participant, body="Following")
    post_comment(thread=live_thread, author=coordinator, body="One")
    post_comment(thread=live_thread, author=coordinator, body="Two")
    html = client.get(reverse("notifications:list")).content.decode()
    assert re.search(r'data-unread-count aria-hidden="true">2</span>', html)
    assert "js/notifications.js" in html
    client.post(reverse("notifications:read_all"))
    html = client.get(reverse("notifications:list")).content.decode()
    assert re.search(r'data-unread-count aria-hidden="true" hidden>0</span>', html)


def test_follow_and_unfollow_endpoints(client_for, live_thread, participant):
    client = client_for(participant)
    client.post(reverse("discussions:follow", args=[live_thread.pk]))
    assert notifications.is_following(participant, live_thread)
    response = client.post(reverse("discussions:unfollow", args=[live_thread.pk]), HTTP_ACCEPT="application/json")
    assert response.json()["following"] is False
    assert not notifications.is_following(participant, live_thread)


def test_preferences_are_saved_from_the_notification_page(client_for, participant):
    client_for(participant).post(reverse("notifications:preferences"), {"daily_digest": "on"})
    preferences = NotificationPreferences.objects.get(member=participant)
    assert (preferences.email_mentions, preferences.daily_digest) == (False, True)


# --- Live unread count over the member's channel ---------------------------------------------------


@pytest.mark.usefixtures("sockets_in_test_transaction")
def test_the_unread_count_is_pushed_live_after_commit(live_page, participant, coordinator):
    from channels.testing import WebsocketCommunicator

    from tests.discussions.helpers import ORIGIN
    from workspace.asgi import application

    thread = make_thread(live_page)
    post_comment(thread=thread, author=participant, body="Following")

    async def scenario():
        from asgiref.sync import sync_to_async

        comm = WebsocketCommunicator(
            application, "/ws/me/", headers=[ORIGIN, (b"cookie", await sync_to_async(session_cookie_for)(participant))]
        )
        connected, _ = await comm.connect()
        assert connected
        assert (await comm.receive_json_from())["type"] == "hello"
        assert await comm.receive_json_from() == {"type": "notifications", "unread": 0}
        await sync_to_async(committed)(post_comment, thread=thread, author=coordinator, body="Live")
        assert await comm.receive_json_from(timeout=2) == {"type": "notifications", "unread": 1}
        await sync_to_async(committed)(notification_services.mark_read, member=participant)
        assert await comm.receive_json_from(timeout=2) == {"type": "notifications", "unread": 0}
        await comm.disconnect()

    async_to_sync(scenario)()


def test_the_member_socket_beats_with_the_count_and_closes_once_the_member_is_deactivated(participant, settings):
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth import get_user_model

    from tests.discussions.helpers import ORIGIN
    from workspace.asgi import application

    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    cookie = session_cookie_for(participant)

    def deactivate_without_telling_the_sockets():
        get_user_model().objects.filter(pk=participant.pk).update(is_active=False)

    async def scenario():
        from asgiref.sync import sync_to_async

        comm = WebsocketCommunicator(application, "/ws/me/", headers=[ORIGIN, (b"cookie", cookie)])
        connected, _ = await comm.connect()
        assert connected
        assert (await comm.receive_json_from())["type"] == "hello"
        assert await comm.receive_json_from() == {"type": "notifications", "unread": 0}
        # Nothing happened, yet the count comes again: the client knows the socket is alive.
        assert await comm.receive_json_from(timeout=2) == {"type": "notifications", "unread": 0}
        await sync_to_async(deactivate_without_telling_the_sockets)()
        output = await comm.receive_output(timeout=2)
        while output["type"] != "websocket.close":
            output = await comm.receive_output(timeout=2)
        assert output["code"] == 4401
        await comm.disconnect()

    async_to_sync(scenario)()


def test_with_the_database_task_backend_the_email_is_queued_in_the_comments_own_transaction(
    live_thread, participant, coordinator, settings
):
    """A database fault between the commit and a later enqueue once left a notice without its email."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    emails = DBTaskResult.objects.filter(task_path__endswith="send_mention_email")

    with pytest.raises(RuntimeError), transaction.atomic():
        post_comment(thread=live_thread, author=coordinator, body=f"@{local_part(participant)} rolled back")
        assert emails.count() == 1  # written before the commit, with the notice
        raise RuntimeError
    assert emails.count() == 0 and kinds_for(participant) == []  # neither survives a rollback

    committed(post_comment, thread=live_thread, author=coordinator, body=f"@{local_part(participant)} kept")
    notice = Notification.objects.get(recipient=participant)
    assert [row.args_kwargs["args"] for row in emails] == [[notice.pk]]
    assert mail.outbox == []  # the worker sends it
