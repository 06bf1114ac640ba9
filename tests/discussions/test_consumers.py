"""The thread websocket: who may connect, replay without gaps or duplicates, live events, limits.

Scenarios run with `async_to_sync` inside the test's transaction (see `sockets_in_test_transaction`);
tests/discussions/test_transactions.py repeats the essentials with real commits.
"""

import asyncio
from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import TestCase

from tests.discussions.conftest import make_thread
from tests.discussions.helpers import (
    ORIGIN,
    XSS_PAYLOADS,
    assert_clean_comment_html,
    comment_bodies,
    committed,
    communicator,
    session_cookie_for,
)
from tests.factories import make_member
from workspace.asgi import application
from workspace.discussions import consumers, services
from workspace.discussions.models import Comment

pytestmark = pytest.mark.usefixtures("sockets_in_test_transaction")


def run(scenario):
    async_to_sync(scenario)()


async def next_of(comm, *types, timeout=2):
    """The next message of one of these types, skipping presence and typing noise."""
    while True:
        message = await comm.receive_json_from(timeout=timeout)
        if message["type"] in types:
            return message


async def connected(comm):
    ok, code = await comm.connect()
    assert ok, code
    hello = await comm.receive_json_from()
    assert hello["type"] == "hello"
    return hello


def post(**kwargs):
    return sync_to_async(committed)(services.post_comment, **kwargs)


async def close_code(comm):
    output = await comm.receive_output(timeout=2)
    while output["type"] != "websocket.close":
        output = await comm.receive_output(timeout=2)
    return output["code"]


# --- Who may connect -------------------------------------------------------------------------


def test_an_anonymous_socket_is_closed_with_4401(live_thread):
    async def scenario():
        comm = communicator(live_thread.pk)
        assert await comm.connect() == (False, 4401)

    run(scenario)


@pytest.mark.parametrize(
    "origin",
    [(b"origin", b"https://evil.example.com"), (b"origin", b"null"), None],
    ids=["foreign origin", "null origin", "no origin"],
)
def test_a_socket_from_elsewhere_is_refused(live_thread, participant, origin):
    cookie = session_cookie_for(participant)

    async def scenario():
        ok, _ = await communicator(live_thread.pk, cookie, origin=origin).connect()
        assert not ok

    run(scenario)


def test_a_member_without_access_to_a_draft_is_refused_with_4403(draft_thread, focal_point_hn, focal_point_gt):
    stranger, owner = session_cookie_for(focal_point_hn), session_cookie_for(focal_point_gt)

    async def scenario():
        assert await communicator(draft_thread.pk, stranger).connect() == (False, 4403)
        comm = communicator(draft_thread.pk, owner)
        await connected(comm)
        await comm.disconnect()

    run(scenario)


def test_a_missing_thread_is_4404_and_a_bad_after_is_4400(participant, live_thread):
    cookie = session_cookie_for(participant)

    async def scenario():
        assert await communicator(999999, cookie).connect() == (False, 4404)
        assert await communicator(live_thread.pk, cookie, query="after=-3").connect() == (False, 4400)
        assert await communicator(live_thread.pk, cookie, query="after=abc").connect() == (False, 4400)

    run(scenario)


# --- Live events and replay ------------------------------------------------------------------


def test_two_clients_both_receive_a_post(live_thread, participant, coordinator, focal_point_gt):
    cookies = [session_cookie_for(participant), session_cookie_for(coordinator)]

    async def scenario():
        comms = [communicator(live_thread.pk, cookie) for cookie in cookies]
        for comm in comms:
            assert (await connected(comm))["sequence"] == 0
        comment = await post(thread=live_thread, author=focal_point_gt, body="Hello, both")
        for comm in comms:
            event = await next_of(comm, "event")
            assert (event["sequence"], event["kind"], event["comment_id"]) == (1, "posted", comment.pk)
            assert "Hello, both" in event["html"] and f'id="comment-{comment.pk}"' in event["html"]
            await comm.disconnect()

    run(scenario)


