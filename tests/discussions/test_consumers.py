"""A discussion on the page socket: who may connect, replay without gaps or duplicates, live events, limits.

Scenarios run with `async_to_sync` inside the test's transaction (see `sockets_in_test_transaction`);
tests/discussions/test_transactions.py repeats the essentials with real commits, tests/live/ the
socket's own rules (refusals, parts, languages).
"""

import asyncio
from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import TestCase
from django.urls import reverse

from tests.discussions.helpers import (
    XSS_PAYLOADS,
    assert_clean_comment_html,
    comment_bodies,
    committed,
    refusal_code,
    session_cookie_for,
)
from tests.factories import make_member, parts_page
from tests.live.helpers import (
    bell_socket,
    close_code,
    next_of,
    open_page,
    open_stream,
    page_socket,
    post,
    quiet,
    subscribe,
)
from workspace.discussions import services
from workspace.discussions.models import Comment
from workspace.discussions.rendering import EventBatch
from workspace.live import streams
from workspace.live.testing import capture_pushes

pytestmark = pytest.mark.usefixtures("sockets_in_test_transaction")

PAGE = "discussion:"


def run(scenario):
    async_to_sync(scenario)()


def discussion_kind():
    kind, _ = streams.parse(PAGE)
    return kind


def events_in(messages):
    return [message for message in messages if message["type"] == "event"]


# --- Who may connect and subscribe ---------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [(b"origin", b"https://evil.example.com"), (b"origin", b"null"), None],
    ids=["foreign origin", "null origin", "no origin"],
)
def test_a_socket_from_elsewhere_is_refused_at_the_handshake(live_page, participant, origin):
    cookie = session_cookie_for(participant)

    async def scenario():
        connected, _ = await page_socket(live_page.pk, cookie, origin=origin).connect()
        assert not connected

    run(scenario)


def test_anonymous_is_4401_a_stranger_on_a_draft_4403_and_its_government_gets_in(
    draft_page, focal_point_hn, focal_point_gt
):
    stranger, owner = session_cookie_for(focal_point_hn), session_cookie_for(focal_point_gt)

    async def scenario():
        assert await refusal_code(page_socket(draft_page.pk)) == 4401
        assert await refusal_code(page_socket(draft_page.pk, stranger)) == 4403
        comm = page_socket(draft_page.pk, owner)
        assert (await open_stream(comm, PAGE))["type"] == "subscribed"
        await comm.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    "subscription",
    [{"streams": {PAGE: -3}}, {"streams": {PAGE: "abc"}}, {"streams": {PAGE: 1.5}}, {"streams": [PAGE]}, {}],
    ids=["negative cursor", "text cursor", "fractional cursor", "a list", "no streams"],
)
def test_a_missing_page_is_4404_and_a_malformed_subscription_4400(live_page, participant, subscription):
    cookie = session_cookie_for(participant)

    async def scenario():
        assert await refusal_code(page_socket(999999, cookie)) == 4404
        comm = page_socket(live_page.pk, cookie)
        await open_page(comm)
        await comm.send_json_to({"type": "subscribe", **subscription})
        assert await close_code(comm) == 4400
        await comm.disconnect()

    run(scenario)


def test_a_boolean_cursor_is_malformed(live_page, participant):
    # JSON `true` is not a sequence (Python's bool is an int): it must not replay from 1.
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        await open_page(comm)
        await comm.send_json_to({"type": "subscribe", "streams": {PAGE: True}})
        assert await close_code(comm) == 4400
        await comm.disconnect()

    run(scenario)


# --- Live events and replay ------------------------------------------------------------------------


def test_two_clients_both_receive_a_post(live_page, participant, coordinator, focal_point_gt):
    thread = services.get_or_create_thread(page=live_page)
    cookies = [session_cookie_for(participant), session_cookie_for(coordinator)]

    async def scenario():
        comms = [page_socket(live_page.pk, cookie) for cookie in cookies]
        for comm in comms:
            assert await open_stream(comm, PAGE) == {"type": "subscribed", "stream": PAGE, "sequence": 0}
        comment = await post(thread=thread, author=focal_point_gt, body="Hello, both")
        for comm in comms:
            event = await next_of(comm, "event")
            assert (event["stream"], event["sequence"], event["kind"]) == (PAGE, 1, "posted")
            assert (event["comment_id"], event["parent_id"], event["locked"]) == (comment.pk, None, False)
            assert "Hello, both" in event["html"] and f'id="comment-{comment.pk}"' in event["html"]
            await comm.disconnect()

    run(scenario)


