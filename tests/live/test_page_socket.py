"""The base consumer and the page socket (`/ws/pages/<id>/`): refusals, one socket for every stream
of a page, one conversation across a page's languages, declared parts and a page type's own rule,
and what the services push (captured, after commit).

Scenarios run with `async_to_sync` inside the test's transaction (`sockets_in_test_transaction`).
"""

from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Page

from tests.discussions.helpers import committed, refusal_code, session_cookie_for
from tests.factories import parts_page
from tests.live.helpers import close_code, next_of, open_page, page_socket, post, quiet, subscribe
from tests.testapp.models import PARTS, InviteesPage
from workspace.discussions import services
from workspace.discussions.models import Comment, Thread
from workspace.live.groups import member_group, page_group
from workspace.live.testing import capture_pushes

pytestmark = pytest.mark.usefixtures("sockets_in_test_transaction")


def run(scenario):
    async_to_sync(scenario)()


# --- Refusals: accepted, then closed with the code ------------------------------------------------


async def accepted_then_closed(comm):
    """A refused socket completes the handshake (so the browser reads the code) and is then closed."""
    connected, _ = await comm.connect()
    assert connected, "refused before accept: the browser would only see 1006"
    code = await close_code(comm)
    await comm.disconnect()
    return code


def test_an_anonymous_socket_is_accepted_then_closed_with_4401(live_page):
    async def scenario():
        assert await accepted_then_closed(page_socket(live_page.pk)) == 4401

    run(scenario)


def test_a_page_the_member_may_not_see_is_4403_and_a_missing_one_4404(draft_page, focal_point_hn, focal_point_gt):
    stranger, owner = session_cookie_for(focal_point_hn), session_cookie_for(focal_point_gt)

    async def scenario():
        assert await accepted_then_closed(page_socket(draft_page.pk, stranger)) == 4403
        assert await accepted_then_closed(page_socket(999999, stranger)) == 4404
        # The draft's own government opens it.
        assert await refusal_code(page_socket(draft_page.pk, owner)) is None

    run(scenario)


def test_too_many_sockets_is_4429(live_page, participant, settings):
    settings.LIVE_WS_MAX_SOCKETS_PER_MEMBER = 1
    cookie = session_cookie_for(participant)

    async def scenario():
        first = page_socket(live_page.pk, cookie)
        await open_page(first)
        assert await accepted_then_closed(page_socket(live_page.pk, cookie)) == 4429
        await first.disconnect()

    run(scenario)