@pytest.mark.parametrize("when", ["before the replay reads", "after the replay reads"])
def test_replay_from_a_sequence_has_no_gap_and_no_duplicate_while_posts_arrive(live_thread, participant, when):
    for number in range(1, 4):
        services.post_comment(thread=live_thread, author=participant, body=f"Comment {number}")
    cookie = session_cookie_for(participant)
    real_events_after = consumers.events_after
    calls = []

    def events_after_with_a_post_racing(**kwargs):
        racing = not calls
        calls.append(kwargs["after"])
        if racing and when.startswith("before"):
            committed(services.post_comment, thread=live_thread, author=participant, body="Racing")
        result = real_events_after(**kwargs)
        if racing and when.startswith("after"):
            committed(services.post_comment, thread=live_thread, author=participant, body="Racing")
        return result

    async def scenario():
        comm = communicator(live_thread.pk, cookie, after=1)
        with mock.patch.object(consumers, "events_after", events_after_with_a_post_racing):
            await connected(comm)
            received = []
            while len(received) < 3:
                received.append(await next_of(comm, "event"))
            await asyncio.sleep(0.2)
        assert [event["sequence"] for event in received] == [2, 3, 4]
        assert "Racing" in received[-1]["html"]
        while not await comm.receive_nothing(timeout=0.1):
            assert (await comm.receive_json_from())["type"] != "event"
        await comm.disconnect()

    run(scenario)


def test_without_after_the_socket_starts_live(live_thread, participant):
    services.post_comment(thread=live_thread, author=participant, body="Old news")
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = communicator(live_thread.pk, cookie)
        assert (await connected(comm))["sequence"] == 1
        await post(thread=live_thread, author=participant, body="Fresh")
        assert (await next_of(comm, "event"))["sequence"] == 2
        await comm.disconnect()

    run(scenario)


def test_the_heartbeat_carries_the_latest_sequence_and_fills_a_dropped_broadcast(live_thread, participant, settings):
    settings.DISCUSSIONS_HEARTBEAT_SECONDS = 0.2
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = communicator(live_thread.pk, cookie, after=0)
        await connected(comm)
        beat = await next_of(comm, "heartbeat")
        assert beat == {"type": "heartbeat", "sequence": 0, "present": 1}
        # The channel layer loses the broadcast (at-most-once); the heartbeat still delivers it.
        with mock.patch.object(services, "broadcast"):
            await post(thread=live_thread, author=participant, body="Dropped broadcast")
        event = await next_of(comm, "event")
        assert event["sequence"] == 1
        assert (await next_of(comm, "heartbeat"))["sequence"] == 1
        await comm.disconnect()

    run(scenario)


def test_hostile_comments_reach_the_socket_clean(live_thread, participant, settings):
    settings.DISCUSSIONS_RATE_LIMITS = ()
    for number, payload in enumerate(XSS_PAYLOADS):
        services.post_comment(
            thread=live_thread, author=participant, body=f"Hola {payload}", idempotency_key=str(number)
        )
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = communicator(live_thread.pk, cookie, after=0)
        await connected(comm)
        for _ in XSS_PAYLOADS:
            html = (await next_of(comm, "event"))["html"]
            [body] = comment_bodies(html)
            assert_clean_comment_html(body)
            assert "onerror" not in html.lower() and "javascript:" not in html.lower()
        await comm.disconnect()

    run(scenario)


def test_moderation_and_locking_are_live(live_thread, participant, coordinator):
    comment = services.post_comment(thread=live_thread, author=coordinator, body="Secret phone number")
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = communicator(live_thread.pk, cookie)
        await connected(comm)
        await sync_to_async(committed)(services.hide_comment, comment=comment, moderator=coordinator, reason="Privacy")
        event = await next_of(comm, "event")
        assert (event["kind"], event["comment_id"]) == ("hidden", comment.pk)
        assert "Secret phone number" not in event["html"] and "comment__placeholder" in event["html"]
        await sync_to_async(committed)(services.lock_thread, thread=live_thread, moderator=coordinator)
        event = await next_of(comm, "event")
        assert (event["kind"], event["comment_id"], event["locked"]) == ("locked", None, True)
        await comm.disconnect()

    run(scenario)