@pytest.mark.parametrize("when", ["before the replay reads", "after the replay reads"])
def test_replay_from_a_cursor_has_no_gap_and_no_duplicate_while_posts_arrive(live_page, participant, when):
    thread = services.get_or_create_thread(page=live_page)
    for number in range(1, 4):
        services.post_comment(thread=thread, author=participant, body=f"Comment {number}")
    cookie = session_cookie_for(participant)
    kind = discussion_kind()
    real_read = kind.read
    calls = []

    def read_with_a_post_racing(**kwargs):
        racing = not calls
        calls.append(kwargs["after"])
        if racing and when.startswith("before"):
            committed(services.post_comment, thread=thread, author=participant, body="Racing")
        result = real_read(**kwargs)
        if racing and when.startswith("after"):
            committed(services.post_comment, thread=thread, author=participant, body="Racing")
        return result

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        with mock.patch.object(kind, "read", read_with_a_post_racing):
            assert (await open_stream(comm, PAGE, after=1))["sequence"] == 3
            received = []
            while len(received) < 3:
                received.append(await next_of(comm, "event"))
            await asyncio.sleep(0.2)
            assert events_in(await quiet(comm, timeout=0.1)) == []
        assert calls[0] == 1
        assert [event["sequence"] for event in received] == [2, 3, 4]
        assert "Racing" in received[-1]["html"]
        await comm.disconnect()

    run(scenario)


def test_without_a_cursor_the_stream_starts_live(live_page, participant):
    thread = services.get_or_create_thread(page=live_page)
    services.post_comment(thread=thread, author=participant, body="Old news")
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        assert (await open_stream(comm, PAGE, after=None))["sequence"] == 1
        await post(thread=thread, author=participant, body="Fresh")
        assert (await next_of(comm, "event"))["sequence"] == 2
        await comm.disconnect()

    run(scenario)


def test_the_heartbeat_carries_each_streams_latest_sequence_and_fills_a_lost_push(live_page, participant, settings):
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    thread = services.get_or_create_thread(page=live_page)
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        await open_stream(comm, PAGE, after=0)
        assert await next_of(comm, "heartbeat") == {"type": "heartbeat", "streams": {PAGE: 0}, "present": 1}
        # The channel layer loses the push (at-most-once); the next heartbeat reads it anyway.
        with capture_pushes(deliver=False) as lost:
            await post(thread=thread, author=participant, body="Lost push")
        assert lost.to(thread.group_name) == [{"type": "stream.event", "stream": PAGE, "sequence": 1}]
        event = await next_of(comm, "event", "heartbeat")
        assert (event["type"], event["sequence"]) == ("event", 1)
        assert (await next_of(comm, "heartbeat"))["streams"] == {PAGE: 1}
        await comm.disconnect()

    run(scenario)


def test_hostile_comments_reach_the_socket_clean(live_page, participant, settings):
    settings.DISCUSSIONS_RATE_LIMITS = ()
    thread = services.get_or_create_thread(page=live_page)
    for number, payload in enumerate(XSS_PAYLOADS):
        services.post_comment(thread=thread, author=participant, body=f"Hola {payload}", idempotency_key=str(number))
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        await open_stream(comm, PAGE, after=0)
        for _ in XSS_PAYLOADS:
            html = (await next_of(comm, "event"))["html"]
            [body] = comment_bodies(html)
            assert_clean_comment_html(body)
            assert "onerror" not in html.lower() and "javascript:" not in html.lower()
        await comm.disconnect()

    run(scenario)


