"""Shared by the discussion tests: XSS payloads, an HTML cleanliness check, websocket plumbing."""

import re
from html.parser import HTMLParser

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client, TestCase

from workspace.asgi import application

ORIGIN = (b"origin", b"http://127.0.0.1:8000")

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">link</a>',
    '<a href="  JaVaScRiPt:alert(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    '<a href="https://example.org" onclick="alert(1)" target="_blank">link</a>',
    "<svg/onload=alert(1)>",
    '<iframe src="https://evil.example.com"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '"><script>alert(document.cookie)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    '<form action="https://evil.example.com"><button>go</button></form>',
    "<details open ontoggle=alert(1)>x</details>",
    "<strong onmouseover=alert(1)>bold</strong>",
    "<scr<script>ipt>alert(1)</script>",
    '<a href="https://example.org/" rel="opener">link</a>',
]

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_clean_comment_html(html):
    """Only the light formatting survives: allowed tags, `href` on links (http/https/mailto), our rel."""
    parser = _Collector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, (tag, html)
        if tag == "a":
            assert set(attrs) <= {"href", "rel"}, (attrs, html)
            assert attrs.get("rel") == "nofollow noopener", html
            if "href" in attrs:
                assert re.match(r"^(https?:|mailto:)", attrs["href"]), html
        else:
            assert not attrs, (tag, attrs, html)


def comment_bodies(html):
    return re.findall(r'<div class="comment__body[^"]*">(.*?)</div>', html, flags=re.S)


def session_cookie_for(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def page_socket(page_id, cookie=None, *, origin=ORIGIN):
    """A websocket to a page's one socket (`/ws/pages/<id>/`)."""
    headers = [header for header in (origin, (b"cookie", cookie) if cookie else None) if header]
    return WebsocketCommunicator(application, f"/ws/pages/{page_id}/", headers=headers)


async def refusal_code(comm, timeout=2):
    """Connect and return the close code of a refused socket (accepted, then closed), or None if it stays open."""
    connected, code = await comm.connect(timeout=timeout)
    if not connected:
        return code
    while True:
        output = await comm.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output["code"]
        if output["type"] == "websocket.send":
            return None


async def open_stream(comm, stream, after=None, timeout=2):
    """Connect (hello), subscribe to one stream with a cursor, return the `subscribed` message."""
    connected, code = await comm.connect(timeout=timeout)
    assert connected, code
    hello = await comm.receive_json_from(timeout=timeout)
    assert hello["type"] == "hello", hello
    await comm.send_json_to({"type": "subscribe", "streams": {stream: after}})
    while True:
        message = await comm.receive_json_from(timeout=timeout)
        if message["type"] in ("subscribed", "refused"):
            return message


def committed(function, /, **kwargs):
    """Call a service as the end of a request would: its on-commit broadcasts run."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(**kwargs)


def final_status(client, method, url, data=None, **extra):
    """The status the endpoint answers (a refused request is not redirected anywhere)."""
    response = getattr(client, method)(url, data or {}, **extra)
    return response.status_code