def test_a_failing_channel_layer_keeps_the_comment_and_a_reconnect_catches_up(live_thread, participant, client_for):
    from django.urls import reverse

    broken = mock.Mock(group_send=mock.AsyncMock(side_effect=ConnectionError("Redis is down")))
    client = client_for(participant)
    with (
        mock.patch.object(services, "get_channel_layer", return_value=broken),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        response = client.post(
            reverse("discussions:post", args=[live_thread.page_id]), {"body": "Saved"}, HTTP_ACCEPT="application/json"
        )
    assert response.status_code == 201 and broken.group_send.await_count == 1
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = communicator(live_thread.pk, cookie, after=0)
        await connected(comm)
        event = await next_of(comm, "event")
        assert event["sequence"] == 1 and "Saved" in event["html"]
        await comm.disconnect()

    run(scenario)
    assert Comment.objects.filter(body="<p>Saved</p>").exists()


# --- Presence and typing ---------------------------------------------------------------------


def test_presence_counts_members_and_typing_is_throttled(live_thread, participant, coordinator, settings):
    settings.DISCUSSIONS_PRESENCE_SECONDS = 0
    first, second = session_cookie_for(participant), session_cookie_for(coordinator)

    async def scenario():
        a = communicator(live_thread.pk, first)
        await connected(a)
        assert (await next_of(a, "presence"))["count"] == 1
        b = communicator(live_thread.pk, second)
        await connected(b)
        assert (await next_of(b, "presence"))["count"] == 2
        assert (await next_of(a, "presence"))["count"] == 2
        for _ in range(3):
            await a.send_json_to({"type": "typing"})
        typing = await next_of(b, "typing")
        assert typing["user_id"] == participant.pk and typing["name"] == str(participant)
        assert await b.receive_nothing(timeout=0.3)
        assert await a.receive_nothing(timeout=0.1)  # nobody hears their own typing
        await b.disconnect()
        assert (await next_of(a, "presence"))["count"] == 1
        await a.disconnect()

    run(scenario)


def test_presence_changes_within_the_window_are_announced_once_with_the_settled_count(
    live_thread, participant, coordinator, settings
):
    settings.DISCUSSIONS_PRESENCE_SECONDS = 1.5
    members = [participant, coordinator, make_member("participant"), make_member("participant")]
    cookies = [session_cookie_for(member) for member in members]

    async def presences(comm, within):
        seen = []
        while not await comm.receive_nothing(timeout=within):
            message = await comm.receive_json_from()
            if message["type"] == "presence":
                seen.append(message["count"])
        return seen

    async def scenario():
        first = communicator(live_thread.pk, cookies[0])
        await connected(first)
        others = [communicator(live_thread.pk, cookie) for cookie in cookies[1:]]
        for number, comm in enumerate(others, start=2):
            await connected(comm)
            # A joining socket hears the count at once.
            assert (await next_of(comm, "presence"))["count"] == number
        # The first socket hears one announcement per window, not one per join: the count settles at 4.
        heard = await presences(first, within=2)
        assert heard[-1] == 4
        assert len(heard) < 3  # one per join would be [2, 3, 4]
        for comm in others:
            await comm.disconnect()
        assert (await presences(first, within=2))[-1] == 1
        await first.disconnect()

    run(scenario)


# --- Limits ----------------------------------------------------------------------------------


def test_a_frame_too_big_closes_with_4413(live_thread, participant, settings):
    settings.DISCUSSIONS_WS_MAX_FRAME_BYTES = 100
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = communicator(live_thread.pk, cookie)
        await connected(comm)
        await comm.send_to(text_data='{"type": "typing", "padding": "' + "x" * 200 + '"}')
        assert await close_code(comm) == 4413
        await comm.disconnect()

    run(scenario)


def test_too_many_messages_close_with_4429_and_junk_with_4400(live_thread, participant, settings):
    settings.DISCUSSIONS_WS_MESSAGES_PER_SECOND = 1
    settings.DISCUSSIONS_WS_MESSAGE_BURST = 3
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = communicator(live_thread.pk, cookie)
        await connected(comm)
        for _ in range(4):
            await comm.send_json_to({"type": "ping"})
        assert await close_code(comm) == 4429
        await comm.disconnect()
        comm = communicator(live_thread.pk, cookie)
        await connected(comm)
        await comm.send_to(text_data="not json")
        assert await close_code(comm) == 4400
        await comm.disconnect()

    run(scenario)


def test_a_member_has_a_limited_number_of_sockets(live_thread, participant, coordinator, settings):
    settings.DISCUSSIONS_WS_MAX_SOCKETS_PER_MEMBER = 2
    cookie, other = session_cookie_for(participant), session_cookie_for(coordinator)

    async def scenario():
        comms = [communicator(live_thread.pk, cookie) for _ in range(2)]
        for comm in comms:
            await connected(comm)
        assert await communicator(live_thread.pk, cookie).connect() == (False, 4429)
        someone_else = communicator(live_thread.pk, other)
        await connected(someone_else)  # the limit is per member
        await comms[0].disconnect()
        again = communicator(live_thread.pk, cookie)
        await connected(again)  # a closed socket frees its place
        for comm in (comms[1], someone_else, again):
            await comm.disconnect()

    run(scenario)


def test_a_member_who_loses_access_is_disconnected(draft_thread, focal_point_gt, settings):
    settings.DISCUSSIONS_HEARTBEAT_SECONDS = 0.2
    member = make_member("focal_point", government_code="GT")
    cookie = session_cookie_for(member)

    def move_out_of_gt():
        from django.contrib.auth.models import Group

        member.groups.set([Group.objects.get(name="Participants")])

    async def scenario():
        comm = communicator(draft_thread.pk, cookie)
        await connected(comm)
        await sync_to_async(move_out_of_gt)()
        assert await close_code(comm) == 4403
        await comm.disconnect()

    run(scenario)


def test_threads_are_separate_groups(live_page, participant):
    one, two = make_thread(live_page, anchor="agenda-1"), make_thread(live_page, anchor="agenda-2")
    assert one.group_name != two.group_name
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = communicator(one.pk, cookie)
        await connected(comm)
        await post(thread=two, author=participant, body="Elsewhere")
        await asyncio.sleep(0.2)
        while not await comm.receive_nothing(timeout=0.1):
            assert (await comm.receive_json_from())["type"] != "event"
        await comm.disconnect()

    run(scenario)


def test_over_the_rate_limit_the_members_own_panels_get_an_error_event_and_nobody_elses(
    live_thread, participant, coordinator, settings
):
    settings.DISCUSSIONS_RATE_LIMITS = ((60, 1),)
    own_cookie, other_cookie = session_cookie_for(participant), session_cookie_for(coordinator)

    async def scenario():
        own, other = communicator(live_thread.pk, own_cookie), communicator(live_thread.pk, other_cookie)
        bell = WebsocketCommunicator(application, "/ws/me/", headers=[ORIGIN, (b"cookie", own_cookie)])
        await connected(own)
        await connected(other)
        assert (await bell.connect())[0]
        assert (await bell.receive_json_from())["type"] == "hello"
        assert (await bell.receive_json_from())["type"] == "notifications"
        first = await post(thread=live_thread, author=participant, body="First")
        with pytest.raises(services.RateLimited):
            await post(thread=live_thread, author=participant, body="Too soon")
        error = await next_of(own, "error")
        assert error["code"] == "rate_limited"
        assert error["message"]
        assert 0 < error["retry_after"] <= 61
        # The other member only sees the first comment.
        assert (await next_of(other, "event"))["sequence"] == 1
        while not await other.receive_nothing(timeout=0.2):
            assert (await other.receive_json_from())["type"] != "error"
        # The bell's socket lives on (it has nothing to show for the refusal).
        await post(thread=live_thread, author=coordinator, body="A reply", parent=first)
        assert await bell.receive_json_from(timeout=2) == {"type": "notifications", "unread": 1}
        await own.disconnect()
        await other.disconnect()
        await bell.disconnect()

    run(scenario)


def test_the_sockets_of_a_thread_share_one_database_read_per_broadcast(live_thread, participant, coordinator):
    from workspace.discussions.rendering import EventBatch

    members = [participant, coordinator, make_member("participant"), make_member("focal_point", government_code="HN")]
    cookies = [session_cookie_for(member) for member in members]
    reads = []
    real_read = EventBatch.read.__func__

    def counted_read(cls, **kwargs):
        reads.append(kwargs)
        return real_read(cls, **kwargs)

    async def scenario():
        comms = [communicator(live_thread.pk, cookie) for cookie in cookies]
        for comm in comms:
            await connected(comm)
        for comm in comms:  # every connect's own replay and presence are over
            while not await comm.receive_nothing(timeout=0.2):
                await comm.receive_json_from()
        with mock.patch.object(EventBatch, "read", classmethod(counted_read)):
            comment = await post(thread=live_thread, author=participant, body="Shared read")
            events = [await next_of(comm, "event") for comm in comms]
        assert [event["comment_id"] for event in events] == [comment.pk] * len(comms)
        assert len(reads) == 1
        # Each member still gets their own fragment: only the author may edit, only the
        # coordinator moderates.
        by_member = dict(zip(members, (event["html"] for event in events), strict=True))
        assert f"edit-{comment.pk}" in by_member[participant]
        assert f"edit-{comment.pk}" not in by_member[members[2]]
        assert "/hide/" in by_member[coordinator] and "/hide/" not in by_member[members[3]]
        for comm in comms:
            await comm.disconnect()

    run(scenario)


def test_a_shared_read_that_does_not_cover_the_waking_sequence_is_read_again(live_thread, participant):
    async def scenario():
        stale = await consumers.shared_batch(live_thread.pk, after=0, covering=0)
        assert stale.latest == 0
        comment = await post(thread=live_thread, author=participant, body="After the cached read")
        fresh = await consumers.shared_batch(live_thread.pk, after=0, covering=1)
        assert fresh.latest == 1
        assert [comment_id for _, _, comment_id in fresh.events] == [comment.pk]

    run(scenario)