def test_moderation_and_locking_are_live(live_page, participant, coordinator):
    thread = services.get_or_create_thread(page=live_page)
    comment = services.post_comment(thread=thread, author=coordinator, body="Secret phone number")
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        await open_stream(comm, PAGE)
        await sync_to_async(committed)(services.hide_comment, comment=comment, moderator=coordinator, reason="Privacy")
        event = await next_of(comm, "event")
        assert (event["kind"], event["comment_id"]) == ("hidden", comment.pk)
        assert "Secret phone number" not in event["html"] and "comment__placeholder" in event["html"]
        await sync_to_async(committed)(services.lock_thread, thread=thread, moderator=coordinator)
        event = await next_of(comm, "event")
        assert (event["kind"], event["comment_id"], event["locked"]) == ("locked", None, True)
        await comm.disconnect()

    run(scenario)


def test_a_failing_channel_layer_keeps_the_comment_and_a_reconnect_catches_up(live_page, participant, client_for):
    broken = mock.Mock(group_send=mock.AsyncMock(side_effect=ConnectionError("Redis is down")))
    client = client_for(participant)
    with (
        mock.patch("workspace.live.sender.get_channel_layer", return_value=broken),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        response = client.post(
            reverse("discussions:post", args=[live_page.pk]), {"body": "Saved"}, HTTP_ACCEPT="application/json"
        )
    assert response.status_code == 201 and broken.group_send.await_count == 1
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        await open_stream(comm, PAGE, after=0)
        event = await next_of(comm, "event")
        assert event["sequence"] == 1 and "Saved" in event["html"]
        await comm.disconnect()

    run(scenario)
    assert Comment.objects.filter(body="<p>Saved</p>").exists()


# --- Presence and typing ---------------------------------------------------------------------------


def test_presence_counts_members_and_typing_is_throttled(live_page, participant, coordinator, settings):
    settings.LIVE_PRESENCE_SECONDS = 0
    first, second = session_cookie_for(participant), session_cookie_for(coordinator)

    async def scenario():
        a = page_socket(live_page.pk, first)
        await open_page(a)
        assert (await next_of(a, "presence"))["count"] == 1
        await subscribe(a, {PAGE: None})
        b = page_socket(live_page.pk, second)
        await open_page(b)
        assert (await next_of(b, "presence"))["count"] == 2
        assert (await next_of(a, "presence"))["count"] == 2
        await subscribe(b, {PAGE: None})
        for _ in range(3):
            await a.send_json_to({"type": "typing", "stream": PAGE})
        typing = await next_of(b, "typing")
        assert typing == {"type": "typing", "stream": PAGE, "user_id": participant.pk, "name": str(participant)}
        assert await b.receive_nothing(timeout=0.3)  # throttled: one notice for three keystrokes
        assert await a.receive_nothing(timeout=0.1)  # nobody hears their own typing
        # Typing on a stream the socket does not follow is ignored.
        await a.send_json_to({"type": "typing", "stream": "discussion:elsewhere"})
        assert await b.receive_nothing(timeout=0.2)
        await b.disconnect()
        assert (await next_of(a, "presence"))["count"] == 1
        await a.disconnect()

    run(scenario)


def test_presence_is_per_page_across_its_languages(participant, coordinator, settings):
    from wagtail.models import Page

    settings.LIVE_PRESENCE_SECONDS = 0
    spanish = parts_page(translate_to=("en",))
    english = Page.objects.get(translation_key=spanish.translation_key, locale__language_code="en")
    first, second = session_cookie_for(participant), session_cookie_for(coordinator)

    async def scenario():
        a = page_socket(spanish.pk, first)
        await open_page(a)
        assert (await next_of(a, "presence"))["count"] == 1
        b = page_socket(english.pk, second)
        await open_page(b)
        assert (await next_of(b, "presence"))["count"] == 2
        assert (await next_of(a, "presence"))["count"] == 2
        await a.disconnect()
        await b.disconnect()

    run(scenario)


def test_presence_changes_within_the_window_are_announced_once_with_the_settled_count(
    live_page, participant, coordinator, settings
):
    settings.LIVE_PRESENCE_SECONDS = 1.5
    members = [participant, coordinator, make_member("participant"), make_member("participant")]
    cookies = [session_cookie_for(member) for member in members]

    async def presences(comm, within):
        return [message["count"] for message in await quiet(comm, timeout=within) if message["type"] == "presence"]

    async def scenario():
        first = page_socket(live_page.pk, cookies[0])
        await open_page(first)
        others = [page_socket(live_page.pk, cookie) for cookie in cookies[1:]]
        for number, comm in enumerate(others, start=2):
            await open_page(comm)
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


# --- Limits ----------------------------------------------------------------------------------------


def test_a_frame_too_big_closes_with_4413(live_page, participant, settings):
    settings.LIVE_WS_MAX_FRAME_BYTES = 100
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        await open_page(comm)
        await comm.send_to(text_data='{"type": "typing", "padding": "' + "x" * 200 + '"}')
        assert await close_code(comm) == 4413
        await comm.disconnect()

    run(scenario)


def test_too_many_messages_close_with_4429_and_junk_with_4400(live_page, participant, settings):
    settings.LIVE_WS_MESSAGES_PER_SECOND = 1
    settings.LIVE_WS_MESSAGE_BURST = 3
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        await open_page(comm)
        for _ in range(4):
            await comm.send_json_to({"type": "ping"})
        assert await close_code(comm) == 4429
        await comm.disconnect()
        for junk in ("not json", "[1, 2]", '"subscribe"'):
            comm = page_socket(live_page.pk, cookie)
            await open_page(comm)
            await comm.send_to(text_data=junk)
            assert await close_code(comm) == 4400, junk
            await comm.disconnect()

    run(scenario)


def test_a_socket_follows_a_limited_number_of_streams(participant, settings):
    settings.LIVE_MAX_STREAMS_PER_SOCKET = 2
    page = parts_page()
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(page.pk, cookie)
        await open_page(comm)
        await comm.send_json_to({"type": "subscribe", "streams": {PAGE: None, "discussion:part-1": None}})
        assert (await next_of(comm, "subscribed"))["stream"] == PAGE
        assert (await next_of(comm, "subscribed"))["stream"] == "discussion:part-1"
        await comm.send_json_to({"type": "subscribe", "streams": {"discussion:part-2": None}})
        assert await close_code(comm) == 4429
        await comm.disconnect()

    run(scenario)


def test_a_member_has_a_limited_number_of_sockets(live_page, participant, coordinator, settings):
    settings.LIVE_WS_MAX_SOCKETS_PER_MEMBER = 2
    cookie, other = session_cookie_for(participant), session_cookie_for(coordinator)

    async def scenario():
        comms = [page_socket(live_page.pk, cookie) for _ in range(2)]
        for comm in comms:
            await open_page(comm)
        assert await refusal_code(page_socket(live_page.pk, cookie)) == 4429
        # The bell counts too: the limit is per member, over every socket of theirs.
        assert await refusal_code(bell_socket(cookie)) == 4429
        someone_else = page_socket(live_page.pk, other)
        await open_page(someone_else)  # the limit is per member
        await comms[0].disconnect()
        again = page_socket(live_page.pk, cookie)
        await open_page(again)  # a closed socket frees its place
        for comm in (comms[1], someone_else, again):
            await comm.disconnect()

    run(scenario)


def test_a_member_who_loses_access_is_disconnected_at_the_next_heartbeat(draft_page, settings):
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    member = make_member("focal_point", government_code="GT")
    cookie = session_cookie_for(member)

    def move_out_of_gt():
        from django.contrib.auth.models import Group

        member.groups.set([Group.objects.get(name="Participants")])

    async def scenario():
        comm = page_socket(draft_page.pk, cookie)
        await open_stream(comm, PAGE)
        await sync_to_async(move_out_of_gt)()
        assert await close_code(comm) == 4403
        await comm.disconnect()

    run(scenario)


def test_a_socket_hears_only_the_streams_it_follows_and_only_its_pages(live_page, participant):
    page = parts_page()
    one = services.get_or_create_thread(page=page, anchor="part-1")
    two = services.get_or_create_thread(page=page, anchor="part-2")
    elsewhere = services.get_or_create_thread(page=live_page)
    assert one.group_name == two.group_name != elsewhere.group_name  # one group per page
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(page.pk, cookie)
        await open_stream(comm, "discussion:part-1")
        await post(thread=two, author=participant, body="Another part")
        await post(thread=elsewhere, author=participant, body="Another page")
        await asyncio.sleep(0.2)
        assert events_in(await quiet(comm, timeout=0.1)) == []
        await post(thread=one, author=participant, body="This part")
        assert (await next_of(comm, "event"))["stream"] == "discussion:part-1"
        # Unsubscribed, the stream goes quiet.
        await comm.send_json_to({"type": "unsubscribe", "streams": ["discussion:part-1"]})
        await post(thread=one, author=participant, body="Not followed any more")
        await asyncio.sleep(0.2)
        assert events_in(await quiet(comm, timeout=0.1)) == []
        await comm.disconnect()

    run(scenario)


def test_over_the_rate_limit_the_members_own_page_sockets_get_an_error_and_nobody_elses(
    live_page, participant, coordinator, settings
):
    settings.DISCUSSIONS_RATE_LIMITS = ((60, 1),)
    thread = services.get_or_create_thread(page=live_page)
    other_page = parts_page()
    own_cookie, other_cookie = session_cookie_for(participant), session_cookie_for(coordinator)

    async def scenario():
        own = page_socket(live_page.pk, own_cookie)
        own_elsewhere = page_socket(other_page.pk, own_cookie)
        other = page_socket(live_page.pk, other_cookie)
        bell = bell_socket(own_cookie)
        await open_stream(own, PAGE)
        await open_page(own_elsewhere)
        await open_stream(other, PAGE)
        assert (await bell.connect())[0]
        assert await bell.receive_json_from() == {"type": "hello"}
        assert (await bell.receive_json_from())["type"] == "notifications"
        first = await post(thread=thread, author=participant, body="First")
        with pytest.raises(services.RateLimited):
            await post(thread=thread, author=participant, body="Too soon")
        for comm in (own, own_elsewhere):  # every page socket of the member, every tab
            error = await next_of(comm, "error")
            assert error["code"] == "rate_limited"
            assert error["message"]
            assert 0 < error["retry_after"] <= 61
        # The other member only sees the first comment.
        assert (await next_of(other, "event"))["sequence"] == 1
        assert [message for message in await quiet(other) if message["type"] == "error"] == []
        # The bell's socket lives on (it has nothing to show for the refusal).
        await post(thread=thread, author=coordinator, body="A reply", parent=first)
        assert await next_of(bell, "notifications") == {"type": "notifications", "unread": 1}
        for comm in (own, own_elsewhere, other, bell):
            await comm.disconnect()

    run(scenario)


def test_the_sockets_of_a_page_share_one_database_read_per_push(live_page, participant, coordinator):
    thread = services.get_or_create_thread(page=live_page)
    members = [participant, coordinator, make_member("participant"), make_member("focal_point", government_code="HN")]
    cookies = [session_cookie_for(member) for member in members]
    reads = []
    real_read = EventBatch.read.__func__

    def counted_read(cls, **kwargs):
        reads.append(kwargs)
        return real_read(cls, **kwargs)

    async def scenario():
        comms = [page_socket(live_page.pk, cookie) for cookie in cookies]
        for comm in comms:
            await open_stream(comm, PAGE)
        for comm in comms:  # every subscription's own replay and presence are over
            await quiet(comm)
        with mock.patch.object(EventBatch, "read", classmethod(counted_read)):
            comment = await post(thread=thread, author=participant, body="Shared read")
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


def test_a_shared_read_that_does_not_cover_the_waking_sequence_is_read_again(live_page, participant):
    thread = services.get_or_create_thread(page=live_page)
    kind = discussion_kind()

    async def scenario():
        stale = await streams.shared_read(kind, page=live_page, key="", after=0, covering=0)
        assert stale.latest == 0
        comment = await post(thread=thread, author=participant, body="After the cached read")
        fresh = await streams.shared_read(kind, page=live_page, key="", after=0, covering=1)
        assert fresh.latest == 1
        assert [comment_id for _, _, comment_id in fresh.events] == [comment.pk]

    run(scenario)
