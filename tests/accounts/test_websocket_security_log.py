"""Every refused websocket (accepted, then closed with its code) is one JSON line in the security log:
event, user, path, close code; no secrets."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from tests.discussions.conftest import make_draft_page
from tests.discussions.helpers import ORIGIN, page_socket, refusal_code, session_cookie_for
from workspace.asgi import application

pytestmark = pytest.mark.usefixtures("sockets_in_test_transaction")


def denied_events(caplog):
    lines = [record.getMessage() for record in caplog.records if record.name == "workspace.security"]
    assert all("\n" not in line and "\r" not in line for line in lines)
    return [event for event in map(json.loads, lines) if event["event"] == "websocket_denied"]


def connect(comm):
    async def scenario():
        result = await comm.connect()
        await comm.disconnect()
        return result

    return async_to_sync(scenario)()


def refused(comm):
    """The close code of a socket accepted then closed (None when it stays open)."""

    async def scenario():
        code = await refusal_code(comm)
        await comm.disconnect()
        return code

    return async_to_sync(scenario)()


def assert_no_secrets(caplog, cookie):
    session_key = cookie.decode().split("=", 1)[1]
    assert session_key not in caplog.text
    assert "cookie" not in caplog.text.lower()


def test_an_anonymous_member_socket_is_logged_with_4401(caplog):
    assert refused(WebsocketCommunicator(application, "/ws/me/", headers=[ORIGIN])) == 4401
    [event] = denied_events(caplog)
    assert event["close_code"] == 4401
    assert event["path"] == "/ws/me/"
    assert "user_id" not in event


def test_a_stranger_on_a_draft_page_is_logged_with_4403_and_their_id(caplog, focal_point_hn):
    page = make_draft_page("GT")
    cookie = session_cookie_for(focal_point_hn)
    assert refused(page_socket(page.pk, cookie)) == 4403
    [event] = denied_events(caplog)
    assert event["close_code"] == 4403
    assert event["user_id"] == focal_point_hn.pk
    assert event["path"] == f"/ws/pages/{page.pk}/"
    assert_no_secrets(caplog, cookie)


def test_a_missing_page_is_logged_with_4404(caplog, participant):
    cookie = session_cookie_for(participant)
    assert refused(page_socket(999999, cookie)) == 4404
    [event] = denied_events(caplog)
    assert event["close_code"] == 4404 and event["user_id"] == participant.pk
    assert_no_secrets(caplog, cookie)


def test_too_many_sockets_is_logged_with_4429(caplog, participant, live_page, settings):
    settings.LIVE_WS_MAX_SOCKETS_PER_MEMBER = 1
    cookie = session_cookie_for(participant)

    async def scenario():
        first = page_socket(live_page.pk, cookie)
        assert await refusal_code(first) is None
        second = page_socket(live_page.pk, cookie)
        assert await refusal_code(second) == 4429
        await second.disconnect()
        await first.disconnect()

    async_to_sync(scenario)()
    [event] = denied_events(caplog)
    assert event["close_code"] == 4429 and event["user_id"] == participant.pk


def test_an_accepted_socket_logs_nothing(caplog, participant, live_page):
    assert refused(page_socket(live_page.pk, session_cookie_for(participant))) is None
    assert denied_events(caplog) == []


def test_a_foreign_origin_is_refused_at_the_handshake_and_logged(caplog, participant, live_page):
    cookie = session_cookie_for(participant)
    comm = page_socket(live_page.pk, cookie, origin=(b"origin", b"https://evil.example.com"))
    connected, _ = connect(comm)
    assert not connected
    [event] = denied_events(caplog)
    assert event["reason"] == "origin"
    assert event["origin"] == "https://evil.example.com"
    assert event["path"] == f"/ws/pages/{live_page.pk}/"
    assert_no_secrets(caplog, cookie)


def test_a_missing_origin_is_logged(caplog, participant, live_page):
    connected, _ = connect(page_socket(live_page.pk, session_cookie_for(participant), origin=None))
    assert not connected
    [event] = denied_events(caplog)
    assert event["reason"] == "origin" and event["origin"] == ""


def test_cr_and_lf_in_a_refused_path_stay_on_one_line(caplog):
    comm = WebsocketCommunicator(
        application, '/ws/me/%0D%0A{"event": "forged"}', headers=[(b"origin", b"https://evil.example.com")]
    )
    connected, _ = connect(comm)
    assert not connected
    [event] = denied_events(caplog)
    assert "\r\n" in event["path"]