def database_down(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def test_while_the_database_is_down_a_socket_is_accepted_then_closed_with_1011(live_page, participant):
    # The session's member is read by Channels' auth middleware, before any consumer runs: without
    # the guard the handshake is answered with HTTP 500 (a traceback in the log, 1006 in the browser).
    cookie = session_cookie_for(participant)

    async def scenario():
        with mock.patch("channels.auth.get_user", side_effect=database_down):
            assert await accepted_then_closed(page_socket(live_page.pk, cookie)) == 1011

    run(scenario)


@pytest.fixture
def in_memory_layer(settings):
    # With the Redis layer this scenario does not end inside the test's communicator (the consumer's
    # cancelled receive on Redis is not returned to it; not understood). Under daphne with Redis a
    # handshake during the database fault is checked by the production check (bench/soak.py).
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_a_database_error_in_the_access_check_closes_with_1011_and_takes_no_place(
    live_page, participant, in_memory_layer
):
    cookie = session_cookie_for(participant)

    async def scenario():
        with mock.patch("workspace.live.consumers.open_page_socket", side_effect=database_down):
            assert await accepted_then_closed(page_socket(live_page.pk, cookie)) == 1011
        # The failed socket was never counted against the member's limit.
        assert not await cache.aget(f"live:sockets:{participant.pk}")

    run(scenario)


def test_a_channel_layer_that_is_down_is_1011_and_frees_the_socket_count(live_page, participant, settings):
    settings.LIVE_WS_MAX_SOCKETS_PER_MEMBER = 1
    cookie = session_cookie_for(participant)

    async def scenario():
        layer = get_channel_layer()
        with mock.patch.object(layer, "group_add", mock.AsyncMock(side_effect=ConnectionError("Redis is down"))):
            assert await accepted_then_closed(page_socket(live_page.pk, cookie)) == 1011
        # The failed socket does not count against the member's limit of one.
        comm = page_socket(live_page.pk, cookie)
        assert (await open_page(comm)) == {"type": "hello", "page_id": live_page.pk}
        await comm.disconnect()

    run(scenario)


# --- One socket, every stream of the page ---------------------------------------------------------


def test_twelve_declared_parts_are_twelve_streams_on_one_socket(participant, coordinator):
    page = parts_page()
    thread = services.get_or_create_thread(page=page, anchor=f"part-{PARTS}")
    cookie = session_cookie_for(participant)
    names = ["discussion:", *(f"discussion:part-{number}" for number in range(1, PARTS + 1))]

    async def scenario():
        comm = page_socket(page.pk, cookie)
        await open_page(comm)
        answers = await subscribe(comm, dict.fromkeys(names))
        assert {name: answer["type"] for name, answer in answers.items()} == dict.fromkeys(names, "subscribed")
        assert len(names) == PARTS + 1
        comment = await post(thread=thread, author=coordinator, body="On the last part")
        event = await next_of(comm, "event")
        assert (event["stream"], event["sequence"], event["comment_id"]) == (f"discussion:part-{PARTS}", 1, comment.pk)
        assert "On the last part" in event["html"]
        # Only that stream moved.
        assert [message for message in await quiet(comm) if message["type"] == "event"] == []
        await comm.disconnect()

    run(scenario)


def test_a_french_socket_receives_live_a_comment_posted_on_the_spanish_page_in_french(participant, coordinator):
    spanish = parts_page(translate_to=("fr",))
    french = Page.objects.get(translation_key=spanish.translation_key, locale__language_code="fr")
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(french.pk, cookie)
        assert (await open_page(comm))["page_id"] == french.pk
        assert (await subscribe(comm, {"discussion:": 0}))["discussion:"]["type"] == "subscribed"

        def post_on_the_spanish_page():
            return committed(
                services.post_comment_on_page, page=spanish, anchor="", author=coordinator, body="Hola a todos"
            )

        comment = await sync_to_async(post_on_the_spanish_page)()
        event = await next_of(comm, "event")
        assert (event["comment_id"], event["sequence"]) == (comment.pk, 1)
        assert "Hola a todos" in event["html"]
        assert "Répondre" in event["html"] and "Responder" not in event["html"]
        await comm.disconnect()

    run(scenario)
    thread = Thread.objects.get(translation_key=spanish.translation_key, anchor="")
    assert thread.group_name == page_group(french.translation_key)


def test_an_undeclared_anchor_is_refused_on_the_socket_and_over_http(live_page, participant, client_for):
    cookie = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(live_page.pk, cookie)
        await open_page(comm)
        answers = await subscribe(comm, {"discussion:nope": None, "unknown:": None, "discussion:": None})
        assert answers["discussion:nope"] == {"type": "refused", "stream": "discussion:nope", "code": 4404}
        assert answers["unknown:"] == {"type": "refused", "stream": "unknown:", "code": 4404}
        assert answers["discussion:"]["type"] == "subscribed"  # a refused stream leaves the socket open
        await comm.disconnect()

    run(scenario)
    with capture_pushes() as pushes:
        response = client_for(participant).post(
            reverse("discussions:post", args=[live_page.pk]),
            {"body": "On no part", "anchor": "nope"},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 400
    assert not Thread.objects.filter(translation_key=live_page.translation_key).exists()
    assert not Comment.objects.filter(body__contains="On no part").exists()
    assert pushes == []


def test_a_page_types_rule_refuses_a_participant_but_not_a_coordinator(participant, coordinator):
    page = parts_page(model=InviteesPage)
    cookies = {"participant": session_cookie_for(participant), "coordinator": session_cookie_for(coordinator)}
    wanted = {"discussion:open": None, "discussion:closed": None}

    async def scenario():
        answers = {}
        for role, cookie in cookies.items():
            comm = page_socket(page.pk, cookie)
            await open_page(comm)
            answers[role] = {name: answer["type"] for name, answer in (await subscribe(comm, wanted)).items()}
            if role == "participant":
                assert (await subscribe(comm, {"discussion:closed": 0}))["discussion:closed"]["code"] == 4403
            await comm.disconnect()
        return answers

    assert async_to_sync(scenario)() == {
        "participant": {"discussion:open": "subscribed", "discussion:closed": "refused"},
        "coordinator": {"discussion:open": "subscribed", "discussion:closed": "subscribed"},
    }


# --- What the services push -----------------------------------------------------------------------


def test_pushes_are_captured_only_after_commit_and_none_for_a_failed_post(live_page, participant, settings):
    thread = services.get_or_create_thread(page=live_page)
    with capture_pushes(deliver=False) as pushes, TestCase.captureOnCommitCallbacks(execute=True):
        services.post_comment(thread=thread, author=participant, body="Committed")
        assert pushes == []  # not before the commit
    assert pushes.to(thread.group_name) == [{"type": "stream.event", "stream": "discussion:", "sequence": 1}]

    # A post that fails after recording its event rolls back, and its push with it.
    failing = mock.patch.object(services.notifications, "notify_comment_posted", side_effect=RuntimeError("boom"))
    with (
        capture_pushes(deliver=False) as pushes,
        TestCase.captureOnCommitCallbacks(execute=True),
        failing,
        pytest.raises(RuntimeError),
    ):
        services.post_comment(thread=thread, author=participant, body="Rolled back")
    assert pushes == []

    # A refused post pushes nothing to the page and leaves no trace.
    settings.DISCUSSIONS_RATE_LIMITS = ((60, 1),)
    with capture_pushes(deliver=False) as pushes, TestCase.captureOnCommitCallbacks(execute=True):
        with pytest.raises(services.RateLimited):
            services.post_comment(thread=thread, author=participant, body="Too soon")
        with pytest.raises(ValidationError):
            services.post_comment(thread=thread, author=participant, body="   ")
    assert pushes.of_type("stream.event") == []
    assert list(Comment.objects.filter(thread=thread).values_list("body", flat=True)) == ["<p>Committed</p>"]
    thread.refresh_from_db()
    assert thread.last_sequence == 1


def test_the_capture_also_records_what_is_sent_at_once(live_page, participant, settings):
    thread = services.get_or_create_thread(page=live_page)
    settings.DISCUSSIONS_RATE_LIMITS = ((60, 0),)
    with capture_pushes(deliver=False) as pushes, pytest.raises(services.RateLimited):
        services.post_comment(thread=thread, author=participant, body="Too soon")
    assert [(group, message["type"]) for group, message in pushes] == [
        (member_group(participant.pk), "member.rate_limited")
    ]


def test_a_burst_of_sockets_from_one_member_opens_only_the_limit(live_page, participant, settings):
    """50 handshakes at once (an abuser, or one member's tabs reconnecting): 10 open, the rest 4429."""
    import asyncio

    cookie = session_cookie_for(participant)

    async def outcome(comm):
        connected, _ = await comm.connect(timeout=10)
        assert connected
        first = await comm.receive_output(timeout=10)
        if first["type"] == "websocket.close":
            return first["code"]
        return "open"

    async def scenario():
        sockets = [page_socket(live_page.pk, cookie) for _ in range(50)]
        outcomes = await asyncio.gather(*(outcome(comm) for comm in sockets))
        assert sorted(outcomes, key=str) == [4429] * 40 + ["open"] * 10
        await asyncio.gather(*(comm.disconnect() for comm in sockets))

    run(scenario)
