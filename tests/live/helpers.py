"""Websocket plumbing shared by the tests of the page socket (on top of tests/discussions/helpers.py)."""

import json

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from tests.discussions.helpers import ORIGIN, committed, open_stream, page_socket
from workspace.asgi import application
from workspace.discussions import services

__all__ = [
    "bell_socket",
    "close_code",
    "next_of",
    "open_page",
    "open_stream",
    "page_socket",
    "post",
    "quiet",
    "subscribe",
]


async def next_of(comm, *types, timeout=2):
    """The next message of one of these types, skipping the others (presence, heartbeats, typing)."""
    while True:
        message = await comm.receive_json_from(timeout=timeout)
        if message["type"] in types:
            return message


async def open_page(comm, timeout=2):
    """Connect and read the hello."""
    connected, code = await comm.connect(timeout=timeout)
    assert connected, code
    hello = await comm.receive_json_from(timeout=timeout)
    assert hello["type"] == "hello", hello
    return hello


async def subscribe(comm, streams, timeout=2):
    """Subscribe to several streams ({name: cursor}); return {name: the `subscribed` or `refused` answer}."""
    await comm.send_json_to({"type": "subscribe", "streams": streams})
    answers = {}
    while len(answers) < len(streams):
        message = await next_of(comm, "subscribed", "refused", timeout=timeout)
        answers[message["stream"]] = message
    return answers


async def close_code(comm, timeout=2):
    """The code the server closes the socket with (skipping what it sent before)."""
    output = await comm.receive_output(timeout=timeout)
    while output["type"] != "websocket.close":
        output = await comm.receive_output(timeout=timeout)
    return output["code"]


async def quiet(comm, timeout=0.2):
    """Every message that arrives until the socket stays quiet for `timeout`."""
    messages = []
    while not await comm.receive_nothing(timeout=timeout):
        output = await comm.receive_output()
        if output["type"] == "websocket.close":
            messages.append({"type": "close", "code": output["code"]})
            return messages
        messages.append(json.loads(output["text"]))
    return messages


def post(**kwargs):
    """`services.post_comment` as a request would run it (on-commit pushes run), from async code."""
    return sync_to_async(committed)(services.post_comment, **kwargs)


def bell_socket(cookie, *, origin=ORIGIN):
    headers = [header for header in (origin, (b"cookie", cookie) if cookie else None) if header]
    return WebsocketCommunicator(application, "/ws/me/", headers=headers)
